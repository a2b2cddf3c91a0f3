//! The value-of-information chart (`voi/chart-voi.png` and `.svg`): what learning each input,
//! or group of inputs, before deciding is worth (EVPPI), as bars sorted from the most to the
//! least, with ±2 standard errors and the EVPI (the value of removing all uncertainty) marked
//! as a dashed line. With agencies, a second panel gives each agency's EVPI and the value to it
//! of learning the programme's effect.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{self, Heading, caption, label, page, text};
use super::style::{self, INK, LINE, MUTED, Style, THIN, TICK_SIZE, font, intervention_colour};
use super::{ChartError, DrawResult};
use crate::voi::output::{self, Ranked};
use crate::voi::{Analysis, Budget};

/// File stem of the chart.
pub const STEM: &str = "chart-voi";
/// Most bars shown; the rest are in voi.csv.
const SHOWN: usize = 15;
const ROW: u32 = 92;
const AGENCY_ROW: u32 = 92;
const LEGEND: u32 = 110;

fn agency_panel_height(a: &Analysis) -> u32 {
    if a.agencies.is_empty() {
        0
    } else {
        frame::CAPTION + frame::X_LABELS + 30 + a.agencies.len() as u32 * AGENCY_ROW
    }
}

fn main_panel_height(rows: usize) -> u32 {
    frame::CAPTION + frame::X_LABELS + 50 + 50 + rows.max(1) as u32 * ROW
}

/// Below this share of the EVPI a figure gets no bar of its own (the rest are counted in a line
/// under the bars); the three largest are always shown.
const SMALL: f64 = 0.005;

/// The rows drawn, and how many were left out as negligible or beyond [`SHOWN`].
fn shown(a: &Analysis) -> (Vec<Ranked>, usize) {
    let all = output::ranking(a, &a.main);
    let total = all.len();
    let evpi = a.main.evpi.value;
    let rows: Vec<Ranked> = all
        .into_iter()
        .enumerate()
        .filter(|(i, r)| *i < 3 || r.evppi.value > SMALL * evpi)
        .map(|(_, r)| r)
        .take(SHOWN)
        .collect();
    let left = total - rows.len();
    (rows, left)
}

/// Both files of the chart.
///
/// # Errors
/// The chart cannot be drawn (not expected).
pub fn charts(a: &Analysis, style: &Style) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let (rows, left) = shown(a);
    let height = frame::HEADER
        + frame::FOOTER
        + LEGEND
        + main_panel_height(rows.len())
        + agency_panel_height(a);
    super::both(
        STEM,
        (style::WIDTH, height),
        |root| draw(root, a, &rows, left, style),
        |root| draw(root, a, &rows, left, style),
    )
}

fn heading(a: &Analysis, style: &Style) -> Heading {
    Heading {
        extra: None,
        title: style
            .title
            .clone()
            .unwrap_or_else(|| a.title.clone().unwrap_or_else(|| a.scenario.clone())),
        subtitle: style.subtitle.clone().unwrap_or_else(|| {
            "What it is worth to learn each input before deciding (EVPPI, present value)"
                .to_string()
        }),
        note: format!(
            "Scenario {}: {} iterations, seed {}. Discounting: {}. Drawn by prevsim {}.",
            a.scenario,
            style::thousands(a.iterations as f64),
            a.seed,
            a.discount,
            env!("CARGO_PKG_VERSION")
        ),
    }
}

/// A vertical dashed line at `x` from `y0` to `y1`.
fn dashed(x: f64, y0: f64, y1: f64, steps: usize) -> Vec<PathElement<(f64, f64)>> {
    let h = (y1 - y0) / (2 * steps) as f64;
    (0..steps)
        .map(|i| {
            let a = y0 + 2.0 * i as f64 * h;
            PathElement::new(vec![(x, a), (x, a + h)], INK.stroke_width(LINE - 1))
        })
        .collect()
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    rows: &[Ranked],
    left: usize,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let body = page(root, &heading(a, style))?;
    let (_, h) = body.dim_in_pixel();
    let (panels, legend) = body.split_vertically(h.saturating_sub(LEGEND));
    let (top, bottom) = panels.split_vertically(main_panel_height(rows.len()));
    let (top, note) = top.split_vertically(main_panel_height(rows.len()) - 50);
    main_panel(&top, a, rows, style)?;
    if left > 0 {
        let (w, _) = note.dim_in_pixel();
        text(
            &note,
            &if rows.len() < SHOWN {
                format!(
                    "Not drawn: {left} more inputs and groups, each worth less than {}% of the EVPI (all in voi.csv).",
                    SMALL * 100.0
                )
            } else {
                format!("Not drawn: {left} more inputs and groups, worth less (all in voi.csv).")
            },
            (40, 5),
            font(TICK_SIZE),
            MUTED,
            Pos::new(HPos::Left, VPos::Top),
            w.saturating_sub(60),
        )?;
    }
    if !a.agencies.is_empty() {
        agency_panel(&bottom, a, style)?;
    }
    let (w, _) = legend.dim_in_pixel();
    text(
        &legend,
        "Blue bars: one input learnt alone (sort-and-block estimate); vermillion: a group learnt together.",
        (20, 10),
        font(TICK_SIZE),
        INK,
        Pos::new(HPos::Left, VPos::Top),
        w.saturating_sub(40),
    )?;
    let (w, _) = legend.dim_in_pixel();
    text(
        &legend,
        "Thin lines: ±2 standard errors. Dashed line: EVPI, the most any research can be worth.",
        (20, 50),
        font(TICK_SIZE),
        INK,
        Pos::new(HPos::Left, VPos::Top),
        w.saturating_sub(40),
    )?;
    Ok(())
}

