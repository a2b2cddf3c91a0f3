//! What the charts are drawn from: the typed results of a run ([`Report`], the yearly bands and
//! the per-iteration net savings).
//!
//! `prevsim run` builds this from the results it holds in memory, and `prevsim plot` from the
//! same types read back from a folder by [`crate::report::read`]; numbers are written so that
//! they read back exactly, so re-drawing saved results gives byte-identical charts.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ChartError;
use crate::report::read::{ReadError, ResultFolder};
use crate::report::{InterventionSummary, Report, YearlyBand};
use crate::stats::Summary;
use crate::vocab::{AgencyMetric, Measure, Metric};

pub use crate::report::read::DATA_FILES;

/// The largest amount (in pounds, either sign) a folder read back may hold: far above anything a
/// valid scenario produces, far enough below `f64::MAX` that an axis's span never overflows.
pub const MAX_AMOUNT: f64 = 1e50;

impl From<ReadError> for ChartError {
    fn from(e: ReadError) -> ChartError {
        ChartError::Data {
            file: e.file,
            message: e.message,
        }
    }
}

/// A figure's spread across iterations (a row of `yearly.csv`, or a metric of `summary.json`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Band {
    pub mean: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// One intervention's net saving, as the charts need it.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionData {
    pub name: String,
    /// Net saving (present value) of every iteration, in iteration order (`iterations.csv`).
    pub net_saving_pv: Vec<f64>,
    /// Its summary in `summary.json`.
    pub net_summary: Band,
    /// `prob_net_saving_positive` in `summary.json`.
    pub prob_net_saving_positive: f64,
    /// Monte Carlo standard errors of the mean net saving and of the probability (NaN where
    /// the results do not have them).
    pub net_mean_se: f64,
    pub prob_se: f64,
    /// The payback year's distribution in `summary.json`, where the results have it.
    pub payback: Option<PaybackData>,
    /// Per agency, in the scenario's order; empty when the scenario names no agencies.
    pub agencies: Vec<AgencyData>,
}

/// Percentiles of the payback year (counted from 0, as in `yearly.csv`; `None` is "never").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaybackData {
    pub p5: Option<u32>,
    pub p50: Option<u32>,
    pub p95: Option<u32>,
    /// Share of iterations that never pay back within the horizon.
    pub never: f64,
}

/// One agency's figures for one intervention (present values).
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyData {
    pub name: String,
    pub gross_saving: Band,
    pub programme_cost: Band,
    pub net_saving: Band,
    /// Share of iterations in which the agency's net saving is above zero.
    pub prob_saves: f64,
}

/// A scenario's results, as the charts need them.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// The scenario's short name (its folder).
    pub scenario: String,
    pub title: Option<String>,
    pub seed: u64,
    pub iterations: u64,
    pub fixed: bool,
    pub years: u32,
    pub discount: String,
    /// In the scenario's order.
    pub interventions: Vec<InterventionData>,
    /// `yearly.csv`: (arm, measure) -> band per year, in year order.
    pub yearly: Yearly,
}

impl Band {
    fn of(s: &Summary) -> Band {
        Band {
            mean: s.mean,
            p5: s.p5,
            p25: s.p25,
            p50: s.p50,
            p75: s.p75,
            p95: s.p95,
        }
    }
}

fn agencies(s: &InterventionSummary) -> Vec<AgencyData> {
    let Some(list) = &s.agencies else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|(name, a)| {
            let band = |m| a.metric(m).map(Band::of);
            Some(AgencyData {
                name: name.clone(),
                gross_saving: band(AgencyMetric::GrossSavingPv)?,
                programme_cost: band(AgencyMetric::ProgrammeCostPv)?,
                net_saving: band(AgencyMetric::NetSavingPv)?,
                prob_saves: a.prob_saves,
            })
        })
        .collect()
}

fn bad(file: &str, message: impl std::fmt::Display) -> ChartError {
    ChartError::Data {
        file: file.to_string(),
        message: message.to_string(),
    }
}

impl ChartData {
    /// Reads a result folder's data files.
    ///
    /// # Errors
    /// A file is missing or not as `prevsim run` writes it.
    pub fn load(folder: &Path) -> Result<ChartData, ChartError> {
        let f = ResultFolder::load(folder)?;
        let data = ChartData::new(&f.report, &f.yearly, f.net_saving_pv)?;
        data.check_bounds()?;
        Ok(data)
    }

