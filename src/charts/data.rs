//! What the charts are drawn from: a result folder's data files, parsed.
//!
//! `prevsim run` builds this from the bytes of `summary.json`, `iterations.csv` and
//! `yearly.csv` it is about to write, and `prevsim plot` from the same files on disk, with the
//! same parser: so re-drawing saved results gives byte-identical charts. Columns, measures and
//! fields the charts do not use are ignored, so new outputs never break re-drawing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ChartError;
use crate::report::Keyed;

/// The data files charts are drawn from.
pub const DATA_FILES: [&str; 3] = ["summary.json", "iterations.csv", "yearly.csv"];

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
    pub yearly: BTreeMap<(String, String), Vec<(u32, Band)>>,
}

#[derive(Deserialize)]
struct SummaryFile {
    scenario: String,
    title: Option<String>,
    seed: u64,
    iterations: u64,
    fixed: bool,
    years: u32,
    discount: String,
    interventions: BTreeMap<String, SummaryIntervention>,
}

#[derive(Deserialize)]
struct SummaryIntervention {
    /// Kept as JSON: only `net_saving_pv` is read, so metrics of other shapes never get in the
    /// way.
    metrics: BTreeMap<String, serde_json::Value>,
    prob_net_saving_positive: Option<f64>,
    #[serde(default)]
    payback: Option<serde_json::Value>,
    /// In the file's order (the scenario's).
    /// Kept as JSON, each agency read where it has the expected shape.
    #[serde(default)]
    agencies: Option<Keyed<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct SummaryAgency {
    metrics: BTreeMap<String, serde_json::Value>,
    prob_saves: f64,
}

/// A metric's summary by name, if it is there and has the usual fields.
fn band(metrics: &BTreeMap<String, serde_json::Value>, name: &str) -> Option<Band> {
    metrics.get(name).and_then(|v| Band::deserialize(v).ok())
}

/// A payback percentile: a year (from 0) or `"never"`.
fn year_or_never(v: &serde_json::Value) -> Option<Option<u32>> {
    match v {
        serde_json::Value::String(s) if s == "never" => Some(None),
        v => v.as_u64().and_then(|y| u32::try_from(y).ok()).map(Some),
    }
}

fn payback(v: &serde_json::Value) -> Option<PaybackData> {
    Some(PaybackData {
        p5: year_or_never(v.get("p5")?)?,
        p50: year_or_never(v.get("p50")?)?,
        p95: year_or_never(v.get("p95")?)?,
        never: v.get("never")?.as_f64()?,
    })
}

fn agencies(s: &SummaryIntervention) -> Vec<AgencyData> {
    let Some(list) = &s.agencies else {
        return Vec::new();
    };
    list.0
        .iter()
        .filter_map(|(name, a)| {
            let a = SummaryAgency::deserialize(a).ok()?;
            Some(AgencyData {
                name: name.clone(),
                gross_saving: band(&a.metrics, "gross_saving_pv")?,
                programme_cost: band(&a.metrics, "programme_cost_pv")?,
                net_saving: band(&a.metrics, "net_saving_pv")?,
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
        let files = DATA_FILES
            .iter()
            .map(|name| {
                std::fs::read(folder.join(name))
                    .map(|bytes| (name.to_string(), bytes))
                    .map_err(|e| bad(&folder.join(name).display().to_string(), e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        ChartData::from_files(&files)
    }

    /// Parses named files (as a run holds them in memory, or as read from a folder).
    ///
    /// # Errors
    /// A data file is missing from the list or malformed.
    pub fn from_files(files: &[(String, Vec<u8>)]) -> Result<ChartData, ChartError> {
        let get = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.as_slice())
                .ok_or_else(|| bad(name, "missing"))
        };
        let summary: SummaryFile =
            serde_json::from_slice(get("summary.json")?).map_err(|e| bad("summary.json", e))?;
        let net = net_savings(get("iterations.csv")?)?;
        let yearly = yearly_bands(get("yearly.csv")?)?;
        let interventions =
            net.into_iter()
                .map(|(name, values)| {
                    let s = summary.interventions.get(&name).ok_or_else(|| {
                        bad("summary.json", format!("no intervention \"{name}\""))
                    })?;
                    let net_summary = band(&s.metrics, "net_saving_pv")
                        .ok_or_else(|| bad("summary.json", format!("{name}: no net_saving_pv")))?;
                    Ok(InterventionData {
                        name,
                        net_saving_pv: values,
                        net_summary,
                        prob_net_saving_positive: s.prob_net_saving_positive.unwrap_or(f64::NAN),
                        payback: s.payback.as_ref().and_then(payback),
                        agencies: agencies(s),
                    })
                })
                .collect::<Result<Vec<_>, ChartError>>()?;
        Ok(ChartData {
            scenario: summary.scenario,
            title: summary.title,
            seed: summary.seed,
            iterations: summary.iterations,
            fixed: summary.fixed,
            years: summary.years,
            discount: summary.discount,
            interventions,
            yearly,
        })
    }

    /// The title shown by default: the scenario's title, else its name.
    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.scenario)
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
    pub fn series(&self, arm: &str, measure: &str) -> &[(u32, Band)] {
        self.yearly
            .get(&(arm.to_string(), measure.to_string()))
            .map_or(&[], Vec::as_slice)
    }
}

/// Net saving per intervention from `iterations.csv`, interventions in order of appearance.
fn net_savings(bytes: &[u8]) -> Result<Vec<(String, Vec<f64>)>, ChartError> {
    const FILE: &str = "iterations.csv";
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().map_err(|e| bad(FILE, e))?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(FILE, format!("no column {name}")))
    };
    let (who, net) = (column("intervention")?, column("net_saving_pv")?);
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    for record in r.records() {
        let record = record.map_err(|e| bad(FILE, e))?;
        let name = record.get(who).unwrap_or_default();
        let value: f64 = record
            .get(net)
            .unwrap_or_default()
            .parse()
            .map_err(|e| bad(FILE, format!("net_saving_pv: {e}")))?;
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(value),
            None => out.push((name.to_string(), vec![value])),
        }
    }
    Ok(out)
}

type Yearly = BTreeMap<(String, String), Vec<(u32, Band)>>;

/// Every row of `yearly.csv`, grouped by arm and measure.
fn yearly_bands(bytes: &[u8]) -> Result<Yearly, ChartError> {
    const FILE: &str = "yearly.csv";
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().map_err(|e| bad(FILE, e))?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(FILE, format!("no column {name}")))
    };
    let [year, arm, measure] = [column("year")?, column("arm")?, column("measure")?];
    let stats = ["mean", "p5", "p25", "p50", "p75", "p95"].map(column);
    let mut out = Yearly::new();
    for record in r.records() {
        let record = record.map_err(|e| bad(FILE, e))?;
        let field = |i: usize| record.get(i).unwrap_or_default();
        let mut v = [0.0; 6];
        for (slot, c) in v.iter_mut().zip(&stats) {
            let c = c.as_ref().map_err(Clone::clone)?;
            *slot = field(*c)
                .parse()
                .map_err(|e| bad(FILE, format!("{}: {e}", header.get(*c).unwrap_or(""))))?;
        }
        let y: u32 = field(year)
            .parse()
            .map_err(|e| bad(FILE, format!("year: {e}")))?;
        let band = Band {
            mean: v[0],
            p5: v[1],
            p25: v[2],
            p50: v[3],
            p75: v[4],
            p95: v[5],
        };
        out.entry((field(arm).to_string(), field(measure).to_string()))
            .or_default()
            .push((y, band));
    }
    for rows in out.values_mut() {
        rows.sort_by_key(|(y, _)| *y);
    }
    Ok(out)
}

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

    const BAND: &str =
        r#"{"mean": 2, "sd": 1, "se": 0.5, "p5": 0.5, "p25": 1, "p50": 2, "p75": 3, "p95": 3.5}"#;

    #[test]
    fn reads_what_it_needs_and_ignores_what_it_does_not_know() {
        let summary = format!(
            r#"{{"scenario": "s", "title": null, "seed": 3, "iterations": 2, "fixed": false,
            "years": 1, "discount": "none", "new_field": [1, 2],
            "interventions": {{"b": {{"metrics": {{"net_saving_pv": {BAND}, "bcr": null,
            "payback_year": {{"share_never": 0.1}}}}, "prob_net_saving_positive": 1.0,
            "agencies": {{"police": 3}}}},
            "a": {{"metrics": {{"net_saving_pv": {BAND}}}, "prob_net_saving_positive": 0.5}}}}}}"#
        );
        let iterations = "iteration,intervention,extra,net_saving_pv\n\
                          0,b,x,1.5\n0,a,y,-1\n1,b,x,2.5\n1,a,y,3\n";
        let yearly = "year,arm,measure,mean,sd,p5,p25,p50,p75,p95,agency\n\
                      0,baseline,children_in_care,5,0,5,5,5,5,5,\n\
                      0,b,families_treated,1,0,1,1,1,1,1,\n";
        let data = ChartData::from_files(&files(&summary, iterations, yearly)).unwrap();
        // Interventions in the scenario's order (iterations.csv), not alphabetical.
        let names: Vec<&str> = data.interventions.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(data.interventions[0].net_saving_pv, [1.5, 2.5]);
        assert_eq!(data.interventions[1].prob_net_saving_positive, 0.5);
        assert_eq!(data.interventions[0].net_summary.p95, 3.5);
        assert_eq!(data.series("baseline", "children_in_care")[0].1.p50, 5.0);
        assert_eq!(data.series("b", "families_treated").len(), 1);
        assert!(data.series("b", "no such measure").is_empty());
        assert_eq!(data.run_note(), "2 iterations, seed 3");
    }

    #[test]
    fn says_which_file_is_wrong() {
        let e = ChartData::from_files(&files("{}", "", "")).unwrap_err();
        assert!(e.to_string().starts_with("summary.json:"), "{e}");
        let e = ChartData::from_files(&[]).unwrap_err();
        assert_eq!(e.to_string(), "summary.json: missing");
    }
}
