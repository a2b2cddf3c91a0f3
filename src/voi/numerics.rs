//! The value-of-information estimators, as pure functions over columns of numbers.
//!
//! A decision [`Problem`] is a set of options valued in money in every iteration; "do nothing"
//! is worth 0 in every iteration and every other option is given by its net benefit against
//! doing nothing (the incremental net benefit; here, the net saving). Inputs are columns of
//! sampled values, one value per iteration.
//!
//! - [`evpi`]: E[max_d NB_d] - max_d E[NB_d] with its Monte Carlo standard error.
//! - [`blocks`]: single-input EVPPI by sort-and-block (Strong and Oakley 2013, "An efficient
//!   method for computing single-parameter partial expected value of perfect information",
//!   Medical Decision Making 33(6)): sort the iterations by the input, cut them into equal
//!   blocks, take each option's mean within each block as its expected value given the input.
//!   Standard error by a bootstrap of the iterations (the sort is reused: O(n) a replicate).
//! - [`spline`]: single-input EVPPI by a cubic regression spline (Strong, Oakley and Brennan
//!   2014, "Estimating multiparameter partial expected value of perfect information from a
//!   probabilistic sensitivity analysis sample: a nonparametric regression approach", Medical
//!   Decision Making 34(3)), with the same bootstrap standard error as a group (a refit on each
//!   replicate), and the R^2 of the fit (the input's first-order share of the variance).
//! - [`group`]: EVPPI of up to a few inputs by an additive cubic spline with interaction terms
//!   (see [`group_basis`]), fitted by least squares in an orthonormal basis (modified
//!   Gram-Schmidt, O(n p^2)); standard error by a bootstrap that refits on each replicate.
//!
//! Every function is deterministic: random numbers come from streams keyed by the caller's seed
//! and the replicate number, and sums run in a fixed order, so results do not depend on threads.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::SplitMix64;
use rayon::prelude::*;

/// A decision: options other than "do nothing", each as its net benefit against doing nothing
/// in every iteration (so "do nothing" is 0 everywhere). All columns have the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub incremental: Vec<Vec<f64>>,
}

impl Problem {
    /// Iterations.
    pub fn len(&self) -> usize {
        self.incremental.first().map_or(0, Vec::len)
    }

    /// True with no iterations.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each option's mean net benefit, "do nothing" (0) first.
    pub fn expected(&self) -> Vec<f64> {
        let mut out = vec![0.0];
        out.extend(self.incremental.iter().map(|c| mean(c)));
        out
    }

    /// The option with the highest expected net benefit (0 is "do nothing"; the first on ties).
    pub fn best_on_average(&self) -> usize {
        argmax(&self.expected())
    }

    /// The share of iterations in which each option is best ("do nothing" first; ties go to the
    /// first such option).
    pub fn prob_best(&self) -> Vec<f64> {
        let n = self.len();
        let mut count = vec![0usize; self.incremental.len() + 1];
        for i in 0..n {
            count[self.best_at(i)] += 1;
        }
        count.iter().map(|&c| c as f64 / n.max(1) as f64).collect()
    }

    fn best_at(&self, i: usize) -> usize {
        let mut best = (0, 0.0);
        for (d, c) in self.incremental.iter().enumerate() {
            if c[i] > best.1 {
                best = (d + 1, c[i]);
            }
        }
        best.0
    }

    fn value(&self, d: usize, i: usize) -> f64 {
        if d == 0 {
            0.0
        } else {
            self.incremental[d - 1][i]
        }
    }
}

/// An estimate and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    x.iter().sum::<f64>() / x.len() as f64
}

fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

fn argmax(x: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = i;
        }
    }
    best
}

/// The largest of 0 and the values.
fn max0(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, f64::max)
}

/// Expected value of perfect information: the mean over iterations of the loss from taking the
/// option best on average instead of the best option in that iteration. That is exactly
/// E[max_d NB_d] - max_d E[NB_d]; it is exactly 0 when one option is best in every iteration.
/// The standard error is that of a mean of the losses.
pub fn evpi(p: &Problem) -> Estimate {
    let n = p.len();
    if n == 0 {
        return Estimate {
            value: 0.0,
            se: 0.0,
        };
    }
    let star = p.best_on_average();
    let loss: Vec<f64> = (0..n)
        .map(|i| {
            let best = max0(p.incremental.iter().map(|c| c[i]));
            best - p.value(star, i)
        })
        .collect();
    Estimate {
        value: mean(&loss),
        se: sd(&loss) / (n as f64).sqrt(),
    }
}

