//! Precision stopping: `prevsim run --precision MONEY --precision-prob P`.
//!
//! Monte Carlo iterations run in fixed blocks of [`BLOCK`] (whatever the number of threads)
//! until, for every intervention, the 95% half-width of the mean net saving (present value)
//! and of P(net saving > 0) are within the targets, or [`Targets::max_iterations`] is reached.
//! Iteration `i` draws only from streams of the seed and `i`, and each block's columns are
//! appended to the previous ones ([`Columns::append`]), so a run that stops at `N` iterations
//! holds exactly the columns of `prevsim run -n N` with the same seed, and its files are the
//! same bytes; `summary.json` has one more member, `precision` (a [`Record`]), at its end.
//!
//! The half-widths are those of the 95% normal interval, 1.96 standard errors:
//!
//! - mean net saving: `1.96 sd / sqrt(n)`, `sd` as summary.json's (so `1.96 x se`);
//! - P(net saving > 0): the larger of the usual (Wald) `1.96 sqrt(p (1 - p) / n)` and the
//!   Agresti-Coull half-width, `1.96 sqrt(q (1 - q) / (n + 1.96²))` with
//!   `q = (x + 1.96² / 2) / (n + 1.96²)` for `x` iterations that save money. The Wald one is 0
//!   when every iteration (or none) saves money, which would stop a run on no evidence; the
//!   Agresti-Coull one is then about `1.96² / sqrt(2) / n` (0.0014 at 2,000 iterations), and near
//!   p = 1/2 the two agree (the larger is the Wald one there, never below what summary.json's
//!   `prob_net_saving_positive_se` x 1.96 says).
//!
//! A run never stops on a target before [`MIN_ITERATIONS`] (two blocks): a standard deviation
//! estimated from one block is itself uncertain, and stopping the first time a noisy estimate
//! dips below a target is how sequential rules stop too early.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::engine::{self, Columns, RunOptions};
use crate::money::gbp;
use crate::scenario::Scenario;
use crate::stats::mean_sd;
use crate::vocab::Metric;

/// Iterations per block: the run looks at its precision after every block.
pub const BLOCK: u64 = 1_000;
/// Iterations before a run may stop on a target (two blocks).
pub const MIN_ITERATIONS: u64 = 2 * BLOCK;
/// The cap when `--max-iterations` is not given.
pub const DEFAULT_MAX_ITERATIONS: u64 = 200_000;
/// The normal quantile of a 95% two-sided interval.
pub const Z95: f64 = 1.96;

/// What a precision run aims for. At least one of the two targets is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// The 95% half-width wanted on the mean net saving (present value), in pounds.
    pub mean_net_saving_pv: Option<f64>,
    /// The 95% half-width wanted on P(net saving > 0), as a probability (0.005: half a point).
    pub prob_net_saving_positive: Option<f64>,
    /// The most iterations to run.
    pub max_iterations: u64,
}

impl Targets {
    /// The targets of the command line's `--precision`, `--precision-prob` and
    /// `--max-iterations`; `None` when none is given.
    ///
    /// # Errors
    /// A target that is not a positive amount or a probability half-width in (0, 0.5], a cap
    /// without a target, or a cap below [`MIN_ITERATIONS`] or above what a run may ask for.
    pub fn new(
        mean: Option<f64>,
        prob: Option<f64>,
        max_iterations: Option<u64>,
    ) -> Result<Option<Targets>, String> {
        if mean.is_none() && prob.is_none() {
            return match max_iterations {
                None => Ok(None),
                Some(_) => Err(
                    "--max-iterations caps a run that stops on a precision target: give --precision MONEY or --precision-prob P with it, or use -n N for a fixed number of iterations"
                        .to_string(),
                ),
            };
        }
        if let Some(m) = mean {
            check_money(m)?;
        }
        if let Some(p) = prob {
            check_probability(p)?;
        }
        let max = max_iterations.unwrap_or(DEFAULT_MAX_ITERATIONS);
        let limit = crate::scenario::MAX_ITERATIONS as u64;
        if max < MIN_ITERATIONS {
            return Err(format!(
                "--max-iterations {max} is below the {} iterations (two blocks of {}) a precision run takes before it may stop; give at least {}, or use -n N for a fixed number",
                count(MIN_ITERATIONS),
                count(BLOCK),
                MIN_ITERATIONS
            ));
        }
        if max > limit {
            return Err(format!(
                "--max-iterations {max} is more than a run may ask for ({}); shard a bigger run (--shard) instead",
                count(limit)
            ));
        }
        Ok(Some(Targets {
            mean_net_saving_pv: mean,
            prob_net_saving_positive: prob,
            max_iterations: max,
        }))
    }

