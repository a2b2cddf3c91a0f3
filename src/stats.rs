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
    /// Monte Carlo standard errors of P5, P50 and P95 (from the order-statistic 95% interval
    /// of each: its width / (2 x 1.96)); summary.json's metrics only, absent (NaN) elsewhere.
    #[serde(
        default = "nan",
        deserialize_with = "nan_if_null",
        skip_serializing_if = "is_nan"
    )]
    pub p5_se: f64,
    #[serde(
        default = "nan",
        deserialize_with = "nan_if_null",
        skip_serializing_if = "is_nan"
    )]
    pub p50_se: f64,
    #[serde(
        default = "nan",
        deserialize_with = "nan_if_null",
        skip_serializing_if = "is_nan"
    )]
    pub p95_se: f64,
}

fn nan() -> f64 {
    f64::NAN
}

fn is_nan(x: &f64) -> bool {
    x.is_nan()
}

/// The order statistic of rank `rank` (from 0) of the data (reordering it).
fn order_statistic(data: &mut [f64], rank: usize) -> f64 {
    let rank = rank.min(data.len() - 1);
    *data.select_nth_unstable_by(rank, f64::total_cmp).1
}

/// Monte Carlo standard error of the `q`-quantile of `data` from the distribution-free 95%
/// interval between order statistics (ranks n q -/+ 1.96 sqrt(n q (1 - q))): its width / 3.92.
pub fn quantile_se(data: &mut [f64], q: f64) -> f64 {
    let n = data.len();
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let half = 1.96 * (nf * q * (1.0 - q)).sqrt();
    let lo = (nf * q - half).floor().max(0.0) as usize;
    let hi = ((nf * q + half).ceil() as usize).min(n - 1);
    (order_statistic(data, hi) - order_statistic(data, lo)) / 3.92
}

