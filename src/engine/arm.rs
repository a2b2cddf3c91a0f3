//! One arm of one iteration: the yearly cycle of docs/model.md ("The yearly cycle").
//!
//! The same code runs the fixed base case and a Monte Carlo draw. What differs is the
//! [`Draws`]: [`Expected`] replaces every binomial by its mean (exact expected-value
//! arithmetic, no sampling, no rounding), while [`Sampled`] draws each binomial from the stream
//! of its (iteration, year, event). States are counts held in `f64`; sampled counts are whole
//! numbers far below 2^53, so their sums are exact and families are conserved exactly.

use super::binomial::binomial;
use super::hypergeometric::hypergeometric;
use super::inputs::{ArmInputs, Programme, Reach};
use rand::Rng;

use crate::rng::{self, Event, SETUP_YEAR};

/// The state of an arm at the start of one year, and what that year cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearRecord {
    /// Children looked after this year (after any kept out of care).
    pub children_in_care: f64,
    /// Families in each state (treated and untreated).
    pub families: [f64; 4],
    /// Families ever reached by the programme, by the state they are in now (included in
    /// `families`).
    pub families_treated: [f64; 4],
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
    /// Families ever reached by the programme, in any state.
    pub fn treated(&self) -> f64 {
        self.families_treated.iter().sum()
    }

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
    /// A count from an expected amount `x` (children from families x mean children, children
    /// kept out of care, a programme's intake): `x` itself in fixed mode; in Monte Carlo a
    /// whole number whose expectation is `x` (randomised rounding: `floor(x) + 1` with
    /// probability `x - floor(x)`, else `floor(x)`, from the stream of (year, event)).
    fn count(&mut self, x: f64, year: u32, event: Event) -> f64;
    /// True when counts are whole numbers (Monte Carlo), false for expected values.
    fn whole(&self) -> bool;
    /// `total` shared in proportion to `weights`: the exact shares in fixed mode; in Monte
    /// Carlo whole numbers adding up to `total` whose expectations are the exact shares
    /// (systematic sampling of the remainders, one uniform from the stream of (year, event)).
    fn apportion(&mut self, total: f64, weights: &[f64], out: &mut [f64], year: u32, event: Event);
    /// `k` members drawn without replacement from groups of these sizes: how many from each
    /// (a multivariate hypergeometric draw).
    fn split(&mut self, k: f64, sizes: &[f64], year: u32, event: Event) -> Vec<f64>;
    /// The successes of `n` trials with probability `p` (the draw [`Draws::binomial`] makes
    /// from this stream), shared among groups of these sizes (summing to `n`) as
    /// [`Draws::split`] would, continuing on the same stream, into `out`. Returns the total.
    fn binomial_split(
        &mut self,
        n: f64,
        p: f64,
        sizes: &[f64],
        out: &mut [f64],
        year: u32,
        event: Event,
    ) -> f64;
}

/// Fixed mode: every draw is its expectation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected;

impl Draws for Expected {
    fn binomial(&mut self, n: f64, p: f64, _year: u32, _event: Event) -> f64 {
        n * p
    }

    fn count(&mut self, x: f64, _year: u32, _event: Event) -> f64 {
        x
    }

    fn whole(&self) -> bool {
        false
    }

    fn apportion(&mut self, total: f64, weights: &[f64], out: &mut [f64], _: u32, _: Event) {
        proportional_into(total, weights, out);
    }

    fn split(&mut self, k: f64, sizes: &[f64], _year: u32, _event: Event) -> Vec<f64> {
        proportional(k, sizes)
    }

