//! The tornado: one row per input, largest swing first. Each bar runs from the figure with the
//! input at its P5 (light) to the figure at its P95 (dark), through the base case; the row's
//! label gives the input's P5 and P95 and where the figure crosses the target. The base case is
//! a dashed line and the target a solid one, so a bar that crosses the target shows it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{About, short, value};
use crate::charts::DrawResult;
use crate::charts::compute::pad;
use crate::charts::frame::{self, label, text};
use crate::charts::style::{INK, INTERVENTIONS, MUTED, THIN, TICK_SIZE, font};
use crate::sensitivity::Analysis;
use crate::sensitivity::oneway::{Bar, InputValue};

const ROW: u32 = 100;
const LEGEND: u32 = 110;
/// Most bars drawn; the rest are in sensitivity.csv.
pub const MOST: usize = 15;
/// Colours of the figure with the input at its P5 and at its P95.
const LOW: RGBColor = INTERVENTIONS[5];
const HIGH: RGBColor = INTERVENTIONS[0];

fn shown(a: &Analysis) -> &[Bar] {
    &a.tornado[..a.tornado.len().min(MOST)]
}

pub fn height(a: &Analysis) -> u32 {
    frame::HEADER + frame::FOOTER + frame::X_LABELS + 40 + LEGEND + shown(a).len() as u32 * ROW
}

/// The figure's range over the bars, with the base case, and the target where it is near.
fn range(a: &Analysis) -> (f64, f64, bool) {
    let (mut lo, mut hi) = (a.subject.base, a.subject.base);
    for b in shown(a) {
        lo = lo.min(b.metric_low).min(b.metric_high);
        hi = hi.max(b.metric_low).max(b.metric_high);
    }
    let reach = 0.6 * (hi - lo).max(a.subject.base.abs() * 0.01);
    let target_shown = a.subject.target >= lo - reach && a.subject.target <= hi + reach;
    if target_shown {
        lo = lo.min(a.subject.target);
        hi = hi.max(a.subject.target);
    }
    let (lo, hi) = pad(lo, hi);
    (lo, hi, target_shown)
}

