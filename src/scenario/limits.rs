//! Limits on what a valid-looking scenario may ask for, so that no input makes prevsim work,
//! allocate or write without bound: the file's size, the number of interventions, agencies and
//! claims, and the length and characters of every name and text.
//!
//! Without them a 50 MB title passed `validate` and `run` ran for minutes, 1,000 interventions
//! drew charts of half a million pixels in height and took 4.8 GB, and a 300-character name
//! validated, ran, then failed with "File name too long" when the results were written. Each
//! limit is far above what a real appraisal needs, and each refusal says what to do.
//!
//! [`validated`] wraps the validator: the size is checked before anything is parsed, the rest
//! on the validated scenario (every problem found, with its line).

use std::io::Read;
use std::path::Path;

use super::error::{Problem, line_column};
use super::{Requirement, Scenario, ScenarioError, validate};

/// Largest scenario file, in bytes (the shipped ones are under 8 kB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Most interventions in one scenario: each gets a panel in several charts.
pub const MAX_INTERVENTIONS: usize = 12;
/// Most agencies (budgets) in `[agencies]`.
pub const MAX_AGENCIES: usize = 12;
/// Most claims in one scenario.
pub const MAX_CLAIMS: usize = 100;
/// Longest scenario name, in bytes: it names the result folder, and file systems allow 255.
pub const MAX_NAME_BYTES: usize = 100;
/// Longest intervention or agency name, in characters (they head tables and chart panels).
pub const MAX_LABEL_CHARS: usize = 100;
/// Longest title, in characters (the first line of every chart).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest description, claim text or source, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Folder names a scenario may not take: the comparison charts of a run are written beside the
/// scenarios' folders under these names.
const RESERVED_NAMES: [&str; 2] = ["comparison.png", "comparison.svg"];

/// Reads a scenario file: a regular file (not a FIFO or a device, which could block or never
/// end) of at most [`MAX_FILE_BYTES`].
///
/// # Errors
/// The file cannot be read, is not a regular file, or is too large.
pub fn read_scenario_file(path: &Path) -> Result<String, ScenarioError> {
    let io = |source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = read_regular_file(path, MAX_FILE_BYTES).map_err(io)?;
    String::from_utf8(bytes).map_err(|_| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the file is not UTF-8 text; save it as UTF-8",
        ))
    })
}

/// Reads a regular file of at most `max` bytes. Symbolic links are followed, but what they
/// lead to must be a regular file; the file is opened without blocking (a FIFO never hangs
/// the caller) and read no further than `max + 1` bytes.
///
/// # Errors
/// The file cannot be opened, is not a regular file, or holds more than `max` bytes (the
/// message says how large it may be).
pub fn read_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a folder, device, FIFO or socket); prevsim reads only ordinary files",
        ));
    }
    if meta.len() > max {
        return Err(too_large(meta.len(), max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// Largest size of a result folder's data file that `plot` and `verify` read: `iterations.csv`
/// up to a quarter of the memory available (at most 8 GB), the others up to 64 MB (far above
/// what the largest valid scenario writes).
pub fn max_data_file_bytes(name: &str) -> u64 {
    if name == "iterations.csv" {
        crate::pipeline::memory_available().map_or(8 << 30, |a| (a / 4).min(8 << 30))
    } else {
        64 << 20
    }
}

fn too_large(size: u64, max: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "the file is too large ({}; at most {} is accepted): is it the right file?",
            crate::money::bytes(size),
            crate::money::bytes(max)
        ),
    )
}

/// Validates a scenario's text within the limits: the hook [`Scenario::parse`] calls.
pub(super) fn validated(source: &str, path: &Path) -> Result<Scenario, Vec<Problem>> {
    if source.len() as u64 > MAX_FILE_BYTES {
        return Err(vec![Problem {
            line: 1,
            column: 1,
            field: "(file)".to_string(),
            message: format!(
                "the file is {} long; a scenario may be at most {}: remove what is not part of the scenario (long notes belong in a separate document)",
                crate::money::bytes(source.len() as u64),
                crate::money::bytes(MAX_FILE_BYTES)
            ),
        }]);
    }
    let scenario = validate::validate(source, path)?;
    let problems = beyond_limits(&scenario, source, path);
    if problems.is_empty() {
        Ok(scenario)
    } else {
        Err(problems)
    }
}

/// Line and column of the first occurrence of `needle` in `source` (as typed), else 1:1.
fn position(source: &str, needle: &str) -> (usize, usize) {
    source
        .find(needle)
        .map_or((1, 1), |at| line_column(source, at))
}

struct Found<'a> {
    source: &'a str,
    problems: Vec<Problem>,
}

impl Found<'_> {
    fn add(&mut self, at: (usize, usize), field: &str, message: String) {
        self.problems.push(Problem {
            line: at.0,
            column: at.1,
            field: field.to_string(),
            message,
        });
    }

    /// A text of at most `max` characters, without control characters (except line breaks and
    /// tabs where `multiline`).
    fn text(&mut self, field: &str, value: &str, max: usize, multiline: bool) {
        let at = position(
            self.source,
            value.get(..value.len().min(64)).unwrap_or(value),
        );
        let chars = value.chars().count();
        if chars > max {
            self.add(
                at,
                field,
                format!("is {chars} characters long; at most {max} are allowed: shorten it"),
            );
        }
        let bad = value
            .chars()
            .find(|c| c.is_control() && !(multiline && (*c == '\n' || *c == '\t' || *c == '\r')));
        if let Some(c) = bad {
            self.add(
                at,
                field,
                format!(
                    "contains the control character {:?}; use plain text{}",
                    c,
                    if multiline { "" } else { " on one line" }
                ),
            );
        }
    }
}

