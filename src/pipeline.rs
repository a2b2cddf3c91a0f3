//! From scenario files to result folders: find, load, run, summarise, export, write.
//!
//! This is what `prevsim run` does, as a library so tests drive it directly. It prints nothing;
//! the binary adds the progress bar and the console summary.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::charts;
use crate::charts::ChartData;
use crate::engine::{self, Columns, RunOptions};
use crate::export::manifest::{MANIFEST, Manifest, SCENARIO_COPY, utc_timestamp};
use crate::export::{self, ExportError, writer};
use crate::money::bytes;
use crate::report::{self, Report, YearlyBand};
use crate::scenario::{Scenario, ScenarioError, sha256_hex};
use crate::vocab::Metric;

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
    #[error(
        "these runs would need about {} of memory to hold their results, but only {} is available; run fewer iterations (--iterations) or fewer scenarios at once",
        bytes(*.needed),
        bytes(*.available)
    )]
    TooBig { needed: u64, available: u64 },
    #[error("cannot use the manifest {path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("cannot draw the charts of {scenario}: {source}")]
    Charts {
        scenario: String,
        #[source]
        source: crate::charts::ChartError,
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
    pub columns: Columns,
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

/// How the run was asked for, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invocation {
    /// The command line, word by word.
    pub command_line: Vec<String>,
    /// When the run started, in seconds since 1970 (UTC).
    pub unix_time: u64,
}

/// A scenario's results and every file of its result folder but the manifest.
#[derive(Debug, Clone)]
pub struct Produced {
    pub scenario: Scenario,
    pub columns: Columns,
    pub report: Report,
    pub bands: Vec<YearlyBand>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Runs a scenario and renders its result files in memory.
///
/// # Errors
/// An export failure (not expected: every format writes to memory).
pub fn produce(
    scenario: Scenario,
    options: RunOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Produced, PipelineError> {
    let columns = engine::run_columns(&scenario, options, 0..options.iterations, progress);
    produce_from(scenario, columns, options)
}

/// Renders the result files of a scenario's columns in memory (all iterations of a run).
///
/// # Errors
/// An export failure (not expected: every format writes to memory).
pub fn produce_from(
    scenario: Scenario,
    columns: Columns,
    options: RunOptions,
) -> Result<Produced, PipelineError> {
    let (report, bands) = rayon::join(
        || report::summarise(&scenario, &columns, options),
        || report::yearly_bands(&scenario, &columns),
    );
    let mut files = export::all_files(&scenario, &columns, &report, &bands).map_err(|source| {
        PipelineError::Export {
            scenario: scenario.name.clone(),
            source,
        }
    })?;
    files.push((
        SCENARIO_COPY.to_string(),
        scenario.source_text.clone().into_bytes(),
    ));
    Ok(Produced {
        scenario,
        columns,
        report,
        bands,
        files,
    })
}

fn manifest_for(produced: &Produced, options: RunOptions, invocation: &Invocation) -> Manifest {
    let s = &produced.scenario;
    Manifest {
        prevsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: s.name.clone(),
        scenario_file: s.path.display().to_string(),
        scenario_sha256: s.sha256.clone(),
        seed: options.seed,
        iterations: options.iterations,
        fixed: options.fixed,
        command_line: invocation.command_line.clone(),
        created_utc: utc_timestamp(invocation.unix_time),
        files: produced
            .files
            .iter()
            .map(|(name, bytes)| (name.clone(), sha256_hex(bytes)))
            .collect(),
    }
}

/// Runs one scenario and writes its results, with their manifest, to `out/<name>/`.
///
/// # Errors
/// Exporting or writing fails; the previous results in the folder are then left as they were.
pub fn run_one(
    scenario: Scenario,
    overrides: Overrides,
    out: &Path,
    invocation: &Invocation,
    progress: &(dyn Fn() + Sync),
) -> Result<Finished, PipelineError> {
    let options = options_for(&scenario, overrides);
    let mut produced = produce(scenario, options, progress)?;
    let manifest = manifest_for(&produced, options, invocation);
    let mut manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| PipelineError::Export {
            scenario: produced.scenario.name.clone(),
            source: e.into(),
        })?;
    manifest_bytes.push(b'\n');
    produced.files.push((MANIFEST.to_string(), manifest_bytes));
    // Charts are drawn from the typed results in memory (`prevsim plot` reads the same types
    // back from the files, exactly); they are not in the manifest (verify checks the data they
    // are drawn from).
    let failed = |source| PipelineError::Charts {
        scenario: produced.scenario.name.clone(),
        source,
    };
    let net = produced
        .scenario
        .interventions
        .iter()
        .zip(&produced.columns.interventions)
        .map(|(lever, k)| (lever.name.clone(), k.metric(Metric::NetSavingPv).to_vec()))
        .collect();
    let data = ChartData::new(&produced.report, &produced.bands, net).map_err(failed)?;
    let charts = charts::scenario_charts(&data, &charts::Style::default()).map_err(failed)?;
    produced.files.extend(charts);
    let folder = out.join(&produced.scenario.name);
    writer::write_atomically(&folder, &produced.files).map_err(|source| PipelineError::Write {
        path: folder.clone(),
        source,
    })?;
    Ok(Finished {
        scenario: produced.scenario,
        columns: produced.columns,
        report: produced.report,
        bands: produced.bands,
        folder,
    })
}

/// Runs several scenarios in parallel; results in the order given.
pub fn run_all(
    scenarios: Vec<Scenario>,
    overrides: Overrides,
    out: &Path,
    invocation: &Invocation,
    progress: &(dyn Fn() + Sync),
) -> Vec<Result<Finished, PipelineError>> {
    scenarios
        .into_par_iter()
        .map(|s| run_one(s, overrides, out, invocation, progress))
        .collect()
}

/// Bytes of memory a run keeps: every iteration's yearly records, programme costs, metrics (per
/// agency too) and draws.
pub fn memory_needed(scenario: &Scenario, options: RunOptions) -> u64 {
    let iterations = if options.fixed { 1 } else { options.iterations };
    let years = u64::from(scenario.years);
    let arms = 1 + scenario.interventions.len() as u64;
    let record = std::mem::size_of::<engine::YearRecord>() as u64;
    let metrics = std::mem::size_of::<engine::Metrics>() as u64
        + scenario.agencies.names.len() as u64
            * std::mem::size_of::<engine::AgencyMetrics>() as u64;
    let per_iteration = years * arms * record
        + (arms - 1) * (years * 8 + metrics)
        + scenario.params.parameters().len() as u64 * 4 * 8
        + 256;
    // Summaries and file contents built from the results add about a third at the peak
    // (measured: 64 MB resident for 10,000 iterations of gm-family-ladder against 44 MB kept).
    iterations.saturating_mul(per_iteration).saturating_mul(3) / 2
}

/// Memory the system says is available, where it says (Linux); `None` elsewhere.
pub fn memory_available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Refuses, before anything runs, a set of runs that would not fit in memory.
///
/// # Errors
/// The runs need more than 80% of the available memory.
pub fn check_memory(scenarios: &[Scenario], overrides: Overrides) -> Result<(), PipelineError> {
    let Some(available) = memory_available() else {
        return Ok(());
    };
    let needed: u64 = scenarios
        .iter()
        .map(|s| memory_needed(s, options_for(s, overrides)))
        .sum();
    if needed > available / 10 * 8 {
        return Err(PipelineError::TooBig { needed, available });
    }
    Ok(())
}

/// What `verify` found for one file of a result folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileCheck {
    /// On disk and on re-running, identical to the manifest.
    Identical,
    /// The file on disk is not the one the run wrote.
    EditedOnDisk,
    /// The file listed in the manifest is gone.
    Missing,
    /// Re-running the scenario gives different content.
    NotReproduced,
}