/// EVPPI from fitted expected values (one column per option other than "do nothing") and
/// weights: sum_i w_i max_d g_d(i) / W - max_d sum_i w_i g_d(i) / W. Iterations with weight 0
/// are skipped.
fn evppi_from_fitted(fitted: &[Vec<f64>], weights: Option<&[u32]>) -> f64 {
    let n = fitted.first().map_or(0, Vec::len);
    let mut total_w = 0.0;
    let mut sum_max = 0.0;
    let mut sums = vec![0.0; fitted.len()];
    for i in 0..n {
        let w = weights.map_or(1.0, |w| f64::from(w[i]));
        if w == 0.0 {
            continue;
        }
        total_w += w;
        sum_max += w * max0(fitted.iter().map(|c| c[i]));
        for (s, c) in sums.iter_mut().zip(fitted) {
            *s += w * c[i];
        }
    }
    if total_w == 0.0 {
        return 0.0;
    }
    let best_mean = max0(sums.iter().map(|s| s / total_w));
    (sum_max / total_w - best_mean).max(0.0)
}

/// Bootstrap settings: replicates and the seed of their streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    pub replicates: usize,
    pub seed: u64,
}

/// The stream of bootstrap replicate `b` (the same for every input, so replicates resample the
/// same iterations for every input and group).
fn replicate_stream(seed: u64, b: usize) -> SplitMix64 {
    let key = crate::rng::iteration_key(seed ^ 0x766f_695f_626f_6f74, b as u64);
    SplitMix64::seed_from_u64(key)
}

/// How many times each of `n` iterations is drawn in bootstrap replicate `b`.
pub fn bootstrap_counts(n: usize, seed: u64, b: usize) -> Vec<u32> {
    let mut counts = vec![0u32; n];
    if n == 0 {
        return counts;
    }
    let mut rng = replicate_stream(seed, b);
    for _ in 0..n {
        counts[rng.random_range(0..n)] += 1;
    }
    counts
}

/// Sort-and-block estimates of one input's EVPPI are made with this many blocks by default:
/// the square root of the iterations (100 blocks of 100 at 10,000 iterations).
pub fn default_blocks(n: usize) -> usize {
    ((n as f64).sqrt().round() as usize).clamp(1, n.max(1))
}

/// The order that sorts `x` ascending (ties by position, so the order is fixed).
fn sort_order(x: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    order
}

/// Every option of every decision in the order that sorts the input: row `pos` holds the
/// options' values at the iteration with the `pos`-th smallest input (decision by decision).
struct Sorted {
    rows: Vec<f64>,
    /// Options per decision.
    widths: Vec<usize>,
    total: usize,
}

impl Sorted {
    fn new(x: &[f64], problems: &[Problem]) -> Sorted {
        let order = sort_order(x);
        let widths: Vec<usize> = problems.iter().map(|p| p.incremental.len()).collect();
        let total: usize = widths.iter().sum();
        let mut rows = Vec::with_capacity(order.len() * total);
        for &i in &order {
            for p in problems {
                rows.extend(p.incremental.iter().map(|c| c[i]));
            }
        }
        Sorted {
            rows,
            widths,
            total,
        }
    }

