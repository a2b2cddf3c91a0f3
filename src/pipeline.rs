//! From scenario files to result folders: find, load, run, summarise, export, write.
//!
//! This is what `prevsim run` does, as a library so tests drive it directly. It prints nothing;
//! the binary adds the progress bar and the console summary.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::charts;
use crate::charts::ChartData;
use crate::charts::style::thousands;
use crate::deliver::workbook::Started;
use crate::engine::{self, Columns, RunOptions};
use crate::export::manifest::{
    MANIFEST, Manifest, SCENARIO_COPY, is_result_file, result_files, utc_timestamp,
};
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
    #[error("cannot make the report and workbook of {scenario}: {source}")]
    Deliver {
        scenario: String,
        #[source]
        source: crate::deliver::DeliverError,
    },
    #[error(transparent)]
    Shard(#[from] crate::shard::ShardError),
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
    /// The per-iteration columns, without the per-year ones (see [`Columns::drop_years`]).
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

/// A warning when `OUT/<name>/` holds the results of a different scenario file (by its
/// manifest), naming both: the copy-and-edit trap of a file copied without changing `name`.
/// `None` when the folder has no readable manifest or its results are from the same file.
pub fn other_scenario_in_folder(scenario: &Scenario, out: &Path) -> Option<String> {
    let folder = out.join(&scenario.name);
    let text = std::fs::read_to_string(folder.join(MANIFEST)).ok()?;
    let manifest: Manifest = serde_json::from_str(&text).ok()?;
    let previous = Path::new(&manifest.scenario_file);
    let same = previous == scenario.path
        || matches!(
            (previous.canonicalize(), scenario.path.canonicalize()),
            (Ok(a), Ok(b)) if a == b
        );
    (!same).then(|| {
        format!(
            "{} holds the results of {} (by its manifest.json), not of {}: both files have name = \"{}\", so this run replaces them; give this scenario another `name` to keep both",
            folder.display(),
            manifest.scenario_file,
            scenario.path.display(),
            scenario.name
        )
    })
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
    produce_precise(scenario, columns, options, None)
}

/// [`produce_from`], with a precision run's record added to `summary.json` (at its end).
///
/// # Errors
/// An export failure (not expected: every format writes to memory).
pub fn produce_precise(
    scenario: Scenario,
    columns: Columns,
    options: RunOptions,
    precision: Option<crate::precision::Record>,
) -> Result<Produced, PipelineError> {
    Ok(produce_started(scenario, columns, options, precision, false)?.0)
}

/// [`produce_precise`]; with `sheet`, the workbook's Iterations sheet is made too (see
/// [`crate::deliver::workbook::start`]), after the summaries and yearly bands and beside
/// `iterations.csv`: the per-year columns are freed first ([`Columns::drop_years`]; they make
/// the bands only), so that they and the sheet's compressed rows are not in memory together.
///
/// # Errors
/// An export failure (not expected), or the sheet is refused (more columns than Excel has).
pub fn produce_started(
    scenario: Scenario,
    mut columns: Columns,
    options: RunOptions,
    precision: Option<crate::precision::Record>,
    sheet: bool,
) -> Result<(Produced, Option<Started>), PipelineError> {
    let (mut report, bands) = rayon::join(
        || report::summarise(&scenario, &columns, options),
        || report::yearly_bands(&scenario, &columns),
    );
    if sheet {
        columns.drop_years();
    }
    let (iterations, started) = rayon::join(
        || export::iterations_csv(&scenario, &columns),
        || {
            sheet.then(|| {
                crate::deliver::workbook::start(&crate::deliver::source::Iterations::of_run(
                    &scenario, &columns,
                ))
            })
        },
    );
    report.precision = precision;
    let failed = |source| PipelineError::Export {
        scenario: scenario.name.clone(),
        source,
    };
    let iterations = iterations.map_err(failed)?;
    let started = started.transpose().map_err(|e| PipelineError::Deliver {
        scenario: scenario.name.clone(),
        source: e.into(),
    })?;
    let mut files =
        export::all_files_with(&scenario, &report, &bands, iterations).map_err(failed)?;
    files.push((
        SCENARIO_COPY.to_string(),
        scenario.source_text.clone().into_bytes(),
    ));
    let produced = Produced {
        scenario,
        columns,
        report,
        bands,
        files,
    };
    Ok((produced, started))
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
        precision: produced.report.precision.as_ref().map(|r| r.targets),
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
    let columns = engine::run_columns(&scenario, options, 0..options.iterations, progress);
    let (produced, started) = produce_started(scenario, columns, options, None, true)?;
    write_result(produced, started, options, out, invocation)
}

/// Runs one scenario until its precision targets are met (see [`crate::precision`]) and
/// writes its results, with their manifest, to `out/<name>/`: the files of `-n N` for the `N`
/// it stopped at, `summary.json` with the precision record at its end.
///
/// # Errors
/// Exporting or writing fails; the previous results in the folder are then left as they were.
pub fn run_one_precise(
    scenario: Scenario,
    seed: Option<u64>,
    targets: crate::precision::Targets,
    out: &Path,
    invocation: &Invocation,
    progress: &(dyn Fn() + Sync),
) -> Result<Finished, PipelineError> {
    let seed = seed.unwrap_or(scenario.seed);
    let (columns, record) = crate::precision::run(&scenario, seed, targets, progress);
    let options = RunOptions {
        iterations: record.iterations,
        seed,
        fixed: false,
    };
    let (produced, started) = produce_started(scenario, columns, options, Some(record), true)?;
    write_result(produced, started, options, out, invocation)
}

/// [`run_all`] for precision runs: each scenario stops on its own.
pub fn run_all_precise(
    scenarios: Vec<Scenario>,
    seed: Option<u64>,
    targets: crate::precision::Targets,
    out: &Path,
    invocation: &Invocation,
    progress: &(dyn Fn() + Sync),
) -> Vec<Result<Finished, PipelineError>> {
    scenarios
        .into_par_iter()
        .map(|s| run_one_precise(s, seed, targets, out, invocation, progress))
        .collect()
}

/// Merges the parts of a sharded run (see [`crate::shard`]) and writes the result folder a
/// single run would have written, to `out/<name>/`.
///
/// # Errors
/// The parts cannot be read or do not make one whole run, or writing fails.
pub fn merge(
    parts: &[PathBuf],
    out: &Path,
    invocation: &Invocation,
) -> Result<Finished, PipelineError> {
    let (scenario, columns, options) = crate::shard::join(parts)?;
    let (produced, started) = produce_started(scenario, columns, options, None, true)?;
    write_result(produced, started, options, out, invocation)
}

/// Adds the manifest, charts and deliverables to a run's files and writes them to
/// `out/<name>/`.
fn write_result(
    mut produced: Produced,
    started: Option<Started>,
    options: RunOptions,
    out: &Path,
    invocation: &Invocation,
) -> Result<Finished, PipelineError> {
    let folder = out.join(&produced.scenario.name);
    complete(&mut produced, started, options, &folder, invocation)?;
    writer::write_replacing(&folder, &produced.files, &is_result_file).map_err(|source| {
        PipelineError::Write {
            path: folder.clone(),
            source,
        }
    })?;
    Ok(Finished {
        scenario: produced.scenario,
        columns: produced.columns,
        report: produced.report,
        bands: produced.bands,
        folder,
    })
}

/// Adds the manifest, the charts and the deliverables to a run's files in memory: everything a
/// run does after the summaries but writing (`folder`, where they will go, is named in the
/// report; `started`, the workbook's Iterations sheet if written already). Frees the per-year columns ([`Columns::drop_years`]) once the charts' data is made,
/// before the workbook, to keep the peak of memory down.
///
/// # Errors
/// A chart or a deliverable cannot be made (not expected).
pub fn complete(
    produced: &mut Produced,
    started: Option<Started>,
    options: RunOptions,
    folder: &Path,
    invocation: &Invocation,
) -> Result<(), PipelineError> {
    let manifest = manifest_for(produced, options, invocation);
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
    produced.columns.drop_years();
    // report.html, results.xlsx and assumptions.csv (see `deliver`), from the results in memory,
    // made while the charts are drawn.
    let deliver_failed = |source| PipelineError::Deliver {
        scenario: produced.scenario.name.clone(),
        source,
    };
    let source = crate::deliver::Source::of_run(
        &produced.files,
        data.clone(),
        &produced.scenario,
        &produced.columns,
    )
    .map_err(|e| deliver_failed(e.into()))?;
    let (charts, deliverables) = crate::deliver::with_charts(source, started, folder, || {
        charts::scenario_charts(&data, &charts::Style::default())
    })
    .map_err(failed)?;
    let deliverables = deliverables.map_err(deliver_failed)?;
    produced.files.extend(charts);
    produced.files.extend(deliverables);
    Ok(())
}

/// Refuses, before anything runs, result folders that cannot be written: a file, a symbolic
/// link, a read-only folder or a folder of someone else's files where `out/<name>` goes.
///
/// # Errors
/// The first destination refused, with what to do.
pub fn check_destinations(scenarios: &[Scenario], out: &Path) -> Result<(), PipelineError> {
    for s in scenarios {
        let folder = out.join(&s.name);
        writer::check_destination(&folder, &|n| crate::export::manifest::is_owned(n)).map_err(
            |source| PipelineError::Write {
                path: folder.clone(),
                source,
            },
        )?;
    }
    Ok(())
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

/// Bytes of memory a run needs at its peak, about: its columns (counts as 4-byte integers,
/// money as 8-byte floats), `iterations.csv` held until it is written (about 17 bytes a
/// number), the cumulative net saving worked out per intervention and year, the records of
/// one block of iterations in flight, the program and the tallest chart while drawn. The
/// workbook's Iterations sheet, deflated (about 12 bytes a cell at zip level 2: 372 bytes an
/// iteration of gm-sized), is made after the per-year columns are freed (800 bytes an
/// iteration of gm-sized), so it is not counted beside them.
pub fn memory_needed(scenario: &Scenario, options: RunOptions) -> u64 {
    let iterations = if options.fixed { 1 } else { options.iterations };
    let years = u64::from(scenario.years);
    let interventions = scenario.interventions.len() as u64;
    let agencies = if scenario.has_agencies {
        scenario.agencies.names.len() as u64
    } else {
        0
    };
    let draws = scenario.params.uncertain_columns().len() as u64;
    // children in care and four family counts as u32, the cost as f64.
    let arm_year = 5 * 4 + 8;
    // treated, reached and programme cost as u32 (programme cost often f64), gross saving f64.
    let programme_year = 4 + 4 + 8 + 8;
    let metrics = 11 * 8 + 8 + agencies * 7 * 8;
    let columns = draws * 8
        + years * arm_year
        + interventions * (years * (arm_year + programme_year) + metrics);
    let csv_fields = 2 + draws + 12 + agencies * 3;
    let csv = interventions * csv_fields * 17;
    let cumulative = interventions * years * 8;
    let per_iteration = columns + csv + cumulative;
    let record = std::mem::size_of::<engine::YearRecord>() as u64;
    let in_flight = 4096 * ((1 + interventions) * years * (record + 8) + 512);
    // The program, its fonts and buffers.
    const FIXED: u64 = 8 << 20;
    iterations
        .saturating_mul(per_iteration)
        .saturating_add(in_flight)
        .saturating_add(FIXED)
        .saturating_add(charts_memory(scenario))
}

/// Bytes of `iterations.csv` a run will write, about: one row per iteration and intervention,
/// about 17 bytes a number (most are money with sixteen or seventeen significant digits) and
/// the intervention's name. 519 bytes a row for `benches/gm-sized.toml` (32 columns), where
/// this says 553; more than written where money is in round figures (fixed inputs).
pub fn iterations_csv_bytes(scenario: &Scenario, options: RunOptions) -> u64 {
    let iterations = if options.fixed { 1 } else { options.iterations };
    let numbers = crate::export::iterations_header(scenario).len() as u64 - 1;
    let row: u64 = scenario
        .interventions
        .iter()
        .map(|i| numbers * 17 + i.name.len() as u64 + 1)
        .sum();
    iterations.saturating_mul(row)
}

/// `iterations.csv` is called big from this size on: a run that would write more is told so
/// before it starts.
pub const BIG_ITERATIONS_CSV: u64 = 250_000_000;

/// A warning, before a run, where its `iterations.csv` would be big: how big, that the
/// workbook keeps only Excel's rows, and how to make it smaller. `None` for smaller files.
pub fn big_output_warning(scenario: &Scenario, options: RunOptions) -> Option<String> {
    let size = iterations_csv_bytes(scenario, options);
    if size < BIG_ITERATIONS_CSV {
        return None;
    }
    let rows = options
        .iterations
        .saturating_mul(scenario.interventions.len() as u64);
    // The workbook's Iterations sheet stops at Excel's rows, with a note.
    let kept =
        crate::deliver::workbook::iterations_kept(usize::try_from(rows).unwrap_or(usize::MAX));
    let limit = if (kept as u64) < rows {
        " up to Excel's limit of 1,048,576 rows"
    } else {
        ""
    };
    Some(format!(
        "{}: {} iterations will write an iterations.csv of about {} ({} rows, one per iteration and intervention), and results.xlsx repeats them in its Iterations sheet{limit}. To keep them smaller, run fewer iterations (--iterations): Monte Carlo errors fall only as 1/sqrt(iterations), so ten times the iterations buy about three times the precision",
        scenario.name,
        thousands(options.iterations as f64),
        bytes(size),
        thousands(rows as f64),
    ))
}

/// Bytes the charts of a scenario take while drawn: an RGB image 1600 pixels wide whose height
/// grows with the panels (about 1,000 pixels an intervention in the tallest chart, the family
/// ladder: 12,030 pixels for 12 interventions; more with agencies), and its encoding; one chart
/// at a time, so the tallest counts.
fn charts_memory(scenario: &Scenario) -> u64 {
    let n = scenario.interventions.len() as u64;
    let agencies = if scenario.has_agencies {
        scenario.agencies.names.len() as u64
    } else {
        0
    };
    let height = 1_000 + 1_000 * n + 80 * n * agencies;
    1_600 * height * 3 * 2
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
    /// On disk, in the manifest and on re-running, identical.
    Identical,
    /// A chart: present (charts are drawings of the data files, and `plot` may restyle them,
    /// so their content is not compared).
    Present,
    /// The file on disk is not the one the run wrote.
    EditedOnDisk,
    /// A file prevsim writes is not in the folder, or not an ordinary readable file.
    Missing,
    /// Re-running the scenario gives different content.
    NotReproduced,
    /// A file prevsim writes that the manifest does not list: the manifest was edited.
    NotInManifest,
    /// A file prevsim writes for other results only (a chart of an earlier run).
    LeftOver,
    /// Not compared: the scenario was not re-run (see [`Verification::problems`]).
    NotRerun,
}

impl FileCheck {
    /// True for a file that passes.
    pub fn ok(self) -> bool {
        matches!(self, FileCheck::Identical | FileCheck::Present)
    }
}

/// The outcome of `verify`, file by file.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub folder: PathBuf,
    pub manifest: Manifest,
    /// Every file prevsim writes for these results (the list comes from the code, not from
    /// the manifest), and any it wrote for other results.
    pub checks: Vec<(String, FileCheck)>,
    /// What is wrong beyond single files: the manifest names files prevsim does not write, the
    /// scenario copy is not the file the manifest names, another version wrote the folder, the
    /// scenario was not re-run and why.
    pub problems: Vec<String>,
    /// Entries of the folder that prevsim does not write (the user's): not checked.
    pub others: Vec<String>,
}

impl Verification {
    /// True when every file is identical and nothing else is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.checks.iter().all(|(_, c)| c.ok())
    }
}

