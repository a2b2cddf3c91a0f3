//! Who pays, who saves: for each intervention of a scenario with `[agencies]`, one row per
//! agency (present values): its gross saving (mean, a light bar to the right of zero), the
//! programme cost it pays (mean, a grey bar to the left), and its net saving (P5-P95 line,
//! P25-P75 box, mean dot), labelled with the mean and the chance the agency saves money. This is
//! the Total Place picture: one budget pays, several benefit.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::compute::pad;
use super::data::{ChartData, InterventionData};
use super::frame::{self, caption, label, text};
use super::style::{INK, LINE, MUTED, Style, THIN, TICK_SIZE, font, intervention_colour};

const ROW: u32 = 110;
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
pub fn shows(_data: &ChartData) -> &'static str {
    "Who pays, who saves: each agency's figures, present values"
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
        let n = iv.agencies.len() as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin_right(40)
            .margin_left(20)
            .margin_bottom(30)
            .x_label_area_size(frame::X_LABELS)
            .y_label_area_size(10)
            .build_cartesian_2d(lo..hi, 0.0..n)?;
        frame::money_rows_mesh(&mut chart, style, "Present value", (lo, hi))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, n)],
            INK.stroke_width(THIN + 1),
        )))?;
        let plot = chart.plotting_area().strip_coord_spec();
        let (width, _) = plot.dim_in_pixel();
        for (i, a) in iv.agencies.iter().enumerate() {
            let top = n - i as f64;
            let y = top - 0.62;
            let half = 0.17;
            let (px, py) = chart.backend_coord(&(lo, top - 0.06));
            let (bx, by) = plot.get_base_pixel();
            text(
                &plot,
                &format!(
                    "{}: net {}, saves money in {:.0}% of iterations",
                    a.name,
                    style.unit.amount(a.net_saving.mean),
                    100.0 * a.prob_saves
                ),
                (px - bx + 12, py - by),
                font(TICK_SIZE),
                INK,
                Pos::new(HPos::Left, VPos::Top),
                width.saturating_sub(24),
            )?;
            chart.draw_series([
                Rectangle::new(
                    [(0.0, y - half), (a.gross_saving.mean, y + half)],
                    colour.mix(0.3).filled(),
                ),
                Rectangle::new(
                    [(-a.programme_cost.mean, y - half), (0.0, y + half)],
                    MUTED.mix(0.55).filled(),
                ),
            ])?;
            let net = a.net_saving;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(net.p5, y), (net.p95, y)],
                INK.stroke_width(LINE),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(net.p25, y - half * 0.6), (net.p75, y + half * 0.6)],
                INK.stroke_width(THIN + 1),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                (net.mean, y),
                9,
                colour.filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!(" {} ", style.unit.amount(net.mean)),
                (net.p95.max(a.gross_saving.mean), y),
                label(TICK_SIZE, INK, HPos::Left, VPos::Center),
            )))?;
        }
    }
    let (w, _) = legend.dim_in_pixel();
    text(
        &legend,
        "Light bar: gross saving (mean). Grey bar, left of £0: programme cost the agency pays (mean). \
         Line, box and dot: its net saving, P5-P95, P25-P75 and mean.",
        (20, 10),
        font(TICK_SIZE),
        INK,
        Pos::new(HPos::Left, VPos::Top),
        w.saturating_sub(40),
    )?;
    Ok(())
}
