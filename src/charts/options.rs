//! Options compared, for a scenario with two or more interventions: the chance each option is
//! the best (doing nothing included), and for every pair the difference in net saving (present
//! value) between them, iteration by iteration (P5-P95 line, P25-P75 box, mean dot), labelled
//! with the chance the first saves more. Computed from the iterations' net savings by
//! [`crate::compare::compare_options`], as in `summary.json`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::DrawResult;
use super::compute::{pad, with_zero};
use super::data::ChartData;
use super::frame::{self, caption};
use super::style::{BASELINE, INK, LINE, Style, THIN, intervention_colour};
use crate::compare::{Comparisons, compare_options};

const ROW: u32 = 100;

fn comparisons(data: &ChartData) -> Option<Comparisons> {
    if data.interventions.len() < 2 {
        return None;
    }
    let names: Vec<&str> = data.interventions.iter().map(|i| i.name.as_str()).collect();
    let net: Vec<&[f64]> = data
        .interventions
        .iter()
        .map(|i| i.net_saving_pv.as_slice())
        .collect();
    compare_options(&names, &net)
}

fn panel(rows: usize) -> u32 {
    frame::CAPTION + frame::X_LABELS + 30 + rows as u32 * ROW
}

pub fn height(data: &ChartData) -> Option<u32> {
    // A fixed base case has no chances to compare (each is 0% or 100%): the savings chart
    // shows the options' values side by side instead.
    if data.fixed {
        return None;
    }
    let c = comparisons(data)?;
    Some(frame::HEADER + frame::FOOTER + panel(c.prob_best.len()) + panel(c.comparisons.len()))
}

/// What the chart shows: its default subtitle.
pub fn shows(_data: &ChartData) -> &'static str {
    "Options compared: the chance each is best, and the difference in net saving between each pair"
}

pub fn draw<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    data: &ChartData,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let Some(c) = comparisons(data) else {
        return Ok(());
    };
    let (top, bottom) = body.split_vertically(panel(c.prob_best.len()));
    best_panel(&top, &c)?;
    differences_panel(&bottom, &c, style)
}

/// Bars of the chance each option is best.
fn best_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &Comparisons) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let area = caption(
        area,
        "Chance of saving the most (ties share the iteration)",
        INK,
    )?;
    let n = c.prob_best.len();
    let mut chart = frame::rows_chart(&area, (0.0, 1.0), n, (0, 30))?;
    let mut mesh = chart.configure_mesh();
    frame::style_mesh(&mut mesh);
    mesh.x_desc("Share of iterations in which the option's net saving is the largest")
        .x_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
        .y_label_formatter(&|_| String::new())
        .disable_y_mesh()
        .x_labels(6)
        .y_labels(0)
        .draw()?;
    for (i, (name, p)) in c.prob_best.iter().enumerate() {
        let colour = if i == 0 {
            BASELINE
        } else {
            intervention_colour(i - 1)
        };
        frame::row_heading(&chart, n, i, &format!("{name}: {:.1}%", 100.0 * p))?;
        let y = frame::row_y(n, i, 0.64);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.2), (*p, y + 0.2)],
            colour.filled(),
        )))?;
    }
    Ok(())
}

/// One row per pair: the difference in net saving, first minus second.
fn differences_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Comparisons,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let area = caption(
        area,
        "Difference in net saving (present value), first option minus second",
        INK,
    )?;
    let n = c.comparisons.len();
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for d in &c.comparisons {
        lo = lo.min(d.difference_net_saving_pv.p5);
        hi = hi.max(d.difference_net_saving_pv.p95);
    }
    let (lo, hi, zero_shown) = with_zero(lo, hi);
    let (lo, hi) = pad(lo, hi);
    let mut chart = frame::rows_chart(&area, (lo, hi), n, (0, 30))?;
    frame::money_rows_mesh(
        &mut chart,
        style,
        "Difference in net saving, present value",
        (lo, hi),
    )?;
    for (i, d) in c.comparisons.iter().enumerate() {
        let y = frame::row_y(n, i, 0.64);
        let s = d.difference_net_saving_pv;
        frame::row_heading(
            &chart,
            n,
            i,
            &format!(
                "{} minus {}: mean {}; the first saves more in {:.1}% of iterations",
                d.a,
                d.b,
                style.unit.amount(s.mean),
                100.0 * d.prob_a_saves_more
            ),
        )?;
        // £0 (no difference) across this row's marks only, below its heading.
        if zero_shown {
            frame::row_rule(&mut chart, 0.0, (y - 0.25, y + 0.25))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(s.p5, y), (s.p95, y)],
            INK.stroke_width(LINE),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(s.p25, y - 0.12), (s.p75, y + 0.12)],
            INK.stroke_width(THIN + 1),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (s.mean, y),
            9,
            intervention_colour(0).filled(),
        )))?;
    }
    Ok(())
}
