//! Line charts of `prevsim sensitivity`: the spider, the probabilistic break-even curves, the
//! acceptability curve and the one-way sweep, all drawn by one panel function.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{About, LINES, number, short, value};
use crate::charts::DrawResult;
use crate::charts::compute::pad;
use crate::charts::frame::{self, caption, text};
use crate::charts::style::{INK, INTERVENTIONS, LINE, MUTED, MoneyUnit, THIN, TICK_SIZE, font};
use crate::sensitivity::acceptability::Acceptability;
use crate::sensitivity::{Analysis, SweepResult};

/// Lines on the spider.
pub const SPIDER_LINES: usize = 8;
const PLOT: u32 = 900;
const LEGEND_ROW: u32 = 50;
pub const SPIDER_HEIGHT: u32 = frame::HEADER + frame::FOOTER + PLOT + 4 * LEGEND_ROW + 40;
const PANEL: u32 = 560;
pub const ACCEPTABILITY_HEIGHT: u32 = frame::HEADER + frame::FOOTER + PLOT;

/// How an axis writes its values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scale {
    Money,
    /// A probability (0 to 1), written as a percentage.
    Percent,
    Number,
}

impl Scale {
    fn of(money: bool) -> Scale {
        if money { Scale::Money } else { Scale::Number }
    }

    fn tick(self, x: f64, largest: f64) -> String {
        match self {
            Scale::Money => MoneyUnit::Auto.tick(x, largest),
            Scale::Percent => format!("{:.0}%", 100.0 * x),
            Scale::Number => number(x),
        }
    }
}

/// A line with marks, in one panel.
struct Panel {
    caption: String,
    x_desc: String,
    y_desc: String,
    x: Scale,
    y: Scale,
    /// Lines to draw, each with its colour.
    lines: Vec<(Vec<(f64, f64)>, RGBColor)>,
    /// Dots on the points of the lines.
    dots: bool,
    /// Horizontal reference lines: value, label, solid.
    levels: Vec<(f64, String, bool)>,
    /// Marked points with labels.
    marks: Vec<(f64, f64, String)>,
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let area = caption(area, &p.caption, INK)?;
    let all = p.lines.iter().flat_map(|(l, _)| l.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    let (y0, y1) = if p.y == Scale::Percent {
        (0.0, 1.02)
    } else {
        let reach = 0.6 * (y1 - y0);
        for (v, _, _) in &p.levels {
            if *v >= y0 - reach && *v <= y1 + reach {
                y0 = y0.min(*v);
                y1 = y1.max(*v);
            }
        }
        pad(y0, y1)
    };
    let (x0, x1) = if x1 > x0 { (x0, x1) } else { pad(x0, x1) };
    let mut chart = ChartBuilder::on(&area)
        .margin_top(10)
        .margin_right(50)
        .x_label_area_size(frame::X_LABELS)
        .y_label_area_size(frame::Y_LABELS)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let (xl, yl) = (frame::largest(x0, x1), frame::largest(y0, y1));
    let (xs, ys) = (p.x, p.y);
    let xf = move |v: &f64| xs.tick(*v, xl);
    let yf = move |v: &f64| ys.tick(*v, yl);
    let mut mesh = chart.configure_mesh();
    frame::style_mesh(&mut mesh);
    mesh.x_desc(p.x_desc.as_str())
        .y_desc(p.y_desc.as_str())
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .x_labels(8)
        .y_labels(6)
        .draw()?;
    for (v, words, solid) in &p.levels {
        if *v < y0 || *v > y1 {
            continue;
        }
        if *solid {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x0, *v), (x1, *v)],
                INK.stroke_width(THIN + 1),
            )))?;
        } else {
            chart.draw_series(DashedLineSeries::new(
                vec![(x0, *v), (x1, *v)],
                10,
                8,
                MUTED.stroke_width(THIN),
            ))?;
        }
        chart.draw_series(std::iter::once(Text::new(
            words.clone(),
            (x0, *v),
            frame::label(TICK_SIZE * 0.85, MUTED, HPos::Left, VPos::Bottom),
        )))?;
    }
    for (line, colour) in &p.lines {
        chart.draw_series(LineSeries::new(
            line.iter().copied(),
            colour.stroke_width(LINE),
        ))?;
        if p.dots {
            chart.draw_series(line.iter().map(|&q| Circle::new(q, 6, colour.filled())))?;
        }
    }
    for (x, y, words) in &p.marks {
        if *x < x0 || *x > x1 {
            continue;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(*x, y0), (*x, *y)],
            INK.stroke_width(THIN),
        )))?;
        chart.draw_series(std::iter::once(Circle::new((*x, *y), 11, INK.filled())))?;
        let right = (x - x0) < 0.6 * (x1 - x0);
        chart.draw_series(std::iter::once(Text::new(
            format!("  {words}  "),
            (*x, *y),
            frame::label(
                TICK_SIZE,
                INK,
                if right { HPos::Left } else { HPos::Right },
                VPos::Top,
            ),
        )))?;
    }
    Ok(())
}

