//! The savings distribution: a histogram of the net saving (present value) over iterations,
//! one panel per intervention on a shared axis, with the mean, P5, P95 and zero marked and the
//! probability of a positive net saving in the panel's caption.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::DrawResult;
use super::compute::{Histogram, bin_count, net_saving_axis};
use super::data::ChartData;
use super::frame::{self, caption, label, largest, style_mesh};
use super::style::{INK, LINE, Style, THIN, TICK_SIZE, intervention_colour};
use crate::money::percent;

const PANEL: u32 = 540;

/// Pixels per intervention of a fixed base case's bars.
const FIXED_ROW: u32 = 110;

pub fn height(data: &ChartData) -> Option<u32> {
    let n = data.interventions.len() as u32;
    let body = if data.fixed {
        frame::CAPTION + frame::X_LABELS + 30 + n * FIXED_ROW
    } else {
        n * PANEL
    };
    (n > 0).then(|| frame::HEADER + frame::FOOTER + body)
}

/// What the chart shows: its default subtitle.
pub fn shows(data: &ChartData) -> &'static str {
    if data.fixed {
        "Fixed base case (every input at its mean): each intervention's net saving, present \
         value. Run without --fixed for the range and the chance of saving money"
    } else {
        "How much could it save? Net saving (present value) across the model's iterations"
    }
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
    if data.fixed {
        return draw_fixed(body, data, style);
    }
    let (lo, hi, zero_shown) = net_saving_axis(data);
    let bins = bin_count(
        data.interventions
            .first()
            .map_or(1, |i| i.net_saving_pv.len()),
    );
    let panels = body.split_evenly((data.interventions.len(), 1));
    for (k, (panel, iv)) in panels.iter().zip(&data.interventions).enumerate() {
        let colour = intervention_colour(k);
        let mut title = if data.fixed {
            format!(
                "{}: base case {}",
                iv.name,
                style.unit.amount(iv.net_summary.mean)
            )
        } else {
            format!(
                "{}: chance of saving money {} (P(net saving > £0))",
                iv.name,
                percent(iv.prob_net_saving_positive)
            )
        };
        if !zero_shown {
            let side = if lo > 0.0 { "left" } else { "right" };
            title.push_str(&format!(" (£0 is off the chart, far to the {side})"));
        }
        let area = caption(panel, &title, colour)?;
        let hist = Histogram::of(&iv.net_saving_pv, lo, hi, bins);
        let n = iv.net_saving_pv.len().max(1) as f64;
        let share = |c: u64| 100.0 * c as f64 / n;
        let top = hist
            .counts
            .iter()
            .map(|&c| share(c))
            .fold(0.0, f64::max)
            .max(1e-9);
        let mut chart = ChartBuilder::on(&area)
            .margin_right(30)
            .x_label_area_size(frame::X_LABELS)
            .y_label_area_size(frame::Y_LABELS)
            .build_cartesian_2d(lo..hi, 0.0..top * 1.45)?;
        let axis = largest(lo, hi);
        let money = |v: &f64| style.unit.tick(*v, axis);
        // A fixed base case has one value: no distribution to draw, only the value.
        let pct = |v: &f64| {
            if data.fixed {
                String::new()
            } else {
                format!("{v:.0}%")
            }
        };
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc("Net saving, present value")
            .y_desc(if data.fixed {
                ""
            } else {
                "Share of iterations"
            })
            .x_label_formatter(&money)
            .y_label_formatter(&pct)
            .x_labels(frame::money_x_ticks(style))
            .y_labels(5)
            .draw()?;
        let bars: Vec<_> = hist.bins().filter(|_| !data.fixed).collect();
        chart.draw_series(bars.iter().map(|&(l, r, c)| {
            Rectangle::new([(l, 0.0), (r, share(c))], colour.mix(0.8).filled())
        }))?;
        chart
            .draw_series(bars.iter().map(|&(l, r, c)| {
                Rectangle::new([(l, 0.0), (r, share(c))], WHITE.stroke_width(1))
            }))?;
        let vline = |x: f64, to: f64| vec![(x, 0.0), (x, to)];
        let s = iv.net_summary;
        // A mean close to zero: `Some(true)` above it, `Some(false)` below it.
        let near_zero = (zero_shown && s.mean.abs() < 0.15 * (hi - lo)).then_some(s.mean >= 0.0);
        if zero_shown {
            chart.draw_series(std::iter::once(PathElement::new(
                vline(0.0, top * 1.38),
                INK.stroke_width(THIN + 1),
            )))?;
            // An intervention that saves exactly nothing is labelled once, below. Beside a mean
            // just above zero the label goes to the left of the line, out of the mean's way.
            let (text, anchor) = match near_zero {
                Some(true) => ("£0: break-even ", HPos::Right),
                _ => (" £0: break-even", HPos::Left),
            };
            if s.mean != 0.0 || s.p5 != s.p95 {
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (0.0, top * 1.38),
                    label(TICK_SIZE, INK, anchor, VPos::Top),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vline(s.mean, top * 1.2),
            INK.stroke_width(LINE),
        )))?;
        // Without spread (a fixed base case, or an intervention that changes nothing) P5, mean
        // and P95 coincide: one label says it.
        let no_spread = s.p5 == s.p95;
        let mean_label = match (data.fixed, no_spread) {
            (true, _) => "base case",
            (false, true) => "every iteration:",
            (false, false) => "mean",
        };
        let (text, anchor) = match near_zero {
            _ if no_spread => (
                format!("{mean_label} {}", style.unit.amount(s.mean)),
                anchor_within(s.mean, lo, hi),
            ),
            Some(true) => (
                format!(" {mean_label} {}", style.unit.amount(s.mean)),
                HPos::Left,
            ),
            Some(false) => (
                format!("{mean_label} {} ", style.unit.amount(s.mean)),
                HPos::Right,
            ),
            None => (
                format!("{mean_label} {}", style.unit.amount(s.mean)),
                anchor_within(s.mean, lo, hi),
            ),
        };
        chart.draw_series(std::iter::once(Text::new(
            text,
            (s.mean, top * 1.21),
            label(TICK_SIZE, INK, anchor, VPos::Bottom),
        )))?;
        if !data.fixed && !no_spread {
            for (x, name, anchor) in [(s.p5, "P5", HPos::Right), (s.p95, "P95", HPos::Left)] {
                chart.draw_series(DashedLineSeries::new(
                    vline(x, top * 1.05),
                    12,
                    8,
                    INK.stroke_width(THIN + 1),
                ))?;
                let text = match anchor {
                    HPos::Right => format!("{name} {} ", style.unit.amount(x)),
                    _ => format!(" {name} {}", style.unit.amount(x)),
                };
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x, top * 1.06),
                    label(TICK_SIZE, INK, anchor, VPos::Bottom),
                )))?;
            }
        }
    }
    Ok(())
}