/// The row's label: the input, its P5 and P95, and its switching value.
fn row_label(a: &Analysis, about: &About, b: &Bar) -> String {
    let values = match (b.low_value, b.high_value) {
        (InputValue::Number(lo), InputValue::Number(hi)) => {
            format!("{} to {}", value(lo, b.money), value(hi, b.money))
        }
        _ => "rows at the figure's P5 and P95".to_string(),
    };
    let switching = a
        .switching_values
        .iter()
        .find(|s| s.input == b.input)
        .map(|s| match s.value {
            Some(x) => format!(
                "; {} at {}",
                about.figure(a.subject.target),
                value(x, s.money)
            ),
            None => format!(
                "; never {} within its range",
                about.figure(a.subject.target)
            ),
        })
        .unwrap_or_default();
    format!("{}: {values}{switching}", short(&b.input))
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, a: &Analysis) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let about = About::from(&a.subject);
    let heading = about.heading(
        "What moves the answer: each input at its P5 and P95, every other input at its mean",
        "Fixed mode (expected counts)",
    );
    let body = frame::page(root, &heading)?;
    let bars = shown(a);
    let rows = bars.len().max(1);
    let n = rows as f64;
    let (lo, hi, target_shown) = range(a);
    let (_, h) = body.dim_in_pixel();
    let (plot_area, legend) = body.split_vertically(h.saturating_sub(LEGEND));
    let mut chart = frame::rows_chart(&plot_area, (lo, hi), rows, (40, 0))?;
    let axis = frame::largest(lo, hi);
    let tick = |v: &f64| {
        if about.money {
            crate::charts::style::MoneyUnit::Auto.tick(*v, axis)
        } else {
            super::number(*v)
        }
    };
    let mut mesh = chart.configure_mesh();
    frame::style_mesh(&mut mesh);
    mesh.x_desc(about.figure_name())
        .x_label_formatter(&tick)
        .y_label_formatter(&|_| String::new())
        .disable_y_mesh()
        .x_labels(8)
        .y_labels(0)
        .draw()?;
    let plot = chart.plotting_area().strip_coord_spec();
    let (bx, by) = plot.get_base_pixel();
    for (i, b) in bars.iter().enumerate() {
        let y = frame::row_y(rows, i, 0.64);
        let half = 0.2;
        frame::row_heading(&chart, rows, i, &row_label(a, &about, b))?;
        chart.draw_series([
            Rectangle::new(
                [(a.subject.base, y - half), (b.metric_low, y + half)],
                LOW.filled(),
            ),
            Rectangle::new(
                [(a.subject.base, y - half), (b.metric_high, y + half)],
                HIGH.filled(),
            ),
        ])?;
        // Each end labelled with its figure, outside the bar.
        for (x, other) in [(b.metric_low, b.metric_high), (b.metric_high, b.metric_low)] {
            let right = x >= other && x >= a.subject.base;
            let anchor = if right { HPos::Left } else { HPos::Right };
            let pad = if right { " " } else { "" };
            chart.draw_series(std::iter::once(Text::new(
                format!("{pad}{} ", about.figure(x)),
                (x, y),
                label(TICK_SIZE * 0.9, INK, anchor, VPos::Center),
            )))?;
        }
    }
    // The base case and the target across each row's bars only, never through a heading.
    for i in 0..rows {
        let y = frame::row_y(rows, i, 0.64);
        let top = if i == 0 { n } else { y + 0.3 };
        chart.draw_series(DashedLineSeries::new(
            vec![(a.subject.base, y - 0.3), (a.subject.base, top)],
            10,
            8,
            MUTED.stroke_width(THIN + 1),
        ))?;
    }
    let (base_x, _) = chart.backend_coord(&(a.subject.base, n));
    text(
        &plot_area,
        &format!("base case {}", about.figure(a.subject.base)),
        (base_x - plot_area.get_base_pixel().0, 6),
        font(TICK_SIZE),
        MUTED,
        Pos::new(HPos::Center, VPos::Top),
        600,
    )?;
    if target_shown {
        for i in 0..rows {
            let y = frame::row_y(rows, i, 0.64);
            let bottom = if i + 1 == rows { 0.0 } else { y - 0.3 };
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(a.subject.target, bottom), (a.subject.target, y + 0.3)],
                INK.stroke_width(THIN + 2),
            )))?;
        }
        let words = if a.subject.target == 0.0 && about.money {
            "£0: break-even".to_string()
        } else {
            format!("target {}", about.figure(a.subject.target))
        };
        let (tx, ty) = chart.backend_coord(&(a.subject.target, 0.0));
        text(
            &plot,
            &words,
            (tx - bx + 8, ty - by - 8),
            font(TICK_SIZE),
            INK,
            Pos::new(HPos::Left, VPos::Bottom),
            500,
        )?;
    }
    legend_text(&legend, a, target_shown)
}

fn legend_text<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    a: &Analysis,
    target_shown: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (w, _) = legend.dim_in_pixel();
    legend.draw(&Rectangle::new([(30, 14), (70, 40)], LOW.filled()))?;
    legend.draw(&Rectangle::new([(30, 58), (70, 84)], HIGH.filled()))?;
    let more = if a.tornado.len() > MOST {
        format!(
            " ({} more inputs in sensitivity.csv)",
            a.tornado.len() - MOST
        )
    } else {
        String::new()
    };
    let target = if target_shown {
        "; solid line: the target"
    } else {
        "; the target is far off this scale"
    };
    text(
        legend,
        &format!(
            "Figure with the input at its P5 (for a transition row: the row giving the figure's P5){more}"
        ),
        (85, 27),
        font(TICK_SIZE * 0.9),
        INK,
        Pos::new(HPos::Left, VPos::Center),
        w.saturating_sub(110),
    )?;
    text(
        legend,
        &format!(
            "Figure with the input at its P95. Dashed line: base case, every input at its mean{target}"
        ),
        (85, 71),
        font(TICK_SIZE * 0.9),
        INK,
        Pos::new(HPos::Left, VPos::Center),
        w.saturating_sub(110),
    )
}