    /// Sort-and-block EVPPI of each decision, iterations weighted (in sorted order) and cut into
    /// `k` blocks of (nearly) equal total weight.
    fn evppi(&self, weights: Option<&[u32]>, k: usize) -> Vec<f64> {
        let t = self.total;
        let n = self.rows.len().checked_div(t).unwrap_or(0);
        let total: f64 = weights.map_or(n as f64, |w| w.iter().map(|&v| f64::from(v)).sum());
        if total == 0.0 || t == 0 {
            return vec![0.0; self.widths.len()];
        }
        let mut sums = vec![0.0; t];
        let mut overall = vec![0.0; t];
        let mut sum_max = vec![0.0; self.widths.len()];
        let mut block_w = 0.0;
        let mut block = 0usize;
        let mut cum = 0.0;
        let widths = &self.widths;
        let close = |sums: &mut [f64], w: f64, sum_max: &mut [f64]| {
            if w > 0.0 {
                let mut j = 0;
                for (d, &width) in widths.iter().enumerate() {
                    sum_max[d] += w * max0(sums[j..j + width].iter().map(|s| s / w));
                    j += width;
                }
            }
            sums.iter_mut().for_each(|s| *s = 0.0);
        };
        for pos in 0..n {
            let w = weights.map_or(1.0, |w| f64::from(w[pos]));
            if w == 0.0 {
                continue;
            }
            // The block of this iteration: by the weight before it.
            let b = ((cum * k as f64 / total) as usize).min(k - 1);
            if b != block {
                close(&mut sums, block_w, &mut sum_max);
                block_w = 0.0;
                block = b;
            }
            cum += w;
            block_w += w;
            let row = &self.rows[pos * t..(pos + 1) * t];
            for ((s, o), v) in sums.iter_mut().zip(overall.iter_mut()).zip(row) {
                *s += w * v;
                *o += w * v;
            }
        }
        close(&mut sums, block_w, &mut sum_max);
        let mut j = 0;
        widths
            .iter()
            .zip(&sum_max)
            .map(|(&width, &sm)| {
                let best = max0(overall[j..j + width].iter().map(|s| s / total));
                j += width;
                (sm / total - best).max(0.0)
            })
            .collect()
    }
}

/// Single-input EVPPI of each decision by sort-and-block with `k` blocks, with bootstrap
/// standard errors (each replicate resamples the sorted iterations, so the sort is done once).
pub fn blocks(x: &[f64], problems: &[Problem], k: usize, boot: Bootstrap) -> Vec<Estimate> {
    let n = x.len();
    let sorted = Sorted::new(x, problems);
    let k = k.clamp(1, n.max(1));
    let values = sorted.evppi(None, k);
    let reps: Vec<Vec<f64>> = (0..boot.replicates)
        .into_par_iter()
        .map(|b| sorted.evppi(Some(&bootstrap_counts(n, boot.seed, b)), k))
        .collect();
    values
        .iter()
        .enumerate()
        .map(|(j, &value)| Estimate {
            value,
            se: sd(&reps.iter().map(|r| r[j]).collect::<Vec<_>>()),
        })
        .collect()
}

/// Columns orthonormalised by modified Gram-Schmidt (applied twice, which keeps them orthogonal
/// to machine precision); a column that is (numerically) a combination of earlier ones is
/// dropped. Stored row by row: `rows[i * width + j]` is column j at iteration i.
#[derive(Debug, Clone)]
pub struct Orthonormal {
    pub n: usize,
    pub width: usize,
    pub rows: Vec<f64>,
    /// Which of the given columns were kept.
    pub kept: Vec<usize>,
}

/// A dot product with four running sums (so it vectorises; the order is fixed, so the result is
/// the same on every run).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            s[k] += x[k] * y[k];
        }
    }
    (s[0] + s[1]) + (s[2] + s[3]) + tail
}

/// Relative size below which a column is taken to be a combination of earlier ones.
const DEPENDENT: f64 = 1e-9;

/// Orthonormalises `columns` (each of length n), dropping dependent ones.
pub fn orthonormalise(columns: &[Vec<f64>]) -> Orthonormal {
    let n = columns.first().map_or(0, Vec::len);
    let mut q: Vec<Vec<f64>> = Vec::new();
    let mut kept = Vec::new();
    for (j, c) in columns.iter().enumerate() {
        let norm0 = c.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm0 == 0.0 || !norm0.is_finite() {
            continue;
        }
        let mut v = c.clone();
        for _ in 0..2 {
            for e in &q {
                let dot: f64 = v.iter().zip(e).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(e).for_each(|(a, b)| *a -= dot * b);
            }
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm <= DEPENDENT * norm0 {
            continue;
        }
        v.iter_mut().for_each(|a| *a /= norm);
        q.push(v);
        kept.push(j);
    }
    let width = q.len();
    let mut rows = vec![0.0; n * width];
    for (j, col) in q.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            rows[i * width + j] = *v;
        }
    }
    Orthonormal {
        n,
        width,
        rows,
        kept,
    }
}

