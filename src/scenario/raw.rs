//! The serde mirror of a scenario file: as close to the TOML as possible, nothing checked yet.
//!
//! Unknown keys are refused here (`deny_unknown_fields`), with the position toml reports.
//! Every number an analyst may make uncertain is kept as a spanned `toml::Value`, so that
//! validation can read "a number or a distribution table" itself, report every problem at once,
//! and point at the line of each.

use serde::Deserialize;
use toml::Spanned;

/// A number, or a table describing a distribution, with its place in the file.
pub type RawParam = Spanned<toml::Value>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<Spanned<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub run: RawRun,
    pub population: RawPopulation,
    pub transitions: PerState<RawParam>,
    pub care: RawCare,
    pub unit_costs: RawUnitCosts,
    pub agencies: Option<RawAgencies>,
    #[serde(default)]
    pub interventions: Vec<RawIntervention>,
    /// Claims from documents, checked by `prevsim check` (see [`super::claims`]).
    #[serde(default)]
    pub claims: Vec<Spanned<super::claims::RawClaim>>,
}

/// `[agencies]`: agency names, and each unit cost's shares in the order of the names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgencies {
    pub names: Spanned<Vec<String>>,
    pub chaotic: Spanned<Vec<f64>>,
    pub barely_coping: Spanned<Vec<f64>>,
    pub coping: Spanned<Vec<f64>>,
    pub thriving: Spanned<Vec<f64>>,
    pub care: Spanned<Vec<f64>>,
    pub kept_out_of_care: Option<Spanned<Vec<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    pub years: Spanned<i64>,
    pub iterations: Option<Spanned<i64>>,
    pub seed: Option<Spanned<i64>>,
    pub discount: Option<RawParam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerState<T> {
    pub chaotic: T,
    pub barely_coping: T,
    pub coping: T,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    pub families: PerState<RawParam>,
    pub children_per_family: PerState<RawParam>,
    pub children_in_care: RawParam,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCare {
    pub entry_rate: PerState<RawParam>,
    pub exit_rate: RawParam,
    pub cost: RawParam,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnitCosts {
    pub coping: RawParam,
    pub barely_coping_multiplier: Option<RawParam>,
    pub chaotic_multiplier: Option<RawParam>,
    pub thriving_multiplier: RawParam,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIntervention {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub keep_out_of_care: Option<RawKeepOut>,
    pub care_entry_relative_risk: Option<RawParam>,
    pub shift_up: Option<RawShiftUp>,
    pub programme: Option<RawProgrammeEffect>,
    pub programme_cost: Option<RawProgramme>,
}

/// `[interventions.programme]`: a targeted programme's reach and effect.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgrammeEffect {
    pub target_states: Spanned<Vec<Spanned<String>>>,
    pub families_per_year: Option<RawParam>,
    pub share_per_year: Option<RawParam>,
    pub capacity: Option<RawParam>,
    pub years: Option<Spanned<i64>>,
    pub up_relative_risk: Option<RawParam>,
    pub down_relative_risk: Option<RawParam>,
    pub care_entry_relative_risk: Option<RawParam>,
    pub effect_years: Option<RawParam>,
    pub drop_off: Option<RawParam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeepOut {
    pub share: RawParam,
    pub home_cost: Option<RawParam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShiftUp {
    pub chaotic: Option<RawParam>,
    pub barely_coping: Option<RawParam>,
    pub coping: Option<RawParam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgramme {
    pub per_family: Option<RawParam>,
    pub families_per_year: Option<RawParam>,
    pub setup: Option<RawParam>,
    pub running_per_year: Option<RawParam>,
    pub years: Option<Spanned<i64>>,
    pub optimism_bias: Option<RawParam>,
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
}

/// The keys of [`RawMeta`] that any parameter table may hold.
pub const META_KEYS: &[&str] = &["source"];
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
