//! Summaries of Monte Carlo results: mean, spread and percentiles, per metric and per year.
//!
//! Percentiles use linear interpolation between order statistics (Hyndman and Fan type 7, the
//! default of R and numpy). Sums are taken in iteration order, so a summary is bit-identical
//! whatever the number of threads that produced the iterations.

use serde::Serialize;

/// The spread of one figure across iterations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Mean over iterations.
    pub mean: f64,
    /// Standard deviation over iterations (n - 1 denominator; 0 for one iteration).
    pub sd: f64,
    /// Monte Carlo standard error of the mean: sd / sqrt(n).
    pub se: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// The `q`-quantile (0..=1) of sorted data, type 7.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Sorts a copy of the data (NaN-free input assumed; NaNs sort last).
pub fn sorted(data: &[f64]) -> Vec<f64> {
    let mut v = data.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

impl Summary {
    /// Summarises the data; `None` when it is empty.
    pub fn of(data: &[f64]) -> Option<Summary> {
        if data.is_empty() {
            return None;
        }
        let n = data.len() as f64;
        let mean = data.iter().sum::<f64>() / n;
        let sd = if data.len() > 1 {
            (data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let s = sorted(data);
        let q = |p| quantile_sorted(&s, p);
        Some(Summary {
            mean,
            sd,
            se: sd / n.sqrt(),
            p5: q(0.05),
            p25: q(0.25),
            p50: q(0.50),
            p75: q(0.75),
            p95: q(0.95),
        })
    }
}

/// Share of the data strictly above zero.
pub fn share_positive(data: &[f64]) -> f64 {
    if data.is_empty() {
        return f64::NAN;
    }
    data.iter().filter(|x| **x > 0.0).count() as f64 / data.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95]) = 1.2, 2, 3, 4, 8.8
        let s = Summary::of(&[10.0, 2.0, 4.0, 1.0, 3.0]).unwrap();
        assert!((s.p5 - 1.2).abs() < 1e-12);
        assert_eq!((s.p25, s.p50, s.p75), (2.0, 3.0, 4.0));
        assert!((s.p95 - 8.8).abs() < 1e-12);
        assert_eq!(s.mean, 4.0);
        assert!((s.sd - 12.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn single_value_has_no_spread() {
        let s = Summary::of(&[4.25e6]).unwrap();
        assert_eq!((s.mean, s.sd, s.p5, s.p95), (4.25e6, 0.0, 4.25e6, 4.25e6));
        assert!(Summary::of(&[]).is_none());
        assert_eq!(share_positive(&[-1.0, 0.0, 2.0, 3.0]), 0.5);
    }
}