/// Monte Carlo standard error of a share `p` of `n` iterations: sqrt(p (1 - p) / n).
pub fn share_se(p: f64, n: usize) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    (p * (1.0 - p) / n as f64).sqrt()
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
/// [`quantile_sorted`] on the sorted data gives them (in the order of `f64::total_cmp`), found
/// without sorting: the data are reordered, not sorted.
///
/// A large column is bracketed first: a sorted sample of [`SAMPLE`] evenly spaced values gives,
/// for each order statistic needed, two values that very probably enclose it; two passes count
/// the data below each bracket and keep those inside, and selection among the few kept places
/// the order statistic exactly. Should a bracket miss (its order statistic lies outside it:
/// possible only for data laid out against the sample's spacing), every order statistic is
/// placed by selection on the whole column instead, as for small columns.
pub fn quantiles<const K: usize>(data: &mut [f64], qs: [f64; K]) -> [f64; K] {
    let n = data.len();
    let mut out = [f64::NAN; K];
    if n == 0 {
        return out;
    }
    // The two order statistics each quantile interpolates between.
    let ranks = qs.map(|q| {
        let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
        let lo = h.floor() as usize;
        (h, lo, (lo + 1).min(n - 1))
    });
    let mut wanted: Vec<usize> = ranks.iter().flat_map(|&(_, lo, hi)| [lo, hi]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let placed = if n >= 4 * SAMPLE {
        bracketed(data, &wanted)
    } else {
        None
    }
    .unwrap_or_else(|| by_selection(data, &wanted));
    let at = |rank: usize| placed[wanted.binary_search(&rank).unwrap_or(0)];
    for (slot, &(h, lo, hi)) in out.iter_mut().zip(&ranks) {
        let (a, b) = (at(lo), at(hi));
        *slot = if hi == lo {
            a
        } else {
            a + (h - lo as f64) * (b - a)
        };
    }
    out
}

/// Values in the sample that brackets a large column's order statistics (see [`quantiles`]).
const SAMPLE: usize = 2048;

/// The data's order statistics of these ranks (ascending, distinct), by selection on the
/// whole column, each on what lies above the previous one.
fn by_selection(data: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let mut start = 0;
    ranks
        .iter()
        .map(|&rank| {
            data[start..].select_nth_unstable_by(rank - start, f64::total_cmp);
            start = rank;
            data[rank]
        })
        .collect()
}

/// The key of a float in the order of `f64::total_cmp`, as a signed integer.
fn total_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The float of a [`total_key`] (the key's sign bit is the float's, so the same flip undoes it).
fn from_total_key(key: i64) -> f64 {
    f64::from_bits((key ^ (((key >> 63) as u64) >> 1) as i64) as u64)
}

/// How many of the data fall in each slot of the brackets (`2 b + 1`: inside bracket `b`;
/// `2 b`: between bracket `b - 1` and `b`, or past the last), and the keys of those inside,
/// bracket after bracket: two branch-free passes. `N` is the number of brackets, so that the
/// comparisons unroll (0: any number).
fn sort_into<const N: usize>(data: &[f64], brackets: &[(i64, i64)]) -> (Vec<usize>, Vec<i64>) {
    let n = if N == 0 { brackets.len() } else { N };
    let brackets = &brackets[..n];
    let slot = |k: i64| -> usize {
        brackets
            .iter()
            .map(|&(low, high)| usize::from(k >= low) + usize::from(k > high))
            .sum()
    };
    let mut counts = vec![0usize; 2 * n + 1];
    for &x in data {
        counts[slot(total_key(x))] += 1;
    }
    // Where each slot's values go: the brackets' stretches one after another, every value
    // outside the brackets to one spare place at the end.
    let inside: usize = counts.iter().skip(1).step_by(2).sum();
    let mut cursor = vec![inside; counts.len()];
    let mut at = 0;
    for b in 0..n {
        cursor[2 * b + 1] = at;
        at += counts[2 * b + 1];
    }
    let mut kept = vec![0i64; inside + 1];
    for &x in data {
        let k = total_key(x);
        let s = slot(k);
        kept[cursor[s]] = k;
        cursor[s] += s % 2;
    }
    kept.truncate(inside);
    (counts, kept)
}

/// [`by_selection`]'s order statistics found through brackets from a sample, or `None` where
/// a bracket missed.
fn bracketed(data: &[f64], ranks: &[usize]) -> Option<Vec<f64>> {
    let n = data.len();
    let mut sample: Vec<i64> = (0..SAMPLE)
        .map(|i| total_key(data[i * n / SAMPLE + n / (2 * SAMPLE)]))
        .collect();
    sample.sort_unstable();
    // Each rank's bracket: sample values about 4.5 standard deviations of the sample's
    // count below it on either side (the count is binomial), the ends open.
    let mut brackets: Vec<(i64, i64)> = Vec::new();
    let mut owner = Vec::with_capacity(ranks.len());
    for &rank in ranks {
        let q = (rank as f64 + 0.5) / n as f64;
        let centre = q * SAMPLE as f64;
        let reach = 4.5 * (SAMPLE as f64 * q * (1.0 - q)).sqrt() + 2.0;
        let lo = (centre - reach).floor();
        let hi = (centre + reach).ceil();
        let low = if lo < 0.0 {
            i64::MIN
        } else {
            sample[lo as usize]
        };
        let high = if hi >= SAMPLE as f64 {
            i64::MAX
        } else {
            sample[hi as usize]
        };
        match brackets.last_mut() {
            Some(last) if low <= last.1 => last.1 = last.1.max(high),
            _ => brackets.push((low, high)),
        }
        owner.push(brackets.len() - 1);
    }
    let (counts, mut kept) = match brackets.len() {
        1 => sort_into::<1>(data, &brackets),
        2 => sort_into::<2>(data, &brackets),
        3 => sort_into::<3>(data, &brackets),
        4 => sort_into::<4>(data, &brackets),
        5 => sort_into::<5>(data, &brackets),
        _ => sort_into::<0>(data, &brackets),
    };
    let mut starts = Vec::with_capacity(brackets.len());
    let mut at = 0;
    for b in 0..brackets.len() {
        starts.push(at);
        at += counts[2 * b + 1];
    }
    let mut out = Vec::with_capacity(ranks.len());
    for (&rank, &b) in ranks.iter().zip(&owner) {
        let below: usize = counts[..=2 * b].iter().sum();
        let local = rank.checked_sub(below)?;
        let span = &mut kept[starts[b]..starts[b] + counts[2 * b + 1]];
        if local >= span.len() {
            return None;
        }
        out.push(from_total_key(*span.select_nth_unstable(local).1));
    }
    Some(out)
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
        let first = data[0];
        if data.iter().all(|x| *x == first) {
            // A constant figure: exactly itself, no spread (a sum divided by n need not be).
            return Some(Summary {
                mean: first,
                sd: 0.0,
                se: 0.0,
                p5: first,
                p25: first,
                p50: first,
                p75: first,
                p95: first,
                p5_se: f64::NAN,
                p50_se: f64::NAN,
                p95_se: f64::NAN,
            });
        }
        // Sums in iteration order, before sorting.
        let (mean, sd) = mean_sd(&data);
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
            p5_se: f64::NAN,
            p50_se: f64::NAN,
            p95_se: f64::NAN,
        })
    }

    /// Summarises the data with the Monte Carlo standard errors of P5, P50 and P95 too.
    pub fn with_quantile_se(data: &[f64]) -> Option<Summary> {
        let mut s = Summary::of(data)?;
        let mut scratch = data.to_vec();
        s.p5_se = quantile_se(&mut scratch, 0.05);
        s.p50_se = quantile_se(&mut scratch, 0.5);
        s.p95_se = quantile_se(&mut scratch, 0.95);
        Some(s)
    }
}

