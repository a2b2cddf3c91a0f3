//! The numbers behind the pictures, as plain functions: histogram bins, the probability
//! ("S") curve, fan bands and the payback year. Tested on their own, without drawing.

use crate::stats::{quantile_sorted, sorted};

use super::data::{Band, ChartData};

/// Counts of values in equal-width bins from `lo` to `hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub width: f64,
    pub counts: Vec<u64>,
}

impl Histogram {
    /// Bins the values. A value equal to `hi` goes in the last bin; values outside are clamped
    /// into the end bins, so the counts always add up to the number of values.
    pub fn of(values: &[f64], lo: f64, hi: f64, bins: usize) -> Histogram {
        let bins = bins.max(1);
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0; bins];
        for &v in values {
            let i = if width > 0.0 {
                ((v - lo) / width).floor().clamp(0.0, (bins - 1) as f64) as usize
            } else {
                0
            };
            counts[i] += 1;
        }
        Histogram { lo, width, counts }
    }

    /// Each bin as (left edge, right edge, count).
    pub fn bins(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        self.counts.iter().enumerate().map(|(i, &c)| {
            let left = self.lo + i as f64 * self.width;
            (left, left + self.width, c)
        })
    }
}

/// Bins for `n` values: the Rice rule (2 n^(1/3)), between 12 and 60.
pub fn bin_count(n: usize) -> usize {
    ((2.0 * (n as f64).cbrt()).ceil() as usize).clamp(12, 60)
}

/// The net-saving axis the distribution and the probability curve share: every intervention's
/// iterations, zero included where it is near, padded; and whether zero is on it.
pub fn net_saving_axis(data: &ChartData) -> (f64, f64, bool) {
    let (lo, hi) = value_range(
        data.interventions
            .iter()
            .map(|i| i.net_saving_pv.as_slice()),
    );
    let (lo, hi, zero_shown) = with_zero(lo, hi);
    let (lo, hi) = pad(lo, hi);
    (lo, hi, zero_shown)
}

/// The smallest and largest value of several sets, widened when they coincide so that an axis
/// can be drawn (a fixed base case has a single value).
pub fn value_range<'a>(sets: impl IntoIterator<Item = &'a [f64]>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in sets.into_iter().flatten().filter(|v| v.is_finite()) {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !lo.is_finite() {
        return (-1.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.1).max(1.0);
        return (lo - pad, hi + pad);
    }
    (lo, hi)
}

/// Widens a money axis to show zero (break-even) when zero is near the data: within 60% of the
/// data's span. Far from zero it would squash the data into a corner, so it is left out and
/// the chart says so instead.
pub fn with_zero(lo: f64, hi: f64) -> (f64, f64, bool) {
    let reach = 0.6 * (hi - lo);
    if lo <= 0.0 && hi >= 0.0 {
        (lo, hi, true)
    } else if lo > 0.0 && lo <= reach {
        (0.0, hi, true)
    } else if hi < 0.0 && -hi <= reach {
        (lo, 0.0, true)
    } else {
        (lo, hi, false)
    }
}

/// The share of values strictly above `x`: the probability of saving more than `x`.
/// `sorted_values` must be sorted. At `x = 0` this is `prob_net_saving_positive`.
pub fn share_above(sorted_values: &[f64], x: f64) -> f64 {
    if sorted_values.is_empty() {
        return f64::NAN;
    }
    let at_or_below = sorted_values.partition_point(|v| *v <= x);
    (sorted_values.len() - at_or_below) as f64 / sorted_values.len() as f64
}

/// The probability curve: `points` amounts evenly from `lo` to `hi` (and exactly zero, when in
/// range), each with the probability of saving more.
pub fn probability_curve(values: &[f64], lo: f64, hi: f64, points: usize) -> Vec<(f64, f64)> {
    let s = sorted(values);
    let points = points.max(2);
    let mut xs: Vec<f64> = (0..points)
        .map(|i| lo + (hi - lo) * i as f64 / (points - 1) as f64)
        .collect();
    if lo < 0.0 && hi > 0.0 {
        xs.push(0.0);
        xs.sort_by(f64::total_cmp);
    }
    xs.into_iter().map(|x| (x, share_above(&s, x))).collect()
}

/// The amount the saving exceeds with probability `p` (about): its (1 - p) quantile.
pub fn amount_exceeded_with(values: &[f64], p: f64) -> f64 {
    quantile_sorted(&sorted(values), 1.0 - p)
}

/// One year of a fan chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FanPoint {
    pub year: u32,
    pub band: Band,
}

/// The fan of one measure of one arm: its `yearly.csv` bands, year by year.
pub fn fan(series: &[(u32, Band)]) -> Vec<FanPoint> {
    series
        .iter()
        .map(|&(year, band)| FanPoint { year, band })
        .collect()
}

/// Where the children kept out of care come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptOutSource {
    /// `yearly.csv`'s `children_kept_out_of_care`: bands of the per-iteration difference.
    Bands,
    /// A folder written before that measure: the difference of the arms' mean children in
    /// care, which equals the mean of the difference (a mean is linear); no bands.
    MeansOnly,
}