    fn binomial_split(
        &mut self,
        n: f64,
        p: f64,
        sizes: &[f64],
        out: &mut [f64],
        _year: u32,
        _event: Event,
    ) -> f64 {
        let k = n * p;
        proportional_into(k, sizes, out);
        k
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

    fn uniform(&self, year: u32, event: Event) -> f64 {
        let mut stream = rng::event_stream(self.key, year, event);
        (stream.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
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

    fn count(&mut self, x: f64, year: u32, event: Event) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return 0.0;
        }
        let floor = whole_part(x);
        let fraction = x - floor;
        if fraction == 0.0 {
            return floor;
        }
        if self.uniform(year, event) < fraction {
            floor + 1.0
        } else {
            floor
        }
    }

    fn whole(&self) -> bool {
        true
    }

    fn apportion(&mut self, total: f64, weights: &[f64], out: &mut [f64], year: u32, event: Event) {
        systematic(total, weights, out, || self.uniform(year, event));
    }

    fn split(&mut self, k: f64, sizes: &[f64], year: u32, event: Event) -> Vec<f64> {
        let mut stream = rng::event_stream(self.key, year, event);
        let mut out = vec![0.0; sizes.len()];
        hypergeometric_split(k, sizes, &mut out, &mut stream);
        out
    }

    fn binomial_split(
        &mut self,
        n: f64,
        p: f64,
        sizes: &[f64],
        out: &mut [f64],
        year: u32,
        event: Event,
    ) -> f64 {
        let mut stream = rng::event_stream(self.key, year, event);
        let k = if n <= 0.0 || p <= 0.0 {
            0.0
        } else if p >= 1.0 {
            n
        } else {
            binomial(n as u64, p, &mut stream) as f64
        };
        hypergeometric_split(k, sizes, out, &mut stream);
        k
    }
}

/// `k` members drawn without replacement from groups of these sizes: how many from each, by
/// conditional hypergeometric draws from the last group to the second; the first group takes
/// what is left (one draw fewer). A group whose count is forced (nothing left to draw, or
/// every remaining member needed) costs no random number.
fn hypergeometric_split(k: f64, sizes: &[f64], out: &mut [f64], stream: &mut rng::Stream) {
    let mut population: u64 = sizes.iter().map(|s| *s as u64).sum();
    let mut left = (k as u64).min(population);
    out.fill(0.0);
    for g in (1..sizes.len()).rev() {
        if left == 0 {
            break;
        }
        let size = sizes[g] as u64;
        let taken = hypergeometric(population, size, left, stream);
        out[g] = taken as f64;
        left -= taken;
        population -= size;
    }
    if let Some(first) = out.first_mut() {
        *first = left as f64;
    }
}

/// `x.floor()`, without the call to libm's `floor` that the baseline x86-64 target makes of it
/// for the counts the engine rounds (positive, below 2^52, where truncation is the floor).
#[inline]
fn whole_part(x: f64) -> f64 {
    if x > 0.0 && x < 4_503_599_627_370_496.0 {
        (x as u64) as f64
    } else {
        x.floor()
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

/// `total` split in proportion to `weights`, exactly (no rounding).
fn proportional(total: f64, weights: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; weights.len()];
    proportional_into(total, weights, &mut out);
    out
}

/// [`proportional`] into `out`.
fn proportional_into(total: f64, weights: &[f64], out: &mut [f64]) {
    let sum: f64 = weights.iter().sum();
    if sum.is_nan() || sum <= 0.0 || total <= 0.0 {
        out.fill(0.0);
        return;
    }
    for (o, w) in out.iter_mut().zip(weights) {
        *o = total * w / sum;
    }
}

/// A whole `total` split in proportion to `weights` in whole numbers: each entry gets the floor
/// of its exact share, and the units left over go to entries chosen by systematic sampling of
/// the fractional parts with the one uniform `u()` (points `u, u + 1, ...` on the line of the
/// fractional parts laid end to end), so that each entry's expected count is its exact share
/// and the counts add up to `total`.
pub fn systematic(total: f64, weights: &[f64], out: &mut [f64], u: impl FnOnce() -> f64) {
    proportional_into(total, weights, out);
    let mut extra = total;
    for x in out.iter_mut() {
        *x = whole_part(*x);
        extra -= *x;
    }
    let extra = extra.round();
    if extra < 1.0 {
        return;
    }
    let Some(last) = weights.iter().rposition(|w| *w > 0.0) else {
        return;
    };
    let sum: f64 = weights.iter().sum();
    let u = u();
    let (mut line, mut before) = (0.0, 0.0);
    for g in 0..=last {
        if weights[g] <= 0.0 {
            continue;
        }
        line += total * weights[g] / sum - out[g];
        // Points u, u + 1, ... below the end of this entry's stretch of the line.
        let upto = if g == last {
            extra
        } else {
            (line - u).ceil().clamp(before, extra)
        };
        out[g] += upto - before;
        before = upto;
    }
}

/// Families the programme reaches this year, by state, taken from the untreated ones: the
/// intake `min(demand, capacity, untreated families in the target states)`, counted (in Monte
/// Carlo a whole number with that expectation), then drawn at random from the target states'
/// untreated families (a hypergeometric split; in fixed mode in proportion to their families).
fn reach<D: Draws>(
    programme: &Programme,
    untreated: &[f64; 4],
    year: u32,
    draws: &mut D,
) -> [f64; 4] {
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
    let wanted = demand.min(programme.capacity).min(available).max(0.0);
    let total = draws.count(wanted, year, Event::Intake).min(available);
    let split = draws.split(total, &pool, year, Event::IntakeSplit);
    std::array::from_fn(|s| split[s])
}

/// Families that move together with their own rates: the untreated (group 0) and each cohort
/// the programme reached (group c + 1 for the cohort of year c).
#[derive(Debug, Clone)]
struct Group {
    families: [f64; 4],
    entry_rate: [f64; 4],
    rows: [[f64; 4]; 4],
}

/// Successes among families (or children) in several groups, each with its own probability.
///
/// When every group with members has the same probability (always so for a programme without
/// effect), they are drawn together as one: one binomial of all `total` members from the
/// `shared` stream, the very draw the baseline arm makes for this event, split among the
/// groups (when `each` asks for the groups' counts) by a multivariate hypergeometric draw
/// continuing on that stream. Otherwise each group draws its own binomial: the first group
/// with members (the untreated families, group 0, unless there are none) from the `shared`
/// stream, so that it stays in step with the baseline, every other group `g` from its own
/// stream `own(g)`. Either way each group's successes are an independent binomial of its
/// members with its own probability (a binomial split at random is independent binomials).
///
/// `total` is the number of members of all groups (tracked apart so that fixed mode stays
/// bit-identical to the baseline when there is one probability). Returns the successes per
/// group (empty unless `each`) and in total.
#[allow(clippy::too_many_arguments)]
fn draw_groups<D: Draws>(
    sizes: &[f64],
    probs: &[f64],
    total: f64,
    out: Option<&mut [f64]>,
    year: u32,
    draws: &mut D,
    shared: Event,
    own: impl Fn(u32) -> Event,
) -> f64 {
    let n = sizes.len();
    let Some(first) = sizes.iter().position(|x| *x > 0.0) else {
        if let Some(out) = out {
            out.fill(0.0);
        }
        return 0.0;
    };
    let p = probs[first];
    if (first + 1..n).all(|g| sizes[g] <= 0.0 || probs[g] == p) {
        return match out {
            None => draws.binomial(total, p, year, shared),
            // Forced outcomes need no split: none move, or all do.
            Some(out) if p <= 0.0 => {
                out.fill(0.0);
                0.0
            }
            Some(out) if p >= 1.0 => {
                out.copy_from_slice(sizes);
                total
            }
            Some(out) => draws.binomial_split(total, p, sizes, out, year, shared),
        };
    }
    let mut out = out;
    let mut sum = 0.0;
    for g in 0..n {
        let k = if sizes[g] <= 0.0 {
            0.0
        } else {
            let event = if g == first { shared } else { own(g as u32) };
            draws.binomial(sizes[g], probs[g], year, event)
        };
        if let Some(out) = out.as_deref_mut() {
            out[g] = k;
        }
        sum += k;
    }
    sum
}

/// Buffers reused across the years of one arm (one entry per group), so that a year with
/// programme cohorts allocates nothing.
#[derive(Debug, Default)]
struct Scratch {
    sizes: Vec<f64>,
    probs: Vec<f64>,
    out: Vec<f64>,
    rest: Vec<f64>,
    next: Vec<[f64; 4]>,
}

/// Runs one arm for `years` cycles and returns each year's record.
pub fn simulate<D: Draws>(arm: &ArmInputs, years: u32, draws: &mut D) -> Vec<YearRecord> {
    let start: [f64; 4] =
        std::array::from_fn(|s| draws.count(arm.families[s], SETUP_YEAR, Event::StartFamilies(s)));
    // Care entry rates: the intervention's relative risk is already in `arm.entry_rate`
    // (uncapped); a programme's multiplies it before the cap at 1.
    let entry_rate = arm.entry_rate.map(|r| r.min(1.0));
    // Totals per state are tracked alongside the groups (they agree exactly in Monte Carlo;
    // in fixed mode they keep a programme without effect bit-identical to the baseline).
    let mut totals = shift_up(start, &arm.shift_up, draws);
    let mut groups = vec![Group {
        families: totals,
        entry_rate,
        rows: arm.transitions,
    }];
    let mut in_care = draws.count(arm.children_in_care, SETUP_YEAR, Event::StartInCare);
    let mut scratch = Scratch::default();
    let mut records = Vec::with_capacity(years as usize);
    for year in 0..years {
        // 0. The programme reaches new families at the start of the year.
        let mut reached = 0.0;
        if let Some(p) = &arm.programme {
            if year < p.years {
                let r = reach(p, &groups[0].families, year, draws);
                for (f, taken) in groups[0].families.iter_mut().zip(r) {
                    *f -= taken;
                }
                reached = r.iter().sum();
                groups.push(Group {
                    families: r,
                    entry_rate,
                    rows: arm.transitions,
                });
            }
            // Each cohort's effect at its age this year.
            for (c, g) in groups.iter_mut().enumerate().skip(1) {
                let strength = p.strength(year - (c as u32 - 1));
                let entry = p.effective(p.entry_rr, strength);
                g.entry_rate = arm.entry_rate.map(|r| (r * entry).min(1.0));
                g.rows = p.rows(&arm.transitions, strength);
            }
        }
        // 1. Costs on the stocks at the start of the year.
        let children: [f64; 4] = std::array::from_fn(|s| {
            draws.count(
                totals[s] * arm.children_per_family[s],
                year,
                Event::Children(s),
            )
        });
        let kept_out = draws.count(in_care * arm.keep_out_share, year, Event::KeptOut);
        let looked_after = in_care - kept_out;
        records.push(YearRecord {
            children_in_care: looked_after,
            families: totals,
            families_treated: std::array::from_fn(|s| {
                groups.iter().skip(1).map(|g| g.families[s]).sum()
            }),
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
        // 3. Entries into care, from each state's children at home.
        let mut entries = 0.0;
        let n = groups.len();
        for (s, &children) in children.iter().enumerate() {
            if n == 1 {
                // No programme cohorts: one binomial, the draw `draw_groups` makes for one group.
                entries +=
                    draws.binomial(children, groups[0].entry_rate[s], year, Event::CareEntry(s));
                continue;
            }
            scratch.sizes.clear();
            scratch.sizes.extend(groups.iter().map(|g| g.families[s]));
            scratch.probs.clear();
            scratch.probs.extend(groups.iter().map(|g| g.entry_rate[s]));
            if !one_class(&scratch.sizes, &scratch.probs) {
                // Each group's children: only needed when their rates differ.
                scratch.out.resize(n, 0.0);
                draws.apportion(
                    children,
                    &scratch.sizes,
                    &mut scratch.out,
                    year,
                    Event::ChildrenSplit(s),
                );
                std::mem::swap(&mut scratch.sizes, &mut scratch.out);
            }
            entries += draw_groups(
                &scratch.sizes,
                &scratch.probs,
                children,
                None,
                year,
                draws,
                Event::CareEntry(s),
                |group| Event::GroupEntry { group, state: s },
            );
        }
        // 4. Family transitions: each state's families, as conditional binomials.
        in_care = in_care - exits + entries;
        if n == 1 {
            totals = transition(&totals, &groups[0].rows, year, draws);
            groups[0].families = totals;
            continue;
        }
        let mut next_totals = [0.0; 4];
        let Scratch {
            sizes: remaining,
            probs,
            out: moved,
            rest,
            next,
        } = &mut scratch;
        next.clear();
        next.resize(n, [0.0; 4]);
        moved.resize(n, 0.0);
        for (from, &total) in totals.iter().enumerate() {
            remaining.clear();
            remaining.extend(groups.iter().map(|g| g.families[from]));
            rest.clear();
            rest.resize(n, 1.0);
            let mut remaining_total = total;
            for to in 0..3 {
                probs.clear();
                probs.extend(
                    groups
                        .iter()
                        .zip(rest.iter())
                        .map(|(g, &r)| conditional(g.rows[from][to], r)),
                );
                let moved_total = draw_groups(
                    remaining,
                    probs,
                    remaining_total,
                    Some(moved),
                    year,
                    draws,
                    Event::Transition { from, to },
                    |group| Event::GroupTransition { group, from, to },
                );
                for g in 0..n {
                    next[g][to] += moved[g];
                    remaining[g] -= moved[g];
                    rest[g] -= groups[g].rows[from][to];
                }
                next_totals[to] += moved_total;
                remaining_total -= moved_total;
            }
            for (g, r) in remaining.iter().enumerate() {
                next[g][3] += r;
            }
            next_totals[3] += remaining_total;
        }
        for (g, families) in groups.iter_mut().zip(next.iter()) {
            g.families = *families;
        }
        totals = next_totals;
        debug_assert!(
            !draws.whole()
                || (0..4).all(|s| groups.iter().map(|g| g.families[s]).sum::<f64>() == totals[s]),
            "groups of families must add up to the totals"
        );
    }
    records
}

/// True when every group with members has the same probability.
fn one_class(sizes: &[f64], probs: &[f64]) -> bool {
    let mut with = sizes
        .iter()
        .zip(probs)
        .filter(|(n, _)| **n > 0.0)
        .map(|(_, p)| *p);
    match with.next() {
        Some(p) => with.all(|q| q == p),
        None => true,
    }
}

/// The probability of moving to a destination given that the family has not moved to an earlier
/// one, which left `rest` of the row: the conditional binomial of a multinomial row.
fn conditional(p: f64, rest: f64) -> f64 {
    if rest > 0.0 {
        (p / rest).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// One group's transitions (no programme cohorts): the draws [`draw_groups`] makes for one group,
/// without its bookkeeping.
fn transition<D: Draws>(
    families: &[f64; 4],
    rows: &[[f64; 4]; 4],
    year: u32,
    draws: &mut D,
) -> [f64; 4] {
    let mut next = [0.0; 4];
    for (from, row) in rows.iter().enumerate() {
        let mut remaining = families[from];
        let mut rest = 1.0;
        for to in 0..3 {
            let q = conditional(row[to], rest);
            let moved = if remaining > 0.0 {
                draws.binomial(remaining, q, year, Event::Transition { from, to })
            } else {
                0.0
            };
            next[to] += moved;
            remaining -= moved;
            rest -= row[to];
        }
        next[3] += remaining;
    }
    next
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
    fn whole_part_is_floor() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.3,
            1.0,
            2.5,
            -2.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        cases.extend((0..10_000).map(|i| f64::from(i) * 0.37 - 100.0));
        for x in cases {
            assert_eq!(whole_part(x).to_bits(), x.floor().to_bits(), "{x}");
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
    fn systematic_split_adds_up_and_has_the_exact_shares_as_expectation() {
        let weights = [3.0, 0.0, 5.0, 4.0, 1.0];
        let total = 7.0;
        let exact = proportional(total, &weights);
        let steps = 1000;
        let mut mean = [0.0; 5];
        for i in 0..steps {
            let u = (i as f64 + 0.5) / steps as f64;
            let mut out = [0.0; 5];
            systematic(total, &weights, &mut out, || u);
            assert_eq!(out.iter().sum::<f64>(), total);
            for g in 0..5 {
                assert!(
                    out[g] == exact[g].floor() || out[g] == exact[g].ceil(),
                    "{out:?}"
                );
                mean[g] += out[g] / steps as f64;
            }
        }
        // Over a grid of u the average is the exact share (up to the grid's 1/1000).
        for g in 0..5 {
            assert!((mean[g] - exact[g]).abs() < 2e-3, "{mean:?} vs {exact:?}");
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