/// Mean and standard deviation (n - 1 denominator; 0 for one value), summed in the data's
/// order; a constant figure gives exactly itself and 0. Every summary's mean, sd and se come
/// from here (and precision stopping's half-widths, so they agree with summary.json's).
pub fn mean_sd(data: &[f64]) -> (f64, f64) {
    let Some(&first) = data.first() else {
        return (f64::NAN, f64::NAN);
    };
    if data.iter().all(|x| *x == first) {
        return (first, 0.0);
    }
    let n = data.len() as f64;
    let mean = data.iter().sum::<f64>() / n;
    let sd = if data.len() > 1 {
        (data.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    (mean, sd)
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

    /// Type-7 quantiles of a sorted copy (in `total_cmp` order), the plain reference.
    fn by_sorting(data: &[f64], qs: [f64; 5]) -> [f64; 5] {
        let mut sorted = data.to_vec();
        sorted.sort_by(f64::total_cmp);
        qs.map(|q| quantile_sorted(&sorted, q))
    }

    #[test]
    fn quantiles_equal_a_sort_based_reference_on_large_columns() {
        let qs = [0.05, 0.25, 0.5, 0.75, 0.95];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let n = 30_011;
        let columns: Vec<(&str, Vec<f64>)> = vec![
            ("uniform", (0..n).map(|_| next() * 1e9 - 3e8).collect()),
            (
                "heavy ties",
                (0..n).map(|_| (next() * 7.0).floor()).collect(),
            ),
            (
                "signed zeros",
                (0..n)
                    .map(|i| if i % 3 == 0 { -0.0 } else { 0.0 })
                    .collect(),
            ),
            ("ascending", (0..n).map(|i| i as f64).collect()),
            ("descending", (0..n).rev().map(|i| i as f64 * 0.5).collect()),
            (
                "constant with outliers",
                (0..n)
                    .map(|i| if i % 997 == 0 { -1e12 } else { 85_000.0 })
                    .collect(),
            ),
            (
                "skewed",
                (0..n).map(|_| (-next().max(1e-300).ln()).powi(3)).collect(),
            ),
            // Every value the sample looks at is the least: the brackets miss.
            ("against the sample", {
                let mut v: Vec<f64> = (0..n).map(|_| next()).collect();
                for i in 0..SAMPLE {
                    v[i * n / SAMPLE + n / (2 * SAMPLE)] = -1e300;
                }
                v
            }),
        ];
        let mut missed = 0;
        for (name, data) in columns {
            let wanted: Vec<usize> = qs.iter().map(|q| (q * (n - 1) as f64) as usize).collect();
            if bracketed(&data, &wanted).is_none() {
                missed += 1;
            }
            let want = by_sorting(&data, qs);
            let got = quantiles(&mut data.clone(), qs);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.to_bits(), w.to_bits(), "{name}: {got:?} against {want:?}");
            }
        }
        assert_eq!(
            missed, 1,
            "only the column laid out against the sample misses"
        );
    }

    #[test]
    fn single_value_has_no_spread() {
        let s = Summary::of(&[4.25e6]).unwrap();
        assert_eq!((s.mean, s.sd, s.p5, s.p95), (4.25e6, 0.0, 4.25e6, 4.25e6));
        assert!(Summary::of(&[]).is_none());
        assert_eq!(share_positive(&[-1.0, 0.0, 2.0, 3.0]), 0.5);
    }

    #[test]
    fn a_constant_figure_has_exactly_no_spread() {
        // 0.1 summed 3 times and divided by 3 is not 0.1; the summary must still be 0.1, sd 0.
        let s = Summary::of(&[0.1, 0.1, 0.1]).unwrap();
        assert_eq!((s.mean, s.sd, s.se, s.p5, s.p95), (0.1, 0.0, 0.0, 0.1, 0.1));
        let s = Summary::with_quantile_se(&[85_000.0 * 1.1; 1000]).unwrap();
        assert_eq!((s.sd, s.p5_se, s.p95_se), (0.0, 0.0, 0.0));
    }

    #[test]
    fn monte_carlo_errors_of_a_share_and_of_quantiles() {
        assert_eq!(share_se(0.5, 10_000), 0.005);
        assert_eq!(share_se(0.0, 100), 0.0);
        // 0..=999: the median's 95% interval is ranks 469 to 531 (500 -/+ 1.96 sqrt(250)
        // = 30.99, rounded outwards), so its standard error is 62 / 3.92.
        let data: Vec<f64> = (0..1000).rev().map(f64::from).collect();
        let s = Summary::with_quantile_se(&data).unwrap();
        assert!((s.p50_se - 62.0 / 3.92).abs() < 1e-12, "{}", s.p50_se);
        // P5: 50 -/+ 1.96 sqrt(47.5) = 13.51: ranks 36 to 64.
        assert!((s.p5_se - 28.0 / 3.92).abs() < 1e-12, "{}", s.p5_se);
        assert!(s.p95_se > 0.0);
    }
}
