//! Errors in scenario files: every problem with its file, line, column and field.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the offending value or key.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Dotted path of the field, such as `care.exit_rate`.
    pub field: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", Invalid { path, problems })]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    /// Warnings, refused because of `--deny-warnings`.
    #[error("{}", Denied { path, warnings })]
    Warnings {
        path: PathBuf,
        warnings: Vec<Problem>,
    },
}

impl ScenarioError {
    /// The problems found, empty for an I/O error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Io { .. } => &[],
            ScenarioError::Invalid { problems, .. } => problems,
            ScenarioError::Warnings { warnings, .. } => warnings,
        }
    }
}

struct Invalid<'a> {
    path: &'a PathBuf,
    problems: &'a [Problem],
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        let plural = if n == 1 { "problem" } else { "problems" };
        write!(
            f,
            "{} is not a valid scenario ({n} {plural}):",
            self.path.display()
        )?;
        write_lines(f, self.path, self.problems)
    }
}

struct Denied<'a> {
    path: &'a PathBuf,
    warnings: &'a [Problem],
}

impl fmt::Display for Denied<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.warnings.len();
        let plural = if n == 1 { "warning" } else { "warnings" };
        write!(
            f,
            "{} has {n} {plural}, refused because of --deny-warnings (fix them, or run without the option):",
            self.path.display()
        )?;
        write_lines(f, self.path, self.warnings)
    }
}

/// One indented `file:line:column: `field`: message` line per problem or warning.
fn write_lines(
    f: &mut fmt::Formatter<'_>,
    path: &std::path::Path,
    problems: &[Problem],
) -> fmt::Result {
    for p in problems {
        write!(
            f,
            "\n  {}:{}:{}: `{}`: {}",
            path.display(),
            p.line,
            p.column,
            p.field,
            p.message
        )?;
    }
    Ok(())
}

/// 1-based line and column of a byte offset in `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
