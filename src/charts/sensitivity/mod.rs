//! Charts of `prevsim sensitivity`, in the look of every prevsim chart (heading, footnote,
//! DejaVu Sans, Okabe-Ito colours), 1600 px wide, PNG and SVG:
//!
//! | file | what it shows |
//! |---|---|
//! | `tornado` | each input's P5-P95 swing of the figure, largest first, base case and target marked, bars labelled with the input's values, the figures and where it crosses the target |
//! | `spider` | the figure against each input's quantile (P5 to P95), the 8 largest swings |
//! | `break-even` | for each deciding input, the chance the figure is above the target against the input's fixed value, 50% and 80% marked |
//! | `acceptability` | the chance against the programme's cost per family reached, the break-even prices marked |
//! | `sweep` | a one-way sweep as a line, a two-way sweep as a heat map with the break-even contour |

mod curves;
mod heatmap;
mod tornado;

use plotters::style::RGBColor;

use super::frame::Heading;
use super::style::{self, MoneyUnit};
use super::{ChartError, both};
use crate::sensitivity::{Analysis, Subject, SweepResult};

/// Colours of the spider's lines: Okabe-Ito, then yellow and black.
pub const LINES: [RGBColor; 8] = [
    style::INTERVENTIONS[0],
    style::INTERVENTIONS[1],
    style::INTERVENTIONS[2],
    style::INTERVENTIONS[3],
    style::INTERVENTIONS[4],
    style::INTERVENTIONS[5],
    RGBColor(0xf0, 0xe4, 0x42),
    RGBColor(0x1a, 0x1a, 0x1a),
];

/// What a chart is of: scenario, intervention, figure and target.
pub struct About<'a> {
    pub scenario: &'a str,
    pub title: Option<&'a str>,
    pub intervention: &'a str,
    pub metric: &'a str,
    pub agency: Option<&'a str>,
    pub target: f64,
    pub money: bool,
}

impl About<'_> {
    /// The heading: the scenario's title, what the chart shows, and a footnote.
    pub fn heading(&self, shows: &str, run: &str) -> Heading {
        Heading {
            extra: None,
            title: self.title.unwrap_or(self.scenario).to_string(),
            subtitle: shows.to_string(),
            note: format!(
                "Scenario {}, \"{}\": {}{}, target {}. {run}. Drawn by prevsim {}.",
                self.scenario,
                self.intervention,
                self.metric,
                self.agency
                    .map_or_else(String::new, |a| format!(" for {a}")),
                self.figure(self.target),
                env!("CARGO_PKG_VERSION")
            ),
        }
    }

    /// The figure as a label: £3.5m for money.
    pub fn figure(&self, x: f64) -> String {
        if self.money {
            MoneyUnit::Auto.amount(x)
        } else {
            number(x)
        }
    }

    /// The figure in words for an axis.
    pub fn figure_name(&self) -> String {
        let name = match self.metric {
            "net_saving_pv" => "Net saving, present value",
            "gross_saving_pv" => "Gross saving, present value",
            "gross_saving_year0" => "First-year gross saving",
            "net_saving_undiscounted" => "Net saving, undiscounted",
            "gross_saving_undiscounted" => "Gross saving, undiscounted",
            other => other,
        };
        match self.agency {
            Some(a) => format!("{name} ({a})"),
            None => name.to_string(),
        }
    }
}

/// A number with about four significant digits and thousands separators.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    if x.abs() >= 1000.0 {
        return style::thousands(x);
    }
    let digits = (3 - x.abs().max(1e-12).log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// An input's value as a label: money as £3.5m, others as numbers.
pub fn value(x: f64, money: bool) -> String {
    if money {
        MoneyUnit::Auto.amount(x)
    } else {
        number(x)
    }
}

/// An input's name for a reader: without the `interventions[NAME].` prefix (a chart is about
/// one intervention).
pub fn short(name: &str) -> String {
    match (name.starts_with("interventions["), name.find("].")) {
        (true, Some(end)) => name[end + 2..].to_string(),
        _ => name.to_string(),
    }
}

impl<'a> From<&'a Subject> for About<'a> {
    fn from(a: &'a Subject) -> Self {
        About {
            scenario: &a.scenario,
            title: a.title.as_deref(),
            intervention: &a.intervention,
            metric: &a.metric,
            agency: a.agency.as_deref(),
            target: a.target,
            money: a.money,
        }
    }
}

/// How a sweep was run, for a chart's footnote.
fn sweep_run(s: &crate::sensitivity::Sweep) -> String {
    if s.monte_carlo {
        format!(
            "Monte Carlo, {} iterations, seed {}, common random numbers",
            s.iterations.unwrap_or(0),
            s.seed.unwrap_or(0)
        )
    } else {
        "Fixed mode (expected counts), every other input at its mean".to_string()
    }
}

/// The charts of an analysis: tornado and spider, and where computed break-even and
/// acceptability.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn analysis_charts(a: &Analysis) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let mut files = Vec::new();
    if !a.tornado.is_empty() {
        let size = (style::WIDTH, tornado::height(a));
        files.extend(both(
            "tornado",
            size,
            |root| tornado::draw(root, a),
            |root| tornado::draw(root, a),
        )?);
        let size = (style::WIDTH, curves::SPIDER_HEIGHT);
        files.extend(both(
            "spider",
            size,
            |root| curves::spider(root, a),
            |root| curves::spider(root, a),
        )?);
    }
    if !a.probabilistic_break_even.is_empty() {
        let size = (style::WIDTH, curves::break_even_height(a));
        files.extend(both(
            "break-even",
            size,
            |root| curves::break_even(root, a),
            |root| curves::break_even(root, a),
        )?);
    }
    if let Some(acc) = &a.acceptability {
        let size = (style::WIDTH, curves::ACCEPTABILITY_HEIGHT);
        files.extend(both(
            "acceptability",
            size,
            |root| curves::acceptability(root, a, acc),
            |root| curves::acceptability(root, a, acc),
        )?);
    }
    Ok(files)
}

/// The chart of a sweep: a line for one input, a heat map for two.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn sweep_charts(r: &SweepResult) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    if r.sweep.inputs.len() == 2 {
        let size = (style::WIDTH, heatmap::HEIGHT);
        both(
            "sweep",
            size,
            |root| heatmap::draw(root, r),
            |root| heatmap::draw(root, r),
        )
    } else {
        let size = (style::WIDTH, curves::sweep_height(r));
        both(
            "sweep",
            size,
            |root| curves::sweep(root, r),
            |root| curves::sweep(root, r),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_read_plainly() {
        assert_eq!(
            short("interventions[family intervention programme].programme.up_relative_risk"),
            "programme.up_relative_risk"
        );
        assert_eq!(short("care.cost"), "care.cost");
        assert_eq!(number(1.24567), "1.246");
        assert_eq!(number(0.0123456), "0.01235");
        assert_eq!(number(12_500.0), "12,500");
        assert_eq!(value(80_000.0, true), "£80k");
    }
}
