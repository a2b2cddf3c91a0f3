//! From raw iterations to the figures an analyst reads: per-metric summaries and yearly bands.
//!
//! These plain structs are what every exporter (and the charts) consume; they carry no engine
//! state. Field documentation here is the reference for `summary.json` and `yearly.csv`.

use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::engine::{AGENCY_METRIC_NAMES, METRIC_NAMES, RunResult, YearRecord};
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

/// Entries keyed by name, kept in a given order (the scenario's), serialised as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<K, T>(pub Vec<(K, T)>);

impl<K: Serialize, T: Serialize> Serialize for Keyed<K, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Read back in the file's order (serde_json's own map would sort the keys).
impl<'de, K: Deserialize<'de>, T: Deserialize<'de>> Deserialize<'de> for Keyed<K, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<K, T>(PhantomData<(K, T)>);
        impl<'de, K: Deserialize<'de>, T: Deserialize<'de>> Visitor<'de> for Entries<K, T> {
            type Value = Keyed<K, T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Keyed(entries))
            }
        }
        d.deserialize_map(Entries(PhantomData))
    }
}

/// Interventions keyed by name, in the scenario's order.
pub type Interventions = Keyed<String, InterventionSummary>;

/// One intervention's results across iterations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionSummary {
    /// Each metric's mean, sd, se and percentiles, keyed by metric name (see
    /// [`crate::engine::Metrics`] for what each means). `null` where a metric is undefined in
    /// some iteration (a ratio to a programme cost of zero).
    pub metrics: MetricSummaries,
    /// Share of iterations in which the net saving (present value) is above zero.
    pub prob_net_saving_positive: f64,
    /// When the programme pays for itself: see [`Payback`].
    pub payback: Payback,
    /// Per agency (budget), by name, in the scenario's order; absent when the scenario names
    /// no agencies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agencies: Option<Agencies>,
}

/// The payback year's distribution across iterations: the first year (from 0) at whose end
/// the cumulative net saving, undiscounted, is above zero. Percentiles are nearest-rank (the
/// first year by which at least that share of iterations has paid back) and are `"never"` when
/// fewer than that share pay back within the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payback {
    /// `paid_back_by_year[t]`: share of iterations paid back by the end of year `t`.
    pub paid_back_by_year: Vec<f64>,
    /// Share of iterations that never pay back within the horizon.
    pub never: f64,
    pub p5: YearOrNever,
    pub p50: YearOrNever,
    pub p95: YearOrNever,
}

/// A year of the horizon, or `"never"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearOrNever(pub Option<u32>);

impl Serialize for YearOrNever {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(y) => s.serialize_u32(y),
            None => s.serialize_str("never"),
        }
    }
}

/// For readers (summary.md, the console, charts): years counted from 1, so the first year of
/// the horizon (year 0 in the data files) reads "year 1".
impl std::fmt::Display for YearOrNever {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(y) => write!(f, "year {}", u64::from(y) + 1),
            None => f.write_str("never"),
        }
    }
}

impl Payback {
    /// The distribution of per-iteration payback years over a horizon of `years`.
    pub fn of(paybacks: &[Option<u32>], years: u32) -> Payback {
        let n = paybacks.len().max(1) as f64;
        let paid_back_by_year: Vec<f64> = (0..years)
            .map(|t| {
                paybacks
                    .iter()
                    .filter(|p| p.is_some_and(|y| y <= t))
                    .count() as f64
                    / n
            })
            .collect();
        let never = paybacks.iter().filter(|p| p.is_none()).count() as f64 / n;
        let rank = |q: f64| {
            YearOrNever(
                paid_back_by_year
                    .iter()
                    .position(|share| *share >= q)
                    .map(|t| t as u32),
            )
        };
        Payback {
            never,
            p5: rank(0.05),
            p50: rank(0.5),
            p95: rank(0.95),
            paid_back_by_year,
        }
    }
}

/// Agencies keyed by name, in the scenario's order.
pub type Agencies = Keyed<String, AgencySummary>;

/// One agency's figures for one intervention across iterations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencySummary {
    /// Summaries keyed by [`crate::engine::AGENCY_METRIC_NAMES`]: the agency's share of each
    /// arm's cost, its gross saving, the programme cost it pays and its net saving.
    pub metrics: MetricSummaries,
    /// Share of iterations in which this agency's net saving (present value) is above zero.
    pub prob_saves: f64,
}

/// Metric summaries in [`METRIC_NAMES`] order.
pub type MetricSummaries = Keyed<&'static str, Option<Summary>>;

impl MetricSummaries {
    /// A metric's summary by name; `None` when unknown or undefined.
    pub fn get(&self, name: &str) -> Option<&Summary> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, s)| s.as_ref())
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
    /// and for interventions `families_treated` (families the programme has reached so far, in
    /// any state), `families_reached` (taken on this year), `programme_cost`, `gross_saving`
    /// (the year's services saved),
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
            let paybacks: Vec<Option<u32>> = run
                .iterations
                .iter()
                .map(|it| it.interventions[k].metrics.payback_year)
                .collect();
            let agencies = scenario.has_agencies.then(|| {
                Keyed(
                    scenario
                        .agencies
                        .names
                        .iter()
                        .enumerate()
                        .map(|(a, name)| (name.clone(), agency_summary(run, k, a)))
                        .collect(),
                )
            });
            (
                lever.name.clone(),
                InterventionSummary {
                    metrics: Keyed(metrics),
                    prob_net_saving_positive: share_positive(&net),
                    payback: Payback::of(&paybacks, scenario.years),
                    agencies,
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
        interventions: Keyed(interventions),
    }
}

/// One agency's summaries for intervention `k`.
fn agency_summary(run: &RunResult, k: usize, a: usize) -> AgencySummary {
    let values = |i: usize| -> Vec<f64> {
        run.iterations
            .iter()
            .map(|it| it.interventions[k].metrics.agencies[a].values()[i])
            .collect()
    };
    let metrics = AGENCY_METRIC_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, Summary::of(&values(i))))
        .collect();
    let net = values(4);
    AgencySummary {
        metrics: Keyed(metrics),
        prob_saves: share_positive(&net),
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
                    m.push(("families_treated".to_string(), out.years[t].treated()));
                    m.push((
                        "families_reached".to_string(),
                        out.years[t].families_reached,
                    ));
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
