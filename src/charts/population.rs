//! The care population: children looked after at the start of each year, baseline against
//! each intervention, medians with P25-P75 and P5-P95 bands. One panel per intervention.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::DrawResult;
use super::compute::{fan, fan_range};
use super::data::ChartData;
use super::frame::{self, caption, style_mesh};
use super::over_time::{YEAR_AXIS, draw_fan, draw_fan_outline, shown_year, year_label, year_range};
use super::style::{BASELINE, Style, colour_name, intervention_colour, thousands, whole};
use crate::vocab::Measure;

const ROW: u32 = 560;
const MEASURE: Measure = Measure::ChildrenInCare;

pub fn height(data: &ChartData) -> Option<u32> {
    let rows = data.interventions.len() as u32;
    let has = !data.series(crate::report::BASELINE, MEASURE).is_empty();
    // Over one year there is no time to show: no chart.
    (has && rows > 0 && data.years > 1).then(|| frame::HEADER + frame::FOOTER + rows * ROW)
}

/// What the chart shows: its default subtitle.
pub fn shows(_data: &ChartData) -> &'static str {
    "Children in care at the start of each year: medians, P25-P75 and P5-P95 (baseline: dashed and dotted lines)"
}

/// Draws the panels into `body`, the page below the heading.
pub fn draw<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    data: &ChartData,
    _style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let baseline = fan(data.series(crate::report::BASELINE, MEASURE));
    let panels = body.split_evenly((data.interventions.len(), 1));
    let single = data.years <= 1;
    for (k, (panel, iv)) in panels.iter().zip(&data.interventions).enumerate() {
        let colour = intervention_colour(k);
        let arm = fan(data.series(&iv.name, MEASURE));
        let mut title = format!("{} ({}) and the baseline (grey)", iv.name, colour_name(k));
        if let (Some(b), Some(a)) = (baseline.last(), arm.last()) {
            let fewer = b.band.p50 - a.band.p50;
            let (n, word) = if fewer >= 0.0 {
                (fewer, "fewer")
            } else {
                (-fewer, "more")
            };
            title.push_str(&format!(
                ": {} {word} in care in year {} (medians)",
                thousands(n),
                shown_year(b.year)
            ));
        }
        let area = caption(panel, &title, colour)?;
        let (lo, hi) = fan_range([baseline.as_slice(), arm.as_slice()], false);
        let mut chart = ChartBuilder::on(&area)
            .margin_right(30)
            .x_label_area_size(frame::X_LABELS)
            .y_label_area_size(frame::Y_LABELS)
            .build_cartesian_2d(year_range(data.years), lo.max(0.0)..hi)?;
        let count = |v: &f64| whole(*v);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc(YEAR_AXIS)
            .y_desc("Children in care")
            .x_label_formatter(&year_label)
            .y_label_formatter(&count)
            .x_labels(data.years.min(11) as usize + 1)
            .y_labels(6)
            .draw()?;
        let (shift, width) = if single { (0.15, 0.28) } else { (0.0, 0.5) };
        draw_fan_outline(&mut chart, &baseline, BASELINE, -shift, width)?;
        draw_fan(&mut chart, &arm, colour, shift, width)?;
    }
    Ok(())
}
