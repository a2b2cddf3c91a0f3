//! The care population as the difference an intervention makes: children kept out of care,
//! the baseline's children in care minus the intervention's at the start of each year,
//! iteration by iteration, drawn as a median with P25-P75 and P5-P95 bands (`yearly.csv`'s
//! `children_kept_out_of_care`). One panel per intervention.
//!
//! Two near-identical lines of thousands of children hide a difference of tens; the
//! difference itself, on its own axis with zero marked, shows it. The bands are percentiles of
//! the per-iteration difference (common random numbers make it far narrower than either arm's
//! own spread), never differences of the arms' percentiles. A folder written before that
//! measure existed is drawn from the arms' means (the mean of a difference is the difference
//! of the means) without bands, and the subtitle says so.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::DrawResult;
use super::compute::{FanPoint, KeptOutSource, fan_range, kept_out_of_care};
use super::data::ChartData;
use super::frame::{self, caption, style_mesh};
use super::over_time::{YEAR_AXIS, draw_fan, shown_year, year_label, year_range};
use super::style::{INK, LINE, Style, THIN, intervention_colour, thousands, whole};

const ROW: u32 = 560;

/// Every intervention's children kept out of care, and where they come from.
fn panels(data: &ChartData) -> Vec<(Vec<FanPoint>, KeptOutSource)> {
    data.interventions
        .iter()
        .map(|iv| kept_out_of_care(data, &iv.name))
        .collect()
}

pub fn height(data: &ChartData) -> Option<u32> {
    let panels = panels(data);
    let rows = panels.len() as u32;
    let has = panels.iter().all(|(points, _)| !points.is_empty());
    // Over one year there is no time to show: no chart.
    (has && rows > 0 && data.years > 1).then(|| frame::HEADER + frame::FOOTER + rows * ROW)
}

/// What the chart shows: its default subtitle, in words an analyst can paste under it.
pub fn shows(data: &ChartData) -> &'static str {
    let means_only = panels(data)
        .iter()
        .any(|(_, source)| *source == KeptOutSource::MeansOnly);
    if data.fixed {
        "Children kept out of care: how many fewer children are in care at the start of each year \
         than without the intervention (baseline minus intervention), fixed base case"
    } else if means_only {
        "Children kept out of care: how many fewer children are in care at the start of each year \
         than without the intervention (baseline minus intervention), mean only: these results \
         were written by an earlier prevsim without the bands; re-run the scenario to draw them"
    } else {
        "Children kept out of care: how many fewer children are in care at the start of each year \
         than without the intervention (baseline minus intervention, in each iteration): median, \
         P25-P75 and P5-P95 bands"
    }
}

/// "54 fewer children in care" or "3 more children in care".
fn fewer(n: f64) -> String {
    let rounded = n.round() + 0.0;
    if rounded >= 0.0 {
        format!("{} fewer children in care", thousands(rounded))
    } else {
        format!("{} more children in care", thousands(-rounded))
    }
}

/// A panel's caption: the last year's difference in words.
fn panel_caption(name: &str, last: &FanPoint, source: KeptOutSource, fixed: bool) -> String {
    let b = last.band;
    let year = shown_year(last.year);
    if fixed {
        format!("{name}: {} in year {year}", fewer(b.p50))
    } else if source == KeptOutSource::MeansOnly {
        format!("{name}: {} in year {year} (mean)", fewer(b.mean))
    } else {
        format!(
            "{name}: {} in year {year} (median; 90% of iterations {} to {})",
            fewer(b.p50),
            thousands(b.p5),
            thousands(b.p95)
        )
    }
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
    let panels_data = panels(data);
    let panels = body.split_evenly((data.interventions.len(), 1));
    for (k, ((panel, iv), (points, source))) in panels
        .iter()
        .zip(&data.interventions)
        .zip(&panels_data)
        .enumerate()
    {
        let colour = intervention_colour(k);
        let title = match points.last() {
            Some(last) => panel_caption(&iv.name, last, *source, data.fixed),
            None => iv.name.clone(),
        };
        let area = caption(panel, &title, colour)?;
        // Zero (no difference) is always on the axis.
        let (lo, hi) = fan_range([points.as_slice()], true);
        let mut chart = ChartBuilder::on(&area)
            .margin_right(30)
            .x_label_area_size(frame::X_LABELS)
            .y_label_area_size(frame::Y_LABELS)
            .build_cartesian_2d(year_range(data.years), lo..hi)?;
        let count = |v: &f64| whole(*v);
        let mut mesh = chart.configure_mesh();
        style_mesh(&mut mesh);
        mesh.x_desc(YEAR_AXIS)
            .y_desc("Children kept out of care")
            .x_label_formatter(&year_label)
            .y_label_formatter(&count)
            .x_labels(data.years.min(11) as usize + 1)
            .y_labels(6)
            .draw()?;
        let range = year_range(data.years);
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(range.start, 0.0), (range.end, 0.0)],
            INK.stroke_width(THIN),
        )))?;
        draw_fan(&mut chart, points, colour, 0.0, 0.5)?;
        // One value a year (fixed mode, or means only): mark each year's value.
        if data.fixed || *source == KeptOutSource::MeansOnly {
            chart.draw_series(points.iter().map(|p| {
                Circle::new((shown_year(p.year), p.band.p50), LINE + 3, colour.filled())
            }))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::data::Band;

    fn point(year: u32, p5: f64, p50: f64, p95: f64) -> FanPoint {
        FanPoint {
            year,
            band: Band {
                mean: p50,
                p5,
                p25: p50,
                p50,
                p75: p50,
                p95,
            },
        }
    }

    #[test]
    fn captions_say_fewer_or_more_in_words() {
        let p = point(9, 12.0, 54.4, 101.0);
        assert_eq!(
            panel_caption("x", &p, KeptOutSource::Bands, false),
            "x: 54 fewer children in care in year 10 (median; 90% of iterations 12 to 101)"
        );
        assert_eq!(
            panel_caption("x", &point(1, -3.0, -2.6, 0.0), KeptOutSource::Bands, true),
            "x: 3 more children in care in year 2"
        );
        assert_eq!(
            panel_caption(
                "x",
                &point(1, 0.0, -0.2, 0.0),
                KeptOutSource::MeansOnly,
                false
            ),
            "x: 0 fewer children in care in year 2 (mean)"
        );
    }
}
