//! From scenario files to result folders: find, load, run, summarise, export, write.
//!
//! This is what `prevsim run` does, as a library so tests drive it directly. It prints nothing;
//! the binary adds the progress bar and the console summary.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::engine::{self, RunOptions, RunResult};
use crate::export::{self, ExportError, writer};
use crate::report::{self, Report, YearlyBand};
use crate::scenario::{Scenario, ScenarioError};

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("cannot list scenario folder {path}: {source}")]
    ListFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no scenario files (*.toml) in {0}")]
    NoScenarios(PathBuf),
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n\n"))]
    Invalid(Vec<ScenarioError>),
    #[error(
        "two scenarios are both named \"{name}\" ({first} and {second}), so their results would overwrite each other; give one a different `name`"
    )]
    DuplicateName {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("cannot export results of {scenario}: {source}")]
    Export {
        scenario: String,
        #[source]
        source: ExportError,
    },
    #[error("cannot write results to {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Overrides from the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    pub fixed: bool,
}

/// A finished scenario: its results and where they were written.
#[derive(Debug, Clone)]
pub struct Finished {
    pub scenario: Scenario,
    pub run: RunResult,
    pub report: Report,
    pub bands: Vec<YearlyBand>,
    pub folder: PathBuf,
}

/// Every `*.toml` file in a folder, sorted by name.
///
/// # Errors
/// The folder cannot be read, or holds no scenario file.
pub fn scenario_files(dir: &Path) -> Result<Vec<PathBuf>, PipelineError> {
    let entries = std::fs::read_dir(dir).map_err(|source| PipelineError::ListFolder {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(PipelineError::NoScenarios(dir.to_path_buf()));
    }
    Ok(files)
}

/// Loads every file, reporting all invalid ones together, and refuses clashing names.
///
/// # Errors
/// Any file invalid or unreadable (all are listed), or two scenarios with one name.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Scenario>, PipelineError> {
    let (ok, errors): (Vec<_>, Vec<_>) = paths
        .iter()
        .map(|p| Scenario::load(p))
        .partition(Result::is_ok);
    let errors: Vec<ScenarioError> = errors.into_iter().filter_map(Result::err).collect();
    if !errors.is_empty() {
        return Err(PipelineError::Invalid(errors));
    }
    let scenarios: Vec<Scenario> = ok.into_iter().filter_map(Result::ok).collect();
    for (i, a) in scenarios.iter().enumerate() {
        if let Some(b) = scenarios[..i].iter().find(|b| b.name == a.name) {
            return Err(PipelineError::DuplicateName {
                name: a.name.clone(),
                first: b.path.clone(),
                second: a.path.clone(),
            });
        }
    }
    Ok(scenarios)
}

/// The run options for a scenario after command-line overrides.
pub fn options_for(scenario: &Scenario, overrides: Overrides) -> RunOptions {
    RunOptions {
        iterations: overrides.iterations.unwrap_or(scenario.iterations),
        seed: overrides.seed.unwrap_or(scenario.seed),
        fixed: overrides.fixed,
    }
}

/// Runs one scenario and writes its results to `out/<name>/`.
///
/// # Errors
/// Exporting or writing fails; the previous results in the folder are then left as they were.
pub fn run_one(
    scenario: Scenario,
    overrides: Overrides,
    out: &Path,
    progress: &(dyn Fn() + Sync),
) -> Result<Finished, PipelineError> {
    let options = options_for(&scenario, overrides);
    let run = engine::run(&scenario, options, progress);
    let report = report::summarise(&scenario, &run);
    let bands = report::yearly_bands(&scenario, &run);
    let files = export::all_files(&scenario, &run, &report, &bands).map_err(|source| {
        PipelineError::Export {
            scenario: scenario.name.clone(),
            source,
        }
    })?;
    let folder = out.join(&scenario.name);
    writer::write_atomically(&folder, &files).map_err(|source| PipelineError::Write {
        path: folder.clone(),
        source,
    })?;
    Ok(Finished {
        scenario,
        run,
        report,
        bands,
        folder,
    })
}

/// Runs several scenarios in parallel; results in the order given.
pub fn run_all(
    scenarios: Vec<Scenario>,
    overrides: Overrides,
    out: &Path,
    progress: &(dyn Fn() + Sync),
) -> Vec<Result<Finished, PipelineError>> {
    scenarios
        .into_par_iter()
        .map(|s| run_one(s, overrides, out, progress))
        .collect()
}
