//! From raw iterations to the figures an analyst reads: per-metric summaries and yearly bands.
//!
//! These plain structs are what every exporter (and the charts) consume; they carry no engine
//! state. Field documentation here is the reference for `summary.json` and `yearly.csv`.

pub mod read;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::engine::{Column, Columns, RunOptions};
use crate::scenario::Scenario;
use crate::stats::{Summary, nan_if_null, share_positive, share_se};

fn nan() -> f64 {
    f64::NAN
}
use crate::vocab::{AgencyMetric, Measure, Metric};

/// The content of `summary.json`, as written and as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// With two or more interventions: every pair's difference in net saving (see
    /// [`crate::compare`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparisons: Option<Vec<crate::compare::Comparison>>,
    /// With two or more interventions: the chance each option, doing nothing included, saves
    /// the most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prob_best: Option<IndexMap<String, f64>>,
    /// Only on a precision run (`--precision`, `--precision-prob`): the targets, the
    /// half-widths achieved and why it stopped. The last member, so that without it the file
    /// is byte for byte that of `-n` with the same number of iterations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<crate::precision::Record>,
}

/// Interventions keyed by name, in the scenario's order.
pub type Interventions = IndexMap<String, InterventionSummary>;

/// One intervention's results across iterations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterventionSummary {
    /// Each metric's mean, sd, se and percentiles, keyed by metric name (see
    /// [`crate::engine::Metrics`] for what each means). `null` where a metric is undefined in
    /// some iteration (a ratio to a programme cost of zero).
    pub metrics: MetricSummaries,
    /// Share of iterations in which the net saving (present value) is above zero.
    #[serde(deserialize_with = "nan_if_null")]
    pub prob_net_saving_positive: f64,
    /// Its Monte Carlo standard error, sqrt(p (1 - p) / n).
    #[serde(default = "nan", deserialize_with = "nan_if_null")]
    pub prob_net_saving_positive_se: f64,
    /// When the programme pays for itself: see [`Payback`].
    pub payback: Payback,
    /// Per agency (budget), by name, in the scenario's order; absent when the scenario names
    /// no agencies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agencies: Option<Agencies>,
}

impl InterventionSummary {
    /// A metric's summary; `None` when undefined in some iteration (or absent).
    pub fn metric(&self, m: Metric) -> Option<&Summary> {
        self.metrics.get(&m).and_then(Option::as_ref)
    }
}

/// The payback year's distribution across iterations: the first year (from 0) at whose end
/// the cumulative net saving, undiscounted, is above zero. Percentiles are nearest-rank (the
/// first year by which at least that share of iterations has paid back) and are `"never"` when
/// fewer than that share pay back within the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl<'de> Deserialize<'de> for YearOrNever {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Year(u32),
            Word(String),
        }
        match Raw::deserialize(d)? {
            Raw::Year(y) => Ok(YearOrNever(Some(y))),
            Raw::Word(w) if w == "never" => Ok(YearOrNever(None)),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "a payback year is a whole number or \"never\", not \"{w}\""
            ))),
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
pub type Agencies = IndexMap<String, AgencySummary>;

/// One agency's figures for one intervention across iterations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencySummary {
    /// Summaries of the agency's share of each arm's cost, its gross saving, the programme
    /// cost it pays and its net saving.
    pub metrics: IndexMap<AgencyMetric, Option<Summary>>,
    /// Share of iterations in which this agency's net saving (present value) is above zero.
    #[serde(deserialize_with = "nan_if_null")]
    pub prob_saves: f64,
    /// Its figures year by year (means across iterations, undiscounted); absent in results
    /// written before they were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly: Option<AgencyYearly>,
}

/// One agency's figures for one intervention, year by year (from year 0): means across
/// iterations, undiscounted. Summed over the agencies they give the intervention's `cost`,
/// `gross_saving`, `programme_cost` and `net_saving` of `yearly.csv` (to rounding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyYearly {
    /// Its share of the baseline's service costs.
    pub baseline_cost: Vec<f64>,
    /// Its share of the intervention arm's service costs (programme cost not included).
    pub intervention_cost: Vec<f64>,
    /// Its services saved: baseline minus intervention.
    pub gross_saving: Vec<f64>,
    /// The programme cost it pays.
    pub programme_cost: Vec<f64>,
    /// Gross saving minus the programme cost it pays.
    pub net_saving: Vec<f64>,
}

