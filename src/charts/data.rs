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
    metrics: BTreeMap<String, Option<Band>>,
    prob_net_saving_positive: Option<f64>,
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
                    let net_summary = s
                        .metrics
                        .get("net_saving_pv")
                        .copied()
                        .flatten()
                        .ok_or_else(|| bad("summary.json", format!("{name}: no net_saving_pv")))?;
                    Ok(InterventionData {
                        name,
                        net_saving_pv: values,
                        net_summary,
                        prob_net_saving_positive: s.prob_net_saving_positive.unwrap_or(f64::NAN),
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
