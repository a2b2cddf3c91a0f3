//! Probabilistic break-even: the value of an input at which the chance that the figure is above
//! the target is 50% and 80%.
//!
//! # Method
//! The Monte Carlo is re-run with the input fixed at a trial value in every iteration and every
//! other input drawn as in `run` (the same seed and streams for every trial value: common random
//! numbers, so the chance moves smoothly with the trial value and not with the noise). The
//! chance is first found at both ends of the input's support (its 99.99th percentile where the
//! support is unbounded); a level the chance does not cross between them has no break-even
//! within the range. Otherwise bisection halves the bracket until it is narrower than
//! [`TOLERANCE`] of the input's P5-P95 width, or until the chances at both its ends are within
//! half a Monte Carlo standard error (`sqrt(p (1 - p) / n)`) of the level, so that no value in
//! the bracket is distinguishable from the level by the run itself; the bracket's midpoint is
//! reported. The points found for 50% narrow the search for 80%.

use serde::Serialize;

use super::inputs::{Figure, Input, mc_figures, share_above};
use crate::params::Values;
use crate::scenario::Scenario;

/// The chances searched for.
pub const LEVELS: [f64; 2] = [0.5, 0.8];
/// Width of the final bracket, as a share of the input's P5-P95 width.
pub const TOLERANCE: f64 = 0.005;

/// One level's break-even value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// The chance searched for.
    pub probability: f64,
    /// The input's value at which the chance crosses it; `null` when it does not within the
    /// range.
    pub value: Option<f64>,
    /// The final bracket and the chances at its ends.
    pub bracket: Option<[f64; 2]>,
    pub bracket_probabilities: Option<[f64; 2]>,
}

/// An input's probabilistic break-even.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    pub input: String,
    pub money: bool,
    pub iterations: u64,
    pub seed: u64,
    /// The bisection stops when the bracket is narrower than this.
    pub tolerance: f64,
    /// The range searched.
    pub range: (f64, f64),
    pub levels: Vec<Level>,
    /// Every trial value and the chance there, in increasing order of value.
    pub points: Vec<(f64, f64)>,
}

/// The break-even of one input on the given parameter draws; `None` for a whole row.
pub fn break_even(
    scenario: &Scenario,
    figure: &Figure,
    input: &Input,
    target: f64,
    seed: u64,
    draws: &[Values],
) -> Option<BreakEven> {
    let (lo, hi) = input.support();
    let hi = if hi.is_finite() {
        hi
    } else {
        input.quantile(0.9999)?
    };
    let width = input.quantile(0.95)? - input.quantile(0.05)?;
    let scale = if width > 0.0 {
        width
    } else if hi > lo {
        hi - lo
    } else {
        input.mean()?.abs().max(1.0)
    };
    let tolerance = TOLERANCE * scale;
    let chance = |x: f64| {
        let values = mc_figures(scenario, figure, seed, draws, &|v| input.set(v, x));
        share_above(&values, target)
    };
    let mut points: Vec<(f64, f64)> = vec![(lo, chance(lo))];
    if hi > lo {
        points.push((hi, chance(hi)));
    }
    let levels = LEVELS
        .iter()
        .map(|&p| level(&mut points, p, tolerance, draws.len(), &chance))
        .collect();
    Some(BreakEven {
        input: input.name.clone(),
        money: input.money(),
        iterations: draws.len() as u64,
        seed,
        tolerance,
        range: (lo, hi),
        levels,
        points,
    })
}

/// Bisection for one level, adding every trial to `points` (kept sorted).
fn level(
    points: &mut Vec<(f64, f64)>,
    p: f64,
    tolerance: f64,
    n: usize,
    chance: &dyn Fn(f64) -> f64,
) -> Level {
    let close = 0.5 * (p * (1.0 - p) / n.max(1) as f64).sqrt();
    let reached = |q: f64| q >= p;
    let bracket = points
        .windows(2)
        .find(|w| reached(w[0].1) != reached(w[1].1))
        .map(|w| (w[0], w[1]));
    let Some((mut a, mut b)) = bracket else {
        return Level {
            probability: p,
            value: None,
            bracket: None,
            bracket_probabilities: None,
        };
    };
    while b.0 - a.0 > tolerance && ((a.1 - p).abs() > close || (b.1 - p).abs() > close) {
        let m = 0.5 * (a.0 + b.0);
        let point = (m, chance(m));
        let at = points.partition_point(|q| q.0 < m);
        points.insert(at, point);
        if reached(point.1) == reached(a.1) {
            a = point;
        } else {
            b = point;
        }
    }
    Level {
        probability: p,
        value: Some(0.5 * (a.0 + b.0)),
        bracket: Some([a.0, b.0]),
        bracket_probabilities: Some([a.1, b.1]),
    }
}
