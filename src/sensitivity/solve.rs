//! Where a figure crosses a target as one input moves: solved exactly where the figure is
//! linear in the input, otherwise found by bracketing and bisection over the whole range.
//!
//! `check`'s flip thresholds ([`crate::check::why`]) and `sensitivity`'s switching values both
//! use [`crossings`].
//!
//! # Method
//! The figure is evaluated at the probe points (sorted values spanning the input's range). When
//! every probe lies on the line through the first and the last to a relative 1e-9, the figure
//! is linear: the crossing is solved from the line (then corrected once for rounding), and is
//! reported even when it lies outside the range. Otherwise each pair of neighbouring probes
//! whose figures straddle the target brackets a crossing, found by bisection to a relative
//! 1e-12; every crossing in the range is returned, in increasing order.

use rayon::prelude::*;
use serde::Serialize;

/// Relative change below which a figure counts as not moved.
pub const FLAT: f64 = 1e-9;

/// How a crossing was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// Solved from the line: the figure is linear in the input.
    #[serde(rename = "exact")]
    Exact,
    /// Bracketed between probe points, then bisection.
    #[serde(rename = "root-finding")]
    RootFinding,
}

impl Method {
    /// The method in words, as reports print it.
    pub fn words(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::RootFinding => "root-finding",
        }
    }
}

/// What the search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossings {
    pub method: Method,
    /// Every value within the range at which the figure equals the target, increasing.
    pub values: Vec<f64>,
    /// For a linear figure that is not flat: where its line meets the target, in the range or
    /// not.
    pub line_value: Option<f64>,
}

impl Crossings {
    /// The crossing nearest to `base` (the input's mean), if any.
    pub fn nearest(&self, base: f64) -> Option<f64> {
        self.values
            .iter()
            .copied()
            .min_by(|a, b| (a - base).abs().total_cmp(&(b - base).abs()))
    }
}

/// The figure as a function of the input; `None` where undefined.
pub type FigureOf<'a> = dyn Fn(f64) -> Option<f64> + Sync + 'a;

/// Where `f` crosses `target` as its input runs over `range` (ends included, which may be
/// infinite), probing at `probes` (finite values in the range; sorted and deduplicated here).
pub fn crossings(f: &FigureOf, target: f64, range: (f64, f64), probes: &[f64]) -> Crossings {
    let mut xs: Vec<f64> = probes.iter().copied().filter(|x| x.is_finite()).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let points: Vec<(f64, f64)> = xs
        .par_iter()
        .map(|&x| (x, f(x)))
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(x, y)| y.filter(|y| y.is_finite()).map(|y| (x, y)))
        .collect();
    let in_range = |x: f64| x >= range.0 && x <= range.1;
    let (Some(&(x0, y0)), Some(&(x1, y1))) = (points.first(), points.last()) else {
        return Crossings {
            method: Method::RootFinding,
            values: Vec::new(),
            line_value: None,
        };
    };
    let scale = y0.abs() + y1.abs() + 1.0;
    let slope = if x1 > x0 { (y1 - y0) / (x1 - x0) } else { 0.0 };
    let linear = points
        .iter()
        .all(|&(x, y)| (y - (y0 + slope * (x - x0))).abs() <= FLAT * scale);
    if linear {
        if (y1 - y0).abs() <= FLAT * scale {
            // Flat: it crosses only if it sits on the target, and then everywhere.
            return Crossings {
                method: Method::Exact,
                values: Vec::new(),
                line_value: None,
            };
        }
        let x = x0 + (target - y0) / slope;
        let x = if in_range(x) {
            f(x).filter(|y| y.is_finite())
                .map_or(x, |y| x + (target - y) / slope)
        } else {
            x
        };
        return Crossings {
            method: Method::Exact,
            values: in_range(x).then_some(x).into_iter().collect(),
            line_value: Some(x),
        };
    }
    let mut values = Vec::new();
    for pair in points.windows(2) {
        let ((a, fa), (b, fb)) = (pair[0], pair[1]);
        let (ga, gb) = (fa - target, fb - target);
        if ga == 0.0 {
            values.push(a);
        } else if gb != 0.0
            && ga.signum() != gb.signum()
            && let Some(x) = bisect(f, target, a, b)
        {
            values.push(x);
        }
    }
    if let Some(&(x, y)) = points.last()
        && y == target
    {
        values.push(x);
    }
    values.dedup();
    Crossings {
        method: Method::RootFinding,
        values,
        line_value: None,
    }
}

/// The `x` in `[lo, hi]` where `f(x)` crosses `target`, by bisection to a relative 1e-12;
/// `None` without a sign change or where `f` is undefined.
pub fn bisect(f: &FigureOf, target: f64, lo: f64, hi: f64) -> Option<f64> {
    let (mut lo, mut hi) = (lo, hi);
    let mut g_lo = f(lo)? - target;
    let g_hi = f(hi)? - target;
    if g_lo == 0.0 {
        return Some(lo);
    }
    if g_hi == 0.0 {
        return Some(hi);
    }
    if g_lo.signum() == g_hi.signum() {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if hi - lo <= 1e-12 * mid.abs().max(1e-300) {
            break;
        }
        let g = f(mid)? - target;
        if g == 0.0 {
            return Some(mid);
        }
        if g.signum() == g_lo.signum() {
            lo = mid;
            g_lo = g;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// `n + 1` evenly spaced points from `lo` to `hi`.
pub fn grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let n = n.max(1);
    (0..=n)
        .map(|i| lo + (hi - lo) * i as f64 / n as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_finds_a_square_root() {
        let f = |x: f64| Some(x * x);
        let r = bisect(&f, 2.0, 0.0, 2.0).unwrap();
        assert!((r - 2f64.sqrt()).abs() < 1e-11);
        assert_eq!(bisect(&f, 5.0, 0.0, 2.0), None);
    }

    #[test]
    fn a_line_is_solved_exactly_even_beyond_its_range() {
        let f = |x: f64| Some(250.0 * x);
        let c = crossings(&f, 20e6, (70e3, 100e3), &grid(70e3, 100e3, 8));
        assert_eq!(c.method, Method::Exact);
        assert_eq!(c.values, vec![80_000.0]);
        let c = crossings(&f, 50e6, (70e3, 100e3), &grid(70e3, 100e3, 8));
        assert!(c.values.is_empty());
        assert_eq!(c.line_value, Some(200_000.0));
        let flat = |_x: f64| Some(1.0);
        let c = crossings(&flat, 0.0, (0.0, 1.0), &grid(0.0, 1.0, 4));
        assert!(c.values.is_empty() && c.line_value.is_none());
    }

    #[test]
    fn every_crossing_of_a_curve_is_found() {
        // (x - 1)(x - 3) crosses 0 at 1 and 3.
        let f = |x: f64| Some((x - 1.0) * (x - 3.0));
        let c = crossings(&f, 0.0, (0.0, 4.0), &grid(0.0, 4.0, 16));
        assert_eq!(c.method, Method::RootFinding);
        assert_eq!(c.values.len(), 2);
        assert!((c.values[0] - 1.0).abs() < 1e-9 && (c.values[1] - 3.0).abs() < 1e-9);
        assert_eq!(c.nearest(2.9), Some(c.values[1]));
    }
}
