//! The family ladder: for each intervention, its change against the baseline in the families in
//! each state (chaotic, barely coping, coping, thriving) at the start of each year (grouped
//! bars, means across iterations). Captions give the chaotic families in the last year, against
//! the baseline's. Stacks of the whole population are not drawn: a shift of a thousand families
//! is invisible in a stack of 350,000, so every arm's stack looked the same. Not drawn for a
//! one-year scenario.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::compute::pad;
use super::data::ChartData;
use super::frame::{self, caption, style_mesh, text};
use super::over_time::{YEAR_AXIS, shown_year, year_label, year_range};
use super::style::{
    BASELINE, INK, STATES, Style, TICK_SIZE, font, intervention_colour, thousands, whole,
};
use crate::vocab::{Measure, State};

const ROW: u32 = 470;
const LEGEND: u32 = 60;

/// Mean families per state, year by year, for an arm: `[year][state]`.
fn stacks(data: &ChartData, arm: &str) -> Vec<(u32, [f64; 4])> {
    let mut out: Vec<(u32, [f64; 4])> = Vec::new();
    for (s, state) in State::ALL.into_iter().enumerate() {
        for &(year, band) in data.series(arm, Measure::Families(state)) {
            match out.iter_mut().find(|(y, _)| *y == year) {
                Some((_, v)) => v[s] = band.mean,
                None => {
                    let mut v = [0.0; 4];
                    v[s] = band.mean;
                    out.push((year, v));
                }
            }
        }
    }
    out.sort_by_key(|(y, _)| *y);
    out
}

fn arms(data: &ChartData) -> Vec<(String, RGBColor)> {
    let mut arms = vec![(crate::report::BASELINE.to_string(), BASELINE)];
    for (k, iv) in data.interventions.iter().enumerate() {
        arms.push((iv.name.clone(), intervention_colour(k)));
    }
    arms
}

pub fn height(data: &ChartData) -> Option<u32> {
    // Over one year there is no change to follow: no chart.
    let has = !stacks(data, crate::report::BASELINE).is_empty() && data.years > 1;
    // One panel per intervention: its change against the baseline. Stacks of the whole
    // population looked the same for every arm (a shift of a thousand families is invisible in a
    // stack of 350,000), so they are not drawn.
    let rows = data.interventions.len() as u32;
    (has && rows > 0).then(|| frame::HEADER + frame::FOOTER + rows * ROW + LEGEND)
}

/// What the chart shows: its default subtitle.
pub fn shows(data: &ChartData) -> &'static str {
    if data.fixed {
        "Families in each state, intervention minus baseline (fixed base case): above 0 more, below 0 fewer"
    } else {
        "Families in each state, intervention minus baseline (mean across iterations): above 0 more, below 0 fewer"
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
    let (_, h) = body.dim_in_pixel();
    let (panels_area, legend) = body.split_vertically(h.saturating_sub(LEGEND));
    let arms = arms(data);
    let all: Vec<_> = arms.iter().map(|(a, _)| stacks(data, a)).collect();
    let chaotic_at_end = |s: &[(u32, [f64; 4])]| s.last().map(|(y, v)| (*y, v[0]));
    let baseline_end = chaotic_at_end(&all[0]);
    let panels = panels_area.split_evenly((arms.len() - 1, 1));
    for (i, ((arm, colour), stack)) in arms.iter().zip(&all).enumerate().skip(1) {
        let mut title = format!("{arm} minus the baseline");
        if let (Some((year, chaotic)), Some((_, base))) = (chaotic_at_end(stack), baseline_end) {
            title.push_str(&format!(
                ": {} chaotic families in year {} (baseline {})",
                thousands(chaotic),
                shown_year(year),
                thousands(base)
            ));
        }
        change(&panels[i - 1], data, &title, *colour, &all[0], stack)?;
    }
    legend_strip(&legend)?;
    Ok(())
}

type Stack = [(u32, [f64; 4])];

/// An intervention's families per state minus the baseline's, year by year: grouped bars.
fn change<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    data: &ChartData,
    title: &str,
    colour: RGBColor,
    baseline: &Stack,
    stack: &Stack,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let diffs: Vec<(u32, [f64; 4])> = stack
        .iter()
        .filter_map(|(year, v)| {
            let (_, b) = baseline.iter().find(|(y, _)| y == year)?;
            Some((*year, std::array::from_fn(|s| v[s] - b[s])))
        })
        .collect();
    let (lo, hi) = diffs
        .iter()
        .flat_map(|(_, d)| d.iter().copied())
        .fold((0.0f64, 0.0f64), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let (lo, hi) = if hi - lo < 1.0 {
        (-1.0, 1.0)
    } else {
        pad(lo, hi)
    };
    let area = caption(panel, title, colour)?;
    let mut chart = ChartBuilder::on(&area)
        .margin_right(30)
        .x_label_area_size(frame::X_LABELS)
        .y_label_area_size(frame::Y_LABELS)
        .build_cartesian_2d(year_range(data.years), lo..hi)?;
    let count = |v: &f64| whole(*v);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh);
    mesh.x_desc(YEAR_AXIS)
        .y_desc("Change in families")
        .x_label_formatter(&year_label)
        .y_label_formatter(&count)
        .x_labels(data.years.min(11) as usize + 1)
        .y_labels(5)
        .draw()?;
    let range = year_range(data.years);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(range.start, 0.0), (range.end, 0.0)],
        INK.stroke_width(2),
    )))?;
    let group = if data.years <= 1 { 0.3 } else { 0.8 };
    let bar = group / 4.0;
    for (year, d) in &diffs {
        let left = shown_year(*year) - group / 2.0;
        chart.draw_series(d.iter().enumerate().map(|(s, v)| {
            let x = left + bar * s as f64;
            Rectangle::new([(x, 0.0), (x + bar * 0.9, *v)], STATES[s].filled())
        }))?;
    }
    Ok(())
}

/// The states' colours, in a row under the panels.
fn legend_strip<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut x = super::frame::Y_LABELS as i32 + 20;
    let y = 30;
    let labels = ["chaotic", "barely coping", "coping", "thriving"];
    for (colour, name) in STATES.iter().zip(labels) {
        area.draw(&Rectangle::new(
            [(x, y - 15), (x + 30, y + 15)],
            colour.filled(),
        ))?;
        let (w, _) = area.estimate_text_size(name, &font(TICK_SIZE).into_text_style(area))?;
        text(
            area,
            name,
            (x + 42, y),
            font(TICK_SIZE),
            INK,
            Pos::new(HPos::Left, VPos::Center),
            w + 10,
        )?;
        x += 42 + w as i32 + 60;
    }
    Ok(())
}