impl Orthonormal {
    fn row(&self, i: usize) -> &[f64] {
        &self.rows[i * self.width..(i + 1) * self.width]
    }

    /// Q'y: the coefficients of the least-squares fit of y.
    fn project(&self, y: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; self.width];
        for (i, yi) in y.iter().enumerate() {
            for (cj, qj) in c.iter_mut().zip(self.row(i)) {
                *cj += qj * yi;
            }
        }
        c
    }

    /// Q c at every iteration.
    fn fitted(&self, c: &[f64]) -> Vec<f64> {
        (0..self.n).map(|i| dot(self.row(i), c)).collect()
    }

    /// Q c at every iteration with a weight above 0 (0 elsewhere).
    fn fitted_where(&self, c: &[f64], weights: Option<&[u32]>) -> Vec<f64> {
        match weights {
            None => self.fitted(c),
            Some(w) => (0..self.n)
                .map(|i| if w[i] > 0 { dot(self.row(i), c) } else { 0.0 })
                .collect(),
        }
    }
}

/// The indices of the columns that are neither constant nor a linear combination of the
/// others (with an intercept): the inputs a regression can use.
pub fn independent_columns(columns: &[&[f64]]) -> Vec<usize> {
    let n = columns.first().map_or(0, |c| c.len());
    let mut all = vec![vec![1.0; n]];
    all.extend(columns.iter().map(|c| c.to_vec()));
    orthonormalise(&all)
        .kept
        .into_iter()
        .filter(|&j| j > 0)
        .map(|j| j - 1)
        .collect()
}

/// Knots of the cubic regression splines: interior quantiles of the input.
pub const SPLINE_KNOTS: usize = 4;

/// `x` scaled to [0, 1] by its range (a constant column gives 0).
fn scaled(x: &[f64]) -> Vec<f64> {
    let (lo, hi) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    let span = hi - lo;
    x.iter()
        .map(|v| if span > 0.0 { (v - lo) / span } else { 0.0 })
        .collect()
}

/// `k` interior knots at equally spaced quantiles of `x` (sorted copy; type 1 quantiles).
fn knots(x: &[f64], k: usize) -> Vec<f64> {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    (1..=k)
        .map(|j| s[((j * n) / (k + 1)).min(n.saturating_sub(1))])
        .collect()
}

/// The cubic regression spline basis of one scaled input, without the intercept: x, x^2, x^3
/// and (x - knot)^3 for each knot with x above it (truncated power basis).
fn spline_columns(x: &[f64], k: usize) -> Vec<Vec<f64>> {
    let mut out = vec![
        x.to_vec(),
        x.iter().map(|v| v * v).collect(),
        x.iter().map(|v| v * v * v).collect(),
    ];
    for t in knots(x, k) {
        out.push(x.iter().map(|v| (v - t).max(0.0).powi(3)).collect());
    }
    out
}

fn product(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x * y).collect()
}

