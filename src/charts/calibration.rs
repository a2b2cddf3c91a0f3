//! `chart-calibration`: the published figures against the calibrated model, one panel per
//! series. Each published year shows the model's P5-P95 as a shaded bar with its median as a
//! line, and the published figure as a black dot: a dot outside its bar is a year the model
//! does not reproduce.

use plotters::prelude::*;

use super::frame::{self, Heading, caption, style_mesh};
use super::style::{INK, INTERVENTIONS, LINE, MUTED, whole};
use super::{ChartError, DrawResult, both};

/// One published figure and the calibrated model's band at it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    /// Year ending 31 March.
    pub year: i32,
    pub observed: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// One series' panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// What the series is, in words ("Children looked after at 31 March").
    pub what: String,
    pub points: Vec<BandPoint>,
    /// False for a series shown as a check but not in the likelihood.
    pub fitted: bool,
}

/// The whole chart: heading lines, footnote and panels.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationChart {
    pub title: String,
    pub subtitle: String,
    pub note: String,
    pub panels: Vec<Panel>,
}

const ROW: u32 = 520;

/// `chart-calibration.png` and `.svg`.
///
/// # Errors
/// Drawing fails (not expected).
pub fn calibration_chart(chart: &CalibrationChart) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let rows = chart.panels.len().max(1) as u32;
    let size = (
        super::style::WIDTH,
        frame::HEADER + frame::FOOTER + rows * ROW,
    );
    both(
        "chart-calibration",
        size,
        |root| draw(root, chart),
        |root| draw(root, chart),
    )
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    chart: &CalibrationChart,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let heading = Heading {
        extra: None,
        title: chart.title.clone(),
        subtitle: chart.subtitle.clone(),
        note: chart.note.clone(),
    };
    let body = frame::page(root, &heading)?;
    let panels = body.split_evenly((chart.panels.len().max(1), 1));
    let colour = INTERVENTIONS[0];
    let first = chart
        .panels
        .iter()
        .flat_map(|p| p.points.iter().map(|b| b.year))
        .min()
        .unwrap_or(2020);
    let last = chart
        .panels
        .iter()
        .flat_map(|p| p.points.iter().map(|b| b.year))
        .max()
        .unwrap_or(first);
    for (panel, p) in panels.iter().zip(&chart.panels) {
        let inside = p
            .points
            .iter()
            .filter(|b| b.observed >= b.p5 && b.observed <= b.p95)
            .count();
        let title = format!(
            "{}{}: {inside} of {} published figures inside the model's P5-P95",
            p.what,
            if p.fitted {
                ""
            } else {
                " (a check, not fitted)"
            },
            p.points.len()
        );
        let area = caption(panel, &title, if p.fitted { INK } else { MUTED })?;
        let lo = p
            .points
            .iter()
            .map(|b| b.p5.min(b.observed))
            .fold(f64::INFINITY, f64::min);
        let hi = p
            .points
            .iter()
            .map(|b| b.p95.max(b.observed))
            .fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.02).max(1.0);
        let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
        let mut plot = ChartBuilder::on(&area)
            .margin_right(30)
            .x_label_area_size(frame::X_LABELS)
            .y_label_area_size(frame::Y_LABELS)
            .build_cartesian_2d((first as f64 - 0.7)..(last as f64 + 0.7), lo..hi)?;
        let year = |v: &f64| format!("{:.0}", v);
        let count = |v: &f64| whole(*v);
        let mut mesh = plot.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc("Year ending 31 March")
            .y_desc("Children")
            .x_label_formatter(&year)
            .y_label_formatter(&count)
            .x_labels(((last - first) as usize + 2).min(16))
            .y_labels(6)
            .draw()?;
        let w = 0.28;
        for b in &p.points {
            let x = f64::from(b.year);
            plot.draw_series([Rectangle::new(
                [(x - w, b.p5), (x + w, b.p95)],
                colour.mix(0.3).filled(),
            )])?;
            plot.draw_series(std::iter::once(PathElement::new(
                vec![(x - w, b.p50), (x + w, b.p50)],
                colour.stroke_width(LINE),
            )))?;
            plot.draw_series(std::iter::once(Circle::new(
                (x, b.observed),
                9,
                INK.filled(),
            )))?;
        }
    }
    Ok(())
}
