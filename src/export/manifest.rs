//! `manifest.json`: the audit trail of a result folder (Aqua Book practice).
//!
//! It records what produced the results (prevsim version, the scenario file and its SHA-256,
//! with a copy of the file beside it as `scenario.toml`), how (seed, iterations, fixed mode,
//! the command line), when (UTC), and the SHA-256 of every result file, so that
//! `prevsim verify` can re-run the scenario and confirm the results are identical. The manifest
//! is the one file that differs between two identical runs (its time and command line).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Name of the copy of the scenario file in a result folder.
pub const SCENARIO_COPY: &str = "scenario.toml";
/// Name of the manifest in a result folder.
pub const MANIFEST: &str = "manifest.json";

/// The data files of a result folder, as [`crate::export::all_files_with`] writes them.
pub const DATA_FILES: [&str; 4] = ["summary.json", "iterations.csv", "yearly.csv", "summary.md"];

/// Every file name prevsim may write into a result folder: the data files, the audit trail
/// and every chart it can draw. The one list of them: the writer drops those a new write does
/// not produce (a chart of an earlier run), `verify` reports them as left over, and anything
/// else in a result folder is the user's and is never touched. A new output file is added
/// here.
pub fn result_files() -> Vec<String> {
    let mut names: Vec<String> = DATA_FILES.iter().map(|n| (*n).to_string()).collect();
    names.push(SCENARIO_COPY.to_string());
    names.push(MANIFEST.to_string());
    names.extend(chart_files());
    names.extend(crate::deliver::FILES.iter().map(|n| (*n).to_string()));
    names
}

/// Every chart file prevsim may draw for a scenario (`chart-*.png` and `.svg`).
pub fn chart_files() -> Vec<String> {
    crate::charts::ChartKind::ALL
        .iter()
        .flat_map(|k| ["png", "svg"].map(|ext| format!("{}.{ext}", k.file_stem())))
        .collect()
}

/// True for a name in [`result_files`].
pub fn is_result_file(name: &str) -> bool {
    result_files().iter().any(|n| n == name)
}

/// True for a name prevsim writes in a result folder and keeps across runs: a result file, or
/// `prevsim sensitivity`'s `sensitivity/` folder and its files (a run never replaces or drops
/// them, but a folder holding only them is still prevsim's).
pub fn is_owned(name: &str) -> bool {
    is_result_file(name) || crate::sensitivity::files::is_sensitivity_file(name)
}

/// True for a name in [`chart_files`].
pub fn is_chart_file(name: &str) -> bool {
    chart_files().iter().any(|n| n == name)
}

/// The content of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of prevsim that wrote the folder.
    pub prevsim_version: String,
    /// The scenario's short name.
    pub scenario: String,
    /// The scenario file as named on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file (and of its copy, `scenario.toml`).
    pub scenario_sha256: String,
    pub seed: u64,
    pub iterations: u64,
    pub fixed: bool,
    /// The command that produced the folder, word by word.
    pub command_line: Vec<String>,
    /// When the results were written, UTC, ISO 8601.
    pub created_utc: String,
    /// SHA-256 of every result file, by file name (the scenario copy included).
    pub files: BTreeMap<String, String>,
    /// Only on a precision run: its targets (`verify` re-runs it to the same stop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<crate::precision::Targets>,
}

/// UTC date and time of a Unix timestamp, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_timestamp(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_civil_utc() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
