//! The serde mirror of a scenario file: as close to the TOML as possible, nothing checked yet.
//!
//! Unknown keys are refused here (`deny_unknown_fields`), with the position toml reports.
//! Every number an analyst may make uncertain is kept as a spanned `toml::Value`, so that
//! validation can read "a number or a distribution table" itself, report every problem at once,
//! and point at the line of each.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// A number, or a table describing a distribution, with its place in the file.
pub type RawParam = Spanned<toml::Value>;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "prevsim scenario",
    description = "A prevsim scenario: families, care, unit costs and the interventions compared with the baseline. Every number may be a plain value or a distribution table, with its source and register entries."
)]
pub struct RawScenario {
    /// Short name: the output folder `OUT/<name>/` (default: the file's name without `.toml`).
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// A title for charts and reports.
    pub title: Option<String>,
    /// A longer description, shown at the top of the report.
    pub description: Option<String>,
    /// How to run: horizon, iterations, seed, discounting.
    pub run: RawRun,
    /// Families per state, children per family, children in care at the start.
    pub population: RawPopulation,
    /// Where a family in each state is one year later: [chaotic, barely_coping, coping, thriving] probabilities, or a Dirichlet (`mean` with `concentration`, or `counts`).
    #[schemars(with = "PerState<super::schema::RowParam>")]
    pub transitions: PerState<RawParam>,
    /// Children entering and leaving care, and what a child-year in care costs.
    pub care: RawCare,
    /// The Peterborough cost ladder: a coping-family child's yearly cost and the multipliers up the ladder.
    pub unit_costs: RawUnitCosts,
    /// Optional: who pays for each cost (shares in the order of `names`, each list summing to 1).
    pub agencies: Option<RawAgencies>,
    /// The interventions compared with the baseline, each a set of levers.
    #[serde(default)]
    pub interventions: Vec<RawIntervention>,
    /// Claims from documents, with the figure each is about and its test, checked by `prevsim check`.
    #[serde(default)]
    #[schemars(with = "Vec<super::claims::RawClaim>")]
    pub claims: Vec<Spanned<super::claims::RawClaim>>,
    /// The area whose published figures the model is fitted to (see [`super::calibration`]).
    #[schemars(with = "Option<super::calibration::RawCalibration>")]
    pub calibration: Option<Spanned<super::calibration::RawCalibration>>,
}

/// `[agencies]`: agency names, and each unit cost's shares in the order of the names.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAgencies {
    /// Agency names, such as ["children's services", "health"].
    #[schemars(with = "Vec<String>")]
    pub names: Spanned<Vec<String>>,
    /// Shares of a chaotic-family child's cost, one per agency, summing to 1.
    #[schemars(with = "Vec<f64>")]
    pub chaotic: Spanned<Vec<f64>>,
    /// Shares of a barely-coping-family child's cost, one per agency, summing to 1.
    #[schemars(with = "Vec<f64>")]
    pub barely_coping: Spanned<Vec<f64>>,
    /// Shares of a coping-family child's cost, one per agency, summing to 1.
    #[schemars(with = "Vec<f64>")]
    pub coping: Spanned<Vec<f64>>,
    /// Shares of a thriving-family child's cost, one per agency, summing to 1.
    #[schemars(with = "Vec<f64>")]
    pub thriving: Spanned<Vec<f64>>,
    /// Shares of a looked-after child's cost, one per agency, summing to 1.
    #[schemars(with = "Vec<f64>")]
    pub care: Spanned<Vec<f64>>,
    /// Shares of the home cost of children kept out of care (default: as `care`).
    #[schemars(with = "Option<Vec<f64>>")]
    pub kept_out_of_care: Option<Spanned<Vec<f64>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    /// Horizon in years, 1 to 200.
    #[schemars(with = "i64")]
    pub years: Spanned<i64>,
    /// Monte Carlo iterations (default 10,000; `--iterations` overrides).
    #[schemars(with = "Option<i64>")]
    pub iterations: Option<Spanned<i64>>,
    /// Random seed: the same seed gives the same results (`--seed` overrides).
    #[schemars(with = "Option<i64>")]
    pub seed: Option<Spanned<i64>>,
    /// "green_book" (3.5% a year to year 30, then 3%), "none", or a yearly rate such as 0.035.
    #[schemars(with = "Option<super::schema::DiscountParam>")]
    pub discount: Option<RawParam>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerState<T> {
    /// Chaotic families.
    pub chaotic: T,
    /// Barely coping families.
    pub barely_coping: T,
    /// Coping families.
    pub coping: T,
    /// Thriving families.
    pub thriving: T,
}

