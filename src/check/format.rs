//! `prevsim check` results as text: a console table, Markdown, CSV or JSON.
//!
//! Renderers take the plain result structs of [`super`] and return a string; the binary prints
//! it. The same results give the same bytes.

use serde::Serialize;

use super::why::{METHOD, Threshold};
use super::{Beside, ClaimCheck, Figures, ScenarioCheck};
use crate::money::gbp;
use crate::scenario::{Requirement, Test};

/// How `check` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// A readable table with notes (the default).
    #[default]
    Console,
    Markdown,
    Csv,
    Json,
}

/// Why results could not be rendered (not expected: everything is written to memory).
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("CSV is not UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// The rules behind the verdicts, as reports state them.
pub const VERDICT_RULES: &str = "holds: P(holds) >= required; does not hold: P(holds) <= 1 - required and the mean fails the test too; holds only partly: anything between. A claim on the mean holds when the mean passes, holds only partly when it does not but at least 5% of iterations pass, and does not hold otherwise";

/// Renders the checks in a format.
///
/// # Errors
/// Writing CSV or JSON to memory fails (not expected).
pub fn render(checks: &[ScenarioCheck], format: Format) -> Result<String, FormatError> {
    match format {
        Format::Console => Ok(console(checks)),
        Format::Markdown => Ok(markdown(checks)),
        Format::Csv => csv(checks),
        Format::Json => json(checks),
    }
}

/// A figure for a reader: pounds for money, otherwise up to three decimals.
pub fn figure(x: f64, money: bool) -> String {
    if money {
        return gbp(x);
    }
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A probability for a reader: 0.95 -> "95%", 1/3 -> "33.3%".
pub fn pct(p: f64) -> String {
    if !p.is_finite() {
        return "n/a".into();
    }
    let s = format!("{:.1}", p * 100.0);
    format!("{}%", s.trim_end_matches(".0"))
}

/// The document's figure with its test: "≥ £3.5m", "≤ £20m", "£425m ± £75m".
pub fn document(test: &Test, money: bool) -> String {
    match *test {
        Test::AtLeast(x) => format!("≥ {}", figure(x, money)),
        Test::AtMost(x) => format!("≤ {}", figure(x, money)),
        Test::Near { value, tolerance } => {
            format!("{} ± {}", figure(value, money), figure(tolerance, money))
        }
    }
}

/// How sure the model must be: "≥ 95%" or "mean".
pub fn required(requirement: Requirement) -> String {
    match requirement {
        Requirement::Probability(p) => format!("≥ {}", pct(p)),
        Requirement::Mean => "on the mean".into(),
    }
}

fn band(f: &Figures, money: bool) -> String {
    format!("{} to {}", figure(f.p5, money), figure(f.p95, money))
}

/// What the claim is about: `gross_saving_year0 of "keep 1% out of care"`.
fn about(c: &ClaimCheck) -> String {
    match &c.intervention {
        Some(i) => format!("{} of \"{i}\"", c.figure),
        None => c.figure.clone(),
    }
}

fn beside_text(c: &ClaimCheck, b: &Beside) -> String {
    format!(
        "the same figure for \"{}\": mean {} (P5 to P95 {}), P(holds) {}, so the claim {} there",
        b.intervention,
        figure(b.figures.mean, c.money),
        band(&b.figures, c.money),
        pct(b.figures.probability),
        b.verdict.words()
    )
}

fn threshold_text(parameter: &str, money: bool, t: &Threshold, range: (f64, f64)) -> String {
    let side = if t.holds_above { "at least" } else { "at most" };
    let span = format!("{} to {}", figure(range.0, money), figure(range.1, money));
    let edge = 1e-9 * (range.0.abs() + range.1.abs());
    let (below, above) = (t.value <= range.0 + edge, t.value >= range.1 - edge);
    let place = if !t.in_range {
        format!(", outside its range of {span}")
    } else {
        String::new()
    };
    let reach = match (t.holds_above, below, above) {
        (true, true, _) | (false, _, true) => format!(", that is over the whole range of {span}"),
        (true, _, true) | (false, true, _) => format!(", that is nowhere in its range of {span}"),
        _ => String::new(),
    };
    format!(
        "the test flips at {parameter} = {} ({}{place}): it passes while {parameter} is {side} {}{reach}",
        figure(t.value, money),
        t.method.words(),
        figure(t.value, money)
    )
}

/// Which parameter decides the claim and where it flips, in words.
fn why_text(c: &ClaimCheck) -> String {
    let Some(s) = &c.why.decisive else {
        return c.why.note.clone().unwrap_or_default();
    };
    let mut text = format!(
        "{} decides it most ({} at its P5 of {}, {} at its P95 of {})",
        s.parameter,
        figure(s.figure_at_low, c.money),
        figure(s.low, s.money),
        figure(s.figure_at_high, c.money),
        figure(s.high, s.money)
    );
    for t in &c.why.thresholds {
        text.push_str("; ");
        text.push_str(&threshold_text(
            &s.parameter,
            s.money,
            t,
            (s.range_low, s.range_high),
        ));
    }
    if !c.why.unreached.is_empty() {
        let bounds: Vec<String> = c
            .why
            .unreached
            .iter()
            .map(|b| figure(*b, c.money))
            .collect();
        text.push_str(&format!(
            "; the figure does not reach {} anywhere in the range of {} ({} to {}), so no value of it alone flips the test",
            bounds.join(" or "),
            s.parameter,
            figure(s.range_low, s.money),
            figure(s.range_high, s.money)
        ));
    }
    text
}

fn header(s: &ScenarioCheck) -> String {
    format!(
        "{} ({}, {} iterations, seed {})",
        s.title.as_deref().unwrap_or(&s.scenario),
        s.file,
        s.iterations,
        s.seed
    )
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut t: String = text.chars().take(width - 1).collect();
    t.push('…');
    t
}

/// Columns of the console and Markdown tables for one claim.
fn cells(i: usize, c: &ClaimCheck, claim_width: usize) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        truncate(&c.text, claim_width),
        document(&c.claim.test, c.money),
        figure(c.figures.mean, c.money),
        band(&c.figures, c.money),
        pct(c.figures.probability),
        required(c.claim.requirement),
        c.verdict.words().to_string(),
    ]
}

