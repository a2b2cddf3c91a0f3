//! One arm of one iteration: the yearly cycle of MODEL.md section 2.
//!
//! The same code runs the fixed base case and a Monte Carlo draw. What differs is the
//! [`Draws`]: [`Expected`] replaces every binomial by its mean (exact expected-value
//! arithmetic, no sampling, no rounding), while [`Sampled`] draws each binomial from the stream
//! of its (iteration, year, event). States are counts held in `f64`; sampled counts are whole
//! numbers far below 2^53, so their sums are exact and families are conserved exactly.

use super::binomial::binomial;
use super::inputs::{ArmInputs, Programme, Reach};
use crate::rng::{self, Event, SETUP_YEAR};

/// The state of an arm at the start of one year, and what that year cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearRecord {
    /// Children looked after this year (after any kept out of care).
    pub children_in_care: f64,
    /// Families in each state (treated and untreated).
    pub families: [f64; 4],
    /// Families ever reached by the programme, in any state.
    pub families_treated: f64,
    /// Families the programme reached at the start of this year.
    pub families_reached: f64,
    /// Cost of services for children living at home, by their family's state, undiscounted.
    pub cost_at_home: [f64; 4],
    /// Cost of the looked-after children this year, undiscounted.
    pub cost_in_care: f64,
    /// Cost at home of the children kept out of care this year, undiscounted.
    pub cost_kept_out: f64,
}

impl YearRecord {
    /// Cost of services this year, undiscounted (programme cost not included).
    pub fn cost(&self) -> f64 {
        self.cost_at_home.iter().sum::<f64>() + self.cost_in_care + self.cost_kept_out
    }

    /// Services saved this year against `baseline`, component by component (so identical
    /// components cancel exactly).
    pub fn saving_against(&self, baseline: &YearRecord) -> f64 {
        let home: f64 = (0..4)
            .map(|s| baseline.cost_at_home[s] - self.cost_at_home[s])
            .sum();
        home + (baseline.cost_in_care - self.cost_in_care)
            + (baseline.cost_kept_out - self.cost_kept_out)
    }
}

/// How an arm turns probabilities into counts.
pub trait Draws {
    /// The number of successes of `n` trials with probability `p`.
    fn binomial(&mut self, n: f64, p: f64, year: u32, event: Event) -> f64;
    /// A count from an expected amount (children from families x mean children).
    fn count(&self, x: f64) -> f64;
    /// True when counts are whole numbers (Monte Carlo), false for expected values.
    fn whole(&self) -> bool;
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

    fn whole(&self) -> bool {
        false
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

    fn whole(&self) -> bool {
        true
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
    event: impl Fn(usize, usize) -> Event,
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
            let moved = draws.binomial(remaining, q, year, event(from, to));
            next[to] += moved;
            remaining -= moved;
            rest -= row[to];
        }
        next[3] += remaining;
    }
    next
}

/// Splits `total` across states in proportion to `weights`; whole numbers (largest remainder,
/// ties to the worse state) when `whole`.
fn allocate(total: f64, weights: &[f64; 4], whole: bool) -> [f64; 4] {
    let sum: f64 = weights.iter().sum();
    if sum.is_nan() || sum <= 0.0 || total <= 0.0 {
        return [0.0; 4];
    }
    let exact = weights.map(|w| total * w / sum);
    if !whole {
        return exact;
    }
    let mut out = exact.map(f64::floor);
    let mut left = total - out.iter().sum::<f64>();
    let mut order = [0, 1, 2, 3];
    order.sort_by(|&a, &b| {
        (exact[b] - out[b])
            .total_cmp(&(exact[a] - out[a]))
            .then(a.cmp(&b))
    });
    for s in order {
        if left < 0.5 {
            break;
        }
        if weights[s] > 0.0 && out[s] + 1.0 <= weights[s] {
            out[s] += 1.0;
            left -= 1.0;
        }
    }
    out
}

/// Families the programme reaches this year, by state, taken from the untreated ones.
fn reach<D: Draws>(programme: &Programme, untreated: &[f64; 4], draws: &D) -> [f64; 4] {
    let pool: [f64; 4] = std::array::from_fn(|s| {
        if programme.targets[s] {
            untreated[s]
        } else {
            0.0
        }
    });
    let available: f64 = pool.iter().sum();
    let demand = match programme.reach {
        Reach::Families(n) => n,
        Reach::Share(x) => x * available,
    };
    let mut total = demand.min(programme.capacity).min(available).max(0.0);
    if draws.whole() {
        total = total.floor();
    }
    allocate(total, &pool, draws.whole())
}

