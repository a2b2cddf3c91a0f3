//! The probability curve (S-curve): for each amount, the probability that the net saving
//! (present value) is more than it. Read it as "an 80% chance of saving more than £Y". One
//! line per intervention; the 80% point and the break-even point are marked.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::compute::{amount_exceeded_with, net_saving_axis, probability_curve};
use super::data::ChartData;
use super::frame::{self, largest, style_mesh};
use super::style::{INK, LINE, Style, THIN, TICK_SIZE, font, intervention_colour};
use crate::money::percent;

const PLOT: u32 = 900;
const LEGEND_ROW: u32 = 50;
/// Points on each curve: smooth at any number of iterations, cheap at 100,000.
const POINTS: usize = 600;
/// The probability marked on each curve.
const MARKED: f64 = 0.8;

pub fn height(data: &ChartData) -> Option<u32> {
    let n = data.interventions.len() as u32;
    // A fixed base case has one value: its "curve" is a step from 100% to 0% that says no
    // more than the value itself (the savings chart shows it), so it is left out.
    (n > 0 && !data.fixed).then_some(frame::HEADER + frame::FOOTER + PLOT + LEGEND_ROW * n + 20)
}

/// What the chart shows: its default subtitle.
pub fn shows(_data: &ChartData) -> &'static str {
    "How sure is the saving? Chance that the net saving (present value) is more than each amount"
}

/// Draws the panels into `body`, the page below the heading.
pub fn draw<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    data: &ChartData,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (lo, hi, zero_shown) = net_saving_axis(data);
    let (_, h) = body.dim_in_pixel();
    let legend_height = LEGEND_ROW * data.interventions.len() as u32 + 20;
    let (plot, legend) = body.split_vertically(h.saturating_sub(legend_height));
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(20)
        .margin_right(40)
        .x_label_area_size(frame::X_LABELS)
        .y_label_area_size(frame::Y_LABELS)
        .build_cartesian_2d(lo..hi, 0.0..102.0)?;
    let axis = largest(lo, hi);
    let money = |v: &f64| style.unit.tick(*v, axis);
    let pct = |v: &f64| format!("{v:.0}%");
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh);
    mesh.x_desc("Net saving, present value")
        .y_desc("Chance of saving more")
        .x_label_formatter(&money)
        .y_label_formatter(&pct)
        .x_labels(frame::money_x_ticks(style))
        .y_labels(6)
        .draw()?;
    chart.draw_series(DashedLineSeries::new(
        vec![(lo, 100.0 * MARKED), (hi, 100.0 * MARKED)],
        10,
        8,
        INK.mix(0.5).stroke_width(THIN),
    ))?;
    if zero_shown {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, 102.0)],
            INK.stroke_width(THIN + 1),
        )))?;
    }
    for (k, iv) in data.interventions.iter().enumerate() {
        let colour = intervention_colour(k);
        let curve = probability_curve(&iv.net_saving_pv, lo, hi, POINTS);
        let y = amount_exceeded_with(&iv.net_saving_pv, MARKED);
        let legend_text = if data.fixed {
            format!(
                "{}: base case {}",
                iv.name,
                style.unit.amount(iv.net_summary.mean)
            )
        } else {
            format!(
                "{}: {:.0}% chance of saving at least {}; chance of saving money {} (P > £0)",
                iv.name,
                100.0 * MARKED,
                style.unit.amount(y),
                percent(iv.prob_net_saving_positive)
            )
        };
        chart.draw_series(LineSeries::new(
            curve.into_iter().map(|(x, p)| (x, 100.0 * p)),
            colour.stroke_width(LINE),
        ))?;
        legend_row(&legend, k, &legend_text, colour)?;
        let mut marks = Vec::new();
        if !data.fixed {
            marks.push((y, 100.0 * MARKED));
        }
        if zero_shown {
            marks.push((0.0, 100.0 * iv.prob_net_saving_positive));
        }
        chart.draw_series(
            marks
                .into_iter()
                .map(|p| Circle::new(p, 10, colour.filled())),
        )?;
    }
    Ok(())
}

/// One line of the legend under the plot: the intervention's colour and what its curve says.
fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    k: usize,
    text: &str,
    colour: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    let x = frame::Y_LABELS as i32;
    let y = 30 + (LEGEND_ROW * k as u32) as i32;
    area.draw(&PathElement::new(
        vec![(x, y), (x + 50, y)],
        colour.stroke_width(LINE + 2),
    ))?;
    frame::text(
        area,
        text,
        (x + 65, y),
        font(TICK_SIZE),
        INK,
        Pos::new(HPos::Left, VPos::Center),
        w.saturating_sub(x as u32 + 80),
    )
}
