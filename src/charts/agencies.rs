//! Who pays, who saves: for each intervention of a scenario with `[agencies]`, one row per
//! agency (present values): its gross saving (mean, a light bar to the right of £0, labelled
//! with that amount at its end), the programme cost it pays (mean, a grey bar to the left of £0,
//! labelled "pays" with that amount), and on a line of its own its net saving (P5-P95 line,
//! P25-P75 box, mean dot, labelled with the mean). The axis says which side is paid and which
//! saved. The £0 line is drawn only across the bars, never through the row's heading. In a
//! fixed base case there is one value, so the net saving is a dot. This is the Total Place
//! picture: one budget pays, several benefit.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::compute::pad;
use super::data::{ChartData, InterventionData};
use super::frame::{self, caption, text};
use super::style::{INK, LINE, MUTED, Style, THIN, TICK_SIZE, font, intervention_colour};

const ROW: u32 = 160;
const LEGEND: u32 = 70;

fn with_agencies(data: &ChartData) -> Vec<(usize, &InterventionData)> {
    data.interventions
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.agencies.is_empty())
        .collect()
}

fn panel_height(iv: &InterventionData) -> u32 {
    frame::CAPTION + frame::X_LABELS + 30 + iv.agencies.len() as u32 * ROW
}

pub fn height(data: &ChartData) -> Option<u32> {
    let panels = with_agencies(data);
    (!panels.is_empty()).then(|| {
        frame::HEADER
            + frame::FOOTER
            + LEGEND
            + panels.iter().map(|(_, iv)| panel_height(iv)).sum::<u32>()
    })
}

/// The money range every panel shares: programme costs to the left, savings to the right.
fn range(panels: &[(usize, &InterventionData)]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (_, iv) in panels {
        for a in &iv.agencies {
            lo = lo.min(-a.programme_cost.mean).min(a.net_saving.p5);
            hi = hi.max(a.gross_saving.mean).max(a.net_saving.p95);
        }
    }
    pad(lo, hi)
}

/// What the chart shows: its default subtitle.
pub fn shows(data: &ChartData) -> &'static str {
    if data.fixed {
        "Who pays, who saves: each agency's gross saving, the programme cost it pays and its net \
         saving, present values, fixed base case"
    } else {
        "Who pays, who saves: each agency's gross saving, the programme cost it pays (means) and \
         its net saving (mean, P25-P75, P5-P95), present values"
    }
}