impl AgencyYearly {
    /// From the means of its baseline cost and gross saving, and of the programme's cost of
    /// which it pays `share`.
    fn new(base_and_gross: &[(f64, f64)], programme: &[f64], share: f64) -> AgencyYearly {
        let programme_cost: Vec<f64> = programme.iter().map(|p| share * p + 0.0).collect();
        AgencyYearly {
            baseline_cost: base_and_gross.iter().map(|(b, _)| *b).collect(),
            intervention_cost: base_and_gross.iter().map(|(b, g)| b - g + 0.0).collect(),
            gross_saving: base_and_gross.iter().map(|(_, g)| *g).collect(),
            net_saving: base_and_gross
                .iter()
                .zip(&programme_cost)
                .map(|((_, g), p)| g - p + 0.0)
                .collect(),
            programme_cost,
        }
    }
}

impl AgencySummary {
    /// A figure's summary, if present.
    pub fn metric(&self, m: AgencyMetric) -> Option<&Summary> {
        self.metrics.get(&m).and_then(Option::as_ref)
    }
}

/// Metric summaries in [`Metric::ALL`] order.
pub type MetricSummaries = IndexMap<Metric, Option<Summary>>;

/// One figure's band in one year for one arm: a row of `yearly.csv`, as written and read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearlyBand {
    /// Year of the horizon, from 0.
    pub year: u32,
    /// `baseline` or an intervention's name.
    pub arm: String,
    /// What is measured (see [`Measure`]); money undiscounted.
    pub measure: Measure,
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

impl YearlyBand {
    fn new(year: u32, arm: &str, measure: Measure, s: Summary) -> YearlyBand {
        YearlyBand {
            year,
            arm: arm.to_string(),
            measure,
            mean: s.mean,
            sd: s.sd,
            p5: s.p5,
            p25: s.p25,
            p50: s.p50,
            p75: s.p75,
            p95: s.p95,
        }
    }
}

/// The arm of `yearly.csv` that is not an intervention.
pub const BASELINE: &str = "baseline";

/// A metric's summary over a column: `None` for a ratio undefined (NaN) in some iteration.
fn metric_summary(m: Metric, values: &[f64]) -> Option<Summary> {
    if m.is_ratio_to_programme_cost() && values.iter().any(|x| x.is_nan()) {
        return None;
    }
    Summary::with_quantile_se(values)
}

/// What one summary is taken of.
#[derive(Debug, Clone, Copy)]
enum Job {
    Metric(usize, Metric),
    Agency(usize, usize, AgencyMetric),
}

/// Builds `summary.json`'s content from a run's columns. Columns are summarised in parallel;
/// each summary is computed in iteration order, so the result is the same at any thread count.
pub fn summarise(scenario: &Scenario, columns: &Columns, options: RunOptions) -> Report {
    let agencies = if scenario.has_agencies {
        scenario.agencies.names.len()
    } else {
        0
    };
    let mut jobs = Vec::new();
    for k in 0..scenario.interventions.len() {
        jobs.extend(Metric::ALL.map(|m| Job::Metric(k, m)));
        for a in 0..agencies {
            jobs.extend(AgencyMetric::ALL.map(|m| Job::Agency(k, a, m)));
        }
    }
    let summaries: Vec<Option<Summary>> = jobs
        .par_iter()
        .map(|job| match *job {
            Job::Metric(k, m) => metric_summary(m, columns.interventions[k].metric(m)),
            Job::Agency(k, a, m) => {
                Summary::with_quantile_se(columns.interventions[k].agency(a, m))
            }
        })
        .collect();
    let mut summaries = summaries.into_iter();
    let interventions = scenario
        .interventions
        .iter()
        .zip(&columns.interventions)
        .map(|(lever, cols)| {
            let metrics: MetricSummaries =
                Metric::ALL.into_iter().zip(summaries.by_ref()).collect();
            let agencies = scenario.has_agencies.then(|| {
                let by_year = cols.agency_year_means(agencies, columns.len());
                // The programme's mean cost each year, as in yearly.csv.
                let programme: Vec<f64> = cols
                    .programme
                    .iter()
                    .map(|p| crate::stats::mean_sd(&p.programme_cost.to_vec()).0)
                    .collect();
                let split = crate::engine::cost_split(&scenario.agencies, lever);
                scenario
                    .agencies
                    .names
                    .iter()
                    .enumerate()
                    .map(|(a, name)| {
                        let metrics = AgencyMetric::ALL
                            .into_iter()
                            .zip(summaries.by_ref())
                            .collect();
                        let summary = AgencySummary {
                            metrics,
                            prob_saves: share_positive(cols.agency(a, AgencyMetric::NetSavingPv)),
                            yearly: by_year.get(a).map(|means| {
                                AgencyYearly::new(means, &programme, split.programme[a])
                            }),
                        };
                        (name.clone(), summary)
                    })
                    .collect()
            });
            let p = share_positive(cols.metric(Metric::NetSavingPv));
            let summary = InterventionSummary {
                metrics,
                prob_net_saving_positive: p,
                prob_net_saving_positive_se: share_se(p, columns.len()),
                payback: Payback::of(&cols.payback, scenario.years),
                agencies,
            };
            (lever.name.clone(), summary)
        })
        .collect();
    let options_compared = compare(scenario, columns);
    Report {
        scenario: scenario.name.clone(),
        title: scenario.title.clone(),
        seed: options.seed,
        iterations: columns.len() as u64,
        fixed: options.fixed,
        prevsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_sha256: scenario.sha256.clone(),
        years: scenario.years,
        discount: scenario.discount.describe(),
        interventions,
        comparisons: options_compared.as_ref().map(|c| c.comparisons.clone()),
        prob_best: options_compared.map(|c| c.prob_best),
        precision: None,
    }
}