/// Every limit the validated scenario exceeds.
fn beyond_limits(s: &Scenario, source: &str, path: &Path) -> Vec<Problem> {
    let mut f = Found {
        source,
        problems: Vec::new(),
    };
    folder_name(&mut f, s, path);
    if let Some(title) = &s.title {
        f.text("title", title, MAX_TITLE_CHARS, false);
    }
    if let Some(d) = &s.description {
        f.text("description", d, MAX_TEXT_CHARS, true);
    }
    if s.interventions.len() > MAX_INTERVENTIONS {
        let at = source
            .match_indices("[[interventions]]")
            .nth(MAX_INTERVENTIONS)
            .map_or((1, 1), |(i, _)| line_column(source, i));
        f.add(
            at,
            "interventions",
            format!(
                "{} interventions; at most {MAX_INTERVENTIONS} are allowed in one scenario (each gets its own panels in the charts): split them across several scenario files and run them together",
                s.interventions.len()
            ),
        );
    }
    for (k, iv) in s.interventions.iter().enumerate() {
        let field = format!("interventions[{k}].name");
        f.text(&field, &iv.name, MAX_LABEL_CHARS, false);
        if iv.name == "baseline" {
            f.add(
                position(source, "\"baseline\""),
                &field,
                "\"baseline\" is the name of the arm without any intervention, which every scenario has; give the intervention another name".to_string(),
            );
        }
        if let Some(d) = &iv.description {
            f.text(
                &format!("interventions[{k}].description"),
                d,
                MAX_TEXT_CHARS,
                true,
            );
        }
    }
    if s.agencies.names.len() > MAX_AGENCIES {
        f.add(
            position(source, "[agencies]"),
            "agencies.names",
            format!(
                "{} agencies; at most {MAX_AGENCIES} are allowed: group the smaller ones",
                s.agencies.names.len()
            ),
        );
    }
    for (a, name) in s.agencies.names.iter().enumerate() {
        f.text(
            &format!("agencies.names[{a}]"),
            name,
            MAX_LABEL_CHARS,
            false,
        );
    }
    for p in s.params.parameters() {
        if let Some(src) = &p.source {
            f.text(&format!("{}.source", p.name), src, MAX_TEXT_CHARS, true);
        }
    }
    if s.claims.len() > MAX_CLAIMS {
        f.add(
            (s.claims[MAX_CLAIMS].line, 1),
            "claims",
            format!(
                "{} claims; at most {MAX_CLAIMS} are allowed in one scenario: split them across files",
                s.claims.len()
            ),
        );
    }
    for (k, c) in s.claims.iter().enumerate() {
        f.text(&format!("claims[{k}].text"), &c.text, MAX_TEXT_CHARS, true);
        f.text(
            &format!("claims[{k}].source"),
            &c.source,
            MAX_TEXT_CHARS,
            true,
        );
        if let Requirement::Probability(p) = c.requirement
            && p <= 0.0
        {
            f.add(
                (c.line, 1),
                &format!("claims[{k}].probability"),
                "a claim required to hold in 0% of iterations holds whatever the model says; give the share of iterations in which it must hold (for example 0.95), or `on_mean = true`".to_string(),
            );
        }
    }
    f.problems
}

/// The scenario's name becomes a folder: it must be a safe, short file name, whether it was
/// given by `name` or taken from the file's name.
fn folder_name(f: &mut Found, s: &Scenario, path: &Path) {
    let name = &s.name;
    let from_file = !f.source.contains(&format!("\"{name}\""))
        && path
            .file_stem()
            .is_some_and(|stem| stem.to_string_lossy() == name.as_str());
    let fix = if from_file {
        format!(
            " (the name comes from the file name {}; rename the file or add a line such as `name = \"my-scenario\"` at the top)",
            path.display()
        )
    } else {
        String::new()
    };
    let at = if from_file {
        (1, 1)
    } else {
        position(f.source, &format!("\"{name}\""))
    };
    let safe = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !safe {
        f.add(
            at,
            "name",
            format!(
                "{name:?} cannot be a folder name: use letters, digits, '-', '_' and '.' only, not starting with '.'{fix}"
            ),
        );
    } else if name.len() > MAX_NAME_BYTES {
        f.add(
            at,
            "name",
            format!(
                "the name is {} characters long; a result folder's name may have at most {MAX_NAME_BYTES}: shorten it and put the long title in `title`{fix}",
                name.len()
            ),
        );
    }
    if RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        f.add(
            at,
            "name",
            format!(
                "\"{name}\" is the name of the comparison chart a run writes beside the result folders; choose another name{fix}"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("f.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_regular_file(&fifo, 10).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[test]
    fn reads_no_more_than_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big");
        std::fs::write(&f, vec![b'x'; 2000]).unwrap();
        assert!(read_regular_file(&f, 1999).is_err());
        assert_eq!(read_regular_file(&f, 2000).unwrap().len(), 2000);
        // A device that never ends is not a regular file.
        assert!(read_regular_file(Path::new("/dev/zero"), 10).is_err());
    }
}
