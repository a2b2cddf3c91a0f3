//! From raw iterations to the figures an analyst reads: per-metric summaries and yearly bands.
//!
//! These plain structs are what every exporter (and the charts) consume; they carry no engine
//! state. Field documentation here is the reference for `summary.json` and `yearly.csv`.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::engine::{METRIC_NAMES, RunResult, YearRecord};
use crate::model::STATES;
use crate::scenario::Scenario;
use crate::stats::{Summary, share_positive};

/// The content of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The scenario's short name (its output folder).
    pub scenario: String,
    /// The scenario's title, if it has one.
    pub title: Option<String>,
    /// The seed the run used.
    pub seed: u64,
    /// Monte Carlo iterations (1 in fixed mode).
    pub iterations: u64,
    /// True for the deterministic base case (every parameter at its mean, expected counts).
    pub fixed: bool,
    /// Version of prevsim that produced the results.
    pub prevsim_version: String,
    /// SHA-256 of the scenario file, so a result can be traced to the exact input.
    pub scenario_sha256: String,
    /// Years simulated.
    pub years: u32,
    /// Discounting used for present values.
    pub discount: String,
    /// Per intervention, by name.
    pub interventions: Interventions,
}

/// Interventions keyed by name, in the scenario's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Interventions(pub Vec<(String, InterventionSummary)>);

impl Serialize for Interventions {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, summary) in &self.0 {
            map.serialize_entry(name, summary)?;
        }
        map.end()
    }
}

/// One intervention's results across iterations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionSummary {
    /// Each metric's mean, sd, se and percentiles, keyed by metric name (see
    /// [`crate::engine::Metrics`] for what each means). `null` where a metric is undefined in
    /// some iteration (a ratio to a programme cost of zero).
    pub metrics: MetricSummaries,
    /// Share of iterations in which the net saving (present value) is above zero.
    pub prob_net_saving_positive: f64,
}

/// Metric summaries in [`METRIC_NAMES`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSummaries(pub Vec<(&'static str, Option<Summary>)>);

impl MetricSummaries {
    pub fn get(&self, name: &str) -> Option<&Summary> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, s)| s.as_ref())
    }
}

impl Serialize for MetricSummaries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, summary) in &self.0 {
            map.serialize_entry(name, summary)?;
        }
        map.end()
    }
}

/// One figure's band in one year for one arm: a row of `yearly.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct YearlyBand {
    /// Year of the horizon, from 0.
    pub year: u32,
    /// `baseline` or an intervention's name.
    pub arm: String,
    /// What is measured: `children_in_care`, `families_<state>`, `cost` (services, undiscounted),
    /// and for interventions `programme_cost`, `gross_saving` (the year's services saved),
    /// `net_saving` (gross minus programme) and `cumulative_net_saving`, all undiscounted.
    pub measure: String,
    pub summary: Summary,
}

/// Named figures of one arm in one year of one iteration.
type Measures = Vec<(String, f64)>;

/// The measures of one arm's year that every arm has.
fn arm_measures(r: &YearRecord) -> Measures {
    let mut m = vec![("children_in_care".to_string(), r.children_in_care)];
    for (s, f) in STATES.iter().zip(r.families) {
        m.push((format!("families_{s}"), f));
    }
    m.push(("cost".to_string(), r.cost()));
    m
}

/// Builds `summary.json`'s content.
pub fn summarise(scenario: &Scenario, run: &RunResult) -> Report {
    let interventions = scenario
        .interventions
        .iter()
        .enumerate()
        .map(|(k, lever)| {
            let per_metric = |i: usize| -> Vec<Option<f64>> {
                run.iterations
                    .iter()
                    .map(|it| it.interventions[k].metrics.values()[i])
                    .collect()
            };
            let metrics = METRIC_NAMES
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let values: Option<Vec<f64>> = per_metric(i).into_iter().collect();
                    (*name, values.and_then(|v| Summary::of(&v)))
                })
                .collect();
            let net: Vec<f64> = run
                .iterations
                .iter()
                .map(|it| it.interventions[k].metrics.net_saving_pv)
                .collect();
            (
                lever.name.clone(),
                InterventionSummary {
                    metrics: MetricSummaries(metrics),
                    prob_net_saving_positive: share_positive(&net),
                },
            )
        })
        .collect();
    Report {
        scenario: scenario.name.clone(),
        title: scenario.title.clone(),
        seed: run.options.seed,
        iterations: run.iterations.len() as u64,
        fixed: run.options.fixed,
        prevsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_sha256: scenario.sha256.clone(),
        years: scenario.years,
        discount: scenario.discount.describe(),
        interventions: Interventions(interventions),
    }
}

/// Per year, arm and measure, the band across iterations (the rows of `yearly.csv`).
pub fn yearly_bands(scenario: &Scenario, run: &RunResult) -> Vec<YearlyBand> {
    let mut bands = Vec::new();
    for year in 0..scenario.years {
        let t = year as usize;
        // Measures per iteration for this year: baseline first, then each intervention.
        let mut arms: Vec<(String, Vec<Measures>)> = Vec::new();
        arms.push((
            "baseline".to_string(),
            run.iterations
                .iter()
                .map(|it| arm_measures(&it.baseline[t]))
                .collect(),
        ));
        for (k, lever) in scenario.interventions.iter().enumerate() {
            let rows = run
                .iterations
                .iter()
                .map(|it| {
                    let out = &it.interventions[k];
                    let mut m = arm_measures(&out.years[t]);
                    let gross = out.years[t].saving_against(&it.baseline[t]);
                    let net = gross - out.programme_cost[t];
                    let cumulative: f64 = (0..=t)
                        .map(|u| {
                            out.years[u].saving_against(&it.baseline[u]) - out.programme_cost[u]
                        })
                        .sum();
                    m.push(("programme_cost".to_string(), out.programme_cost[t]));
                    m.push(("gross_saving".to_string(), gross));
                    m.push(("net_saving".to_string(), net));
                    m.push(("cumulative_net_saving".to_string(), cumulative));
                    m
                })
                .collect();
            arms.push((lever.name.clone(), rows));
        }
        for (arm, rows) in arms {
            let Some(first) = rows.first() else { continue };
            for (j, (measure, _)) in first.iter().enumerate() {
                let values: Vec<f64> = rows.iter().map(|r| r[j].1).collect();
                if let Some(summary) = Summary::of(&values) {
                    bands.push(YearlyBand {
                        year,
                        arm: arm.clone(),
                        measure: measure.clone(),
                        summary,
                    });
                }
            }
        }
    }
    bands
}