const COLUMNS: [&str; 8] = [
    "#",
    "claim",
    "document",
    "model mean",
    "P5 to P95",
    "P(holds)",
    "required",
    "verdict",
];

fn console(checks: &[ScenarioCheck]) -> String {
    let mut out = String::new();
    for s in checks {
        out.push_str(&header(s));
        out.push('\n');
        let mut rows = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
        rows.extend(s.claims.iter().enumerate().map(|(i, c)| cells(i, c, 40)));
        let widths: Vec<usize> = (0..COLUMNS.len())
            .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
            .collect();
        for row in &rows {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
                .collect();
            out.push_str("  ");
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        for (i, c) in s.claims.iter().enumerate() {
            out.push_str(&format!("  {}. \"{}\"\n", i + 1, c.text));
            out.push_str(&format!("     source: {} (line {})\n", c.source, c.line));
            out.push_str(&format!("     figure: {}\n", about(c)));
            if let Some(b) = &c.beside {
                out.push_str(&format!("     beside it: {}\n", beside_text(c, b)));
            }
            out.push_str(&format!("     why: {}\n", why_text(c)));
        }
        out.push('\n');
    }
    out.push_str(&format!("Verdicts: {VERDICT_RULES}.\nWhy: {METHOD}.\n"));
    out
}

fn md_escape(text: &str) -> String {
    text.replace('|', "\\|")
}

fn markdown(checks: &[ScenarioCheck]) -> String {
    let mut out = String::new();
    for s in checks {
        out.push_str(&format!("### {}\n\n", md_escape(&header(s))));
        out.push_str("| # | claim | source | figure | document | model mean | P5 to P95 | P(holds) | required | verdict | beside it | why |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (i, c) in s.claims.iter().enumerate() {
            let mut row = cells(i, c, usize::MAX);
            row.insert(2, c.source.clone());
            row.insert(3, about(c));
            row.push(
                c.beside
                    .as_ref()
                    .map_or(String::new(), |b| beside_text(c, b)),
            );
            row.push(why_text(c));
            let row: Vec<String> = row.iter().map(|x| md_escape(x)).collect();
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        out.push('\n');
    }
    out.push_str(&format!("Verdicts: {VERDICT_RULES}. Why: {METHOD}.\n"));
    out
}

fn num(x: Option<f64>) -> String {
    x.filter(|x| x.is_finite())
        .map_or_else(String::new, |x| x.to_string())
}

fn csv(checks: &[ScenarioCheck]) -> Result<String, FormatError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "claim",
        "source",
        "line",
        "figure",
        "intervention",
        "test",
        "document",
        "tolerance",
        "required_probability",
        "mean",
        "p5",
        "p95",
        "probability",
        "probability_se",
        "verdict",
        "beside_intervention",
        "beside_mean",
        "beside_p5",
        "beside_p95",
        "beside_probability",
        "beside_verdict",
        "decisive_parameter",
        "thresholds",
        "threshold_methods",
        "holds_while",
    ])?;
    for s in checks {
        for c in &s.claims {
            let f = &c.figures;
            let b = c.beside.as_ref();
            let d = c.why.decisive.as_ref();
            let join = |g: &dyn Fn(&Threshold) -> String| {
                c.why.thresholds.iter().map(g).collect::<Vec<_>>().join(";")
            };
            let record = vec![
                s.scenario.clone(),
                c.text.clone(),
                c.source.clone(),
                c.line.to_string(),
                c.figure.clone(),
                c.intervention.clone().unwrap_or_default(),
                c.test.to_string(),
                num(Some(c.document)),
                num(c.tolerance),
                num(c.required_probability),
                num(Some(f.mean)),
                num(Some(f.p5)),
                num(Some(f.p95)),
                num(Some(f.probability)),
                num(Some(f.probability_se)),
                c.verdict.words().to_string(),
                b.map_or(String::new(), |b| b.intervention.clone()),
                num(b.map(|b| b.figures.mean)),
                num(b.map(|b| b.figures.p5)),
                num(b.map(|b| b.figures.p95)),
                num(b.map(|b| b.figures.probability)),
                b.map_or(String::new(), |b| b.verdict.words().to_string()),
                d.map_or(String::new(), |d| d.parameter.clone()),
                join(&|t| t.value.to_string()),
                join(&|t| {
                    serde_json::to_value(t.method)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                }),
                join(&|t| if t.holds_above { "above" } else { "below" }.to_string()),
            ];
            w.write_record(&record)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes)?)
}

/// The content of `check --format json`.
#[derive(Serialize)]
struct JsonReport<'a> {
    prevsim_version: &'static str,
    verdict_rules: &'static str,
    why_method: &'static str,
    scenarios: &'a [ScenarioCheck],
}

fn json(checks: &[ScenarioCheck]) -> Result<String, FormatError> {
    let mut text = serde_json::to_string_pretty(&JsonReport {
        prevsim_version: env!("CARGO_PKG_VERSION"),
        verdict_rules: VERDICT_RULES,
        why_method: METHOD,
        scenarios: checks,
    })?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_like_a_report() {
        assert_eq!(figure(3_500_000.0, true), "£3.5m");
        assert_eq!(figure(70.0, false), "70");
        assert_eq!(figure(0.125_4, false), "0.125");
        assert_eq!(pct(0.95), "95%");
        assert_eq!(pct(1.0 / 3.0), "33.3%");
        assert_eq!(document(&Test::AtMost(2e7), true), "≤ £20m");
        assert_eq!(
            document(
                &Test::Near {
                    value: 4.25e8,
                    tolerance: 7.5e7
                },
                true
            ),
            "£425m ± £75m"
        );
        assert_eq!(required(Requirement::Probability(0.95)), "≥ 95%");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