    /// True when every intervention's half-widths are within the targets.
    pub fn met(&self, achieved: &[Achieved]) -> bool {
        achieved.iter().all(|a| {
            self.mean_net_saving_pv
                .is_none_or(|t| a.mean_net_saving_pv <= t)
                && self
                    .prob_net_saving_positive
                    .is_none_or(|t| a.prob_net_saving_positive <= t)
        })
    }
}

/// Refuses options that a precision run cannot take, with why and what to do.
///
/// # Errors
/// `--fixed` (no Monte Carlo error), `-n` (the run chooses its own number) or `--shard` (a
/// part cannot know when the whole is precise enough).
pub fn refuse_with(fixed: bool, iterations: Option<u64>, shard: bool) -> Result<(), String> {
    if fixed {
        return Err(
            "--fixed computes the deterministic base case, which has no Monte Carlo error: drop --precision/--precision-prob, or drop --fixed".to_string(),
        );
    }
    if iterations.is_some() {
        return Err(
            "--precision and --precision-prob choose the number of iterations themselves: drop -n/--iterations (use --max-iterations N to cap the run)".to_string(),
        );
    }
    if shard {
        return Err(
            "--shard runs a fixed part of a fixed number of iterations, and a part cannot tell when the whole run is precise enough: run the precision run without --shard, then shard a run of the -n it stopped at if needed".to_string(),
        );
    }
    Ok(())
}

fn check_money(m: f64) -> Result<(), String> {
    if !m.is_finite() {
        return Err("give the precision as an amount of money such as 100k".to_string());
    }
    if m <= 0.0 {
        return Err(format!(
            "a precision of {} can never be reached: give the 95% half-width wanted on the mean net saving as a positive amount, such as 100k or £1.5m",
            gbp(m)
        ));
    }
    Ok(())
}

fn check_probability(p: f64) -> Result<(), String> {
    if !(p > 0.0 && p <= 0.5) {
        let hint = if p > 0.5 && p <= 50.0 {
            format!(
                "; if you meant ± {p} percentage points, write {}",
                trim(p / 100.0)
            )
        } else {
            String::new()
        };
        return Err(format!(
            "--precision-prob {p} is outside (0, 0.5]: it is the 95% half-width wanted on the chance of saving money, as a probability (0.005 is ± half a percentage point){hint}"
        ));
    }
    Ok(())
}

/// Reads an amount of money as an analyst writes it: `100k`, `£100k`, `1.5m`, `£2bn`,
/// `250000`, `250_000`, `250,000`.
///
/// # Errors
/// Not such an amount, or not above zero.
pub fn parse_money(s: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "give the 95% half-width wanted on the mean net saving as an amount of money, such as 100k, £1.5m or 250000 (not \"{s}\")"
        )
    };
    let t = s.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let t = t.strip_prefix('£').unwrap_or(t).trim();
    let lower = t.to_ascii_lowercase();
    let (digits, scale) = if let Some(d) = lower.strip_suffix("bn") {
        (d, 1e9)
    } else if let Some(d) = lower.strip_suffix('m') {
        (d, 1e6)
    } else if let Some(d) = lower.strip_suffix('k') {
        (d, 1e3)
    } else {
        (lower.as_str(), 1.0)
    };
    let digits: String = digits
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad());
    }
    let x: f64 = digits.parse().map_err(|_| bad())?;
    let x = if negative { -x * scale } else { x * scale };
    check_money(x)?;
    Ok(x)
}

/// Reads a half-width on a probability: `0.005`, or `0.5%` (the same).
///
/// # Errors
/// Not a number, or outside (0, 0.5].
pub fn parse_probability(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (t, scale) = match t.strip_suffix('%') {
        Some(rest) => (rest.trim(), 0.01),
        None => (t, 1.0),
    };
    let p: f64 = t.parse().map_err(|_| {
        format!(
            "give the 95% half-width wanted on the chance of saving money as a probability, such as 0.005 (± half a point) or 0.5% (not \"{s}\")"
        )
    })?;
    let p = p * scale;
    check_probability(p)?;
    Ok(p)
}

/// One intervention's 95% half-widths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Achieved {
    /// On the mean net saving (present value), pounds: 1.96 x its standard error.
    pub mean_net_saving_pv: f64,
    /// On P(net saving > 0): the larger of the Wald and Agresti-Coull half-widths.
    pub prob_net_saving_positive: f64,
}

