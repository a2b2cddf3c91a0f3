//! Why a claim stands or falls: the uncertain parameter that decides it, and where it flips.
//!
//! # Method
//! **Which parameter.** One-at-a-time swing in fixed mode: every uncertain scalar parameter in
//! turn is set to the P5 and then the P95 of its values drawn in the run, every other parameter
//! at its mean, and the claim's figure is computed with expected counts ([`fixed_with`]). The
//! parameter whose swing moves the figure most decides the claim. Transition rows (Dirichlet)
//! are not swung: a row's entries cannot move one at a time.
//!
//! **Where it flips.** For each bound of the claim's test, the value of that parameter (others
//! at their means, fixed mode) at which the figure equals the bound, found by
//! [`crate::sensitivity::solve`]: when the figure is linear in the parameter (checked at 17
//! points across its range and at its P5 and P95, to a relative 1e-9) the threshold is solved
//! exactly; otherwise it is found by bisection between neighbouring points over the
//! parameter's range (its support, or the range of its draws where the support is unbounded),
//! to a relative 1e-12, the crossing nearest the middle of its P5-P95 taken.

use serde::Serialize;

use super::value;
use crate::engine::{Expected, IterationResult, run_iteration};
use crate::params::ScalarId;
use crate::scenario::{Claim, Scenario, Test, is_money_parameter};
use crate::sensitivity::solve::{self, FLAT, Method};
use crate::stats::{quantile_sorted, sorted};

/// How the deciding parameter is found, as reports state it.
pub const METHOD: &str = "one-at-a-time swing of each uncertain parameter between the P5 and P95 of its draws, others at their means, fixed mode";

/// Why a claim stands or falls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    /// How the deciding parameter was found.
    pub method: &'static str,
    /// The parameter whose swing moves the figure most; `None` when none moves it.
    pub decisive: Option<Swing>,
    /// Where the verdict of one iteration flips, one per bound of the test that can be crossed.
    pub thresholds: Vec<Threshold>,
    /// Bounds of the test the figure does not reach anywhere in the deciding parameter's range.
    pub unreached: Vec<f64>,
    /// Why no parameter decides the claim, in words.
    pub note: Option<String>,
}

/// The deciding parameter's swing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Swing {
    pub parameter: String,
    /// True when the parameter is an amount of money.
    pub money: bool,
    /// P5 and P95 of its draws in the run.
    pub low: f64,
    pub high: f64,
    /// The claim's figure in fixed mode with the parameter at `low` and at `high`.
    pub figure_at_low: f64,
    pub figure_at_high: f64,
    /// The range searched for thresholds: the support, or the draws' range if unbounded.
    pub range_low: f64,
    pub range_high: f64,
}

/// How a threshold was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdMethod {
    /// Solved exactly: the figure is linear in the parameter in fixed mode.
    Exact,
    /// Bisection on the parameter in fixed mode.
    Bisection,
}

impl ThresholdMethod {
    pub fn words(self) -> &'static str {
        match self {
            ThresholdMethod::Exact => "exact: the figure is linear in it in fixed mode",
            ThresholdMethod::Bisection => "bisection in fixed mode",
        }
    }
}

/// A value of the deciding parameter at which the claim's test flips.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Threshold {
    /// The parameter's value at the flip.
    pub value: f64,
    /// The bound of the test crossed there.
    pub bound: f64,
    /// True when the test passes for parameter values above `value`, false when below.
    pub holds_above: bool,
    pub method: ThresholdMethod,
    /// True when `value` lies in the parameter's range.
    pub in_range: bool,
}

/// Runs one iteration in fixed mode (every parameter at its mean, expected counts) with some
/// scalar parameters set to other values.
pub fn fixed_with(scenario: &Scenario, overrides: &[(ScalarId, f64)]) -> IterationResult {
    let mut values = scenario.params.means();
    for &(id, x) in overrides {
        values.set(id, x);
    }
    run_iteration(scenario, values, &mut Expected)
}

/// The claim's figure in fixed mode with one parameter set to `x`.
fn figure_at(scenario: &Scenario, claim: &Claim, id: ScalarId, x: f64) -> Option<f64> {
    value(&claim.quantity, scenario, &fixed_with(scenario, &[(id, x)])).filter(|f| f.is_finite())
}

