//! Problems reported by toml's parser or serde (syntax, types, unknown or missing keys), in
//! the words of the scenario file.

use std::ops::Range;

use super::error::{Problem, line_column};
use super::hints::{fix_for, line_fix};
use super::raw::SECTIONS;
use super::values::suggest;

/// A problem from toml's parser or serde (syntax, types, unknown or missing keys).
pub(super) fn toml_problem(source: &str, error: &toml::de::Error) -> Problem {
    let span = error.span().unwrap_or(0..0);
    let (line, column) = line_column(source, span.start);
    let message = error.message().trim().to_string();
    let field = field_at(source, &span, &message);
    let line_text = source[..span.start.min(source.len())]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .to_string()
        + source[span.start.min(source.len())..]
            .split('\n')
            .next()
            .unwrap_or("");
    let message = match backticked(&message).first() {
        Some(unknown) if message.starts_with("unknown field") => {
            let expected = backticked(&message);
            match belongs_in(unknown, &expected[1..]) {
                Some(place) => {
                    format!("`{unknown}` belongs in {place}, not here: move it there ({message})")
                }
                None => {
                    let hint = suggest(unknown, expected.iter().skip(1).map(String::as_str));
                    format!("{message}{hint}")
                }
            }
        }
        _ if message.starts_with("invalid type: string") => {
            let text = message.split('"').nth(1).unwrap_or("");
            match fix_for(text) {
                Some(fix) => format!("{}; {fix}", plain_types(&message)),
                None => plain_types(&message),
            }
        }
        _ if !message.starts_with("invalid type") && !message.starts_with("missing field") => {
            match line_fix(&line_text) {
                Some(fix) => format!("{fix} (TOML could not read the line: {message})"),
                None => plain_types(&message),
            }
        }
        _ => plain_types(&message),
    };
    Problem {
        line,
        column,
        field,
        message,
    }
}

/// The tables where a key that is unknown here belongs, such as "`[interventions.programme_cost]`".
fn belongs_in(key: &str, allowed_here: &[String]) -> Option<String> {
    if allowed_here.iter().any(|k| k == key) {
        return None;
    }
    let places: Vec<String> = SECTIONS
        .iter()
        .filter(|(_, keys)| keys.contains(&key))
        .map(|(section, _)| {
            if section.starts_with('[') {
                format!("`{section}`")
            } else {
                (*section).to_string()
            }
        })
        .collect();
    (!places.is_empty()).then(|| places.join(" or "))
}

/// serde's names of Rust types, in words an analyst uses.
fn plain_types(message: &str) -> String {
    let mut out = message.to_string();
    for (rust, plain) in [
        ("expected i64", "expected a whole number such as 10"),
        ("expected f64", "expected a number such as 0.25"),
        ("expected a string", "expected text in quotes"),
        (
            "expected a sequence",
            "expected a list in brackets, such as [0.5, 0.5]",
        ),
    ] {
        out = out.replace(rust, plain);
    }
    out
}

/// The words between backticks in a message, in order.
fn backticked(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The dotted field at a span: the table header above it, the key of its line, and for
/// unknown or missing fields the key the message names.
fn field_at(source: &str, span: &Range<usize>, message: &str) -> String {
    let start = span.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let header = source[..line_end]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        });
    let line = &source[line_start..line_end];
    let mut parts: Vec<String> = header.into_iter().filter(|h| !h.is_empty()).collect();
    let named = message.starts_with("unknown field") || message.starts_with("missing field");
    if let Some(eq) = line.find('=')
        && !line.trim_start().starts_with('[')
        && (line_start + eq < start || !named)
    {
        // The line's key: the field itself when the span points at it (a duplicate key), the
        // enclosing key when the span lies in its value (an inline table).
        parts.push(line[..eq].trim().to_string());
    }
    // An unknown table is reported at its own header, which already names it in full.
    let at_unknown_header =
        line.trim_start().starts_with('[') && message.starts_with("unknown field");
    if named && !at_unknown_header {
        parts.extend(backticked(message).into_iter().take(1));
    }
    parts.retain(|p| !p.is_empty());
    if parts.is_empty() {
        "(top level)".to_string()
    } else {
        parts.join(".")
    }
}