    /// Refuses figures prevsim never writes, which would make the charts loop or allocate
    /// without bound: a non-finite or astronomically large amount, a share outside [0, 1],
    /// more interventions, agencies or years than a scenario may have.
    fn check_bounds(&self) -> Result<(), ChartError> {
        use crate::scenario::limits::{MAX_AGENCIES, MAX_INTERVENTIONS};
        let max_years = crate::scenario::MAX_YEARS as u32;
        if self.years == 0 || self.years > max_years {
            return Err(bad(
                "summary.json",
                format!("years is {}: a run has 1 to {max_years}", self.years),
            ));
        }
        if self.interventions.len() > MAX_INTERVENTIONS {
            return Err(bad(
                "iterations.csv",
                format!("more than {MAX_INTERVENTIONS} interventions"),
            ));
        }
        let amount = |file: &str, what: &str, v: f64| {
            if v.is_finite() && v.abs() <= MAX_AMOUNT {
                Ok(())
            } else {
                Err(bad(
                    file,
                    format!(
                        "{what} is {v}, not an amount prevsim writes (finite, at most {MAX_AMOUNT:e} in size)"
                    ),
                ))
            }
        };
        let share = |file: &str, what: &str, p: f64| {
            if p.is_nan() || (0.0..=1.0).contains(&p) {
                Ok(())
            } else {
                Err(bad(file, format!("{what} is {p}, not a share from 0 to 1")))
            }
        };
        let band = |file: &str, what: &str, b: &Band| {
            for v in [b.mean, b.p5, b.p25, b.p50, b.p75, b.p95] {
                amount(file, what, v)?;
            }
            Ok::<(), ChartError>(())
        };
        for iv in &self.interventions {
            for v in &iv.net_saving_pv {
                amount(
                    "iterations.csv",
                    &format!("a net saving of \"{}\"", iv.name),
                    *v,
                )?;
            }
            band(
                "summary.json",
                &format!("{}: net_saving_pv", iv.name),
                &iv.net_summary,
            )?;
            share(
                "summary.json",
                "prob_net_saving_positive",
                iv.prob_net_saving_positive,
            )?;
            if let Some(p) = &iv.payback {
                share("summary.json", "payback.never", p.never)?;
            }
            if iv.agencies.len() > MAX_AGENCIES {
                return Err(bad(
                    "summary.json",
                    format!("more than {MAX_AGENCIES} agencies"),
                ));
            }
            for a in &iv.agencies {
                band("summary.json", &a.name, &a.gross_saving)?;
                band("summary.json", &a.name, &a.programme_cost)?;
                band("summary.json", &a.name, &a.net_saving)?;
                share("summary.json", "prob_saves", a.prob_saves)?;
            }
        }
        for ((arm, measure), rows) in &self.yearly {
            for (year, b) in rows {
                if *year >= max_years {
                    return Err(bad(
                        "yearly.csv",
                        format!(
                            "year {year} is beyond any horizon (years count from 0 to {})",
                            max_years - 1
                        ),
                    ));
                }
                band("yearly.csv", &format!("{arm} {measure}"), b)?;
            }
        }
        Ok(())
    }

    /// The charts' view of typed results: a run's in memory, or a folder's read back.
    ///
    /// # Errors
    /// An intervention of `net_saving_pv` is not in the report, or has no net saving summary.
    pub fn new(
        report: &Report,
        yearly: &[YearlyBand],
        net_saving_pv: Vec<(String, Vec<f64>)>,
    ) -> Result<ChartData, ChartError> {
        let interventions = net_saving_pv
            .into_iter()
            .map(|(name, values)| {
                let s = report
                    .interventions
                    .get(&name)
                    .ok_or_else(|| bad("summary.json", format!("no intervention \"{name}\"")))?;
                let net_summary = s
                    .metric(Metric::NetSavingPv)
                    .map(Band::of)
                    .ok_or_else(|| bad("summary.json", format!("{name}: no net_saving_pv")))?;
                let p = &s.payback;
                Ok(InterventionData {
                    name,
                    net_saving_pv: values,
                    net_summary,
                    prob_net_saving_positive: s.prob_net_saving_positive,
                    net_mean_se: s.metric(Metric::NetSavingPv).map_or(f64::NAN, |m| m.se),
                    prob_se: s.prob_net_saving_positive_se,
                    payback: Some(PaybackData {
                        p5: p.p5.0,
                        p50: p.p50.0,
                        p95: p.p95.0,
                        never: p.never,
                    }),
                    agencies: agencies(s),
                })
            })
            .collect::<Result<Vec<_>, ChartError>>()?;
        let mut by_series = Yearly::new();
        for row in yearly {
            let band = Band {
                mean: row.mean,
                p5: row.p5,
                p25: row.p25,
                p50: row.p50,
                p75: row.p75,
                p95: row.p95,
            };
            by_series
                .entry((row.arm.clone(), row.measure))
                .or_default()
                .push((row.year, band));
        }
        for rows in by_series.values_mut() {
            rows.sort_by_key(|(y, _)| *y);
        }
        Ok(ChartData {
            scenario: report.scenario.clone(),
            title: report.title.clone(),
            seed: report.seed,
            iterations: report.iterations,
            fixed: report.fixed,
            years: report.years,
            discount: report.discount.clone(),
            interventions,
            yearly: by_series,
        })
    }

