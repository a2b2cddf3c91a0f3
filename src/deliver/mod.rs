//! The deliverables of a result folder, for people who read results rather than CSV files:
//!
//! | file | what it is |
//! |---|---|
//! | `report.html` | one self-contained page: headline in words, summary, payback, who pays, claims, charts (inline SVG), sensitivity and VOI when present, the assumptions register, reproducibility; prints to A4 |
//! | `results.xlsx` | the workbook: Summary, Yearly, Agencies, Assumptions, Claims, Iterations, and the fixed base case with live formulas |
//! | `assumptions.csv` | the assumptions register |
//!
//! They see a result folder only through [`Source`]: `prevsim report FOLDER` reads the folder's
//! files back ([`Source::load`]) and rewrites them without re-running; a run makes them from
//! its results in memory ([`Source::of_run`]: its columns stand for `iterations.csv`, not
//! parsed again), with the same bytes (a test compares them). Like the charts they are not in
//! `manifest.json`: they present the data files that `prevsim verify` checks. Times in them
//! are the manifest's, so a run gives the same bytes with any number of threads.

pub mod claims;
pub mod html;
pub mod register;
pub mod sheet_zip;
pub mod source;
pub mod words;
pub mod workbook;

use std::path::Path;

pub use source::{Source, SourceError};

/// The deliverable files' names.
pub const REPORT: &str = "report.html";
pub const WORKBOOK: &str = "results.xlsx";
pub const REGISTER: &str = "assumptions.csv";
/// All three, as a run writes them.
pub const FILES: [&str; 3] = [REGISTER, REPORT, WORKBOOK];

/// Why the deliverables could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Html(#[from] html::HtmlError),
    #[error("cannot build results.xlsx: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error("cannot write assumptions.csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write to {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The deliverables of a result folder's files (data files, manifest, scenario copy, chart
/// SVGs), as named bytes. `folder` is named in the report's `prevsim verify` command.
///
/// # Errors
/// A data file is missing or malformed, or rendering fails.
pub fn deliverables(
    files: &[(String, Vec<u8>)],
    folder: &Path,
) -> Result<Vec<(String, Vec<u8>)>, DeliverError> {
    let source = Source::from_files(files)?;
    of_source(&source, folder)
}

fn of_source(source: &Source, folder: &Path) -> Result<Vec<(String, Vec<u8>)>, DeliverError> {
    let entries = register::register(source);
    let claim_rows = claims::judge(source);
    let xlsx = workbook::workbook(source, &entries, &claim_rows)?;
    finish(source, &entries, &claim_rows, xlsx, folder)
}

fn finish(
    source: &Source,
    entries: &[register::Entry],
    claim_rows: &[claims::ClaimRow],
    xlsx: Vec<u8>,
    folder: &Path,
) -> Result<Vec<(String, Vec<u8>)>, DeliverError> {
    let html = html::render(source, entries, claim_rows, &folder.display().to_string())?;
    Ok(vec![
        (REGISTER.to_string(), register::csv(entries)?),
        (REPORT.to_string(), html.into_bytes()),
        (WORKBOOK.to_string(), xlsx),
    ])
}

/// A run's charts and deliverables, from its results in memory ([`Source::of_run`], without
/// SVGs; `started`, the workbook with its Iterations sheet if already written from the same
/// results): `draw` draws the charts while the workbook is made (in parallel, with rayon), then
/// the report takes the charts' SVGs. The same bytes as [`deliverables`] of the written files.
///
/// # Errors
/// `draw` fails (the outer error), or the deliverables cannot be made (the inner one).
#[allow(clippy::type_complexity)]
pub fn with_charts<E: Send>(
    mut source: Source<'_>,
    started: Option<workbook::Started>,
    folder: &Path,
    draw: impl FnOnce() -> Result<Vec<(String, Vec<u8>)>, E> + Send,
) -> Result<
    (
        Vec<(String, Vec<u8>)>,
        Result<Vec<(String, Vec<u8>)>, DeliverError>,
    ),
    E,
> {
    let entries = register::register(&source);
    let claim_rows = claims::judge(&source);
    let (xlsx, charts) = rayon::join(
        || match started {
            Some(started) => workbook::finish(started, &source, &entries, &claim_rows),
            None => workbook::workbook(&source, &entries, &claim_rows),
        },
        draw,
    );
    let charts = charts?;
    source.set_svgs(&charts);
    let files = xlsx
        .map_err(DeliverError::from)
        .and_then(|xlsx| finish(&source, &entries, &claim_rows, xlsx, folder));
    Ok((charts, files))
}

/// `prevsim report FOLDER`: rewrites a result folder's deliverables from its files, all at
/// once (the other files are kept as they are).
///
/// # Errors
/// The folder's files are missing or malformed, or writing fails (nothing is then changed).
pub fn rewrite(folder: &Path) -> Result<Vec<String>, DeliverError> {
    let source = Source::load(folder)?;
    let files = of_source(&source, folder)?;
    crate::export::writer::write_atomically(folder, &files).map_err(|e| DeliverError::Write {
        path: folder.to_path_buf(),
        source: e,
    })?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}