/// The outcome of `verify`, file by file.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub folder: PathBuf,
    pub manifest: Manifest,
    pub checks: Vec<(String, FileCheck)>,
}

impl Verification {
    /// True when every file is identical.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|(_, c)| *c == FileCheck::Identical)
    }
}

/// Re-runs a result folder's scenario from its manifest and compares every file.
///
/// # Errors
/// The manifest or the scenario copy cannot be read or parsed.
pub fn verify(folder: &Path, progress: &(dyn Fn() + Sync)) -> Result<Verification, PipelineError> {
    let bad = |message: String| PipelineError::Manifest {
        path: folder.join(MANIFEST),
        message,
    };
    let text = std::fs::read_to_string(folder.join(MANIFEST)).map_err(|e| bad(e.to_string()))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let copy = std::fs::read_to_string(folder.join(SCENARIO_COPY))
        .map_err(|e| bad(format!("{SCENARIO_COPY}: {e}")))?;
    let scenario = Scenario::parse(&copy, Path::new(&manifest.scenario_file))
        .map_err(|e| PipelineError::Invalid(vec![e]))?;
    let options = RunOptions {
        iterations: manifest.iterations,
        seed: manifest.seed,
        fixed: manifest.fixed,
    };
    let rerun = produce(scenario, options, progress)?;
    let checks = manifest
        .files
        .iter()
        .map(|(name, hash)| {
            let on_disk = std::fs::read(folder.join(name))
                .ok()
                .map(|b| sha256_hex(&b));
            let again = rerun
                .files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| sha256_hex(b));
            let check = match on_disk {
                None => FileCheck::Missing,
                Some(h) if h != *hash => FileCheck::EditedOnDisk,
                Some(_) if again.as_deref() != Some(hash.as_str()) => FileCheck::NotReproduced,
                Some(_) => FileCheck::Identical,
            };
            (name.clone(), check)
        })
        .collect();
    Ok(Verification {
        folder: folder.to_path_buf(),
        manifest,
        checks,
    })
}
