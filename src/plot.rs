//! Charts on disk: the `plot` command, and the comparison chart of a run of several scenarios.
//!
//! `prevsim plot FOLDER` re-draws a result folder's charts from its data files (`summary.json`,
//! `iterations.csv`, `yearly.csv`) without re-running anything. With no styling option the
//! charts are byte-identical to the ones `prevsim run` wrote. Charts are not listed in
//! `manifest.json`: they are drawings of the data files, which `prevsim verify` checks, so
//! restyled charts never make a verified folder look tampered with.

use std::path::{Path, PathBuf};

use crate::charts::{self, ChartData, ChartError, Style};
use crate::export::manifest::is_chart_file;
use crate::export::writer;

/// Why charts could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("cannot draw charts for {folder}: {source}")]
    Charts {
        folder: PathBuf,
        #[source]
        source: ChartError,
    },
    #[error(
        "{0} names no folder to put its charts in (the root folder, or a folder that does not exist); give the result folder by its name"
    )]
    NoName(PathBuf),
    #[error("{0}")]
    Style(String),
    #[error("cannot write charts to {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Charts written for one result folder.
#[derive(Debug, Clone)]
pub struct Plotted {
    /// The data the charts were drawn from.
    pub data: ChartData,
    /// Where the charts went.
    pub dest: PathBuf,
    /// The chart files, by name.
    pub files: Vec<String>,
}

/// Where the charts of `folder` go: `out/<folder name>` with `--out` (the folder's real name
/// when it is given as `.` or `..`), else the folder itself. Never `out` itself.
///
/// # Errors
/// With `--out`, a folder that has no name (the root).
pub fn destination(folder: &Path, out: Option<&Path>) -> Result<PathBuf, PlotError> {
    let named = folder.file_name().is_some()
        && folder.components().next_back() != Some(std::path::Component::ParentDir);
    // `.`, `..`, `a/..`: the folder's real path, which has its name.
    let folder = if named {
        folder.to_path_buf()
    } else {
        folder
            .canonicalize()
            .ok()
            .filter(|p| p.file_name().is_some())
            .ok_or_else(|| PlotError::NoName(folder.to_path_buf()))?
    };
    Ok(match (out, folder.file_name()) {
        (Some(out), Some(name)) => out.join(name),
        _ => folder,
    })
}

/// Refuses a `--title` or `--subtitle` too long for a chart's heading.
fn check_style(style: &Style) -> Result<(), PlotError> {
    use crate::scenario::limits::MAX_TITLE_CHARS;
    for (what, text) in [("--title", &style.title), ("--subtitle", &style.subtitle)] {
        if let Some(t) = text {
            let n = t.chars().count();
            if n > MAX_TITLE_CHARS {
                return Err(PlotError::Style(format!(
                    "{what} is {n} characters long; a chart heading takes at most {MAX_TITLE_CHARS}: shorten it"
                )));
            }
            if t.chars().any(char::is_control) {
                return Err(PlotError::Style(format!(
                    "{what} contains a control character (a line break?); give one line of plain text"
                )));
            }
        }
    }
    Ok(())
}

/// Re-draws the charts of a result folder and writes them (all at once) to its destination.
///
/// # Errors
/// The folder's data files are missing or malformed, or the charts cannot be written.
pub fn plot_folder(folder: &Path, out: Option<&Path>, style: &Style) -> Result<Plotted, PlotError> {
    let failed = |source| PlotError::Charts {
        folder: folder.to_path_buf(),
        source,
    };
    check_style(style)?;
    let dest = destination(folder, out)?;
    let write_failed = |source| PlotError::Write {
        path: dest.clone(),
        source,
    };
    writer::check_destination(&dest, &crate::export::manifest::is_owned).map_err(write_failed)?;
    let data = ChartData::load(folder).map_err(failed)?;
    let files = charts::scenario_charts(&data, style).map_err(failed)?;
    // Charts of the folder that these data no longer give (who-pays after `[agencies]` was
    // removed) go; everything else in the destination stays.
    writer::write_replacing(&dest, &files, &is_chart_file).map_err(write_failed)?;
    Ok(Plotted {
        data,
        dest,
        files: files.into_iter().map(|(name, _)| name).collect(),
    })
}

/// Draws the comparison of several scenarios into `out/comparison.png` and `.svg`, each file
/// written to a temporary file and renamed into place.
///
/// # Errors
/// A chart cannot be drawn or written.
pub fn comparison(
    scenarios: &[ChartData],
    out: &Path,
    style: &Style,
) -> Result<Vec<PathBuf>, PlotError> {
    let files =
        charts::comparison_charts(scenarios, style).map_err(|source| PlotError::Charts {
            folder: out.to_path_buf(),
            source,
        })?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = out.join(name);
        writer::write_file_atomically(&path, &bytes).map_err(|source| PlotError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// Loads the data of result folders (for the comparison after a run).
///
/// # Errors
/// A folder's data files are missing or malformed.
pub fn load_all(folders: &[PathBuf]) -> Result<Vec<ChartData>, PlotError> {
    folders
        .iter()
        .map(|f| {
            ChartData::load(f).map_err(|source| PlotError::Charts {
                folder: f.clone(),
                source,
            })
        })
        .collect()
}
