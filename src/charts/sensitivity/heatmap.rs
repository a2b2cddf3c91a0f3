//! The two-way sweep as a heat map: each grid point's figure (or, by Monte Carlo, its mean) in a
//! diverging colour, blue above the target and vermillion below, darker further from it; the
//! break-even contour (where the figure equals the target) drawn in black, and with Monte Carlo
//! the contour where the chance of being above the target is 80%, dashed.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{About, short, value};
use crate::charts::DrawResult;
use crate::charts::frame::{self, caption, text};
use crate::charts::style::{INK, INTERVENTIONS, LINE, TICK_SIZE, font};
use crate::sensitivity::SweepResult;

const PLOT: u32 = 1100;
const LEGEND: u32 = 170;
pub const HEIGHT: u32 = frame::HEADER + frame::FOOTER + PLOT + LEGEND;
const ABOVE: RGBColor = INTERVENTIONS[0];
const BELOW: RGBColor = INTERVENTIONS[1];

/// The colour of a value `t` from -1 (far below the target) to 1 (far above).
pub fn shade(t: f64) -> RGBColor {
    let t = t.clamp(-1.0, 1.0);
    let (c, s) = if t >= 0.0 { (ABOVE, t) } else { (BELOW, -t) };
    let mix = |a: u8| (255.0 + (f64::from(a) - 255.0) * (0.25 + 0.75 * s)).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The segments of the contour where the grid's values equal `level` (marching squares, with
/// linear interpolation along each cell's edges). `z[i][j]` is the value at `(xs[i], ys[j])`.
pub fn contour(xs: &[f64], ys: &[f64], z: &[Vec<f64>], level: f64) -> Vec<[(f64, f64); 2]> {
    let mut segments = Vec::new();
    for i in 0..xs.len().saturating_sub(1) {
        for j in 0..ys.len().saturating_sub(1) {
            let corners = [
                (xs[i], ys[j], z[i][j]),
                (xs[i + 1], ys[j], z[i + 1][j]),
                (xs[i + 1], ys[j + 1], z[i + 1][j + 1]),
                (xs[i], ys[j + 1], z[i][j + 1]),
            ];
            let mut cuts = Vec::new();
            for k in 0..4 {
                let (x0, y0, z0) = corners[k];
                let (x1, y1, z1) = corners[(k + 1) % 4];
                let (g0, g1) = (z0 - level, z1 - level);
                if !(g0.is_finite() && g1.is_finite()) {
                    continue;
                }
                if (g0 < 0.0) != (g1 < 0.0) {
                    let t = g0 / (g0 - g1);
                    cuts.push((x0 + t * (x1 - x0), y0 + t * (y1 - y0)));
                }
            }
            for pair in cuts.chunks(2) {
                if let [a, b] = pair {
                    segments.push([*a, *b]);
                }
            }
        }
    }
    segments
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: &SweepResult) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let about = About::from(&r.subject);
    let s = &r.sweep;
    let (xn, yn) = (short(&s.inputs[0]), short(&s.inputs[1]));
    let run = super::sweep_run(s);
    let body = frame::page(
        root,
        &about.heading(&format!("Two-way sweep: {xn} against {yn}"), &run),
    )?;
    let mut xs: Vec<f64> = s.points.iter().map(|p| p.x).collect();
    xs.dedup();
    let ys: Vec<f64> = s
        .points
        .iter()
        .take_while(|p| p.x == xs[0])
        .filter_map(|p| p.y)
        .collect();
    let grid =
        |f: &dyn Fn(&crate::sensitivity::sweep::SweepPoint) -> Option<f64>| -> Vec<Vec<f64>> {
            xs.iter()
                .enumerate()
                .map(|(i, _)| {
                    (0..ys.len())
                        .map(|j| f(&s.points[i * ys.len() + j]).unwrap_or(f64::NAN))
                        .collect()
                })
                .collect()
        };
    let z = grid(&|p| p.value);
    let far = z
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .map(|v| (v - r.subject.target).abs())
        .fold(0.0, f64::max)
        .max(1e-12);
    let (lo, hi) = z
        .iter()
        .flatten()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    let (_, h) = body.dim_in_pixel();
    let (plot, legend) = body.split_vertically(h.saturating_sub(LEGEND));
    let above = z
        .iter()
        .flatten()
        .filter(|v| **v > r.subject.target)
        .count();
    let plot = caption(
        &plot,
        &format!(
            "{}: above {} at {} of {} grid points",
            if s.monte_carlo { "Mean" } else { "Figure" },
            about.figure(r.subject.target),
            above,
            s.points.len()
        ),
        INK,
    )?;
    let half = |v: &[f64]| {
        if v.len() > 1 {
            0.5 * (v[1] - v[0])
        } else {
            0.5
        }
    };
    let (hx, hy) = (half(&xs), half(&ys));
    let (x0, x1) = (xs[0] - hx, xs[xs.len() - 1] + hx);
    let (y0, y1) = (ys[0] - hy, ys[ys.len() - 1] + hy);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(10)
        .margin_right(50)
        .x_label_area_size(frame::X_LABELS)
        .y_label_area_size(frame::Y_LABELS)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let (xm, ym) = (s.money[0], s.money[1]);
    let xf = move |v: &f64| value(*v, xm);
    let yf = move |v: &f64| value(*v, ym);
    let mut mesh = chart.configure_mesh();
    frame::style_mesh(&mut mesh);
    mesh.x_desc(xn.as_str())
        .y_desc(yn.as_str())
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .disable_mesh()
        .x_labels(8)
        .y_labels(8)
        .draw()?;
    chart.draw_series(xs.iter().enumerate().flat_map(|(i, &x)| {
        let z = &z;
        ys.iter().enumerate().map(move |(j, &y)| {
            let v = z[i][j];
            let colour = if v.is_finite() {
                shade((v - r.subject.target) / far)
            } else {
                RGBColor(0xee, 0xee, 0xee)
            };
            Rectangle::new([(x - hx, y - hy), (x + hx, y + hy)], colour.filled())
        })
    }))?;
    for seg in contour(&xs, &ys, &z, r.subject.target) {
        chart.draw_series(std::iter::once(PathElement::new(
            seg.to_vec(),
            INK.stroke_width(LINE + 1),
        )))?;
    }
    if s.monte_carlo {
        let p = grid(&|p| p.prob_above_target);
        for seg in contour(&xs, &ys, &p, 0.8) {
            chart.draw_series(DashedLineSeries::new(
                seg.to_vec(),
                8,
                6,
                INK.stroke_width(LINE),
            ))?;
        }
    }
    colour_bar(&legend, &about, r, (lo, hi), far)
}