/// Re-runs a result folder's scenario from its copy and its manifest, and compares every file
/// prevsim writes, on disk, in the manifest and as re-run.
///
/// It proves that the folder's data files are what this version of prevsim computes from the
/// scenario copy, seed and iterations it holds: reproducibility. It does not prove who wrote
/// the folder: anyone can edit a scenario and re-run it. Only regular files inside the folder
/// are read, each up to a size limit, and a re-run needs the same memory check as `run` and is
/// never larger than the `iterations.csv` on disk.
///
/// # Errors
/// The manifest or the scenario copy cannot be read or parsed, or the re-run would not fit in
/// memory.
pub fn verify(folder: &Path, progress: &(dyn Fn() + Sync)) -> Result<Verification, PipelineError> {
    use crate::scenario::limits::{MAX_FILE_BYTES, read_regular_file};
    let bad = |message: String| PipelineError::Manifest {
        path: folder.join(MANIFEST),
        message,
    };
    if !std::fs::metadata(folder).is_ok_and(|m| m.is_dir()) {
        return Err(bad(format!("{} is not a result folder", folder.display())));
    }
    // Read while no run is swapping the folder (best effort: a read-only place has no lock).
    let lock = writer::FolderLock::acquire(folder).ok();
    let manifest_bytes =
        read_regular_file(&folder.join(MANIFEST), 1 << 20).map_err(|e| bad(e.to_string()))?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| bad(e.to_string()))?;
    let copy_bytes = read_regular_file(&folder.join(SCENARIO_COPY), MAX_FILE_BYTES)
        .map_err(|e| bad(format!("{SCENARIO_COPY}: {e}")))?;
    let on_disk: Vec<(String, Option<Vec<u8>>)> = crate::export::manifest::DATA_FILES
        .iter()
        .map(|name| {
            let max = crate::scenario::limits::max_data_file_bytes(name);
            (
                (*name).to_string(),
                read_regular_file(&folder.join(name), max).ok(),
            )
        })
        .chain(std::iter::once((
            SCENARIO_COPY.to_string(),
            Some(copy_bytes.clone()),
        )))
        .collect();
    let listing: Vec<(String, bool)> = std::fs::read_dir(folder)
        .map_err(|e| bad(e.to_string()))?
        .flatten()
        .map(|e| {
            let regular = e.file_type().is_ok_and(|t| t.is_file());
            (e.file_name().to_string_lossy().into_owned(), regular)
        })
        .collect();
    drop(lock);

    let mut problems = Vec::new();
    let copy = String::from_utf8(copy_bytes.clone())
        .map_err(|_| bad(format!("{SCENARIO_COPY} is not UTF-8 text")))?;
    if sha256_hex(&copy_bytes) != manifest.scenario_sha256 {
        problems.push(format!(
            "{SCENARIO_COPY} is not the scenario file the manifest names: its SHA-256 differs from the manifest's scenario_sha256"
        ));
    }
    let scenario = Scenario::parse(&copy, Path::new(&manifest.scenario_file))
        .map_err(|e| PipelineError::Invalid(vec![e]))?;
    if scenario.name != manifest.scenario {
        problems.push(format!(
            "the manifest names the scenario \"{}\" but {SCENARIO_COPY} is \"{}\"",
            manifest.scenario, scenario.name
        ));
    }
    let version = env!("CARGO_PKG_VERSION");
    if manifest.prevsim_version != version {
        problems.push(format!(
            "the folder was written by prevsim {}, and this is prevsim {version}: verify it with that version",
            manifest.prevsim_version
        ));
    }
    for name in manifest.files.keys() {
        if !is_result_file(name) || name == MANIFEST {
            problems.push(format!(
                "the manifest lists {name:?}, which prevsim does not write: the manifest was edited (the file was not read)"
            ));
        }
    }
    let options = RunOptions {
        iterations: if manifest.fixed {
            1
        } else {
            manifest.iterations
        },
        seed: manifest.seed,
        fixed: manifest.fixed,
    };
    if !(1..=crate::scenario::MAX_ITERATIONS as u64).contains(&options.iterations) {
        return Err(bad(format!(
            "{} iterations is outside what a run can ask for (1 to {})",
            options.iterations,
            crate::scenario::MAX_ITERATIONS
        )));
    }
    // The re-run is never larger than the results on disk: iterations.csv holds at least one
    // row per iteration (one per iteration and intervention, as written today).
    let rows = on_disk
        .iter()
        .find(|(n, _)| n == "iterations.csv")
        .and_then(|(_, b)| b.as_ref())
        .map_or(0, |b| {
            b.iter().filter(|c| **c == b'\n').count().saturating_sub(1)
        });
    let needed = options
        .iterations
        .saturating_mul(scenario.interventions.len() as u64);
    let rerun = if (rows as u64) < needed {
        problems.push(format!(
            "not re-run: the manifest asks for {needed} iterations, but iterations.csv holds only {rows} rows"
        ));
        None
    } else {
        let overrides = Overrides {
            iterations: Some(options.iterations),
            seed: Some(options.seed),
            fixed: options.fixed,
        };
        check_memory(std::slice::from_ref(&scenario), overrides)?;
        match manifest.precision {
            // A precision run is re-run as one, never past the iterations it stopped at.
            Some(targets) => {
                let capped = crate::precision::Targets {
                    max_iterations: targets.max_iterations.min(options.iterations),
                    ..targets
                };
                let (columns, _) = crate::precision::run(&scenario, options.seed, capped, progress);
                let record = crate::precision::Record::new(&scenario, &columns, targets);
                if record.iterations != options.iterations
                    || record.stopped == crate::precision::Stop::CapReached
                        && record.iterations < targets.max_iterations
                {
                    problems.push(format!(
                        "re-run, the precision run does not stop where the manifest says ({} iterations)",
                        options.iterations
                    ));
                }
                let options = RunOptions {
                    iterations: record.iterations,
                    ..options
                };
                Some(produce_precise(scenario, columns, options, Some(record))?)
            }
            None => Some(produce(scenario, options, progress)?),
        }
    };

    let mut checks = Vec::new();
    for (name, bytes) in &on_disk {
        let disk = bytes.as_ref().map(|b| sha256_hex(b));
        let listed = manifest.files.get(name);
        let again = rerun.as_ref().and_then(|r| {
            r.files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| sha256_hex(b))
        });
        let check = match (disk, listed) {
            (None, _) => FileCheck::Missing,
            (Some(_), None) => FileCheck::NotInManifest,
            (Some(d), Some(m)) if d != *m => FileCheck::EditedOnDisk,
            _ if rerun.is_none() => FileCheck::NotRerun,
            (Some(d), Some(_)) if again.as_deref() != Some(d.as_str()) => FileCheck::NotReproduced,
            _ => FileCheck::Identical,
        };
        checks.push((name.clone(), check));
    }
    // Charts: the ones these results give, present; any other chart is left over.
    let mut charts: Vec<String> = rerun
        .as_ref()
        .and_then(|r| {
            let net = r
                .scenario
                .interventions
                .iter()
                .zip(&r.columns.interventions)
                .map(|(lever, k)| (lever.name.clone(), k.metric(Metric::NetSavingPv).to_vec()))
                .collect();
            ChartData::new(&r.report, &r.bands, net).ok()
        })
        .map(|data| {
            crate::charts::ChartKind::ALL
                .iter()
                .filter(|k| k.height(&data).is_some())
                .flat_map(|k| ["png", "svg"].map(|ext| format!("{}.{ext}", k.file_stem())))
                .collect()
        })
        .unwrap_or_default();
    // The report, workbook and register present the data like the charts do: checked for.
    if rerun.is_some() {
        charts.extend(crate::deliver::FILES.iter().map(|n| (*n).to_string()));
    }
    for chart in &charts {
        let present = listing.iter().any(|(n, regular)| n == chart && *regular);
        let check = if present {
            FileCheck::Present
        } else {
            FileCheck::Missing
        };
        checks.push((chart.clone(), check));
    }
    let expected = result_files();
    let mut others = Vec::new();
    let mut listing = listing;
    listing.sort();
    for (name, _) in listing {
        if checks.iter().any(|(n, _)| *n == name) || name == MANIFEST {
            continue;
        }
        if expected.contains(&name) {
            if rerun.is_some() {
                checks.push((name, FileCheck::LeftOver));
            }
        } else {
            others.push(name);
        }
    }
    Ok(Verification {
        folder: folder.to_path_buf(),
        manifest,
        checks,
        problems,
        others,
    })
}
