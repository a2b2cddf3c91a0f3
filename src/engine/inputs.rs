//! One arm's inputs as plain numbers, resolved from a draw of the parameters.

use crate::model::{Baseline, HomeCost, Intervention, ProgrammeCost, ProgrammeSpec, ReachSpec};
use crate::params::Values;

/// Everything one arm of one iteration needs, with the levers folded in (neutral for baseline).
#[derive(Debug, Clone, PartialEq)]
pub struct ArmInputs {
    pub families: [f64; 4],
    pub children_per_family: [f64; 4],
    pub children_in_care: f64,
    pub transitions: [[f64; 4]; 4],
    /// Probability a child at home in a family of each state enters care in a year, times the
    /// intervention's care-entry relative risk, not yet capped at 1: the engine multiplies in a
    /// programme's relative risk first, then caps the product at 1.
    pub entry_rate: [f64; 4],
    pub exit_rate: f64,
    /// Cost per child at home per year, by the family's state.
    pub unit_cost: [f64; 4],
    pub care_cost: f64,
    /// Share of the would-be looked-after children kept out of care each year.
    pub keep_out_share: f64,
    /// Cost per year of a child kept out of care.
    pub home_cost: f64,
    /// One-off share of families moving up one state from chaotic, barely coping, coping.
    pub shift_up: [f64; 3],
    /// A programme that reaches families and changes their transitions and care entry.
    pub programme: Option<Programme>,
}

/// How many families a programme tries to reach each year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// A number of families a year.
    Families(f64),
    /// A share of the untreated families in the target states each year.
    Share(f64),
}

/// A targeted programme's reach and effect, as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// Which states' families it works with.
    pub targets: [bool; 4],
    pub reach: Reach,
    /// Most families it can take on in a year.
    pub capacity: f64,
    /// Years (from year 0) in which it reaches new families.
    pub years: u32,
    /// Relative risk on each move up the ladder, on each move down, and on care entry.
    pub up_rr: f64,
    pub down_rr: f64,
    pub entry_rr: f64,
    /// Years the full effect lasts after a family is reached.
    pub effect_years: u32,
    /// Share of the remaining effect lost each year after that.
    pub drop_off: f64,
}

impl Programme {
    /// Share of the full effect left `age` years after a family was reached: 1 for the first
    /// `effect_years` years, then `(1 - drop_off)` less each year.
    pub fn strength(&self, age: u32) -> f64 {
        if age < self.effect_years {
            1.0
        } else {
            (1.0 - self.drop_off).powi((age - self.effect_years + 1) as i32)
        }
    }

    /// A relative risk weakened to the given strength: 1 + strength x (rr - 1).
    pub fn effective(&self, rr: f64, strength: f64) -> f64 {
        1.0 + strength * (rr - 1.0)
    }

    /// The transition matrix of reached families: moves up scaled by the up relative risk,
    /// moves down by the down one, staying absorbing the difference. A drawn row whose moves
    /// would exceed 1 is scaled back to moves summing to 1 (validation refuses scenarios where
    /// that happens at the mean rows).
    pub fn rows(&self, base: &[[f64; 4]; 4], strength: f64) -> [[f64; 4]; 4] {
        let up = self.effective(self.up_rr, strength);
        let down = self.effective(self.down_rr, strength);
        std::array::from_fn(|s| treated_row(&base[s], s, up, down))
    }
}

/// One row with moves up multiplied by `up` and moves down by `down`.
pub fn treated_row(row: &[f64; 4], from: usize, up: f64, down: f64) -> [f64; 4] {
    if up == 1.0 && down == 1.0 {
        // Unchanged, bit for bit: a programme without effect must match the baseline exactly.
        return *row;
    }
    let mut out: [f64; 4] = std::array::from_fn(|to| match to.cmp(&from) {
        std::cmp::Ordering::Greater => row[to] * up,
        std::cmp::Ordering::Less => row[to] * down,
        std::cmp::Ordering::Equal => 0.0,
    });
    let moves: f64 = out.iter().sum();
    if moves > 1.0 {
        out = out.map(|x| x / moves);
        out[from] = 0.0;
    } else {
        out[from] = 1.0 - moves;
    }
    out
}

