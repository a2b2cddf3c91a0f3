//! The validated model: states, baseline and interventions, expressed through parameter ids.
//!
//! This is what a scenario means once it has been checked (see `scenario` for the file format).
//! Every number is a [`ScalarId`] or [`RowId`] into the scenario's [`ParamSet`], so one
//! structure serves both the fixed base case and every Monte Carlo draw.

use crate::params::{RowId, ScalarId};
use crate::vocab::State;

/// The four family states, worst to best (docs/model.md, "States and counts").
pub const STATES: [&str; 4] = [
    State::Chaotic.name(),
    State::BarelyCoping.name(),
    State::Coping.name(),
    State::Thriving.name(),
];

/// Index of a state by its name in the scenario file.
pub fn state_index(name: &str) -> Option<usize> {
    STATES.iter().position(|s| *s == name)
}

/// The region's families and children at the start, and how they move.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub families: [ScalarId; 4],
    pub children_per_family: [ScalarId; 4],
    pub children_in_care: ScalarId,
    /// `transitions[s]` is where a family in state `s` is one year later.
    pub transitions: [RowId; 4],
    pub entry_rate: [ScalarId; 4],
    /// Multiplies every state's entry rate (capped at 1); 1 unless the scenario says.
    pub entry_scale: ScalarId,
    pub exit_rate: ScalarId,
    pub unit_costs: UnitCosts,
    pub care_cost: ScalarId,
}

/// The Peterborough cost ladder: a coping-family child's cost and the multipliers.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCosts {
    pub coping: ScalarId,
    pub barely_coping_multiplier: ScalarId,
    pub chaotic_multiplier: ScalarId,
    pub thriving_multiplier: ScalarId,
}

/// What a child kept out of care costs at home.
#[derive(Debug, Clone, PartialEq)]
pub enum HomeCost {
    /// A set amount per child-year (zero reproduces the documents' arithmetic).
    Amount(ScalarId),
    /// The unit cost of a child in a family of this state (the honest net view: `chaotic`).
    State(usize),
}

/// The "keep a share of children out of care" lever (docs/model.md, "Levers").
#[derive(Debug, Clone, PartialEq)]
pub struct KeepOutOfCare {
    pub share: ScalarId,
    pub home_cost: HomeCost,
}

/// Programme costs: per family reached, fixed set-up and running costs, optimism bias.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeCost {
    pub per_family: ScalarId,
    pub families_per_year: ScalarId,
    pub setup: ScalarId,
    pub running_per_year: ScalarId,
    /// Years the programme runs (and its yearly costs accrue), from year 0.
    pub years: u32,
    /// Green Book optimism bias: a proportional uplift on every programme cost.
    pub optimism_bias: ScalarId,
    /// The agency that pays for the programme (an index into [`Agencies::names`]).
    pub funded_by: Option<usize>,
}

/// How many families a programme takes on each year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReachSpec {
    /// A number of families a year.
    Families(ScalarId),
    /// A share of the untreated families in the target states each year.
    Share(ScalarId),
}

/// A targeted programme (docs/model.md, "Programmes"): whom it reaches and what it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeSpec {
    /// Which family states it works with.
    pub targets: [bool; 4],
    pub reach: ReachSpec,
    /// Most families it can take on in a year; `None` for no limit.
    pub capacity: Option<ScalarId>,
    /// Years (from year 0) in which it takes on new families.
    pub years: u32,
    /// Relative risk on a reached family's moves up the ladder.
    pub up_relative_risk: ScalarId,
    /// Relative risk on a reached family's moves down the ladder.
    pub down_relative_risk: ScalarId,
    /// Relative risk on care entry for the children of a reached family.
    pub care_entry_relative_risk: ScalarId,
    /// Years the full effect lasts after a family is reached (a draw is rounded to whole years).
    pub effect_years: ScalarId,
    /// Share of the remaining effect lost each year after that.
    pub drop_off: ScalarId,
}

/// Who pays for each unit cost (the Total Place case for pooled budgets).
#[derive(Debug, Clone, PartialEq)]
pub struct Agencies {
    pub names: Vec<String>,
    /// `home[s][a]`: agency `a`'s share of the cost of a child at home in a family of state `s`.
    pub home: [Vec<f64>; 4],
    /// Each agency's share of the cost of a looked-after child.
    pub care: Vec<f64>,
    /// Each agency's share of the cost at home of a child kept out of care when that cost is an
    /// amount (when it is a state's unit cost, that state's shares apply).
    pub kept_out: Vec<f64>,
}

impl Agencies {
    /// One agency paying for everything: how totals are computed when a scenario names none.
    pub fn single() -> Agencies {
        Agencies {
            names: vec!["all services".to_string()],
            home: std::array::from_fn(|_| vec![1.0]),
            care: vec![1.0],
            kept_out: vec![1.0],
        }
    }
}

/// The baseline plus levers.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention {
    pub name: String,
    pub description: Option<String>,
    pub keep_out_of_care: Option<KeepOutOfCare>,
    /// Relative risk on every state's care entry rate.
    pub care_entry_relative_risk: Option<ScalarId>,
    /// One-off share of families in chaotic, barely coping and coping moving up one state.
    pub shift_up: [Option<ScalarId>; 3],
    /// A targeted programme that changes reached families' transitions and care entry.
    pub programme: Option<ProgrammeSpec>,
    pub programme_cost: Option<ProgrammeCost>,
}