/// A fixed base case: one value per intervention, so a bar from £0 to it, labelled with the
/// amount (a histogram of one bar would say nothing more, and hide £0).
fn draw_fixed<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    data: &ChartData,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let values: Vec<f64> = data
        .interventions
        .iter()
        .map(|i| i.net_summary.mean)
        .collect();
    let lo = values.iter().fold(0.0f64, |a, v| a.min(*v));
    let hi = values.iter().fold(0.0f64, |a, v| a.max(*v));
    // £0 at the edge when every value is on one side; room for the labels beyond the
    // longest bar.
    let span = (hi - lo).max(1.0);
    let (lo, hi) = (
        if lo < 0.0 { lo - 0.3 * span } else { 0.0 },
        if hi > 0.0 { hi + 0.3 * span } else { 0.0 },
    );
    let area = caption(body, "Net saving, present value (fixed base case)", INK)?;
    let n = values.len();
    let mut chart = frame::rows_chart(&area, (lo, hi), n, (0, 30))?;
    frame::money_rows_mesh(&mut chart, style, "Net saving, present value", (lo, hi))?;
    for (k, (iv, v)) in data.interventions.iter().zip(&values).enumerate() {
        let y = frame::row_y(n, k, 0.62);
        let colour = intervention_colour(k);
        frame::row_heading(&chart, n, k, &iv.name)?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.2), (*v, y + 0.2)],
            colour.mix(0.8).filled(),
        )))?;
        let (words, anchor) = if *v >= 0.0 {
            (format!(" {}", style.unit.amount(*v)), HPos::Left)
        } else {
            (format!("{} ", style.unit.amount(*v)), HPos::Right)
        };
        chart.draw_series(std::iter::once(Text::new(
            words,
            (*v, y),
            label(TICK_SIZE, INK, anchor, VPos::Center),
        )))?;
        frame::row_rule(&mut chart, 0.0, (y - 0.3, y + 0.3))?;
    }
    Ok(())
}

/// Centres a label on `x`, unless that would push it off the plot near an edge.
fn anchor_within(x: f64, lo: f64, hi: f64) -> HPos {
    let at = (x - lo) / (hi - lo);
    if at < 0.15 {
        HPos::Left
    } else if at > 0.85 {
        HPos::Right
    } else {
        HPos::Center
    }
}