impl Achieved {
    /// The half-widths of one intervention's net savings (present value), one per iteration.
    pub fn of(net: &[f64]) -> Achieved {
        let n = net.len() as f64;
        let (_, sd) = mean_sd(net);
        // The share that saves money, as `share_positive` computes it (NaN for none).
        let saves = net.iter().filter(|x| **x > 0.0).count() as f64;
        let p = saves / n;
        let wald = Z95 * (p * (1.0 - p) / n).sqrt();
        let z2 = Z95 * Z95;
        let nt = n + z2;
        let q = (saves + z2 / 2.0) / nt;
        let agresti_coull = Z95 * (q * (1.0 - q) / nt).sqrt();
        Achieved {
            // 1.96 x summary.json's se, bit for bit.
            mean_net_saving_pv: Z95 * (sd / n.sqrt()),
            prob_net_saving_positive: wald.max(agresti_coull),
        }
    }
}

/// Every intervention's half-widths, in the scenario's order.
pub fn achieved(columns: &Columns) -> Vec<Achieved> {
    columns
        .interventions
        .iter()
        .map(|k| Achieved::of(k.metric(Metric::NetSavingPv)))
        .collect()
}

/// Why a precision run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// Every target was met for every intervention.
    #[serde(rename = "target met")]
    TargetMet,
    /// The cap was reached first.
    #[serde(rename = "cap reached")]
    CapReached,
    /// The scenario has no intervention, so no net saving to measure: the run took the
    /// minimum, [`MIN_ITERATIONS`].
    #[serde(rename = "no intervention")]
    NoIntervention,
}

/// A precision run's record: `summary.json`'s `precision` member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// What was asked for.
    pub targets: Targets,
    /// The confidence of the half-widths (0.95: 1.96 standard errors).
    pub confidence: f64,
    /// Iterations per block.
    pub block: u64,
    /// Iterations before the run may stop on a target.
    pub min_iterations: u64,
    /// Iterations run: the run's `iterations`.
    pub iterations: u64,
    /// Why the run stopped: "target met", "cap reached" or "no intervention".
    pub stopped: Stop,
    /// Per intervention, the half-widths achieved at the end.
    pub achieved: IndexMap<String, Achieved>,
    /// When the cap was reached: about how many iterations would meet every target
    /// (`n x (achieved / target)²`, the largest over interventions, rounded up to a block).
    pub iterations_needed: Option<u64>,
}

impl Record {
    /// The record of a run's columns against the targets.
    pub fn new(scenario: &Scenario, columns: &Columns, targets: Targets) -> Record {
        let achieved = achieved(columns);
        let n = columns.len() as u64;
        let stopped = if achieved.is_empty() {
            Stop::NoIntervention
        } else if n >= MIN_ITERATIONS && targets.met(&achieved) {
            Stop::TargetMet
        } else {
            Stop::CapReached
        };
        let iterations_needed = (stopped == Stop::CapReached).then(|| {
            achieved
                .iter()
                .flat_map(|a| {
                    [
                        targets
                            .mean_net_saving_pv
                            .map(|t| (a.mean_net_saving_pv, t)),
                        targets
                            .prob_net_saving_positive
                            .map(|t| (a.prob_net_saving_positive, t)),
                    ]
                })
                .flatten()
                .map(|(got, want)| needed(got, n, want))
                .max()
                .unwrap_or(n)
                .max(n)
        });
        Record {
            targets,
            confidence: 0.95,
            block: BLOCK,
            min_iterations: MIN_ITERATIONS,
            iterations: n,
            stopped,
            achieved: scenario
                .interventions
                .iter()
                .map(|i| i.name.clone())
                .zip(achieved)
                .collect(),
            iterations_needed,
        }
    }

    /// The widest half-widths over the interventions.
    pub fn widest(&self) -> Achieved {
        let mut w = Achieved {
            mean_net_saving_pv: 0.0,
            prob_net_saving_positive: 0.0,
        };
        for a in self.achieved.values() {
            w.mean_net_saving_pv = w.mean_net_saving_pv.max(a.mean_net_saving_pv);
            w.prob_net_saving_positive = w.prob_net_saving_positive.max(a.prob_net_saving_positive);
        }
        w
    }

    /// The console line: where the run stopped and the half-widths achieved.
    pub fn console(&self) -> String {
        format!("  precision: {}", self.stop())
    }