impl ArmInputs {
    /// The baseline arm: the population as it is, no levers.
    pub fn baseline(model: &Baseline, v: &Values) -> ArmInputs {
        let get4 = |ids: &[crate::params::ScalarId; 4]| ids.map(|id| v.get(id));
        let uc = &model.unit_costs;
        let coping = v.get(uc.coping);
        let barely = coping * v.get(uc.barely_coping_multiplier);
        let chaotic = barely * v.get(uc.chaotic_multiplier);
        let thriving = coping * v.get(uc.thriving_multiplier);
        ArmInputs {
            families: get4(&model.families),
            children_per_family: get4(&model.children_per_family),
            children_in_care: v.get(model.children_in_care),
            transitions: model.transitions.map(|id| v.row(id)),
            entry_rate: get4(&model.entry_rate).map(|r| (r * v.get(model.entry_scale)).min(1.0)),
            exit_rate: v.get(model.exit_rate),
            unit_cost: [chaotic, barely, coping, thriving],
            care_cost: v.get(model.care_cost),
            keep_out_share: 0.0,
            home_cost: 0.0,
            shift_up: [0.0; 3],
            programme: None,
        }
    }

    /// The intervention arm: the baseline with the intervention's levers applied.
    pub fn intervention(baseline: &ArmInputs, lever: &Intervention, v: &Values) -> ArmInputs {
        let mut arm = baseline.clone();
        if let Some(keep) = &lever.keep_out_of_care {
            arm.keep_out_share = v.get(keep.share);
            arm.home_cost = match keep.home_cost {
                HomeCost::Amount(id) => v.get(id),
                HomeCost::State(s) => baseline.unit_cost[s],
            };
        }
        if let Some(rr) = lever.care_entry_relative_risk {
            let rr = v.get(rr);
            // Capped at 1 only where it is used, after any programme's relative risk.
            arm.entry_rate = baseline.entry_rate.map(|p| p * rr);
        }
        for (share, id) in arm.shift_up.iter_mut().zip(&lever.shift_up) {
            if let Some(id) = id {
                *share = v.get(*id);
            }
        }
        arm.programme = lever.programme.as_ref().map(|p| Programme::new(p, v));
        arm
    }
}

impl Programme {
    /// The programme's numbers in one draw of the parameters.
    pub fn new(spec: &ProgrammeSpec, v: &Values) -> Programme {
        Programme {
            targets: spec.targets,
            reach: match spec.reach {
                ReachSpec::Families(id) => Reach::Families(v.get(id)),
                ReachSpec::Share(id) => Reach::Share(v.get(id)),
            },
            capacity: spec.capacity.map_or(f64::INFINITY, |id| v.get(id)),
            years: spec.years,
            up_rr: v.get(spec.up_relative_risk),
            down_rr: v.get(spec.down_relative_risk),
            entry_rr: v.get(spec.care_entry_relative_risk),
            // Whole years: a drawn 2.6 lasts 3 years.
            effect_years: v
                .get(spec.effect_years)
                .round()
                .clamp(0.0, f64::from(u32::MAX)) as u32,
            drop_off: v.get(spec.drop_off),
        }
    }
}

/// The programme's cost in each year of the horizon, undiscounted, optimism bias included.
///
/// `reached[t]` is the number of families a targeted programme took on in year `t`; without a
/// targeted programme (`None`) the cost's own `families_per_year` is charged instead.
///
/// # Formula
/// `(1 + optimism_bias) * (setup [t = 0] + (running + per_family * families_t) [t < years])`
pub fn programme_costs(
    programme: Option<&ProgrammeCost>,
    v: &Values,
    horizon: u32,
    reached: Option<&[f64]>,
) -> Vec<f64> {
    let Some(p) = programme else {
        return vec![0.0; horizon as usize];
    };
    let uplift = 1.0 + v.get(p.optimism_bias);
    let per_family = v.get(p.per_family);
    (0..horizon)
        .map(|t| {
            let setup = if t == 0 { v.get(p.setup) } else { 0.0 };
            let families = match reached {
                Some(r) => r.get(t as usize).copied().unwrap_or(0.0),
                None => v.get(p.families_per_year),
            };
            let running = if t < p.years {
                v.get(p.running_per_year) + per_family * families
            } else {
                0.0
            };
            uplift * (setup + running)
        })
        .collect()
}
