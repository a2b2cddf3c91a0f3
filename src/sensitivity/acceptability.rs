//! Acceptability against the programme's price: the chance the figure is above the target for
//! each cost per family reached, and the highest price at which it breaks even.
//!
//! # Method
//! The price is the scenario's `programme_cost.per_family` (before optimism bias), set to the
//! same value in every iteration; everything else is drawn as in `run`. The programme's cost,
//! and so the net saving, is linear in that price in every iteration (the price changes no
//! family's path: reach does not depend on it), so two Monte Carlo runs on common random numbers,
//! at a price of £0 and at the price's mean, give each iteration's figure as `a_i - b_i x price`
//! exactly. From them: the chance at every price (the curve), the price at which the mean
//! figure equals the target, and the highest price at which the chance is still at least 50%
//! and 80% (an order statistic of the iterations' own break-even prices `(a_i - target) / b_i`).

use serde::Serialize;

use super::inputs::{Figure, Input, Kind, fixed_figure, mc_figures};
use crate::params::Values;
use crate::scenario::Scenario;

/// The chances whose highest price is reported.
pub const LEVELS: [f64; 2] = [0.5, 0.8];
/// Points on the curve.
pub const POINTS: usize = 201;

/// The highest price at which the chance is at least `probability`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceLevel {
    pub probability: f64,
    /// `null` with `note` when no price qualifies, or every price does.
    pub max_price: Option<f64>,
    pub note: Option<&'static str>,
}

/// One point of the acceptability curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PricePoint {
    pub price: f64,
    /// Chance that the figure is above the target at this price.
    pub probability: f64,
    /// The figure's mean at this price.
    pub mean: f64,
}

/// The programme's acceptability curve and break-even prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acceptability {
    /// The price input, named as in iterations.csv.
    pub input: String,
    pub iterations: u64,
    pub seed: u64,
    /// The price at which the base case (fixed mode) breaks even.
    pub base_case_max_price: Option<f64>,
    /// The price at which the mean figure equals the target.
    pub mean_max_price: Option<f64>,
    pub levels: Vec<PriceLevel>,
    pub curve: Vec<PricePoint>,
}

/// The price input of the intervention in a reduced scenario (see [`super::inputs::single`]).
pub fn price_input(scenario: &Scenario) -> Option<Input> {
    let id = scenario
        .interventions
        .first()?
        .programme_cost
        .as_ref()?
        .per_family;
    scenario
        .params
        .scalars()
        .find(|(_, i, _)| *i == id)
        .map(|(name, id, d)| Input {
            name: name.to_string(),
            kind: Kind::Scalar(id, d.clone()),
        })
}

/// The curve and break-even prices; `None` when the intervention has no programme cost.
pub fn acceptability(
    scenario: &Scenario,
    figure: &Figure,
    target: f64,
    seed: u64,
    draws: &[Values],
) -> Option<Acceptability> {
    let input = price_input(scenario)?;
    let reference = input.mean()?.max(1.0);
    let at = |x: f64| mc_figures(scenario, figure, seed, draws, &|v| input.set(v, x));
    let (free, priced) = (at(0.0), at(reference));
    // Each iteration's figure is a - b x price.
    let lines: Vec<Option<(f64, f64)>> = free
        .iter()
        .zip(&priced)
        .map(|(a, p)| Some((*a)?).zip(*p).map(|(a, p)| (a, (a - p) / reference)))
        .collect();
    let n = lines.len().max(1) as f64;
    let mut prices: Vec<f64> = lines
        .iter()
        .map(|l| match *l {
            Some((a, b)) if b > 1e-12 * a.abs().max(1.0) => (a - target) / b,
            Some((a, _)) if a > target => f64::INFINITY,
            _ => f64::NEG_INFINITY,
        })
        .collect();
    prices.sort_by(f64::total_cmp);
    let mean_a = lines.iter().flatten().map(|l| l.0).sum::<f64>() / n;
    let mean_b = lines.iter().flatten().map(|l| l.1).sum::<f64>() / n;
    let mean_max_price = (mean_b > 0.0).then(|| (mean_a - target) / mean_b);
    let base = |x: f64| fixed_figure(scenario, figure, &|v| input.set(v, x));
    let base_case_max_price = match (base(0.0), base(reference)) {
        (Some(a), Some(p)) if a > p => Some((a - target) / ((a - p) / reference)),
        _ => None,
    };
    let levels = LEVELS.iter().map(|&p| price_level(&prices, p)).collect();
    let top = [
        2.0 * input.quantile(0.95).unwrap_or(0.0),
        1.25 * mean_max_price.unwrap_or(0.0),
        1.0,
    ]
    .into_iter()
    .fold(0.0, f64::max);
    let curve = (0..POINTS)
        .map(|i| {
            let price = top * i as f64 / (POINTS - 1) as f64;
            let above = prices.len() - prices.partition_point(|c| *c <= price);
            PricePoint {
                price,
                probability: above as f64 / prices.len().max(1) as f64,
                mean: mean_a - mean_b * price,
            }
        })
        .collect();
    Some(Acceptability {
        input: input.name,
        iterations: draws.len() as u64,
        seed,
        base_case_max_price,
        mean_max_price,
        levels,
        curve,
    })
}

/// The highest price at which at least a share `p` of iterations are above the target.
fn price_level(sorted_prices: &[f64], p: f64) -> PriceLevel {
    let n = sorted_prices.len();
    let needed = (p * n as f64).ceil() as usize;
    if n == 0 || needed == 0 {
        return PriceLevel {
            probability: p,
            max_price: None,
            note: Some("no iterations"),
        };
    }
    // Above the target at price x exactly when x < the iteration's own break-even price.
    let x = sorted_prices[n - needed];
    let (max_price, note) = if x == f64::NEG_INFINITY || x < 0.0 {
        (None, Some("not even at a price of £0"))
    } else if x == f64::INFINITY {
        (
            None,
            Some("at any price: the price does not change this figure"),
        )
    } else {
        (Some(x), None)
    };
    PriceLevel {
        probability: p,
        max_price,
        note,
    }
}