    /// Where the run stopped and the half-widths achieved, in words (the console line's and the
    /// report's).
    pub fn stop(&self) -> String {
        if self.stopped == Stop::NoIntervention {
            return format!(
                "no intervention, so no net saving to measure; ran the minimum of {} iterations",
                count(self.iterations)
            );
        }
        let w = self.widest();
        let mut parts = Vec::new();
        if let Some(t) = self.targets.mean_net_saving_pv {
            parts.push(format!(
                "mean net saving \u{b1} {} (target \u{b1} {})",
                gbp(w.mean_net_saving_pv),
                gbp(t)
            ));
        }
        if let Some(t) = self.targets.prob_net_saving_positive {
            parts.push(format!(
                "chance of saving money \u{b1} {} points (target \u{b1} {})",
                points(w.prob_net_saving_positive),
                trim(t * 100.0)
            ));
        }
        let whom = if self.achieved.len() > 1 {
            format!(", the widest of {} interventions", self.achieved.len())
        } else {
            String::new()
        };
        let why = match self.stopped {
            Stop::TargetMet | Stop::NoIntervention => "every target met".to_string(),
            Stop::CapReached => format!(
                "the cap of {} iterations reached",
                count(self.targets.max_iterations)
            ),
        };
        format!(
            "stopped at {} iterations ({why}): {} (95%{whom})",
            count(self.iterations),
            parts.join(", ")
        )
    }

    /// When the cap was reached, the warning: which targets were missed, by how much, and about
    /// how many iterations would meet them.
    pub fn warning(&self) -> Option<String> {
        if self.stopped != Stop::CapReached {
            return None;
        }
        let mut missed = Vec::new();
        for (name, a) in &self.achieved {
            if let Some(t) = self.targets.mean_net_saving_pv
                && a.mean_net_saving_pv > t
            {
                missed.push(format!(
                    "\"{name}\": mean net saving \u{b1} {} (target \u{b1} {})",
                    gbp(a.mean_net_saving_pv),
                    gbp(t)
                ));
            }
            if let Some(t) = self.targets.prob_net_saving_positive
                && a.prob_net_saving_positive > t
            {
                missed.push(format!(
                    "\"{name}\": chance of saving money \u{b1} {} points (target \u{b1} {})",
                    points(a.prob_net_saving_positive),
                    trim(t * 100.0)
                ));
            }
        }
        let need = self.iterations_needed.unwrap_or(self.iterations);
        Some(format!(
            "the cap of {} iterations was reached before every precision target was met: {}; about {} iterations ({} more) would meet them (n = {} x (achieved / target)²): raise --max-iterations or loosen the target",
            count(self.targets.max_iterations),
            missed.join("; "),
            count(need),
            count(need.saturating_sub(self.iterations)),
            count(self.iterations)
        ))
    }
}

/// Iterations that bring a half-width `got` at `n` iterations down to `want`, rounded up to a
/// block: `n x (got / want)²`.
pub fn needed(got: f64, n: u64, want: f64) -> u64 {
    let x = (n as f64 * (got / want).powi(2)).ceil();
    let x = if x.is_finite() { x as u64 } else { u64::MAX };
    x.div_ceil(BLOCK).saturating_mul(BLOCK)
}

/// Runs a scenario's Monte Carlo iterations in blocks of [`BLOCK`] until every target is met
/// for every intervention (checked from [`MIN_ITERATIONS`] on) or the cap is reached. Returns
/// the columns (those of `-n N` for the `N` it stopped at) and the record.
///
/// A scenario without interventions has nothing to measure: it stops at [`MIN_ITERATIONS`].
pub fn run(
    scenario: &Scenario,
    seed: u64,
    targets: Targets,
    progress: &(dyn Fn() + Sync),
) -> (Columns, Record) {
    let options = RunOptions {
        iterations: targets.max_iterations,
        seed,
        fixed: false,
    };
    let mut columns = Columns::new(scenario, 0);
    let mut end = 0;
    loop {
        let next = (end + BLOCK).min(targets.max_iterations);
        let block = engine::run_columns(scenario, options, end..next, progress);
        columns.append(&block);
        end = next;
        let done = end >= targets.max_iterations
            || (end >= MIN_ITERATIONS && targets.met(&achieved(&columns)));
        if done {
            let record = Record::new(scenario, &columns, targets);
            return (columns, record);
        }
    }
}

/// A whole number with thousands separated: 14000 -> "14,000".
pub fn count(n: u64) -> String {
    crate::charts::style::thousands(n as f64)
}

/// A probability half-width in percentage points, to two decimals: 0.0049 -> "0.49".
fn points(p: f64) -> String {
    format!("{:.2}", p * 100.0)
}