/// The regression basis of a group of inputs (each column scaled to [0, 1]): the intercept, a
/// cubic regression spline in each input (x, x^2, x^3 and four knots), and interactions:
/// - 2 or 3 inputs: every product of powers 1 to 3 of two inputs (a tensor product of the
///   polynomial parts) and, with 3, the product of all three;
/// - 4 inputs: products of powers 1 and 2 of two inputs, of any three and of all four;
/// - 5 or 6 inputs: products of two inputs;
/// - 7 to 10: a cubic polynomial in each input (no knots) and products of two inputs;
/// - more: a cubic polynomial in each input, no interactions (an additive approximation).
///
/// So a single input gets the same basis as [`spline`], the basis of a group of up to six
/// contains that of each of its inputs, and no basis has more than 76 columns (58 for four
/// inputs), which keeps a fit at O(n p^2) with small p.
pub fn group_basis(inputs: &[&[f64]]) -> Vec<Vec<f64>> {
    let n = inputs.first().map_or(0, |c| c.len());
    let xs: Vec<Vec<f64>> = inputs.iter().map(|c| scaled(c)).collect();
    let m = xs.len();
    let knots = if m <= 6 { SPLINE_KNOTS } else { 0 };
    let mut out = vec![vec![1.0; n]];
    for x in &xs {
        out.extend(spline_columns(x, knots));
    }
    let power = |x: &[f64], p: i32| x.iter().map(|v| v.powi(p)).collect::<Vec<f64>>();
    let degree = match m {
        0 | 1 => 0,
        2 | 3 => 3,
        4 => 2,
        5..=10 => 1,
        _ => 0,
    };
    for a in 0..m {
        for b in a + 1..m {
            for pa in 1..=degree {
                for pb in 1..=degree {
                    out.push(product(&power(&xs[a], pa), &power(&xs[b], pb)));
                }
            }
        }
    }
    if (3..=4).contains(&m) {
        for a in 0..m {
            for b in a + 1..m {
                for c in b + 1..m {
                    out.push(product(&product(&xs[a], &xs[b]), &xs[c]));
                }
            }
        }
    }
    if m == 4 {
        out.push(product(&product(&xs[0], &xs[1]), &product(&xs[2], &xs[3])));
    }
    out
}

/// One input's cubic-spline EVPPI for a decision, and the R^2 of each option's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct SplineFit {
    pub evppi: Estimate,
    /// Per option other than "do nothing": the share of its variance the fit explains.
    pub r2: Vec<f64>,
}

/// Share of the variance of `y` explained by fitted values `g` (0 when y is constant).
fn r_squared(y: &[f64], g: &[f64]) -> f64 {
    let m = mean(y);
    let tss: f64 = y.iter().map(|v| (v - m) * (v - m)).sum();
    if tss <= 0.0 {
        return 0.0;
    }
    let rss: f64 = y.iter().zip(g).map(|(a, b)| (a - b) * (a - b)).sum();
    (1.0 - rss / tss).clamp(0.0, 1.0)
}

/// Single-input EVPPI of each decision by a cubic regression spline (the basis of
/// [`group_basis`] for one input, so exactly [`group`] of that one input), with the same
/// bootstrap standard errors, and the R^2 of each option's fit.
pub fn spline(x: &[f64], problems: &[Problem], boot: Bootstrap) -> Vec<SplineFit> {
    regression(&[x], problems, boot)
}

/// Solves A c = b for a symmetric positive definite A (row-major, size w) by Cholesky, with a
/// tiny ridge added when A is numerically singular (a bootstrap replicate that misses the
/// support of a basis column). Returns `None` if even that fails.
fn solve_spd(a: &[f64], rhs: &[Vec<f64>], w: usize) -> Option<Vec<Vec<f64>>> {
    let trace: f64 = (0..w).map(|i| a[i * w + i]).sum();
    for ridge in [0.0, 1e-10, 1e-7] {
        let mut l = vec![0.0; w * w];
        let mut ok = true;
        'outer: for i in 0..w {
            for j in 0..=i {
                let mut s = a[i * w + j];
                if i == j {
                    s += ridge * trace / w as f64;
                }
                for k in 0..j {
                    s -= l[i * w + k] * l[j * w + k];
                }
                if i == j {
                    if s <= 1e-14 * trace / w as f64 {
                        ok = false;
                        break 'outer;
                    }
                    l[i * w + i] = s.sqrt();
                } else {
                    l[i * w + j] = s / l[j * w + j];
                }
            }
        }
        if !ok {
            continue;
        }
        let solve = |b: &Vec<f64>| {
            let mut y = b.clone();
            for i in 0..w {
                for k in 0..i {
                    y[i] -= l[i * w + k] * y[k];
                }
                y[i] /= l[i * w + i];
            }
            for i in (0..w).rev() {
                for k in i + 1..w {
                    y[i] -= l[k * w + i] * y[k];
                }
                y[i] /= l[i * w + i];
            }
            y
        };
        return Some(rhs.iter().map(solve).collect());
    }
    None
}

