//! Savings over time: fan charts of the net saving each year and of the cumulative net
//! saving (both undiscounted, as in `yearly.csv`), P5-P95 and P25-P75 bands around the median,
//! with the payback year marked: the median of the iterations' payback years from
//! `summary.json` (for older results without it, the first year the median cumulative net
//! saving is above zero). One row per intervention.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::DrawResult;
use super::compute::{FanPoint, fan, fan_range, payback_year};
use super::data::ChartData;
use super::frame::{self, caption, label, largest, style_mesh};
use super::style::{INK, LINE, Style, THIN, TICK_SIZE, intervention_colour};
use crate::vocab::Measure;

const ROW: u32 = 560;

pub type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

pub fn height(data: &ChartData) -> Option<u32> {
    let rows = data
        .interventions
        .iter()
        .filter(|i| !data.series(&i.name, Measure::NetSaving).is_empty())
        .count() as u32;
    // Over one year there is no time to show: no chart.
    (rows > 0 && data.years > 1).then(|| frame::HEADER + frame::FOOTER + rows * ROW)
}

/// Year labels: whole years only.
pub fn year_label(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        String::new()
    }
}

/// Where a year of `yearly.csv` (counted from 0) is drawn: charts number years from 1, as a
/// report does ("year 1" is the first year of the horizon).
pub fn shown_year(year: u32) -> f64 {
    f64::from(year) + 1.0
}

/// The x range for `years` years, with room for a box when there is one year.
pub fn year_range(years: u32) -> std::ops::Range<f64> {
    0.5..(f64::from(years.max(1)) + 0.5)
}

/// The name of the x axis.
pub const YEAR_AXIS: &str = "Year (1 = first year)";

/// Draws one fan: the P5-P95 band, the P25-P75 band and the median. With a single year the
/// bands are boxes of `box_width` centred on the year plus `offset`.
pub fn draw_fan<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    points: &[FanPoint],
    colour: RGBColor,
    offset: f64,
    box_width: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let x = |p: &FanPoint| shown_year(p.year) + offset;
    if points.len() == 1 {
        let p = &points[0];
        let (l, r) = (x(p) - box_width / 2.0, x(p) + box_width / 2.0);
        let b = p.band;
        chart.draw_series([
            Rectangle::new([(l, b.p5), (r, b.p95)], colour.mix(0.22).filled()),
            Rectangle::new([(l, b.p25), (r, b.p75)], colour.mix(0.45).filled()),
        ])?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(l, b.p50), (r, b.p50)],
            colour.stroke_width(LINE + 2),
        )))?;
        return Ok(());
    }
    let band = |lower: fn(&FanPoint) -> f64, upper: fn(&FanPoint) -> f64| {
        let mut outline: Vec<(f64, f64)> = points.iter().map(|p| (x(p), upper(p))).collect();
        outline.extend(points.iter().rev().map(|p| (x(p), lower(p))));
        outline
    };
    chart.draw_series(std::iter::once(Polygon::new(
        band(|p| p.band.p5, |p| p.band.p95),
        colour.mix(0.2).filled(),
    )))?;
    chart.draw_series(std::iter::once(Polygon::new(
        band(|p| p.band.p25, |p| p.band.p75),
        colour.mix(0.4).filled(),
    )))?;
    chart.draw_series(LineSeries::new(
        points.iter().map(|p| (x(p), p.band.p50)),
        colour.stroke_width(LINE),
    ))?;
    Ok(())
}

/// What the chart shows: its default subtitle.
pub fn shows(data: &ChartData) -> &'static str {
    if data.fixed {
        "When does it pay back? Net saving by year (undiscounted), fixed base case"
    } else {
        "When does it pay back? Net saving by year (undiscounted): median, P25-P75 and P5-P95 bands"
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
    let rows: Vec<_> = data
        .interventions
        .iter()
        .enumerate()
        .filter(|(_, i)| !data.series(&i.name, Measure::NetSaving).is_empty())
        .collect();
    let panels = body.split_evenly((rows.len(), 2));
    for (row, (k, iv)) in rows.into_iter().enumerate() {
        let colour = intervention_colour(k);
        let yearly = fan(data.series(&iv.name, Measure::NetSaving));
        let cumulative = fan(data.series(&iv.name, Measure::CumulativeNetSaving));
        // The median of the iterations' payback years (summary.json); for results without it,
        // the first year the median cumulative net saving is above zero.
        let (payback, pays) = match iv.payback {
            Some(p) => (
                p.p50,
                match p.p50 {
                    Some(y) if data.fixed => format!("pays back in year {}", shown_year(y)),
                    None if data.fixed => format!("no payback within {} years", data.years),
                    Some(y) => format!(
                        "median payback in year {}{}",
                        shown_year(y),
                        if p.never > 0.0 {
                            format!(
                                "; never within {} years in {:.0}%",
                                data.years,
                                100.0 * p.never
                            )
                        } else {
                            String::new()
                        }
                    ),
                    None => format!(
                        "over half the iterations do not pay back within {} years",
                        data.years
                    ),
                },
            ),
            None => {
                let y = payback_year(&cumulative);
                let text = match y {
                    Some(y) => format!("pays back in year {} (median)", shown_year(y)),
                    None => format!("no payback within {} years", data.years),
                };
                (y, text)
            }
        };
        let captions = [
            format!("{}: net saving each year", iv.name),
            format!("Cumulative: {pays}"),
        ];
        for (col, (points, title)) in [(&yearly, &captions[0]), (&cumulative, &captions[1])]
            .into_iter()
            .enumerate()
        {
            let area = caption(&panels[row * 2 + col], title, colour)?;
            let (lo, hi) = fan_range([points.as_slice()], true);
            // An intervention that saves nothing at all still gets a readable money axis.
            let (lo, hi) = if hi - lo < 10.0 {
                (-1000.0, 1000.0)
            } else {
                (lo, hi)
            };
            // Room above the bands for the payback label.
            let hi = hi + 0.1 * (hi - lo);
            let mut chart = ChartBuilder::on(&area)
                .margin_right(30)
                .x_label_area_size(frame::X_LABELS)
                .y_label_area_size(frame::money_y_labels(style))
                .build_cartesian_2d(year_range(data.years), lo..hi)?;
            let axis = largest(lo, hi);
            let money = |v: &f64| style.unit.tick(*v, axis);
            let mut mesh = chart.configure_mesh();
            style_mesh(&mut mesh);
            mesh.x_desc(YEAR_AXIS)
                .y_desc(if col == 0 {
                    "Net saving in the year"
                } else {
                    "Net saving to date"
                })
                .x_label_formatter(&year_label)
                .y_label_formatter(&money)
                .x_labels(data.years.min(11) as usize + 1)
                .y_labels(6)
                .draw()?;
            let range = year_range(data.years);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(range.start, 0.0), (range.end, 0.0)],
                INK.stroke_width(THIN),
            )))?;
            draw_fan(&mut chart, points, colour, 0.0, 0.5)?;
            if let (1, Some(y)) = (col, payback) {
                let x = shown_year(y);
                chart.draw_series(DashedLineSeries::new(
                    vec![(x, lo), (x, hi)],
                    12,
                    8,
                    INK.stroke_width(THIN + 1),
                ))?;
                let anchor = if y + 1 >= data.years.max(1) {
                    HPos::Right
                } else {
                    HPos::Left
                };
                chart.draw_series(std::iter::once(Text::new(
                    format!("  payback: year {x}  "),
                    (x, hi),
                    label(TICK_SIZE, INK, anchor, VPos::Top),
                )))?;
            }
        }
    }
    Ok(())
}
