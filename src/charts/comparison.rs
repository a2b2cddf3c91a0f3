//! The comparison of several scenarios: each intervention's net saving (present value) as an
//! interval on one shared axis: P5-P95 line, P25-P75 box, median tick, mean dot, zero marked.
//! Figures come from each folder's `summary.json`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::DrawResult;
use super::compute::{pad, with_zero};
use super::data::ChartData;
use super::frame::{self, Heading, label, page};
use super::style::{INK, LINE, Style, THIN, TICK_SIZE, intervention_colour};

const ROW: u32 = 120;

/// Every (scenario, intervention) row, top to bottom.
fn rows(scenarios: &[ChartData]) -> Vec<(&ChartData, usize)> {
    scenarios
        .iter()
        .flat_map(|d| (0..d.interventions.len()).map(move |k| (d, k)))
        .collect()
}

pub fn height(scenarios: &[ChartData], style: &Style) -> u32 {
    frame::HEADER
        + heading(scenarios, style).extra_height()
        + frame::FOOTER
        + frame::X_LABELS
        + 40
        + rows(scenarios).len() as u32 * ROW
}

fn heading(scenarios: &[ChartData], style: &Style) -> Heading {
    Heading {
        title: style
            .title
            .clone()
            .unwrap_or_else(|| "Net saving of each scenario".to_string()),
        subtitle:
            "Net saving (present value): line P5-P95, box P25-P75, black tick median, dot mean"
                .to_string(),
        extra: style.subtitle.clone(),
        note: {
            let mut horizons: Vec<u32> = scenarios.iter().map(|d| d.years).collect();
            horizons.sort_unstable();
            horizons.dedup();
            let horizons_note = if horizons.len() > 1 {
                let list: Vec<String> = horizons.iter().map(u32::to_string).collect();
                format!(
                    " The scenarios cover different horizons ({} years): a longer one adds up more years of saving.",
                    list.join(", ")
                )
            } else {
                String::new()
            };
            format!(
                "Each row: scenario, intervention, horizon and run.{horizons_note} Drawn by prevsim {}.",
                env!("CARGO_PKG_VERSION")
            )
        },
    }
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scenarios: &[ChartData],
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let heading = heading(scenarios, style);
    let body = page(root, &heading)?;
    let rows = rows(scenarios);
    let n = rows.len();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (d, k) in &rows {
        let s = d.interventions[*k].net_summary;
        lo = lo.min(s.p5).min(s.mean);
        hi = hi.max(s.p95).max(s.mean);
    }
    if !lo.is_finite() {
        (lo, hi) = (-1.0, 1.0);
    }
    let (lo, hi, zero_shown) = with_zero(lo, hi);
    let (lo, hi) = pad(lo, hi);
    let mut chart = frame::rows_chart(&body, (lo, hi), n, (10, 0))?;
    frame::money_rows_mesh(&mut chart, style, "Net saving, present value", (lo, hi))?;
    for (i, (d, k)) in rows.iter().enumerate() {
        let iv = &d.interventions[*k];
        let s = iv.net_summary;
        let colour = intervention_colour(*k);
        let y = frame::row_y(n, i, 0.62);
        let half = 0.16;
        frame::row_heading(
            &chart,
            n,
            i,
            &format!(
                "{}: {} ({} year{}, {})",
                d.display_name(),
                iv.name,
                d.years,
                if d.years == 1 { "" } else { "s" },
                d.run_note()
            ),
        )?;
        if zero_shown {
            frame::row_rule(&mut chart, 0.0, (y - 0.3, y + 0.3))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(s.p5, y), (s.p95, y)],
            colour.stroke_width(LINE),
        )))?;
        chart.draw_series([
            Rectangle::new(
                [(s.p25, y - half), (s.p75, y + half)],
                colour.mix(0.5).filled(),
            ),
            Rectangle::new(
                [(s.p25, y - half), (s.p75, y + half)],
                colour.stroke_width(THIN),
            ),
        ])?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(s.p50, y - half * 1.4), (s.p50, y + half * 1.4)],
            INK.stroke_width(LINE + 1),
        )))?;
        chart.draw_series(std::iter::once(Circle::new((s.mean, y), 9, INK.filled())))?;
        chart.draw_series(std::iter::once(Text::new(
            format!(" {} ", style.unit.amount(s.mean)),
            (s.p95, y),
            label(TICK_SIZE, INK, HPos::Left, VPos::Center),
        )))?;
    }
    Ok(())
}