/// EVPPI of a group of inputs for each decision, by least squares on [`group_basis`], with
/// bootstrap standard errors (each replicate refits on the resampled iterations: weighted
/// normal equations in the orthonormal basis, which are well conditioned). Replicates run in
/// parallel; each is computed alone and they are combined in order, so the result does not
/// depend on threads. Cost: O(n p^2) per replicate for p basis columns.
pub fn group(inputs: &[&[f64]], problems: &[Problem], boot: Bootstrap) -> Vec<Estimate> {
    regression(inputs, problems, boot)
        .into_iter()
        .map(|f| f.evppi)
        .collect()
}

/// The regression behind [`group`] and [`spline`]: EVPPI with bootstrap SE, and R^2 per option.
fn regression(inputs: &[&[f64]], problems: &[Problem], boot: Bootstrap) -> Vec<SplineFit> {
    let q = orthonormalise(&group_basis(inputs));
    let w = q.width;
    let fit_all = |weights: Option<&[u32]>| -> Vec<f64> {
        let targets: Vec<&Vec<f64>> = problems.iter().flat_map(|p| &p.incremental).collect();
        let coefs: Vec<Vec<f64>> = match weights {
            None => targets.iter().map(|y| q.project(y)).collect(),
            Some(wt) => {
                let mut a = vec![0.0; w * w];
                let mut rhs = vec![vec![0.0; w]; targets.len()];
                for i in 0..q.n {
                    if wt[i] == 0 {
                        continue;
                    }
                    let f = f64::from(wt[i]);
                    let r = q.row(i);
                    for j in 0..w {
                        let fj = f * r[j];
                        a[j * w + j..(j + 1) * w]
                            .iter_mut()
                            .zip(&r[j..])
                            .for_each(|(x, y)| *x += fj * y);
                    }
                    for (b, y) in rhs.iter_mut().zip(&targets) {
                        let fy = f * y[i];
                        b.iter_mut().zip(r).for_each(|(bj, rj)| *bj += fy * rj);
                    }
                }
                for j in 0..w {
                    for k in 0..j {
                        a[j * w + k] = a[k * w + j];
                    }
                }
                match solve_spd(&a, &rhs, w) {
                    Some(c) => c,
                    None => return vec![f64::NAN; problems.len()],
                }
            }
        };
        let mut c = coefs.into_iter();
        problems
            .iter()
            .map(|p| {
                let fitted: Vec<Vec<f64>> = p
                    .incremental
                    .iter()
                    .map(|_| q.fitted_where(&c.next().unwrap_or_default(), weights))
                    .collect();
                evppi_from_fitted(&fitted, weights)
            })
            .collect()
    };
    let values = fit_all(None);
    let r2: Vec<Vec<f64>> = problems
        .iter()
        .map(|p| {
            p.incremental
                .iter()
                .map(|y| r_squared(y, &q.fitted(&q.project(y))))
                .collect()
        })
        .collect();
    let reps: Vec<Vec<f64>> = (0..boot.replicates)
        .into_par_iter()
        .map(|b| fit_all(Some(&bootstrap_counts(q.n, boot.seed, b))))
        .collect();
    values
        .iter()
        .zip(r2)
        .enumerate()
        .map(|(j, (&value, r2))| {
            let r: Vec<f64> = reps
                .iter()
                .map(|r| r[j])
                .filter(|v| v.is_finite())
                .collect();
            SplineFit {
                evppi: Estimate { value, se: sd(&r) },
                r2,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::StandardNormal;

    /// Uniform(0, 1) and standard normal draws from a fixed stream.
    fn draws(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = SplitMix64::seed_from_u64(seed);
        let u = (0..n).map(|_| rng.random::<f64>()).collect();
        let z = (0..n).map(|_| rng.sample(StandardNormal)).collect();
        (u, z)
    }

    const BOOT: Bootstrap = Bootstrap {
        replicates: 100,
        seed: 7,
    };

    /// Closed form of E[max(0, a + b U)] - max(0, a + b/2) for U uniform on [0, 1], b > 0.
    fn linear_uniform(a: f64, b: f64) -> f64 {
        // E[max(0, a + bU)] = integral over u > -a/b of (a + b u) du.
        let u0 = (-a / b).clamp(0.0, 1.0);
        let e = a * (1.0 - u0) + b * (1.0 - u0 * u0) / 2.0;
        e - (a + b / 2.0).max(0.0)
    }

    #[test]
    fn evpi_is_exactly_zero_when_one_option_always_wins() {
        let p = Problem {
            incremental: vec![vec![1.0, 2.0, 3.0], vec![0.5, 1.0, 2.9]],
        };
        assert_eq!(
            evpi(&p),
            Estimate {
                value: 0.0,
                se: 0.0
            }
        );
        assert_eq!(p.prob_best(), [0.0, 1.0, 0.0]);
    }

    #[test]
    fn evpi_of_a_hand_worked_case() {
        // Options: do nothing (0) and x. Best on average: x (mean 1). Losses: 1 at x = -1.
        let p = Problem {
            incremental: vec![vec![-1.0, 1.0, 3.0]],
        };
        let e = evpi(&p);
        assert!((e.value - 1.0 / 3.0).abs() < 1e-15);
        // Losses (1, 0, 0): sd 0.57735, se = sd / sqrt 3.
        assert!((e.se - (1.0f64 / 3.0).sqrt() / 3.0f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn evpi_of_a_two_input_linear_case_matches_the_closed_form() {
        // NB = a + b1 U1 + b2 U2 with U1, U2 uniform: EVPI = E[max(0, NB)] - max(0, E NB),
        // computed here by a fine grid; the Monte Carlo estimate is within 2% of it.
        let n = 200_000;
        let (u1, _) = draws(n, 1);
        let (u2, _) = draws(n, 2);
        let (a, b1, b2) = (-1.0, 1.5, 1.0);
        let nb: Vec<f64> = (0..n).map(|i| a + b1 * u1[i] + b2 * u2[i]).collect();
        let e = evpi(&Problem {
            incremental: vec![nb],
        });
        let g = 2000;
        let mut exact = 0.0;
        for i in 0..g {
            for j in 0..g {
                let v = a + b1 * (i as f64 + 0.5) / g as f64 + b2 * (j as f64 + 0.5) / g as f64;
                exact += v.max(0.0);
            }
        }
        exact = exact / (g * g) as f64 - (a + b1 / 2.0 + b2 / 2.0).max(0.0);
        assert!(
            (e.value - exact).abs() < 0.02 * exact,
            "{} vs {exact} (se {})",
            e.value,
            e.se
        );
    }

    #[test]
    fn single_input_evppi_of_a_linear_case_matches_the_closed_form() {
        // NB = a + b U + noise: EVPPI(U) is the closed form of the noiseless line.
        let n = 10_000;
        let (u, z) = draws(n, 3);
        let (a, b, s) = (-0.5, 1.0, 0.2);
        let nb: Vec<f64> = (0..n).map(|i| a + b * u[i] + s * z[i]).collect();
        let p = [Problem {
            incremental: vec![nb],
        }];
        let exact = linear_uniform(a, b);
        let sab = blocks(&u, &p, default_blocks(n), BOOT)[0];
        let spl = spline(&u, &p, BOOT)[0].evppi;
        let grp = group(&[&u], &p, BOOT)[0];
        for (what, e) in [("blocks", sab), ("spline", spl), ("group", grp)] {
            let err = (e.value - exact).abs();
            assert!(
                err < 0.02 * exact || err < 3.0 * e.se,
                "{what}: {} vs {exact} (se {})",
                e.value,
                e.se
            );
            assert!(e.se > 0.0 && e.se < 0.1 * exact, "{what}: se {}", e.se);
        }
        // The spline on one input is the group regression of that input.
        assert!((spl.value - grp.value).abs() < 1e-9 * exact);
    }

    #[test]
    fn an_input_that_does_not_matter_is_worth_little_and_explains_nothing() {
        let n = 4_000;
        let (u, z) = draws(n, 4);
        let (v, _) = draws(n, 5);
        let nb: Vec<f64> = (0..n).map(|i| 2.0 * u[i] - 1.0 + 0.1 * z[i]).collect();
        let p = [Problem {
            incremental: vec![nb],
        }];
        let evpi = evpi(&p[0]).value;
        let fit = &spline(&v, &p, BOOT)[0];
        assert!(fit.evppi.value < 0.05 * evpi, "{}", fit.evppi.value);
        assert!(fit.r2[0] < 0.01);
        let full = &spline(&u, &p, BOOT)[0];
        // Var(2U) = 1/3 against noise 0.01: R^2 about 0.97.
        assert!((full.r2[0] - (1.0 / 3.0) / (1.0 / 3.0 + 0.01)).abs() < 0.01);
    }

    #[test]
    fn group_evppi_of_an_interaction_and_nesting() {
        // NB = U1 U2 - 0.3 + noise: neither input alone settles the decision, both together do.
        let n = 8_000;
        let (u1, z) = draws(n, 6);
        let (u2, _) = draws(n, 7);
        let nb: Vec<f64> = (0..n).map(|i| u1[i] * u2[i] - 0.3 + 0.05 * z[i]).collect();
        let p = [Problem {
            incremental: vec![nb],
        }];
        let total = evpi(&p[0]);
        let both = group(&[&u1, &u2], &p, BOOT)[0];
        let one = group(&[&u1], &p, BOOT)[0];
        // Exact for the noiseless surface: E[max(0, U1 U2 - 0.3)] - max(0, 0.25 - 0.3).
        // Integral over u1 > 0.3 of (u1/2 - 0.3 + 0.045/u1) du1.
        let exact = (1.0 - 0.09) / 4.0 - 0.3 * 0.7 + 0.045 * (1.0f64 / 0.3).ln();
        assert!(
            (both.value - exact).abs() < 0.02 * exact + 3.0 * both.se,
            "{} vs {exact} (se {})",
            both.value,
            both.se
        );
        assert!(one.value <= both.value + 2.0 * both.se);
        assert!(both.value <= total.value + 2.0 * total.se);
    }

    #[test]
    fn dependent_and_constant_columns_are_dropped() {
        let (a, _) = draws(100, 8);
        let b: Vec<f64> = a.iter().map(|v| 1.0 - v).collect();
        let c = vec![3.0; 100];
        let (d, _) = draws(100, 9);
        assert_eq!(independent_columns(&[&a, &b, &c, &d]), [0, 3]);
        let q = orthonormalise(&group_basis(&[&a, &d]));
        for j in 0..q.width {
            for k in 0..q.width {
                let dot: f64 = (0..q.n)
                    .map(|i| q.rows[i * q.width + j] * q.rows[i * q.width + k])
                    .sum();
                assert!((dot - f64::from(u8::from(j == k))).abs() < 1e-10);
            }
        }
    }

    #[test]
    fn bootstrap_counts_add_up_and_are_fixed_by_the_seed() {
        let c = bootstrap_counts(1000, 3, 5);
        assert_eq!(c.iter().sum::<u32>(), 1000);
        assert_eq!(c, bootstrap_counts(1000, 3, 5));
        assert_ne!(c, bootstrap_counts(1000, 3, 6));
    }

    #[test]
    fn unit_weights_give_the_unweighted_estimates() {
        let n = 500;
        let (u, z) = draws(n, 10);
        let nb: Vec<f64> = (0..n).map(|i| u[i] - 0.4 + z[i]).collect();
        let p = [Problem {
            incremental: vec![nb],
        }];
        let sorted = Sorted::new(&u, &p);
        let ones = vec![1u32; n];
        assert_eq!(sorted.evppi(None, 22), sorted.evppi(Some(&ones), 22));
        // Doubling every weight changes nothing either.
        let twos = vec![2u32; n];
        assert!((sorted.evppi(None, 22)[0] - sorted.evppi(Some(&twos), 22)[0]).abs() < 1e-15);
    }

    #[test]
    fn sort_and_block_by_hand() {
        // Input 1..4, net benefit (-3, -1, 1, 5): two blocks give means -2 and 3, so the
        // EVPPI is (0 + 3) / 2 - max(0, 0.5) = 1.
        let x = [4.0, 1.0, 3.0, 2.0];
        let p = [Problem {
            incremental: vec![vec![5.0, -3.0, 1.0, -1.0]],
        }];
        assert_eq!(Sorted::new(&x, &p).evppi(None, 2), [1.0]);
        // Four blocks of one: perfect information about the net benefit itself, the EVPI.
        assert_eq!(Sorted::new(&x, &p).evppi(None, 4)[0], evpi(&p[0]).value);
    }
}
