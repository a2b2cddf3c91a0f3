//! The one place the deliverables read a result folder: `summary.json`, `yearly.csv`,
//! `iterations.csv`, `manifest.json`, `scenario.toml`, the charts' SVG files, and, when other
//! commands have written them, `sensitivity/sensitivity.json` and `voi/voi.json`.
//!
//! The report, the workbook and the register see only [`Source`]; when the result files change
//! shape, this module alone changes. Fields it does not know are ignored. A run gives its
//! results in memory instead ([`Source::of_run`]): `iterations.csv` is then seen in the run's
//! columns ([`Iterations::Run`]), cell for cell as the file holds it.

use std::path::Path;

use serde_json::Value;

use crate::charts::ChartData;
use crate::charts::data::{Band, DATA_FILES};
use crate::engine::Columns;
use crate::export::manifest::{MANIFEST, Manifest, SCENARIO_COPY};
use crate::scenario::Scenario;

/// Why a result folder cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct SourceError {
    pub file: String,
    pub message: String,
}

fn bad(file: &str, message: impl std::fmt::Display) -> SourceError {
    SourceError {
        file: file.to_string(),
        message: message.to_string(),
    }
}

/// A metric's summary across iterations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    pub mean: f64,
    pub se: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// A CSV file, as text cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(bytes: &[u8], file: &str) -> Result<Table, SourceError> {
        let mut r = csv::Reader::from_reader(bytes);
        let header = r
            .headers()
            .map_err(|e| bad(file, e))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = r
            .records()
            .map(|rec| {
                rec.map(|rec| rec.iter().map(str::to_string).collect())
                    .map_err(|e| bad(file, e))
            })
            .collect::<Result<_, _>>()?;
        Ok(Table { header, rows })
    }
}

/// A cell of `iterations.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// A number (`NaN` and the infinities too, written as Rust writes them).
    Number(f64),
    /// Text that is not a number, such as an intervention's name or "never".
    Text(&'a str),
    /// An empty cell (a ratio without a programme cost).
    Blank,
}

impl<'a> Cell<'a> {
    /// A cell as the file holds it.
    pub fn of_text(text: &'a str) -> Cell<'a> {
        if text.is_empty() {
            Cell::Blank
        } else {
            text.parse().map_or(Cell::Text(text), Cell::Number)
        }
    }

    /// The number, if the cell holds one.
    pub fn number(self) -> Option<f64> {
        match self {
            Cell::Number(x) => Some(x),
            _ => None,
        }
    }
}

/// `iterations.csv`: read back from the file, or the run's own columns it is written from
/// (the same cells either way: a run's deliverables need not parse the file it has just made).
#[derive(Debug, Clone)]
pub enum Iterations<'a> {
    Parsed(Table),
    Run {
        header: Vec<String>,
        scenario: &'a Scenario,
        columns: &'a Columns,
    },
}

impl<'a> Iterations<'a> {
    /// The run's columns, as `iterations.csv` lays them out.
    pub fn of_run(scenario: &'a Scenario, columns: &'a Columns) -> Iterations<'a> {
        Iterations::Run {
            header: crate::export::iterations_header(scenario),
            scenario,
            columns,
        }
    }

    pub fn header(&self) -> &[String] {
        match self {
            Iterations::Parsed(t) => &t.header,
            Iterations::Run { header, .. } => header,
        }
    }

    /// Rows (iterations x interventions).
    pub fn rows(&self) -> usize {
        match self {
            Iterations::Parsed(t) => t.rows.len(),
            Iterations::Run {
                scenario, columns, ..
            } => columns.len() * scenario.interventions.len(),
        }
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.header().iter().position(|h| h == name)
    }

    /// The cell at `row`, `col` (`Blank` outside the table).
    pub fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        match self {
            Iterations::Parsed(t) => match t.rows.get(row).and_then(|r| r.get(col)) {
                None => Cell::Blank,
                // A name is a name, even one that reads as a number.
                Some(text) if t.header.get(col).is_some_and(|h| h == "intervention") => {
                    Cell::Text(text)
                }
                Some(text) => Cell::of_text(text),
            },
            Iterations::Run {
                scenario, columns, ..
            } => {
                let k = scenario.interventions.len().max(1);
                let (i, j) = (row / k, row % k);
                match crate::export::iteration_cell(scenario, columns, i, j, col) {
                    crate::export::IterationCell::Number(x) => Cell::Number(x),
                    crate::export::IterationCell::Name => {
                        Cell::Text(&scenario.interventions[j].name)
                    }
                    crate::export::IterationCell::Never => Cell::Text("never"),
                    crate::export::IterationCell::Blank => Cell::Blank,
                }
            }
        }
    }

    /// The rows of one intervention, in order: found by name in a parsed file; a run's are
    /// every `k`-th row (its rows go iteration by iteration, intervention by intervention).
    fn rows_of(&self, intervention: &str) -> Vec<usize> {
        match self {
            Iterations::Parsed(_) => {
                let Some(who) = self.column("intervention") else {
                    return Vec::new();
                };
                (0..self.rows())
                    .filter(|&r| self.cell(r, who) == Cell::Text(intervention))
                    .collect()
            }
            Iterations::Run {
                scenario, columns, ..
            } => {
                let k = scenario.interventions.len();
                match scenario
                    .interventions
                    .iter()
                    .position(|l| l.name == intervention)
                {
                    Some(j) => (0..columns.len()).map(|i| i * k + j).collect(),
                    None => Vec::new(),
                }
            }
        }
    }

    /// A column's cells in the rows of one intervention (`None` where not a number).
    pub fn values_of(&self, name: &str, intervention: &str) -> Vec<Option<f64>> {
        let Some(c) = self.column(name) else {
            return Vec::new();
        };
        self.rows_of(intervention)
            .into_iter()
            .map(|r| self.cell(r, c).number())
            .collect()
    }

    /// A numeric column's values in the rows of one intervention.
    pub fn numbers_of(&self, name: &str, intervention: &str) -> Vec<f64> {
        self.values_of(name, intervention)
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Everything the deliverables need from a result folder.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    /// The parsed data the charts use (bands, yearly series, net savings).
    pub data: ChartData,
    /// `summary.json` as written.
    pub summary: Value,
    pub iterations: Iterations<'a>,
    pub manifest: Manifest,
    /// The scenario, validated again from the folder's copy.
    pub scenario: Scenario,
    /// The charts' SVG files by name, in name order.
    pub svgs: Vec<(String, String)>,
    pub sensitivity: Option<Value>,
    pub voi: Option<Value>,
}