/// Reference lines of a chance: 50% and 80%, dashed.
fn chance_levels() -> Vec<(f64, String, bool)> {
    vec![
        (0.5, " 50%".to_string(), false),
        (0.8, " 80%".to_string(), false),
    ]
}

/// Reference lines of a figure: the target (solid) and the base case (dashed).
fn figure_levels(about: &About, base: f64) -> Vec<(f64, String, bool)> {
    let target = if about.target == 0.0 && about.money {
        "£0: break-even".to_string()
    } else {
        format!("target {}", about.figure(about.target))
    };
    vec![
        (about.target, format!(" {target}"), true),
        (base, format!(" base case {}", about.figure(base)), false),
    ]
}

/// The spider: the figure against each input's quantile, the inputs with the largest swings.
pub fn spider<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, a: &Analysis) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let about = About::from(&a.subject);
    let body = frame::page(
        root,
        &about.heading(
            "How the answer moves along each input's range: the figure at the input's P5 to P95, others at their means",
            "Fixed mode (expected counts)",
        ),
    )?;
    let bars = &a.tornado[..a.tornado.len().min(SPIDER_LINES)];
    let (_, h) = body.dim_in_pixel();
    let (plot, legend) = body.split_vertically(h.saturating_sub(4 * LEGEND_ROW + 30));
    let lines = bars
        .iter()
        .zip(LINES)
        .map(|(b, c)| (b.spider.iter().map(|p| (p.quantile, p.metric)).collect(), c))
        .collect();
    draw_panel(
        &plot,
        &Panel {
            caption: format!("{}, by each input's quantile", about.figure_name()),
            x_desc: "The input's quantile (P5 to P95 of its distribution)".to_string(),
            y_desc: about.figure_name(),
            x: Scale::Percent,
            y: Scale::of(about.money),
            lines,
            dots: true,
            levels: figure_levels(&about, a.subject.base),
            marks: Vec::new(),
        },
    )?;
    let (w, _) = legend.dim_in_pixel();
    let column = w / 2;
    for (i, (b, colour)) in bars.iter().zip(LINES).enumerate() {
        let x = 40 + column as i32 * (i / 4) as i32;
        let y = 25 + LEGEND_ROW as i32 * (i % 4) as i32;
        legend.draw(&PathElement::new(
            vec![(x, y), (x + 50, y)],
            colour.stroke_width(LINE + 2),
        ))?;
        let direction = if b.kind == "row" {
            " (rows sorted by the figure)"
        } else {
            ""
        };
        text(
            &legend,
            &format!("{}{direction}", short(&b.input)),
            (x + 65, y),
            font(TICK_SIZE * 0.9),
            INK,
            Pos::new(HPos::Left, VPos::Center),
            column.saturating_sub(120),
        )?;
    }
    Ok(())
}

