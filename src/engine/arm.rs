//! One arm of one iteration: the yearly cycle of MODEL.md section 2.
//!
//! The same code runs the fixed base case and a Monte Carlo draw. What differs is the
//! [`Draws`]: [`Expected`] replaces every binomial by its mean (exact expected-value
//! arithmetic, no sampling, no rounding), while [`Sampled`] draws each binomial from the stream
//! of its (iteration, year, event). States are counts held in `f64`; sampled counts are whole
//! numbers far below 2^53, so their sums are exact and families are conserved exactly.

use super::binomial::binomial;
use super::inputs::ArmInputs;
use crate::rng::{self, Event, SETUP_YEAR};

/// The state of an arm at the start of one year, and what that year cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearRecord {
    /// Children looked after this year (after any kept out of care).
    pub children_in_care: f64,
    /// Families in each state.
    pub families: [f64; 4],
    /// Cost of services for children living at home this year, undiscounted.
    pub cost_at_home: f64,
    /// Cost of the looked-after children this year, undiscounted.
    pub cost_in_care: f64,
    /// Cost at home of the children kept out of care this year, undiscounted.
    pub cost_kept_out: f64,
}

impl YearRecord {
    /// Cost of services this year, undiscounted (programme cost not included).
    pub fn cost(&self) -> f64 {
        self.cost_at_home + self.cost_in_care + self.cost_kept_out
    }

    /// Services saved this year against `baseline`, component by component (so identical
    /// components cancel exactly).
    pub fn saving_against(&self, baseline: &YearRecord) -> f64 {
        (baseline.cost_at_home - self.cost_at_home)
            + (baseline.cost_in_care - self.cost_in_care)
            + (baseline.cost_kept_out - self.cost_kept_out)
    }
}

/// How an arm turns probabilities into counts.
pub trait Draws {
    /// The number of successes of `n` trials with probability `p`.
    fn binomial(&mut self, n: f64, p: f64, year: u32, event: Event) -> f64;
    /// A count from an expected amount (children from families x mean children).
    fn count(&self, x: f64) -> f64;
}

/// Fixed mode: every draw is its expectation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected;

impl Draws for Expected {
    fn binomial(&mut self, n: f64, p: f64, _year: u32, _event: Event) -> f64 {
        n * p
    }

    fn count(&self, x: f64) -> f64 {
        x
    }
}

/// Monte Carlo: each (iteration, year, event) draws from its own stream.
#[derive(Debug, Clone, Copy)]
pub struct Sampled {
    key: u64,
}

impl Sampled {
    /// The draws of one iteration of a run with this seed.
    pub fn new(seed: u64, iteration: u64) -> Sampled {
        Sampled {
            key: rng::iteration_key(seed, iteration),
        }
    }
}

impl Draws for Sampled {
    fn binomial(&mut self, n: f64, p: f64, year: u32, event: Event) -> f64 {
        if n <= 0.0 || p <= 0.0 {
            return 0.0;
        }
        if p >= 1.0 {
            return n;
        }
        let mut stream = rng::event_stream(self.key, year, event);
        binomial(n as u64, p, &mut stream) as f64
    }

    fn count(&self, x: f64) -> f64 {
        x.round()
    }
}

/// Families after the one-off shift up the ladder, all moves taken from the starting counts.
fn shift_up<D: Draws>(families: [f64; 4], shares: &[f64; 3], draws: &mut D) -> [f64; 4] {
    let mut out = families;
    for (s, &share) in shares.iter().enumerate() {
        if share > 0.0 {
            let moved = draws.binomial(families[s], share, SETUP_YEAR, Event::ShiftUp(s));
            out[s] -= moved;
            out[s + 1] += moved;
        }
    }
    out
}

/// Moves every state's families with one multinomial draw, as conditional binomials.
fn transition<D: Draws>(
    families: &[f64; 4],
    p: &[[f64; 4]; 4],
    year: u32,
    draws: &mut D,
) -> [f64; 4] {
    let mut next = [0.0; 4];
    for (from, row) in p.iter().enumerate() {
        let mut remaining = families[from];
        let mut rest = 1.0;
        for to in 0..3 {
            let q = if rest > 0.0 {
                (row[to] / rest).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let moved = draws.binomial(remaining, q, year, Event::Transition { from, to });
            next[to] += moved;
            remaining -= moved;
            rest -= row[to];
        }
        next[3] += remaining;
    }
    next
}

/// Runs one arm for `years` cycles and returns each year's record.
pub fn simulate<D: Draws>(arm: &ArmInputs, years: u32, draws: &mut D) -> Vec<YearRecord> {
    let start = arm.families.map(|f| draws.count(f));
    let mut families = shift_up(start, &arm.shift_up, draws);
    let mut in_care = draws.count(arm.children_in_care);
    let mut records = Vec::with_capacity(years as usize);
    for year in 0..years {
        // 1. Costs on the stocks at the start of the year.
        let children: [f64; 4] =
            std::array::from_fn(|s| draws.count(families[s] * arm.children_per_family[s]));
        let kept_out = draws.count(in_care * arm.keep_out_share);
        let looked_after = in_care - kept_out;
        records.push(YearRecord {
            children_in_care: looked_after,
            families,
            cost_at_home: (0..4).map(|s| children[s] * arm.unit_cost[s]).sum(),
            cost_in_care: looked_after * arm.care_cost,
            cost_kept_out: kept_out * arm.home_cost,
        });
        if year + 1 == years {
            // What happens during the last year only shapes the year after the horizon.
            break;
        }
        // 2. Exits from care, 3. entries into care.
        let exits = draws.binomial(in_care, arm.exit_rate, year, Event::CareExit);
        let entries: f64 = (0..4)
            .map(|s| draws.binomial(children[s], arm.entry_rate[s], year, Event::CareEntry(s)))
            .sum();
        in_care = in_care - exits + entries;
        // 4. Family transitions.
        families = transition(&families, &arm.transitions, year, draws);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm() -> ArmInputs {
        ArmInputs {
            families: [100.0, 200.0, 300.0, 400.0],
            children_per_family: [2.0, 2.0, 1.5, 1.0],
            children_in_care: 50.0,
            transitions: [
                [0.5, 0.3, 0.2, 0.0],
                [0.1, 0.6, 0.2, 0.1],
                [0.0, 0.1, 0.8, 0.1],
                [0.0, 0.0, 0.1, 0.9],
            ],
            entry_rate: [0.1, 0.01, 0.001, 0.0],
            exit_rate: 0.4,
            unit_cost: [7000.0, 1000.0, 100.0, 50.0],
            care_cost: 80_000.0,
            keep_out_share: 0.0,
            home_cost: 0.0,
            shift_up: [0.0; 3],
        }
    }

    #[test]
    fn sampled_families_are_conserved_every_year() {
        for iteration in 0..50 {
            let mut draws = Sampled::new(9, iteration);
            for r in simulate(&arm(), 20, &mut draws) {
                assert_eq!(r.families.iter().sum::<f64>(), 1000.0);
                assert!(r.families.iter().all(|f| *f >= 0.0 && f.fract() == 0.0));
            }
        }
    }

    #[test]
    fn expected_first_transition_is_the_matrix_product() {
        let recs = simulate(&arm(), 2, &mut Expected);
        let f = arm().families;
        let p = arm().transitions;
        for (to, got) in recs[1].families.iter().enumerate() {
            let want: f64 = (0..4).map(|s| f[s] * p[s][to]).sum();
            assert!((got - want).abs() < 1e-9, "state {to}");
        }
    }
}