impl<T> PerState<T> {
    /// The four entries, worst state first.
    pub fn as_array(&self) -> [&T; 4] {
        [
            &self.chaotic,
            &self.barely_coping,
            &self.coping,
            &self.thriving,
        ]
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    /// Families in each state at the start.
    #[schemars(with = "PerState<super::schema::Param>")]
    pub families: PerState<RawParam>,
    /// Mean children per family in each state.
    #[schemars(with = "PerState<super::schema::Param>")]
    pub children_per_family: PerState<RawParam>,
    /// Looked-after children at the start.
    #[schemars(with = "super::schema::Param")]
    pub children_in_care: RawParam,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCare {
    /// Each year's chance that a child living at home enters care, by the family's state.
    #[schemars(with = "PerState<super::schema::Param>")]
    pub entry_rate: PerState<RawParam>,
    /// Each year's chance that a looked-after child leaves care.
    #[schemars(with = "super::schema::Param")]
    pub exit_rate: RawParam,
    /// Cost of a child in care for a year, in pounds.
    #[schemars(with = "super::schema::Param")]
    pub cost: RawParam,
    /// A multiplier on every state's entry rate (default 1), the input `prevsim calibrate` fits.
    #[schemars(with = "Option<super::schema::Param>")]
    pub entry_scale: Option<RawParam>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUnitCosts {
    /// Yearly cost of services for a child in a coping family, in pounds.
    #[schemars(with = "super::schema::Param")]
    pub coping: RawParam,
    /// A barely-coping-family child costs this many times a coping one (default 10, the Peterborough ladder).
    #[schemars(with = "Option<super::schema::Param>")]
    pub barely_coping_multiplier: Option<RawParam>,
    /// A chaotic-family child costs this many times a barely coping one (default 7).
    #[schemars(with = "Option<super::schema::Param>")]
    pub chaotic_multiplier: Option<RawParam>,
    /// A thriving-family child costs this many times a coping one (required: not in the documents).
    #[schemars(with = "super::schema::Param")]
    pub thriving_multiplier: RawParam,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIntervention {
    /// The intervention's name, as shown in results.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// What the intervention is, in a sentence.
    pub description: Option<String>,
    /// Each year a share of the children who would be looked after stay at home.
    pub keep_out_of_care: Option<RawKeepOut>,
    /// Multiplies every state's care entry rate (capped at 1).
    #[schemars(with = "Option<super::schema::Param>")]
    pub care_entry_relative_risk: Option<RawParam>,
    /// A one-off share of each state's families moves up one state at the start.
    pub shift_up: Option<RawShiftUp>,
    /// A targeted programme: who it reaches each year and its effect on them.
    pub programme: Option<RawProgrammeEffect>,
    /// What the intervention costs: per family, set-up, running, optimism bias, who pays.
    pub programme_cost: Option<RawProgramme>,
}

/// `[interventions.programme]`: a targeted programme's reach and effect.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProgrammeEffect {
    /// States whose families the programme takes on, such as ["chaotic", "barely_coping"].
    #[schemars(with = "Vec<String>")]
    pub target_states: Spanned<Vec<Spanned<String>>>,
    /// Families taken on each year (or give `share_per_year`).
    #[schemars(with = "Option<super::schema::Param>")]
    pub families_per_year: Option<RawParam>,
    /// Share of the untreated target families taken on each year (or give `families_per_year`).
    #[schemars(with = "Option<super::schema::Param>")]
    pub share_per_year: Option<RawParam>,
    /// At most this many families taken on in a year.
    #[schemars(with = "Option<super::schema::Param>")]
    pub capacity: Option<RawParam>,
    /// Years in which the programme takes on new families (default: the horizon).
    #[schemars(with = "Option<i64>")]
    pub years: Option<Spanned<i64>>,
    /// Multiplies a reached family's chance of moving up the ladder.
    #[schemars(with = "Option<super::schema::Param>")]
    pub up_relative_risk: Option<RawParam>,
    /// Multiplies a reached family's chance of moving down the ladder.
    #[schemars(with = "Option<super::schema::Param>")]
    pub down_relative_risk: Option<RawParam>,
    /// Multiplies the care entry rate of a reached family's children.
    #[schemars(with = "Option<super::schema::Param>")]
    pub care_entry_relative_risk: Option<RawParam>,
    /// Years the full effect lasts from intake (default: the horizon).
    #[schemars(with = "Option<super::schema::Param>")]
    pub effect_years: Option<RawParam>,
    /// Share of the remaining effect lost each year after `effect_years` (default 1: it ends at once).
    #[schemars(with = "Option<super::schema::Param>")]
    pub drop_off: Option<RawParam>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKeepOut {
    /// Share of the children who would be looked after who stay at home instead, 0 to 1.
    #[schemars(with = "super::schema::Param")]
    pub share: RawParam,
    /// What such a child costs at home a year: an amount (default 0, the documents' arithmetic) or a state name such as "chaotic".
    #[schemars(with = "Option<super::schema::HomeCostParam>")]
    pub home_cost: Option<RawParam>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShiftUp {
    /// Share of chaotic families that move to barely coping at the start.
    #[schemars(with = "Option<super::schema::Param>")]
    pub chaotic: Option<RawParam>,
    /// Share of barely coping families that move to coping at the start.
    #[schemars(with = "Option<super::schema::Param>")]
    pub barely_coping: Option<RawParam>,
    /// Share of coping families that move to thriving at the start.
    #[schemars(with = "Option<super::schema::Param>")]
    pub coping: Option<RawParam>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProgramme {
    /// Cost per family reached, in pounds.
    #[schemars(with = "Option<super::schema::Param>")]
    pub per_family: Option<RawParam>,
    /// Families charged for each year (only without a `[programme]`, which counts those it reaches).
    #[schemars(with = "Option<super::schema::Param>")]
    pub families_per_year: Option<RawParam>,
    /// One-off set-up cost in the first year, in pounds.
    #[schemars(with = "Option<super::schema::Param>")]
    pub setup: Option<RawParam>,
    /// Running cost each year the programme runs, in pounds.
    #[schemars(with = "Option<super::schema::Param>")]
    pub running_per_year: Option<RawParam>,
    /// Years the programme runs and costs accrue (default: the programme's, else the horizon).
    #[schemars(with = "Option<i64>")]
    pub years: Option<Spanned<i64>>,
    /// Green Book optimism bias: uplift on every programme cost (0.2 = +20%).
    #[schemars(with = "Option<super::schema::Param>")]
    pub optimism_bias: Option<RawParam>,
    /// The agency that pays (required when the scenario has `[agencies]`).
    #[schemars(with = "Option<String>")]
    pub funded_by: Option<Spanned<String>>,
}

/// Facts recorded beside a parameter's value in its table (`{ value = ..., source = ... }`):
/// where the figure comes from and, for money, what period and prices it is in.
///
/// Read by serde from the table's keys listed in [`META_KEYS`]; to allow a new fact on every
/// parameter, add a field here and its key there.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    /// A document, or "assumption: why".
    pub source: Option<String>,
    /// Money only: the period the figure is for, "week", "month" or "year" (the default).
    pub per: Option<String>,
    /// Money only: the year whose prices the figure is in, recorded as a fact (not converted).
    pub price_year: Option<i64>,
    /// The assumptions register's entries (read and checked by `scenario::meta`): the kind of
    /// evidence, who owns the figure, who signed it off and when, when it is due for review.
    #[allow(dead_code)]
    pub evidence: Option<toml::Value>,
    #[allow(dead_code)]
    pub owner: Option<toml::Value>,
    #[allow(dead_code)]
    pub signed_off: Option<toml::Value>,
    #[allow(dead_code)]
    pub review_by: Option<toml::Value>,
}

/// The keys of [`RawMeta`] that any parameter table may hold.
pub const META_KEYS: &[&str] = &["source", "evidence", "owner", "signed_off", "review_by"];
/// The keys of [`RawMeta`] that only a money parameter's table may hold.
pub const MONEY_META_KEYS: &[&str] = &["per", "price_year"];

/// Where each key of the file belongs (table header, keys), for "`per_family` belongs in
/// `[interventions.programme_cost]`". State names are left out: they belong in many tables.
pub const SECTIONS: &[(&str, &[&str])] = &[
    (
        "the top level (above the first [table])",
        &["name", "title", "description"],
    ),
    ("[run]", &["years", "iterations", "seed", "discount"]),
    (
        "[population]",
        &["families", "children_per_family", "children_in_care"],
    ),
    ("[care]", &["entry_rate", "exit_rate", "cost"]),
    (
        "[unit_costs]",
        &[
            "barely_coping_multiplier",
            "chaotic_multiplier",
            "thriving_multiplier",
        ],
    ),
    ("[agencies]", &["names", "kept_out_of_care"]),
    (
        "[[interventions]]",
        &[
            "name",
            "description",
            "keep_out_of_care",
            "care_entry_relative_risk",
            "shift_up",
            "programme",
            "programme_cost",
        ],
    ),
    (
        "[interventions.programme]",
        &[
            "target_states",
            "families_per_year",
            "share_per_year",
            "capacity",
            "years",
            "up_relative_risk",
            "down_relative_risk",
            "care_entry_relative_risk",
            "effect_years",
            "drop_off",
        ],
    ),
    (
        "[interventions.programme_cost]",
        &[
            "per_family",
            "families_per_year",
            "setup",
            "running_per_year",
            "years",
            "optimism_bias",
            "funded_by",
        ],
    ),
    ("[interventions.keep_out_of_care]", &["share", "home_cost"]),
];