    /// The title shown by default: the scenario's title, else its name.
    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.scenario)
    }

    /// The largest Monte Carlo errors over the interventions, for the footnote: "Monte Carlo
    /// error: mean net saving ± £12k, P(net saving > 0) ± 0.3 points" (empty in fixed mode or
    /// for results without them).
    pub fn mcse_note(&self) -> String {
        let most = |f: fn(&InterventionData) -> f64| {
            self.interventions
                .iter()
                .map(f)
                .filter(|x| x.is_finite())
                .fold(f64::NAN, f64::max)
        };
        let (mean, prob) = (most(|i| i.net_mean_se), most(|i| i.prob_se));
        if self.fixed || mean.is_nan() || prob.is_nan() {
            return String::new();
        }
        format!(
            " Monte Carlo error: mean net saving \u{b1} {}, P(net\u{a0}saving\u{a0}>\u{a0}0) \u{b1} {:.1} points.",
            crate::money::gbp(mean),
            prob * 100.0
        )
    }

    /// "2,000 iterations, seed 2010" or "fixed base case".
    pub fn run_note(&self) -> String {
        if self.fixed {
            "fixed base case".to_string()
        } else {
            format!(
                "{} iterations, seed {}",
                super::style::thousands(self.iterations as f64),
                self.seed
            )
        }
    }

    /// One measure of one arm, year by year (empty if `yearly.csv` does not have it).
    pub fn series(&self, arm: &str, measure: Measure) -> &[(u32, Band)] {
        self.yearly
            .get(&(arm.to_string(), measure))
            .map_or(&[], Vec::as_slice)
    }
}

type Yearly = BTreeMap<(String, Measure), Vec<(u32, Band)>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn files(summary: &str, iterations: &str, yearly: &str) -> Vec<(String, Vec<u8>)> {
        vec![
            ("summary.json".into(), summary.as_bytes().to_vec()),
            ("iterations.csv".into(), iterations.as_bytes().to_vec()),
            ("yearly.csv".into(), yearly.as_bytes().to_vec()),
        ]
    }

    fn from_files(files: &[(String, Vec<u8>)]) -> Result<ChartData, ChartError> {
        let f = ResultFolder::from_files(files)?;
        ChartData::new(&f.report, &f.yearly, f.net_saving_pv)
    }

    const BAND: &str =
        r#"{"mean": 2, "sd": 1, "se": 0.5, "p5": 0.5, "p25": 1, "p50": 2, "p75": 3, "p95": 3.5}"#;
    const PAYBACK: &str =
        r#"{"paid_back_by_year": [0.5], "never": 0.5, "p5": 0, "p50": 0, "p95": "never"}"#;

    #[test]
    fn reads_what_it_needs_and_ignores_what_it_does_not_know() {
        const NET: &str = Metric::NetSavingPv.name();
        let summary = format!(
            r#"{{"scenario": "s", "title": null, "seed": 3, "iterations": 2, "fixed": false,
            "prevsim_version": "0", "scenario_sha256": "x",
            "years": 1, "discount": "none", "new_field": [1, 2],
            "interventions": {{"b": {{"metrics": {{"{NET}": {BAND}, "bcr": null}},
            "prob_net_saving_positive": 1.0, "payback": {PAYBACK}, "new": 1,
            "agencies": {{"police": {{"metrics": {{"{NET}": {BAND}}}, "prob_saves": 0.5}}}}}},
            "a": {{"metrics": {{"{NET}": {BAND}}}, "prob_net_saving_positive": 0.5,
            "payback": {PAYBACK}}}}}}}"#
        );
        let iterations = "iteration,intervention,extra,net_saving_pv\n\
                          0,b,x,1.5\n0,a,y,-1\n1,b,x,2.5\n1,a,y,3\n";
        let yearly = "year,arm,measure,mean,sd,p5,p25,p50,p75,p95,agency\n\
                      0,baseline,children_in_care,5,0,5,5,5,5,5,\n\
                      0,b,families_treated,1,0,1,1,1,1,1,\n";
        let data = from_files(&files(&summary, iterations, yearly)).unwrap();
        // Interventions in the scenario's order (iterations.csv), not alphabetical.
        let names: Vec<&str> = data.interventions.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(data.interventions[0].net_saving_pv, [1.5, 2.5]);
        assert_eq!(data.interventions[1].prob_net_saving_positive, 0.5);
        assert_eq!(data.interventions[0].net_summary.p95, 3.5);
        assert_eq!(data.interventions[0].payback.unwrap().p95, None);
        // An agency without the figures the charts need is left out.
        assert!(data.interventions[0].agencies.is_empty());
        assert_eq!(
            data.series("baseline", Measure::ChildrenInCare)[0].1.p50,
            5.0
        );
        assert_eq!(data.series("b", Measure::FamiliesTreated).len(), 1);
        assert!(data.series("b", Measure::GrossSaving).is_empty());
        assert_eq!(data.run_note(), "2 iterations, seed 3");
    }

    #[test]
    fn says_which_file_is_wrong_and_why() {
        let e = from_files(&files("{}", "", "")).unwrap_err();
        assert!(
            e.to_string().starts_with("summary.json: missing field"),
            "{e}"
        );
        let e = from_files(&[]).unwrap_err();
        assert_eq!(e.to_string(), "summary.json: missing");
        let yearly =
            "year,arm,measure,mean,sd,p5,p25,p50,p75,p95\n0,baseline,happiness,1,0,1,1,1,1,1\n";
        let e = crate::report::read::yearly(yearly.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("unknown measure \"happiness\""),
            "{e}"
        );
    }
}