/// Options compared, for two or more interventions.
fn compare(scenario: &Scenario, columns: &Columns) -> Option<crate::compare::Comparisons> {
    if scenario.interventions.len() < 2 {
        return None;
    }
    let names: Vec<&str> = scenario
        .interventions
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    let net: Vec<&[f64]> = columns
        .interventions
        .iter()
        .map(|c| c.metric(Metric::NetSavingPv))
        .collect();
    crate::compare::compare_options(&names, &net)
}

/// Where one band's values come from.
enum Source<'a> {
    Count(&'a Column),
    Money(&'a [f64]),
    /// Gross saving minus programme cost.
    Net(&'a [f64], &'a Column),
    /// The first count minus the second, iteration by iteration (the baseline's children in
    /// care minus an intervention's).
    Fewer(&'a Column, &'a Column),
}

impl Source<'_> {
    fn values(&self) -> Vec<f64> {
        match self {
            Source::Count(c) => c.to_vec(),
            Source::Money(v) => v.to_vec(),
            Source::Net(gross, cost) => gross
                .iter()
                .enumerate()
                .map(|(i, g)| g - cost.get(i))
                .collect(),
            // + 0.0: equal counts give 0, never -0.
            Source::Fewer(base, arm) => (0..base.len())
                .map(|i| base.get(i) - arm.get(i) + 0.0)
                .collect(),
        }
    }
}

/// Per year, arm and measure, the band across iterations (the rows of `yearly.csv`), from the
/// columns: the net saving from the gross saving and programme cost, the cumulative net saving
/// as a running sum over years. Bands are computed in parallel, each in iteration order.
pub fn yearly_bands(scenario: &Scenario, columns: &Columns) -> Vec<YearlyBand> {
    // Cumulative net saving per intervention and year.
    let cumulative: Vec<Vec<Vec<f64>>> = columns
        .interventions
        .par_iter()
        .map(|k| {
            let mut running = vec![-0.0; columns.len()];
            k.programme
                .iter()
                .map(|p| {
                    for (i, (c, g)) in running.iter_mut().zip(&p.gross_saving).enumerate() {
                        *c += g - p.programme_cost.get(i);
                    }
                    running.clone()
                })
                .collect()
        })
        .collect();
    let mut jobs: Vec<(u32, &str, Measure, Source)> = Vec::new();
    for year in 0..scenario.years {
        let t = year as usize;
        fn arm<'a>(
            year: u32,
            name: &'a str,
            y: &'a crate::engine::YearColumns,
        ) -> [(u32, &'a str, Measure, Source<'a>); 6] {
            Measure::ARM.map(|m| {
                let source = match m {
                    Measure::ChildrenInCare => Source::Count(&y.children_in_care),
                    Measure::Families(s) => Source::Count(&y.families[s.index()]),
                    _ => Source::Money(&y.cost),
                };
                (year, name, m, source)
            })
        }
        jobs.extend(arm(year, BASELINE, &columns.baseline[t]));
        for (k, (lever, cols)) in scenario
            .interventions
            .iter()
            .zip(&columns.interventions)
            .enumerate()
        {
            let name = lever.name.as_str();
            jobs.extend(arm(year, name, &cols.years[t]));
            let p = &cols.programme[t];
            jobs.extend(Measure::INTERVENTION.map(|m| {
                let source = match m {
                    Measure::FamiliesTreated => Source::Count(&p.families_treated),
                    Measure::FamiliesReached => Source::Count(&p.families_reached),
                    Measure::ProgrammeCost => Source::Count(&p.programme_cost),
                    Measure::GrossSaving => Source::Money(&p.gross_saving),
                    Measure::NetSaving => Source::Net(&p.gross_saving, &p.programme_cost),
                    Measure::ChildrenKeptOutOfCare => Source::Fewer(
                        &columns.baseline[t].children_in_care,
                        &cols.years[t].children_in_care,
                    ),
                    _ => Source::Money(&cumulative[k][t]),
                };
                (year, name, m, source)
            }));
        }
    }
    jobs.par_iter()
        .filter_map(|(year, arm, measure, source)| {
            Summary::of_vec(source.values()).map(|s| YearlyBand::new(*year, arm, *measure, s))
        })
        .collect()
}