fn budget_words(b: &Budget) -> String {
    if b.name == "all agencies" {
        "all agencies together".to_string()
    } else {
        b.name.clone()
    }
}

fn main_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: &Analysis,
    rows: &[Ranked],
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let b = &a.main;
    let evpi = b.evpi;
    let title = if evpi.value == 0.0 {
        format!(
            "Net saving of {}: EVPI £0, one option is best in every iteration, so no research can change the decision",
            budget_words(b)
        )
    } else {
        format!(
            "Net saving of {}: EVPI {} (SE {}); on current evidence: {}",
            budget_words(b),
            style.unit.amount(evpi.value),
            style.unit.amount(evpi.se),
            a.options[b.adopt]
        )
    };
    let area = caption(area, &title, INK)?;
    let n = rows.len().max(1);
    let mut hi = evpi.value + 2.0 * evpi.se;
    for r in rows {
        hi = hi.max(r.evppi.value + 2.0 * r.evppi.se);
    }
    if hi <= 0.0 {
        hi = 1.0;
    }
    // Room on the right for the value labels.
    let hi = hi * 1.3;
    let mut chart = frame::rows_chart(&area, (0.0, hi), n, (40, 10))?;
    frame::money_rows_mesh(
        &mut chart,
        style,
        "Expected value of the information, present value",
        (0.0, hi),
    )?;
    for (i, r) in rows.iter().enumerate() {
        let y = frame::row_y(n, i, 0.66);
        let half = 0.2;
        let colour = intervention_colour(usize::from(r.group));
        let share = if evpi.value > 0.0 {
            format!(", {:.0}% of EVPI", 100.0 * r.evppi.value / evpi.value)
        } else {
            String::new()
        };
        let explains = r.variance_share.map_or(String::new(), |v| {
            format!("; explains {:.0}% of the variance", 100.0 * v)
        });
        let check = if r.disagree.is_some() {
            " (methods disagree)"
        } else {
            ""
        };
        frame::row_heading(&chart, n, i, &format!("{}{explains}{check}", r.label))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - half), (r.evppi.value, y + half)],
            colour.mix(0.75).filled(),
        )))?;
        let (lo_e, hi_e) = (
            (r.evppi.value - 2.0 * r.evppi.se).max(0.0),
            r.evppi.value + 2.0 * r.evppi.se,
        );
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(lo_e, y), (hi_e, y)],
            INK.stroke_width(THIN),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!(" {}{share}", style.unit.amount(r.evppi.value)),
            (hi_e, y),
            label(TICK_SIZE, INK, HPos::Left, VPos::Center),
        )))?;
    }
    if evpi.value > 0.0 {
        chart.draw_series(dashed(evpi.value, 0.0, n as f64, 4 * n))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("EVPI {}", style.unit.amount(evpi.value)),
            (evpi.value, n as f64),
            label(TICK_SIZE, INK, HPos::Center, VPos::Bottom),
        )))?;
    }
    Ok(())
}

fn agency_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: &Analysis,
    style: &Style,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let area = caption(
        area,
        "Each agency valuing the decision by its own net saving: EVPI (grey), learning the programme's effect (blue)",
        INK,
    )?;
    let n = a.agencies.len();
    let mut hi: f64 = 0.0;
    for b in &a.agencies {
        hi = hi.max(b.evpi.value + 2.0 * b.evpi.se);
    }
    if hi <= 0.0 {
        hi = 1.0;
    }
    let hi = hi * 1.35;
    let mut chart = frame::rows_chart(&area, (0.0, hi), n, (0, 30))?;
    frame::money_rows_mesh(&mut chart, style, "Present value", (0.0, hi))?;
    for (i, b) in a.agencies.iter().enumerate() {
        let effect = output::evaluation(b);
        let words = match effect {
            Some(g) => format!(
                "{}: EVPI {}; learning the programme's effect {}",
                b.name,
                style.unit.amount(b.evpi.value),
                style.unit.amount(g.evppi.value)
            ),
            None => format!("{}: EVPI {}", b.name, style.unit.amount(b.evpi.value)),
        };
        frame::row_heading(&chart, n, i, &words)?;
        let y = frame::row_y(n, i, 0.62);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y), (b.evpi.value, y + 0.17)],
            MUTED.mix(0.55).filled(),
        )))?;
        if let Some(g) = effect {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.17), (g.evppi.value, y)],
                intervention_colour(0).mix(0.75).filled(),
            )))?;
        }
    }
    Ok(())
}