/// The test's bounds, each with the side on which the figure passes (true: at or above).
fn bounds(test: &Test) -> Vec<(f64, bool)> {
    match *test {
        Test::AtLeast(x) => vec![(x, true)],
        Test::AtMost(x) => vec![(x, false)],
        Test::Near { value, tolerance } => {
            vec![(value - tolerance, true), (value + tolerance, false)]
        }
    }
}

struct Candidate {
    id: ScalarId,
    swing: Swing,
}

/// Which parameter decides the claim, and where the verdict flips.
pub fn explain(scenario: &Scenario, claim: &Claim, iterations: &[IterationResult]) -> Why {
    let mut best: Option<Candidate> = None;
    let mut any_uncertain = false;
    for (name, id, dist) in scenario.params.scalars() {
        if dist.is_fixed() {
            continue;
        }
        any_uncertain = true;
        let draws = sorted(
            &iterations
                .iter()
                .map(|it| it.values.get(id))
                .collect::<Vec<_>>(),
        );
        let (low, high) = (quantile_sorted(&draws, 0.05), quantile_sorted(&draws, 0.95));
        let (Some(at_low), Some(at_high)) = (
            figure_at(scenario, claim, id, low),
            figure_at(scenario, claim, id, high),
        ) else {
            continue;
        };
        let size = (at_high - at_low).abs();
        if size <= FLAT * (at_low.abs() + at_high.abs() + 1.0) {
            continue;
        }
        if best
            .as_ref()
            .is_some_and(|b| (b.swing.figure_at_high - b.swing.figure_at_low).abs() >= size)
        {
            continue;
        }
        let (support_low, support_high) = dist.support();
        let range_low = if support_low.is_finite() {
            support_low
        } else {
            draws[0]
        };
        let range_high = if support_high.is_finite() {
            support_high
        } else {
            draws[draws.len() - 1]
        };
        best = Some(Candidate {
            id,
            swing: Swing {
                parameter: name.to_string(),
                money: is_money_parameter(name),
                low,
                high,
                figure_at_low: at_low,
                figure_at_high: at_high,
                range_low,
                range_high,
            },
        });
    }
    let Some(best) = best else {
        return Why {
            method: METHOD,
            decisive: None,
            thresholds: Vec::new(),
            unreached: Vec::new(),
            note: Some(if any_uncertain {
                "no uncertain parameter moves this figure: its verdict rests on fixed inputs".into()
            } else {
                "the scenario has no uncertain parameter: the figure is the same in every iteration"
                    .into()
            }),
        };
    };
    let (thresholds, unreached) = thresholds(scenario, claim, &best);
    Why {
        method: METHOD,
        decisive: Some(best.swing),
        thresholds,
        unreached,
        note: None,
    }
}

/// Thresholds for each bound of the test, and the bounds that cannot be reached: found by
/// [`solve::crossings`] (shared with `prevsim sensitivity`'s switching values) over the
/// parameter's range.
fn thresholds(scenario: &Scenario, claim: &Claim, best: &Candidate) -> (Vec<Threshold>, Vec<f64>) {
    let s = &best.swing;
    let f = |x: f64| figure_at(scenario, claim, best.id, x);
    let increasing = s.figure_at_high > s.figure_at_low;
    let range = (s.range_low, s.range_high);
    let mut probes = solve::grid(s.range_low, s.range_high, 16);
    probes.extend([s.low, s.high]);
    let mut found = Vec::new();
    let mut missed = Vec::new();
    for (bound, passes_above_bound) in bounds(&claim.test) {
        let holds_above = passes_above_bound == increasing;
        let c = solve::crossings(&f, bound, range, &probes);
        let value = match c.method {
            Method::Exact => c.line_value.map(|x| (x, ThresholdMethod::Exact)),
            Method::RootFinding => c
                .nearest(0.5 * (s.low + s.high))
                .map(|x| (x, ThresholdMethod::Bisection)),
        };
        match value {
            Some((value, method)) => found.push(Threshold {
                value,
                bound,
                holds_above,
                method,
                in_range: value >= s.range_low && value <= s.range_high,
            }),
            None => missed.push(bound),
        }
    }
    (found, missed)
}
