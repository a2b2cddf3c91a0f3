//! The scenario's claims judged on the folder's own iterations (`iterations.csv`), with the
//! same figures and verdict rules as `prevsim check` (which re-runs the model and also says
//! why a claim stands or falls).

use serde::Serialize;

use super::source::Source;
use crate::check::{Figures, format, verdict};
use crate::engine::ArmInputs;
use crate::scenario::{Input, Quantity, Scenario};

/// A claim and its verdict, as the report and the workbook show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRow {
    pub text: String,
    pub source: String,
    /// The figure: a metric of an intervention, or an input.
    pub figure: String,
    /// The document's test, such as "≥ £3.5m".
    pub document: String,
    pub mean: f64,
    pub p5: f64,
    pub p95: f64,
    /// Share of iterations in which the test passes.
    pub probability: f64,
    /// What the claim asks, such as "≥ 95%".
    pub required: String,
    pub verdict: String,
    pub money: bool,
}

/// The input values of every iteration: the means, with each uncertain scalar's draw.
fn input_values(source: &Source) -> Vec<crate::params::Values> {
    let s: &Scenario = &source.scenario;
    let first = source
        .interventions()
        .into_iter()
        .next()
        .unwrap_or_default();
    let n = source
        .iterations
        .numbers_of("iteration", &first)
        .len()
        .max(1);
    let mut all = vec![s.params.means(); n];
    for (name, id, dist) in s.params.scalars() {
        if dist.is_fixed() {
            continue;
        }
        for (values, x) in all.iter_mut().zip(source.draws(name)) {
            values.set(id, x);
        }
    }
    all
}

/// Every claim of the scenario, judged on the folder's iterations.
pub fn judge(source: &Source) -> Vec<ClaimRow> {
    let s = &source.scenario;
    if s.claims.is_empty() {
        return Vec::new();
    }
    let names = source.interventions();
    let inputs = input_values(source);
    s.claims
        .iter()
        .map(|claim| {
            let (figure, values): (String, Vec<Option<f64>>) = match &claim.quantity {
                Quantity::Metric {
                    intervention,
                    metric,
                } => {
                    let name = names.get(*intervention).cloned().unwrap_or_default();
                    let values = source.iterations.values_of(metric.name(), &name);
                    (format!("{metric} of \"{name}\""), values)
                }
                Quantity::Input { of, per } => {
                    let get = |input: &Input, v: &crate::params::Values| match input {
                        Input::Parameter { id, .. } => v.get(*id),
                        Input::UnitCost(state) => {
                            ArmInputs::baseline(&s.baseline, v).unit_cost[*state]
                        }
                    };
                    let values = inputs
                        .iter()
                        .map(|v| {
                            let x = get(of, v);
                            match per {
                                None => Some(x),
                                Some(p) => {
                                    let d = get(p, v);
                                    (d != 0.0).then(|| x / d)
                                }
                            }
                        })
                        .collect();
                    (crate::check::figure_name(&claim.quantity), values)
                }
                Quantity::Published { value, .. } => (
                    crate::check::figure_name(&claim.quantity),
                    vec![Some(*value); inputs.len().max(1)],
                ),
            };
            let f = Figures::of(&values, &claim.test);
            let money = claim.quantity.is_money();
            ClaimRow {
                text: claim.text.clone(),
                source: claim.source.clone(),
                figure,
                document: format::document(&claim.test, money),
                mean: f.mean,
                p5: f.p5,
                p95: f.p95,
                probability: f.probability,
                required: format::required(claim.requirement),
                verdict: verdict(claim.requirement, f.probability, f.mean_passes)
                    .words()
                    .to_string(),
                money,
            }
        })
        .collect()
}