/// One group of families with its own rates: the untreated, or one cohort of the programme.
struct Group<'a> {
    families: [f64; 4],
    entry_rate: [f64; 4],
    rows: [[f64; 4]; 4],
    entry_event: &'a dyn Fn(usize) -> Event,
    transition_event: &'a dyn Fn(usize, usize) -> Event,
}

/// Runs one arm for `years` cycles and returns each year's record.
pub fn simulate<D: Draws>(arm: &ArmInputs, years: u32, draws: &mut D) -> Vec<YearRecord> {
    let start = arm.families.map(|f| draws.count(f));
    let mut untreated = shift_up(start, &arm.shift_up, draws);
    // cohorts[c]: families reached in year c, by state now.
    let mut cohorts: Vec<[f64; 4]> = Vec::new();
    let mut in_care = draws.count(arm.children_in_care);
    let mut records = Vec::with_capacity(years as usize);
    for year in 0..years {
        // 0. The programme reaches new families at the start of the year.
        let reached = match &arm.programme {
            Some(p) if year < p.years => {
                let r = reach(p, &untreated, draws);
                for s in 0..4 {
                    untreated[s] -= r[s];
                }
                cohorts.push(r);
                r.iter().sum()
            }
            _ => 0.0,
        };
        let families: [f64; 4] =
            std::array::from_fn(|s| untreated[s] + cohorts.iter().map(|c| c[s]).sum::<f64>());
        // 1. Costs on the stocks at the start of the year.
        let child_count = |f: &[f64; 4]| -> [f64; 4] {
            std::array::from_fn(|s| draws.count(f[s] * arm.children_per_family[s]))
        };
        let untreated_children = child_count(&untreated);
        let cohort_children: Vec<[f64; 4]> = cohorts.iter().map(child_count).collect();
        let children: [f64; 4] = std::array::from_fn(|s| {
            untreated_children[s] + cohort_children.iter().map(|c| c[s]).sum::<f64>()
        });
        let kept_out = draws.count(in_care * arm.keep_out_share);
        let looked_after = in_care - kept_out;
        records.push(YearRecord {
            children_in_care: looked_after,
            families,
            families_treated: cohorts.iter().flatten().sum(),
            families_reached: reached,
            cost_at_home: std::array::from_fn(|s| children[s] * arm.unit_cost[s]),
            cost_in_care: looked_after * arm.care_cost,
            cost_kept_out: kept_out * arm.home_cost,
        });
        if year + 1 == years {
            // What happens during the last year only shapes the year after the horizon.
            break;
        }
        // 2. Exits from care.
        let exits = draws.binomial(in_care, arm.exit_rate, year, Event::CareExit);
        // 3. Entries into care and 4. family transitions, group by group.
        let mut entries = 0.0;
        let untreated_group = Group {
            families: untreated,
            entry_rate: arm.entry_rate,
            rows: arm.transitions,
            entry_event: &Event::CareEntry,
            transition_event: &|from, to| Event::Transition { from, to },
        };
        let (e, next) = step(&untreated_group, &untreated_children, year, draws);
        entries += e;
        untreated = next;
        if let Some(p) = &arm.programme {
            for (c, cohort) in cohorts.iter_mut().enumerate() {
                let strength = p.strength(year - c as u32);
                let cohort_id = c as u32;
                let group = Group {
                    families: *cohort,
                    entry_rate: arm
                        .entry_rate
                        .map(|r| (r * p.effective(p.entry_rr, strength)).min(1.0)),
                    rows: p.rows(&arm.transitions, strength),
                    entry_event: &|s| Event::CohortEntry {
                        cohort: cohort_id,
                        state: s,
                    },
                    transition_event: &|from, to| Event::CohortTransition {
                        cohort: cohort_id,
                        from,
                        to,
                    },
                };
                let (e, next) = step(&group, &cohort_children[c], year, draws);
                entries += e;
                *cohort = next;
            }
        }
        in_care = in_care - exits + entries;
    }
    records
}

/// One group's entries into care (its return's first part) and its families a year later.
fn step<D: Draws>(group: &Group, children: &[f64; 4], year: u32, draws: &mut D) -> (f64, [f64; 4]) {
    let entries = (0..4)
        .map(|s| {
            draws.binomial(
                children[s],
                group.entry_rate[s],
                year,
                (group.entry_event)(s),
            )
        })
        .sum();
    let next = transition(
        &group.families,
        &group.rows,
        year,
        draws,
        group.transition_event,
    );
    (entries, next)
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
            programme: None,
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