/// Draws `label` beside a bar's end at pixel `end` (a bar running right when `right`), outside
/// the bar when it fits within `[left_edge, right_edge]`, else just inside it.
#[allow(clippy::too_many_arguments)]
fn end_label<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    label: &str,
    end: i32,
    y: i32,
    right: bool,
    (left_edge, right_edge): (i32, i32),
    colour: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let style = font(TICK_SIZE);
    let (w, _) = plot.estimate_text_size(label, &style.clone().into_text_style(plot))?;
    let w = w as i32 + 12;
    let (x, h) = match (right, end + w <= right_edge, end - w >= left_edge) {
        (true, true, _) => (end + 8, HPos::Left),
        (true, false, _) => (end - 8, HPos::Right),
        (false, _, true) => (end - 8, HPos::Right),
        (false, _, false) => (end + 8, HPos::Left),
    };
    plot.draw(&Text::new(
        label.to_string(),
        (x, y),
        style.color(&colour).pos(Pos::new(h, VPos::Center)),
    ))?;
    Ok(())
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
    let panels = with_agencies(data);
    let (lo, hi) = range(&panels);
    let (_, h) = body.dim_in_pixel();
    let (mut rest, legend) = body.split_vertically(h.saturating_sub(LEGEND));
    for (k, iv) in panels {
        let (area, below) = rest.split_vertically(panel_height(iv));
        rest = below;
        let colour = intervention_colour(k);
        let area = caption(&area, &format!("{}: who pays, who saves", iv.name), colour)?;
        let n = iv.agencies.len();
        let mut chart = frame::rows_chart(&area, (lo, hi), n, (0, 30))?;
        frame::money_rows_mesh(
            &mut chart,
            style,
            "Present value: left of £0 the agency pays, right of £0 it saves",
            (lo, hi),
        )?;
        let plot = chart.plotting_area().strip_coord_spec();
        let (width, _) = plot.dim_in_pixel();
        let (bx, by) = plot.get_base_pixel();
        let coord = chart.as_coord_spec().clone();
        let px = |x: f64, y: f64| {
            let (a, b) = coord.translate(&(x, y));
            (a - bx, b - by)
        };
        let edges = (0, width as i32);
        for (i, a) in iv.agencies.iter().enumerate() {
            // The row: its heading, the bars (gross saving right, cost paid left), the net
            // saving's interval below them.
            let bars = frame::row_y(n, i, 0.45);
            let net_y = frame::row_y(n, i, 0.78);
            let half = 0.12;
            let heading = if data.fixed {
                a.name.clone()
            } else {
                format!(
                    "{}: saves money in {:.0}% of iterations",
                    a.name,
                    100.0 * a.prob_saves
                )
            };
            frame::row_heading(&chart, n, i, &heading)?;
            // £0 across this row's bars and interval only, below its heading.
            frame::row_rule(&mut chart, 0.0, (net_y - half, bars + half + 0.06))?;
            let gross = a.gross_saving.mean;
            let cost = a.programme_cost.mean;
            chart.draw_series([
                Rectangle::new(
                    [(0.0, bars - half), (gross, bars + half)],
                    colour.mix(0.3).filled(),
                ),
                Rectangle::new(
                    [(-cost, bars - half), (0.0, bars + half)],
                    MUTED.mix(0.55).filled(),
                ),
            ])?;
            let (_, bar_y) = px(0.0, bars);
            if gross != 0.0 {
                let (end, _) = px(gross, bars);
                let words = format!("gross saving {}", style.unit.amount(gross));
                end_label(&plot, &words, end, bar_y, gross > 0.0, edges, INK)?;
            }
            if cost != 0.0 {
                let (end, _) = px(-cost, bars);
                let words = format!("pays {} programme cost", style.unit.amount(cost));
                end_label(&plot, &words, end, bar_y, cost < 0.0, edges, INK)?;
            }
            let net = a.net_saving;
            if !data.fixed {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(net.p5, net_y), (net.p95, net_y)],
                    INK.stroke_width(LINE),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(net.p25, net_y - half * 0.8), (net.p75, net_y + half * 0.8)],
                    INK.stroke_width(THIN + 1),
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (net.mean, net_y),
                9,
                colour.filled(),
            )))?;
            let (end, y) = px(net.p95.max(net.mean), net_y);
            let words = if data.fixed {
                format!("net {}", style.unit.amount(net.mean))
            } else {
                format!("net {} (mean)", style.unit.amount(net.mean))
            };
            // Right of the interval; where it does not fit, left of it (never over it).
            let (start, _) = px(net.p5.min(net.mean), net_y);
            let (w, _) =
                plot.estimate_text_size(&words, &font(TICK_SIZE).into_text_style(&plot))?;
            let right =
                end + 10 + w as i32 + 12 <= edges.1 || start - 10 - (w as i32) - 12 < edges.0;
            if right {
                end_label(&plot, &words, end + 10, y, true, edges, INK)?;
            } else {
                end_label(&plot, &words, start - 10, y, false, edges, INK)?;
            }
        }
    }
    let (w, _) = legend.dim_in_pixel();
    let words = if data.fixed {
        "Light bar: gross saving. Grey bar, left of £0: programme cost the agency pays. Dot: its \
         net saving (gross saving minus the cost it pays)."
    } else {
        "Light bar: gross saving (mean). Grey bar, left of £0: programme cost the agency pays \
         (mean). Line, box and dot: its net saving, P5-P95, P25-P75 and mean."
    };
    text(
        &legend,
        words,
        (20, 10),
        font(TICK_SIZE),
        INK,
        Pos::new(HPos::Left, VPos::Top),
        w.saturating_sub(40),
    )?;
    Ok(())
}