/// Children kept out of care by an intervention, year by year: the baseline's children in care
/// minus the intervention's. From the per-iteration difference's bands when the results have
/// them; otherwise (older folders) from the arms' means, every percentile set to the mean.
/// Empty when the results have neither.
pub fn kept_out_of_care(data: &ChartData, arm: &str) -> (Vec<FanPoint>, KeptOutSource) {
    use crate::vocab::Measure;
    let bands = data.series(arm, Measure::ChildrenKeptOutOfCare);
    if !bands.is_empty() {
        return (fan(bands), KeptOutSource::Bands);
    }
    let base = data.series(crate::report::BASELINE, Measure::ChildrenInCare);
    let with = data.series(arm, Measure::ChildrenInCare);
    let points = base
        .iter()
        .filter_map(|(year, b)| {
            let (_, a) = with.iter().find(|(y, _)| y == year)?;
            let d = b.mean - a.mean + 0.0;
            let band = Band {
                mean: d,
                p5: d,
                p25: d,
                p50: d,
                p75: d,
                p95: d,
            };
            Some(FanPoint { year: *year, band })
        })
        .collect();
    (points, KeptOutSource::MeansOnly)
}

/// The first year whose median cumulative net saving is above zero, if any.
pub fn payback_year(cumulative: &[FanPoint]) -> Option<u32> {
    cumulative.iter().find(|p| p.band.p50 > 0.0).map(|p| p.year)
}

/// Lower and upper limits that hold every band of the fans (and zero, for money).
pub fn fan_range<'a>(fans: impl IntoIterator<Item = &'a [FanPoint]>, zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = if zero {
        (0.0, 0.0)
    } else {
        (f64::INFINITY, f64::NEG_INFINITY)
    };
    for p in fans.into_iter().flatten() {
        lo = lo.min(p.band.p5).min(p.band.mean);
        hi = hi.max(p.band.p95).max(p.band.mean);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    pad(lo, hi)
}

/// Widens a range by 5% on each side (or by 1 when it is empty).
pub fn pad(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    if span <= 0.0 {
        let d = (hi.abs() * 0.1).max(1.0);
        return (lo - d, hi + d);
    }
    (lo - 0.05 * span, hi + 0.05 * span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_hold_every_value_once() {
        let values: Vec<f64> = (0..1000).map(|i| (i as f64).sin() * 10.0).collect();
        let (lo, hi) = value_range([values.as_slice()]);
        let h = Histogram::of(&values, lo, hi, bin_count(values.len()));
        assert_eq!(h.counts.iter().sum::<u64>(), 1000);
        assert_eq!(h.counts.len(), 20);
        // The maximum lands in the last bin, the minimum in the first.
        assert!(h.counts[0] > 0 && h.counts[19] > 0);
        let h = Histogram::of(&[1.0, 2.0, 3.0, 4.0], 0.0, 4.0, 4);
        assert_eq!(h.counts, vec![0, 1, 1, 2]);
        let edges: Vec<(f64, f64, u64)> = h.bins().collect();
        assert_eq!(edges[3], (3.0, 4.0, 2));
    }

    #[test]
    fn a_single_value_gets_a_drawable_range() {
        let (lo, hi) = value_range([[4.25e6].as_slice()]);
        assert!(lo < 4.25e6 && hi > 4.25e6);
        let h = Histogram::of(&[4.25e6], lo, hi, 12);
        assert_eq!(h.counts.iter().sum::<u64>(), 1);
    }

    #[test]
    fn zero_is_shown_only_when_near() {
        assert_eq!(with_zero(-1.0, 5.0), (-1.0, 5.0, true));
        assert_eq!(with_zero(1.0, 5.0), (0.0, 5.0, true));
        assert_eq!(with_zero(3.5, 5.0), (3.5, 5.0, false));
        assert_eq!(with_zero(-5.0, -1.0), (-5.0, 0.0, true));
        assert_eq!(with_zero(-5.0, -2.0), (-5.0, -2.0, false));
    }

    #[test]
    fn the_curve_falls_from_one_to_zero_and_hits_the_share_positive_at_zero() {
        let values = [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let curve = probability_curve(&values, -3.0, 6.0, 10);
        assert_eq!(curve.first().unwrap().1, 1.0);
        assert_eq!(curve.last().unwrap().1, 0.0);
        assert!(curve.windows(2).all(|w| w[0].1 >= w[1].1));
        let at_zero = curve.iter().find(|(x, _)| *x == 0.0).unwrap().1;
        assert_eq!(at_zero, crate::stats::share_positive(&values));
        assert_eq!(at_zero, 5.0 / 8.0);
        // An 80% chance of saving more than about -0.6.
        assert!((amount_exceeded_with(&values, 0.8) - (-0.6)).abs() < 1e-12);
    }

    #[test]
    fn payback_is_the_first_year_the_median_is_positive() {
        let band = |p50: f64| Band {
            mean: p50,
            p5: p50 - 1.0,
            p25: p50,
            p50,
            p75: p50,
            p95: p50 + 1.0,
        };
        let fan = fan(&[
            (0, band(-3.0)),
            (1, band(-0.5)),
            (2, band(0.5)),
            (3, band(2.0)),
        ]);
        assert_eq!(payback_year(&fan), Some(2));
        assert_eq!(payback_year(&fan[..2]), None);
        assert_eq!(fan_range([fan.as_slice()], true), pad(-4.0, 3.0));
    }
}
