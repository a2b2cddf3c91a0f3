//! Summaries of Monte Carlo results: mean, spread and percentiles, per metric and per year.
//!
//! Percentiles use linear interpolation between order statistics (Hyndman and Fan type 7, the
//! default of R and numpy). Sums are taken in iteration order, so a summary is bit-identical
//! whatever the number of threads that produced the iterations.

use serde::{Deserialize, Deserializer, Serialize};

/// The spread of one figure across iterations.
///
/// JSON has no NaN: a NaN is written `null` and read back as NaN.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean over iterations.
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    /// Standard deviation over iterations (n - 1 denominator; 0 for one iteration).
    #[serde(deserialize_with = "nan_if_null")]
    pub sd: f64,
    /// Monte Carlo standard error of the mean: sd / sqrt(n).
    #[serde(deserialize_with = "nan_if_null")]
    pub se: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub p5: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub p25: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub p50: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub p75: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub p95: f64,
}

/// A number, or NaN for `null` (serde_json writes NaN as `null`).
pub fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
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

/// The `qs`-quantiles (ascending, 0..=1) of the data, type 7, exactly as
/// [`quantile_sorted`] on the sorted data gives them, found by selection (the data are
/// reordered, not sorted): each order statistic needed is placed with
/// `select_nth_unstable_by` on what lies above the previous one.
pub fn quantiles<const K: usize>(data: &mut [f64], qs: [f64; K]) -> [f64; K] {
    let n = data.len();
    let mut out = [f64::NAN; K];
    if n == 0 {
        return out;
    }
    // Order statistics below `start` are placed, and all at most data[start].
    let mut start = 0;
    let mut placed: Option<usize> = None;
    let mut order_stat = |data: &mut [f64], rank: usize| -> f64 {
        if placed != Some(rank) {
            if rank < start {
                unreachable!("quantiles are taken in ascending order");
            }
            data[start..].select_nth_unstable_by(rank - start, f64::total_cmp);
            placed = Some(rank);
            start = rank;
        }
        data[rank]
    };
    for (slot, &q) in out.iter_mut().zip(&qs) {
        if n == 1 {
            *slot = data[0];
            continue;
        }
        let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        let a = order_stat(data, lo);
        let b = if hi == lo {
            a
        } else {
            // The next order statistic is the least of what lies above.
            data[lo + 1..]
                .iter()
                .copied()
                .min_by(f64::total_cmp)
                .unwrap_or(a)
        };
        *slot = a + (h - lo as f64) * (b - a);
    }
    out
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
        Summary::of_vec(data.to_vec())
    }

    /// Summarises the data, sorting it in place (one sort per column); `None` when empty.
    pub fn of_vec(mut data: Vec<f64>) -> Option<Summary> {
        if data.is_empty() {
            return None;
        }
        let n = data.len() as f64;
        // Sums in iteration order, before sorting.
        let mean = data.iter().sum::<f64>() / n;
        let sd = if data.len() > 1 {
            (data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let [p5, p25, p50, p75, p95] = quantiles(&mut data, [0.05, 0.25, 0.5, 0.75, 0.95]);
        Some(Summary {
            mean,
            sd,
            se: sd / n.sqrt(),
            p5,
            p25,
            p50,
            p75,
            p95,
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