fn get<'f>(files: &'f [(String, Vec<u8>)], name: &str) -> Result<&'f [u8], SourceError> {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| b.as_slice())
        .ok_or_else(|| bad(name, "missing"))
}

/// Files of a result folder that the deliverables read, besides the charts.
pub const SENSITIVITY: &str = "sensitivity/sensitivity.json";
pub const VOI: &str = "voi/voi.json";

impl Source<'_> {
    /// Reads a result folder from disk.
    ///
    /// # Errors
    /// A data file is missing or not as `prevsim run` writes it.
    pub fn load(folder: &Path) -> Result<Source<'static>, SourceError> {
        let mut files = Vec::new();
        let entries =
            std::fs::read_dir(folder).map_err(|e| bad(&folder.display().to_string(), e))?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let wanted = DATA_FILES.contains(&name.as_str())
                || name == MANIFEST
                || name == SCENARIO_COPY
                || (name.starts_with("chart-") && name.ends_with(".svg"));
            if wanted && entry.path().is_file() {
                let bytes = std::fs::read(entry.path()).map_err(|e| bad(&name, e))?;
                files.push((name, bytes));
            }
        }
        for extra in [SENSITIVITY, VOI] {
            if let Ok(bytes) = std::fs::read(folder.join(extra)) {
                files.push((extra.to_string(), bytes));
            }
        }
        Source::from_files(&files)
    }

    /// Reads named files (as read from a folder).
    ///
    /// # Errors
    /// A data file is missing or malformed.
    pub fn from_files(files: &[(String, Vec<u8>)]) -> Result<Source<'static>, SourceError> {
        let folder = crate::report::read::ResultFolder::from_files(files)
            .map_err(|e| bad(&e.file, e.message))?;
        let data = ChartData::new(&folder.report, &folder.yearly, folder.net_saving_pv)
            .map_err(|e| bad("result files", e))?;
        let manifest: Manifest =
            serde_json::from_slice(get(files, MANIFEST)?).map_err(|e| bad(MANIFEST, e))?;
        let text = String::from_utf8_lossy(get(files, SCENARIO_COPY)?).into_owned();
        let scenario = Scenario::parse(&text, Path::new(&manifest.scenario_file))
            .map_err(|e| bad(SCENARIO_COPY, e))?;
        let iterations = Table::parse(get(files, "iterations.csv")?, "iterations.csv")?;
        Source::with(
            files,
            data,
            manifest,
            scenario,
            Iterations::Parsed(iterations),
        )
    }

    /// A run's results in memory: its files (`summary.json`, `yearly.csv`, the manifest, and
    /// the charts' SVG files if drawn), the data of its charts, its scenario and its columns,
    /// which stand for `iterations.csv` (not parsed again).
    ///
    /// # Errors
    /// A data file is missing or malformed.
    pub fn of_run<'a>(
        files: &[(String, Vec<u8>)],
        data: ChartData,
        scenario: &'a Scenario,
        columns: &'a Columns,
    ) -> Result<Source<'a>, SourceError> {
        let manifest: Manifest =
            serde_json::from_slice(get(files, MANIFEST)?).map_err(|e| bad(MANIFEST, e))?;
        let iterations = Iterations::of_run(scenario, columns);
        Source::with(files, data, manifest, scenario.clone(), iterations)
    }

    fn with<'a>(
        files: &[(String, Vec<u8>)],
        data: ChartData,
        manifest: Manifest,
        scenario: Scenario,
        iterations: Iterations<'a>,
    ) -> Result<Source<'a>, SourceError> {
        let summary: Value = serde_json::from_slice(get(files, "summary.json")?)
            .map_err(|e| bad("summary.json", e))?;
        let json = |name: &str| {
            get(files, name)
                .ok()
                .and_then(|b| serde_json::from_slice(b).ok())
        };
        let mut source = Source {
            data,
            summary,
            iterations,
            manifest,
            scenario,
            svgs: Vec::new(),
            sensitivity: json(SENSITIVITY),
            voi: json(VOI),
        };
        source.set_svgs(files);
        Ok(source)
    }

    /// Takes the charts' SVG files (`chart-*.svg`) among `files`, in name order.
    pub fn set_svgs(&mut self, files: &[(String, Vec<u8>)]) {
        let mut svgs: Vec<(String, String)> = files
            .iter()
            .filter(|(n, _)| n.starts_with("chart-") && n.ends_with(".svg"))
            .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect();
        svgs.sort();
        self.svgs = svgs;
    }

    /// Intervention names in the scenario's order.
    pub fn interventions(&self) -> Vec<String> {
        self.data
            .interventions
            .iter()
            .map(|i| i.name.clone())
            .collect()
    }

    fn intervention(&self, name: &str) -> Option<&Value> {
        self.summary.get("interventions")?.get(name)
    }

    /// A metric's summary for one intervention (`None` where undefined, such as a BCR without
    /// programme cost).
    pub fn metric(&self, intervention: &str, metric: &str) -> Option<Stat> {
        let m = self
            .intervention(intervention)?
            .get("metrics")?
            .get(metric)?;
        let f = |k: &str| m.get(k).and_then(Value::as_f64);
        Some(Stat {
            mean: f("mean")?,
            se: f("se").unwrap_or(0.0),
            p5: f("p5")?,
            p50: f("p50")?,
            p95: f("p95")?,
        })
    }

    /// The metric names of `summary.json`, in the file's order.
    pub fn metric_names(&self) -> Vec<String> {
        crate::vocab::Metric::ALL
            .iter()
            .map(|m| m.name().to_string())
            .collect()
    }

    /// One agency's yearly means for one intervention (`summary.json`'s
    /// `interventions.<name>.agencies.<agency>.yearly`), in the scenario's order of agencies;
    /// empty without agencies or for results written before they were kept.
    pub fn agency_yearly(&self, intervention: &str) -> Vec<(String, crate::report::AgencyYearly)> {
        let Some(agencies) = self
            .intervention(intervention)
            .and_then(|i| i.get("agencies"))
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        // summary.json's object is read back in name order; the scenario gives the order.
        self.scenario
            .agencies
            .names
            .iter()
            .filter_map(|name| {
                let yearly = serde_json::from_value(agencies.get(name)?.get("yearly")?.clone());
                Some((name.clone(), yearly.ok()?))
            })
            .collect()
    }

    /// Share of iterations with a positive net saving.
    pub fn prob_net_saving_positive(&self, intervention: &str) -> Option<f64> {
        self.intervention(intervention)?
            .get("prob_net_saving_positive")?
            .as_f64()
    }

    /// A yearly series' mean per year (empty when `yearly.csv` has no such row).
    pub fn yearly_mean(&self, arm: &str, measure: &str) -> Vec<f64> {
        let Some(measure) = crate::vocab::Measure::from_name(measure) else {
            return Vec::new();
        };
        self.data
            .series(arm, measure)
            .iter()
            .map(|(_, b)| b.mean)
            .collect()
    }

    /// A yearly series' band per year.
    pub fn yearly_band(&self, arm: &str, measure: &str) -> Vec<Band> {
        let Some(measure) = crate::vocab::Measure::from_name(measure) else {
            return Vec::new();
        };
        self.data
            .series(arm, measure)
            .iter()
            .map(|(_, b)| *b)
            .collect()
    }

    /// An uncertain input's draws (`iterations.csv` column), from the first intervention's
    /// rows (every intervention's row of an iteration holds the same draws).
    pub fn draws(&self, input: &str) -> Vec<f64> {
        let first = self.interventions().into_iter().next().unwrap_or_default();
        self.iterations.numbers_of(input, &first)
    }
}