/// The colour scale under the map, with the figure's values and the contours explained.
fn colour_bar<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    about: &About,
    r: &SweepResult,
    (lo, hi): (f64, f64),
    far: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (w, _) = legend.dim_in_pixel();
    let (left, right) = (frame::Y_LABELS as i32, w as i32 - 60);
    let steps = 200;
    for k in 0..steps {
        let v = lo + (hi - lo) * (k as f64 + 0.5) / steps as f64;
        let xa = left + (right - left) * k / steps;
        let xb = left + (right - left) * (k + 1) / steps;
        legend.draw(&Rectangle::new(
            [(xa, 20), (xb + 1, 56)],
            shade((v - r.subject.target) / far).filled(),
        ))?;
    }
    for (x, anchor) in [(lo, HPos::Left), (hi, HPos::Right)] {
        let px = left + ((right - left) as f64 * if x == lo { 0.0 } else { 1.0 }) as i32;
        text(
            legend,
            &about.figure(x),
            (px, 62),
            font(TICK_SIZE),
            INK,
            Pos::new(anchor, VPos::Top),
            400,
        )?;
    }
    if r.subject.target > lo && r.subject.target < hi {
        let px = left + ((right - left) as f64 * (r.subject.target - lo) / (hi - lo)) as i32;
        legend.draw(&PathElement::new(
            vec![(px, 14), (px, 62)],
            INK.stroke_width(LINE),
        ))?;
        text(
            legend,
            &about.figure(r.subject.target),
            (px, 62),
            font(TICK_SIZE),
            INK,
            Pos::new(HPos::Center, VPos::Top),
            300,
        )?;
    }
    let words = if r.sweep.monte_carlo {
        "Colour: mean figure (blue above the target, vermillion below). Solid line: mean equals the target; dashed: 80% chance of being above it"
    } else {
        "Colour: figure (blue above the target, vermillion below). Solid line: where it equals the target (break-even)"
    };
    text(
        legend,
        words,
        (left, 110),
        font(TICK_SIZE * 0.9),
        INK,
        Pos::new(HPos::Left, VPos::Top),
        (right - left) as u32,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contour_of_a_plane_is_its_level_line() {
        // z = x + y on a 3 x 3 grid; z = 2 runs from (2, 0) to (0, 2).
        let xs = [0.0, 1.0, 2.0];
        let ys = [0.0, 1.0, 2.0];
        let z: Vec<Vec<f64>> = xs
            .iter()
            .map(|x| ys.iter().map(|y| x + y).collect())
            .collect();
        let segs = contour(&xs, &ys, &z, 1.5);
        assert!(!segs.is_empty());
        for s in segs {
            for (x, y) in s {
                assert!((x + y - 1.5).abs() < 1e-12);
            }
        }
        assert_eq!(shade(1.0), ABOVE);
        assert_eq!(shade(-1.0), BELOW);
    }
}
