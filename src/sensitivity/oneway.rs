//! One input at a time, others at their means, fixed mode: the tornado, the spider and the
//! switching values.
//!
//! # Method
//! **Tornado and spider.** A scalar input (or, with `--entries`, a transition row's entry) is
//! set to its P5 and P95, and for the spider to 11 quantiles from P5 to P95 (P5, P14, ..., P95),
//! every other input at its mean, and the figure is computed in fixed mode (expected counts).
//! A whole transition row has no single value: 401 rows are drawn from its Dirichlet, the
//! figure is computed for each, and the rows giving the figure's P5 and P95 (and its 11
//! quantiles) are taken. For an input the figure rises or falls with, both ways give the same
//! swing. Inputs are ranked by swing, the distance between the figures at P5 and P95.
//!
//! **Switching values.** For every uncertain scalar input and row entry, the value at which the
//! figure crosses the target, others at their means: exact where the figure is linear in the
//! input, otherwise by bisection between neighbouring probes over the input's whole support (see
//! [`super::solve`]). Where it crosses more than once, the crossing nearest the input's mean is
//! given and all of them are listed.

use rayon::prelude::*;
use serde::{Serialize, Serializer};

use super::inputs::{Figure, Input, Kind, fixed_figure, row_draws};
use super::solve::{self, Method};
use crate::scenario::Scenario;

/// The quantiles of the tornado's bars.
pub const LOW: f64 = 0.05;
pub const HIGH: f64 = 0.95;
/// Points of each spider line.
pub const SPIDER_POINTS: usize = 11;
/// Rows drawn from a Dirichlet to swing a whole row (401, so that the 11 quantiles fall on
/// draws: 20, 56, ..., 380).
pub const ROW_DRAWS: usize = 401;

/// The spider's quantiles: P5, P14, ..., P95.
pub fn spider_quantiles() -> Vec<f64> {
    (0..SPIDER_POINTS)
        .map(|k| LOW + (HIGH - LOW) * k as f64 / (SPIDER_POINTS - 1) as f64)
        .collect()
}

/// An input's value: a number, or a whole transition row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputValue {
    Number(f64),
    Row([f64; 4]),
}

impl Serialize for InputValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            InputValue::Number(x) => s.serialize_f64(*x),
            InputValue::Row(r) => r.serialize(s),
        }
    }
}

impl InputValue {
    /// The value as text for a CSV cell: a number, or a row as `0.7 0.22 0.07 0.01`.
    pub fn cell(&self) -> String {
        match self {
            InputValue::Number(x) => x.to_string(),
            InputValue::Row(r) => r.map(|x| x.to_string()).join(" "),
        }
    }
}

/// One point of a spider line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpiderPoint {
    pub quantile: f64,
    pub value: InputValue,
    pub metric: f64,
}

/// One bar of the tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    /// The input, named as in iterations.csv.
    pub input: String,
    /// `scalar`, `row` (a whole transition row) or `entry` (one entry of a row).
    pub kind: &'static str,
    /// True for an amount of money.
    pub money: bool,
    /// The input at its P5 and P95 (for a row: the rows giving the figure's P5 and P95).
    pub low_value: InputValue,
    pub high_value: InputValue,
    /// The figure with the input at `low_value` and at `high_value`.
    pub metric_low: f64,
    pub metric_high: f64,
    /// `|metric_high - metric_low|`.
    pub swing: f64,
    /// The spider line: the figure at 11 quantiles of the input, P5 to P95.
    pub spider: Vec<SpiderPoint>,
}

/// Where the figure crosses the target as one input moves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchingValue {
    pub input: String,
    /// The crossing nearest the input's mean, `null` when none lies within its range.
    pub value: Option<f64>,
    pub method: Method,
    /// The range searched: the input's support.
    pub range: (f64, f64),
    /// The input's mean (the base case).
    pub mean: f64,
    /// Every crossing within the range.
    pub all_values: Vec<f64>,
    /// For a figure linear in the input: where its line meets the target, even outside the
    /// range.
    pub line_value: Option<f64>,
    /// True when the figure is above the target for input values above `value`.
    pub above_target_above: Option<bool>,
    /// True for an amount of money.
    pub money: bool,
}

/// The figure with one input set, others at their means.
fn at(scenario: &Scenario, figure: &Figure, input: &Input, x: f64) -> Option<f64> {
    fixed_figure(scenario, figure, &|v| input.set(v, x))
}

/// The tornado bar and spider line of one input; `None` when the figure is undefined there.
pub fn bar(scenario: &Scenario, figure: &Figure, input: &Input, which: u64) -> Option<Bar> {
    let qs = spider_quantiles();
    let spider: Vec<SpiderPoint> = match &input.kind {
        Kind::Row(id, dist) => {
            let rows = row_draws(dist, scenario.seed, which, ROW_DRAWS);
            let mut points: Vec<(f64, [f64; 4])> = rows
                .par_iter()
                .map(|row| {
                    let y = fixed_figure(scenario, figure, &|v| v.set_row(*id, *row));
                    y.map(|y| (y, *row))
                })
                .collect::<Option<Vec<_>>>()?;
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            qs.iter()
                .map(|&q| {
                    let (y, row) = points[(q * (ROW_DRAWS - 1) as f64).round() as usize];
                    SpiderPoint {
                        quantile: q,
                        value: InputValue::Row(row),
                        metric: y,
                    }
                })
                .collect()
        }
        _ => qs
            .par_iter()
            .map(|&q| {
                let x = input.quantile(q)?;
                Some(SpiderPoint {
                    quantile: q,
                    value: InputValue::Number(x),
                    metric: at(scenario, figure, input, x)?,
                })
            })
            .collect::<Option<Vec<_>>>()?,
    };
    let (first, last) = (spider[0], spider[spider.len() - 1]);
    Some(Bar {
        input: input.name.clone(),
        kind: match input.kind {
            Kind::Scalar(..) => "scalar",
            Kind::Row(..) => "row",
            Kind::Entry(..) => "entry",
        },
        money: input.money(),
        low_value: first.value,
        high_value: last.value,
        metric_low: first.metric,
        metric_high: last.metric,
        swing: (last.metric - first.metric).abs(),
        spider,
    })
}

/// Tornado bars of the inputs, largest swing first (ties in the scenario's order).
pub fn tornado(scenario: &Scenario, figure: &Figure, inputs: &[Input]) -> Vec<Bar> {
    let mut bars: Vec<Bar> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| bar(scenario, figure, input, i as u64))
        .collect();
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    bars
}

/// The switching value of one input (a scalar or a row entry).
pub fn switching_value(
    scenario: &Scenario,
    figure: &Figure,
    input: &Input,
    target: f64,
) -> Option<SwitchingValue> {
    let mean = input.mean()?;
    let range = input.support();
    let f = |x: f64| at(scenario, figure, input, x);
    let c = solve::crossings(&f, target, range, &input.probes());
    let value = c.nearest(mean);
    let above_target_above = value.map(|x| {
        let step = 1e-6 * x.abs().max(1e-6);
        f(x + step).is_some_and(|y| y > target)
    });
    Some(SwitchingValue {
        input: input.name.clone(),
        value,
        method: c.method,
        range,
        mean,
        all_values: c.values,
        line_value: c.line_value,
        above_target_above,
        money: input.money(),
    })
}