pub fn break_even_height(a: &Analysis) -> u32 {
    frame::HEADER + frame::FOOTER + PANEL * a.probabilistic_break_even.len() as u32
}

/// For each deciding input, the chance the figure is above the target against its value.
pub fn break_even<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, a: &Analysis) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let about = About::from(&a.subject);
    let first = &a.probabilistic_break_even[0];
    let body = frame::page(
        root,
        &about.heading(
            &format!(
                "Where the case breaks even: chance the figure is above {} with one input fixed, every other drawn",
                about.figure(a.subject.target)
            ),
            &format!(
                "Monte Carlo, {} iterations, seed {}, common random numbers",
                first.iterations, first.seed
            ),
        ),
    )?;
    let mut rest = body;
    for (k, b) in a.probabilistic_break_even.iter().enumerate() {
        let (area, below) = rest.split_vertically(PANEL);
        rest = below;
        let found: Vec<String> = b
            .levels
            .iter()
            .map(|l| match l.value {
                Some(x) => format!("{:.0}% at {}", 100.0 * l.probability, value(x, b.money)),
                None => format!("{:.0}% not within its range", 100.0 * l.probability),
            })
            .collect();
        let marks = b
            .levels
            .iter()
            .filter_map(|l| l.value.map(|x| (x, l.probability, value(x, b.money))))
            .collect();
        draw_panel(
            &area,
            &Panel {
                caption: format!("{}: {}", short(&b.input), found.join(", ")),
                x_desc: format!("{}, fixed in every iteration", short(&b.input)),
                y_desc: format!("P(above {})", about.figure(a.subject.target)),
                x: Scale::of(b.money),
                y: Scale::Percent,
                lines: vec![(b.points.clone(), INTERVENTIONS[k % INTERVENTIONS.len()])],
                dots: true,
                levels: chance_levels(),
                marks,
            },
        )?;
    }
    Ok(())
}

/// The chance the figure is above the target against the programme's cost per family.
pub fn acceptability<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Analysis,
    acc: &Acceptability,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let about = About::from(&a.subject);
    let body = frame::page(
        root,
        &about.heading(
            &format!(
                "What the programme may cost: chance the figure is above {} at each cost per family reached",
                about.figure(a.subject.target)
            ),
            &format!(
                "Monte Carlo, {} iterations, seed {}; price before optimism bias",
                acc.iterations, acc.seed
            ),
        ),
    )?;
    let curve: Vec<(f64, f64)> = acc.curve.iter().map(|p| (p.price, p.probability)).collect();
    let chance_at = |x: f64| {
        acc.curve
            .iter()
            .find(|p| p.price >= x)
            .map_or(0.0, |p| p.probability)
    };
    let mut marks: Vec<(f64, f64, String)> = acc
        .levels
        .iter()
        .filter_map(|l| {
            l.max_price.map(|x| {
                (
                    x,
                    l.probability,
                    format!("{:.0}% up to {}", 100.0 * l.probability, value(x, true)),
                )
            })
        })
        .collect();
    if let Some(x) = acc.mean_max_price {
        marks.push((
            x,
            chance_at(x),
            format!("mean breaks even up to {}", value(x, true)),
        ));
    }
    let caption = format!(
        "Breaks even on the mean up to {} a family; with 80% chance up to {}",
        acc.mean_max_price
            .map_or_else(|| "no price".to_string(), |x| value(x, true)),
        acc.levels
            .iter()
            .find(|l| l.probability == 0.8)
            .and_then(|l| l.max_price)
            .map_or_else(|| "no price".to_string(), |x| value(x, true))
    );
    draw_panel(
        &body,
        &Panel {
            caption,
            x_desc: "Cost per family reached, the same in every iteration".to_string(),
            y_desc: format!("P(above {})", about.figure(a.subject.target)),
            x: Scale::Money,
            y: Scale::Percent,
            lines: vec![(curve, INTERVENTIONS[0])],
            dots: false,
            levels: chance_levels(),
            marks,
        },
    )
}