/// A number with trailing zeros dropped, to at most four decimals: 0.5 -> "0.5", 1.0 -> "1".
fn trim(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_read_as_analysts_write_it() {
        for (s, want) in [
            ("100k", 100_000.0),
            ("£100k", 100_000.0),
            ("1.5m", 1_500_000.0),
            ("£1.5M", 1_500_000.0),
            ("250000", 250_000.0),
            ("250_000", 250_000.0),
            ("£250,000", 250_000.0),
            ("2bn", 2e9),
            (" 50 k ", 50_000.0),
        ] {
            assert_eq!(parse_money(s), Ok(want), "{s}");
        }
        for s in [
            "",
            "abc",
            "k",
            "£",
            "1.2.3m",
            "100 pounds",
            "1e5",
            "nan",
            "inf",
        ] {
            let e = parse_money(s).unwrap_err();
            assert!(e.contains("such as 100k"), "{s}: {e}");
        }
        for s in ["0", "£0", "-100k", "0k"] {
            let e = parse_money(s).unwrap_err();
            assert!(e.contains("can never be reached"), "{s}: {e}");
        }
    }

    #[test]
    fn a_probability_half_width_is_in_zero_to_a_half() {
        assert_eq!(parse_probability("0.005"), Ok(0.005));
        assert_eq!(parse_probability("0.5%"), Ok(0.005));
        assert_eq!(parse_probability("0.5"), Ok(0.5));
        for s in ["0", "-0.01", "0.6", "nan", "1"] {
            assert!(parse_probability(s).is_err(), "{s}");
        }
        let e = parse_probability("1").unwrap_err();
        assert!(
            e.contains("outside (0, 0.5]") && e.contains("write 0.01"),
            "{e}"
        );
        assert!(
            parse_probability("a lot")
                .unwrap_err()
                .contains("such as 0.005")
        );
    }

    #[test]
    fn targets_and_their_refusals() {
        assert_eq!(Targets::new(None, None, None), Ok(None));
        let t = Targets::new(Some(1e5), None, None).unwrap().unwrap();
        assert_eq!(t.max_iterations, DEFAULT_MAX_ITERATIONS);
        assert!(
            Targets::new(None, None, Some(5000))
                .unwrap_err()
                .contains("give --precision")
        );
        assert!(
            Targets::new(Some(1e5), None, Some(1500))
                .unwrap_err()
                .contains("at least 2000")
        );
        assert!(Targets::new(Some(1e5), None, Some(20_000_000)).is_err());
        assert!(Targets::new(Some(0.0), None, None).is_err());
        assert!(Targets::new(None, Some(0.7), None).is_err());
        assert!(
            refuse_with(true, None, false)
                .unwrap_err()
                .contains("--fixed")
        );
        assert!(
            refuse_with(false, Some(10), false)
                .unwrap_err()
                .contains("-n")
        );
        assert!(
            refuse_with(false, None, true)
                .unwrap_err()
                .contains("--shard")
        );
        assert!(refuse_with(false, None, false).is_ok());
    }

    #[test]
    fn half_widths_follow_the_formulas() {
        // 1,000 iterations, half of them saving: Wald 1.96 sqrt(0.25 / 1000) = 0.030990;
        // Agresti-Coull is a little narrower there, so the Wald one counts.
        let net: Vec<f64> = (0..1000)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let a = Achieved::of(&net);
        assert!((a.prob_net_saving_positive - 1.96 * (0.25f64 / 1000.0).sqrt()).abs() < 1e-15);
        // sd of +/-1 alternating (n - 1 denominator) = sqrt(1000 / 999).
        let want = 1.96 * (1000.0f64 / 999.0).sqrt() / 1000f64.sqrt();
        assert!((a.mean_net_saving_pv - want).abs() < 1e-15);
        // Every iteration saves: the Wald half-width is 0, Agresti-Coull is not.
        let all = vec![5.0; 2000];
        let a = Achieved::of(&all);
        assert_eq!(a.mean_net_saving_pv, 0.0);
        let z2 = 1.96f64 * 1.96;
        let q = (2000.0 + z2 / 2.0) / (2000.0 + z2);
        let ac = 1.96 * (q * (1.0 - q) / (2000.0 + z2)).sqrt();
        assert_eq!(a.prob_net_saving_positive, ac);
        assert!(ac > 0.0013 && ac < 0.0015, "{ac}");
    }

    #[test]
    fn iterations_needed_from_the_square_law() {
        // Half-width 0.01 at 10,000 iterations, wanted 0.005: four times as many.
        assert_eq!(needed(0.01, 10_000, 0.005), 40_000);
        // Rounded up to a block.
        assert_eq!(needed(0.0101, 10_000, 0.01), 11_000);
        assert_eq!(count(14_000), "14,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