/// Monte Carlo error above which a run is flagged: 1 percentage point on P(net saving > 0).
pub const PROB_MCSE_LIMIT: f64 = 0.01;
/// Monte Carlo error above which a run is flagged: 1% of the mean net saving's magnitude.
pub const MEAN_MCSE_SHARE: f64 = 0.01;

/// Iterations that would bring a standard error `se` (at `n` iterations) down to `target`
/// (errors fall as 1 / sqrt(n)), rounded up to a thousand.
pub fn iterations_for(se: f64, n: u64, target: f64) -> u64 {
    let need = (n as f64 * (se / target).powi(2)).ceil();
    let need = if need.is_finite() {
        need as u64
    } else {
        u64::MAX
    };
    need.div_ceil(1000).saturating_mul(1000)
}

/// Plain-words warnings where the Monte Carlo error of an intervention's headline figures is
/// large: the standard error of P(net saving > 0) above 1 percentage point, or that of the
/// mean net saving above 1% of its magnitude; each says how many iterations would be enough.
pub fn precision_warnings(report: &Report) -> Vec<String> {
    if report.fixed {
        return Vec::new();
    }
    let n = report.iterations;
    let mut out = Vec::new();
    for (name, s) in &report.interventions {
        let p_se = s.prob_net_saving_positive_se;
        let mut need = 0;
        let mut why = Vec::new();
        if p_se > PROB_MCSE_LIMIT {
            need = need.max(iterations_for(p_se, n, PROB_MCSE_LIMIT));
            why.push(format!(
                "P(net saving > 0) is {} \u{b1} {:.1} points",
                crate::money::percent(s.prob_net_saving_positive),
                p_se * 100.0
            ));
        }
        if let Some(net) = s.metric(Metric::NetSavingPv) {
            let target = MEAN_MCSE_SHARE * net.mean.abs();
            if net.se > target && target > 0.0 {
                need = need.max(iterations_for(net.se, n, target));
                why.push(format!(
                    "the mean net saving is {} \u{b1} {}",
                    crate::money::gbp(net.mean),
                    crate::money::gbp(net.se)
                ));
            }
        }
        if !why.is_empty() {
            out.push(format!(
                "{name}: {} at {n} iterations (Monte Carlo error); about {need} iterations would bring it within {} point on the probability and 1% on the mean",
                why.join(" and "),
                PROB_MCSE_LIMIT * 100.0
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterations_needed_follow_one_over_root_n() {
        // A probability of 0.5 at 1,000 iterations has an error of 1.58 points: (1.58/1)^2
        // x 1,000 = 2,500 iterations bring it to 1 point; 0.5 needs 2,500 in all.
        let se = crate::stats::share_se(0.5, 1000);
        assert_eq!(iterations_for(se, 1000, 0.01), 3000);
        assert_eq!(iterations_for(0.02, 1000, 0.01), 4000);
        assert_eq!(iterations_for(0.01, 1000, 0.01), 1000);
        // The README's figure: +/- 1 point on a probability near 1/2 needs about 2,500
        // iterations at one standard error, and 9,604 for a 95% half-width of 1 point.
        let n = (0.25f64 / 0.0001 * 1.96 * 1.96).ceil();
        assert_eq!(n, 9604.0);
    }
}
