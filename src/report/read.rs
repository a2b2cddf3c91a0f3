//! Reading a result folder back: `summary.json`, `yearly.csv` and the per-iteration columns of
//! `iterations.csv`, into the same types a run writes them from ([`Report`], [`YearlyBand`]).
//!
//! `prevsim plot` and the comparison chart read folders through this module only. Fields and
//! columns a reader does not use are ignored (so extra columns never break it); a file that
//! lacks what the types need is refused with the file named and the reason.

use std::path::{Path, PathBuf};

use super::{Report, YearlyBand};
use crate::vocab::Metric;

/// The files a result folder is read from.
pub const DATA_FILES: [&str; 3] = ["summary.json", "iterations.csv", "yearly.csv"];

/// Why a result folder could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ReadError {
    /// The file (its path when read from disk).
    pub file: String,
    pub message: String,
}

fn bad(file: &str, message: impl std::fmt::Display) -> ReadError {
    ReadError {
        file: file.to_string(),
        message: message.to_string(),
    }
}

/// A result folder's data, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultFolder {
    pub report: Report,
    /// The rows of `yearly.csv`, in file order.
    pub yearly: Vec<YearlyBand>,
    /// Each intervention's net saving (present value) of every iteration, interventions in the
    /// order of `iterations.csv` (the scenario's).
    pub net_saving_pv: Vec<(String, Vec<f64>)>,
}

impl ResultFolder {
    /// Reads a result folder.
    ///
    /// # Errors
    /// A data file is missing or not as `prevsim run` writes it.
    pub fn load(folder: &Path) -> Result<ResultFolder, ReadError> {
        let files = DATA_FILES
            .iter()
            .map(|name| {
                let path: PathBuf = folder.join(name);
                let max = crate::scenario::limits::max_data_file_bytes(name);
                crate::scenario::limits::read_regular_file(&path, max)
                    .map(|bytes| (name.to_string(), bytes))
                    .map_err(|e| bad(&path.display().to_string(), e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        ResultFolder::from_files(&files).map_err(|e| ReadError {
            file: folder.join(&e.file).display().to_string(),
            message: e.message,
        })
    }

    /// Parses named files (as read from a folder).
    ///
    /// # Errors
    /// A data file is missing from the list or malformed.
    pub fn from_files(files: &[(String, Vec<u8>)]) -> Result<ResultFolder, ReadError> {
        let get = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| b.as_slice())
                .ok_or_else(|| bad(name, "missing"))
        };
        Ok(ResultFolder {
            report: summary(get("summary.json")?)?,
            yearly: yearly(get("yearly.csv")?)?,
            net_saving_pv: metric_by_intervention(get("iterations.csv")?, Metric::NetSavingPv)?,
        })
    }
}

/// `summary.json`.
///
/// # Errors
/// Not JSON, or not a summary this version can read (the reason says what is wrong).
pub fn summary(bytes: &[u8]) -> Result<Report, ReadError> {
    serde_json::from_slice(bytes).map_err(|e| {
        bad(
            "summary.json",
            format!(
                "{e}; re-run the scenario with this version of prevsim if it was written by another"
            ),
        )
    })
}

/// The rows of `yearly.csv`.
///
/// # Errors
/// A row is malformed (the row is named).
pub fn yearly(bytes: &[u8]) -> Result<Vec<YearlyBand>, ReadError> {
    let mut r = csv::Reader::from_reader(bytes);
    r.deserialize()
        .map(|row| row.map_err(|e| bad("yearly.csv", e)))
        .collect()
}

/// One metric of every iteration, per intervention, from `iterations.csv` (interventions in
/// order of appearance; an empty cell, an undefined ratio, is NaN).
///
/// # Errors
/// The file has no such column, or a cell is not a number.
pub fn metric_by_intervention(
    bytes: &[u8],
    metric: Metric,
) -> Result<Vec<(String, Vec<f64>)>, ReadError> {
    const FILE: &str = "iterations.csv";
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().map_err(|e| bad(FILE, e))?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(FILE, format!("no column {name}")))
    };
    let (who, at) = (column("intervention")?, column(metric.name())?);
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    // Where each name is in `out`: one look-up a row, however many names there are.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut record = csv::ByteRecord::new();
    while r.read_byte_record(&mut record).map_err(|e| bad(FILE, e))? {
        let name =
            std::str::from_utf8(record.get(who).unwrap_or_default()).map_err(|e| bad(FILE, e))?;
        let cell = std::str::from_utf8(record.get(at).unwrap_or_default()).unwrap_or("?");
        let value: f64 = if cell.is_empty() {
            f64::NAN
        } else {
            cell.parse().map_err(|e| {
                let line = record.position().map_or(0, csv::Position::line);
                bad(FILE, format!("line {line}, {metric}: \"{cell}\": {e}"))
            })?
        };
        match index.get(name) {
            Some(&i) => out[i].1.push(value),
            None => {
                let max = crate::scenario::limits::MAX_INTERVENTIONS;
                if out.len() >= max {
                    return Err(bad(
                        FILE,
                        format!("more than {max} interventions: not a file prevsim writes"),
                    ));
                }
                index.insert(name.to_string(), out.len());
                out.push((name.to_string(), vec![value]));
            }
        }
    }
    Ok(out)
}
