//! Exports: each format turns result structs into bytes; [`writer`] alone touches files.
//!
//! | file | what it holds |
//! |---|---|
//! | `summary.json` | [`crate::report::Report`]: run settings and per-intervention metric summaries |
//! | `iterations.csv` | one row per iteration and intervention: every uncertain parameter's draw and every metric |
//! | `yearly.csv` | per year, arm and measure: mean, sd, P5, P25, P50, P75, P95 across iterations |
//! | `summary.md` | a table to paste into a report |
//! | `scenario.toml`, `manifest.json` | the audit trail: see [`manifest`] |
//! | `chart-*.png`, `chart-*.svg` | charts drawn from the files above by [`crate::charts`]; not in the manifest (see [`crate::plot`]) |

mod csv_files;
pub mod manifest;
mod markdown;
pub mod number;
pub mod writer;

pub use csv_files::{IterationCell, iteration_cell, iterations_csv, iterations_header, yearly_csv};
pub use markdown::summary_md;

use crate::report::{Report, YearlyBand};
use crate::scenario::Scenario;

/// Why an export could not be produced (none is expected when writing to memory).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot serialise JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot finish CSV: {0}")]
    CsvFlush(String),
}

impl<W> From<csv::IntoInnerError<W>> for ExportError {
    fn from(e: csv::IntoInnerError<W>) -> Self {
        ExportError::CsvFlush(e.error().to_string())
    }
}

/// `summary.json`: pretty-printed, newline-terminated.
///
/// # Errors
/// Only if serialisation fails (it cannot for these types; kept for a uniform interface).
pub fn summary_json(report: &Report) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(report)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every data file of a run, named, as bytes, with `iterations.csv` already made (a run makes
/// it while it summarises).
///
/// # Errors
/// A serialisation failure (not expected for these types).
pub fn all_files_with(
    scenario: &Scenario,
    report: &Report,
    bands: &[YearlyBand],
    iterations: Vec<u8>,
) -> Result<Vec<(String, Vec<u8>)>, ExportError> {
    Ok(vec![
        ("summary.json".to_string(), summary_json(report)?),
        ("iterations.csv".to_string(), iterations),
        ("yearly.csv".to_string(), yearly_csv(bands)?),
        (
            "summary.md".to_string(),
            summary_md(scenario, report).into_bytes(),
        ),
    ])
}