pub fn sweep_height(r: &SweepResult) -> u32 {
    let panels = if r.sweep.monte_carlo { 2 } else { 1 };
    frame::HEADER + frame::FOOTER + panels * PLOT.min(PANEL + 140)
}

/// Where a line crosses `level`, by linear interpolation between its points.
pub fn crossings(points: &[(f64, f64)], level: f64) -> Vec<f64> {
    points
        .windows(2)
        .filter_map(|w| {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let (g0, g1) = (y0 - level, y1 - level);
            if g0 == 0.0 {
                Some(x0)
            } else if g0.signum() != g1.signum() && g1 != 0.0 {
                Some(x0 + (x1 - x0) * g0 / (g0 - g1))
            } else {
                None
            }
        })
        .collect()
}

/// A one-way sweep: the figure (or its mean) against the input, and with Monte Carlo the
/// chance it is above the target.
pub fn sweep<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: &SweepResult) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let about = About::from(&r.subject);
    let s = &r.sweep;
    let run = super::sweep_run(s);
    let name = short(&s.inputs[0]);
    let body = frame::page(
        root,
        &about.heading(
            &format!("Sweep of {name}: where the figure crosses the target"),
            &run,
        ),
    )?;
    let money = s.money[0];
    let line: Vec<(f64, f64)> = s
        .points
        .iter()
        .filter_map(|p| p.value.map(|v| (p.x, v)))
        .collect();
    let cross = crossings(&line, r.subject.target);
    let marks = cross
        .iter()
        .map(|&x| {
            (
                x,
                r.subject.target,
                format!("{} at {}", about.figure(r.subject.target), value(x, money)),
            )
        })
        .collect();
    let found = if cross.is_empty() {
        "does not cross the target in this range".to_string()
    } else {
        format!(
            "crosses {} at {}",
            about.figure(r.subject.target),
            cross
                .iter()
                .map(|&x| value(x, money))
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    let what = if s.monte_carlo { "Mean" } else { "Figure" };
    let panels = if s.monte_carlo { 2 } else { 1 };
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically(h / panels);
    draw_panel(
        &top,
        &Panel {
            caption: format!("{what}: {found}"),
            x_desc: name.clone(),
            y_desc: about.figure_name(),
            x: Scale::of(money),
            y: Scale::of(about.money),
            lines: vec![(line, INTERVENTIONS[0])],
            dots: true,
            levels: figure_levels(&about, r.subject.base),
            marks,
        },
    )?;
    if s.monte_carlo {
        let chance: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter_map(|p| p.prob_above_target.map(|v| (p.x, v)))
            .collect();
        let marks = [0.5, 0.8]
            .iter()
            .flat_map(|&level| {
                crossings(&chance, level).into_iter().map(move |x| {
                    (
                        x,
                        level,
                        format!("{:.0}% at {}", 100.0 * level, value(x, money)),
                    )
                })
            })
            .collect();
        draw_panel(
            &bottom,
            &Panel {
                caption: format!(
                    "Chance the figure is above {}",
                    about.figure(r.subject.target)
                ),
                x_desc: name,
                y_desc: format!("P(above {})", about.figure(r.subject.target)),
                x: Scale::of(money),
                y: Scale::Percent,
                lines: vec![(chance, INTERVENTIONS[1])],
                dots: true,
                levels: chance_levels(),
                marks,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_crosses_where_interpolation_says() {
        let pts = [(0.0, -2.0), (1.0, 2.0), (2.0, 4.0), (3.0, -4.0)];
        assert_eq!(crossings(&pts, 0.0), vec![0.5, 2.5]);
        assert!(crossings(&pts, 10.0).is_empty());
    }
}
