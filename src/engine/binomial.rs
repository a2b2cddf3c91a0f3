//! Binomial sampling: the engine's one hot primitive.
//!
//! Every event of the model is a binomial draw, almost always from a fresh stream with new
//! `n` and `p`, so the sampler must be cheap to set up as well as to draw. Two exact methods:
//!
//! - **Inversion** (BINV, Kachitvichyanukul and Schmeiser 1988) when `n * min(p, 1-p) < 10`:
//!   walk the cumulative distribution from 0; about `n p + 1` steps.
//! - **BTRS** (transformed rejection with squeeze, Hörmann 1993, "The generation of binomial
//!   random variates", J. Stat. Comput. Simul. 46) otherwise: O(1) expected time, no table, a
//!   setup of a few arithmetic operations; the cheap squeeze accepts most proposals (73% of
//!   those the gm-sized bench scenario makes; the paper's 86% is its limit for large variance),
//!   the rest go to an exact test of the density ratio (see [`exact_accept`]).
//!
//! Both draw from the exact binomial distribution (tests compare them with the exact pmf).
//! `rand_distr::Binomial` (BTPE) is exact too, but its per-call setup costs more than a whole
//! BTRS draw when, as here, every draw has its own `n` and `p`.

use rand::Rng;

/// Below this `n * min(p, 1 - p)` the sampler uses inversion.
const INVERSION_BELOW: f64 = 10.0;

/// A uniform number in [0, 1) with 53 random bits.
#[inline]
fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One draw from Binomial(n, p). `p` outside [0, 1] is clamped; NaN gives 0.
pub fn binomial<R: Rng + ?Sized>(n: u64, p: f64, rng: &mut R) -> u64 {
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(n, 1.0 - p, rng);
    }
    if (n as f64) * p < INVERSION_BELOW {
        inversion(n, p, rng)
    } else {
        btrs(n, p, rng)
    }
}

/// Sequential search of the CDF (p <= 0.5, n p < 10).
fn inversion<R: Rng + ?Sized>(n: u64, p: f64, rng: &mut R) -> u64 {
    let q = 1.0 - p;
    let s = p / q;
    let a = (n as f64 + 1.0) * s;
    // P(X = 0) = q^n, computed without losing precision for tiny p.
    let r0 = ((n as f64) * (-p).ln_1p()).exp();
    loop {
        let mut u = uniform(rng);
        let mut r = r0;
        let mut x = 0u64;
        loop {
            if u < r {
                return x;
            }
            u -= r;
            x += 1;
            if x > n {
                break; // rounding left u above the total mass: draw again
            }
            r *= a / x as f64 - s;
            if r <= 0.0 {
                break;
            }
        }
    }
}

/// log(k!) - Stirling's approximation of it, for whole k >= 0.
fn stirling_tail(k: f64) -> f64 {
    const TAIL: [f64; 10] = [
        0.081_061_466_795_327_2,
        0.041_340_695_955_409_2,
        0.027_677_925_684_998_3,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_1,
        0.013_876_128_823_070_7,
        0.011_896_709_945_891_7,
        0.010_411_265_261_972_0,
        0.009_255_462_182_712_73,
        0.008_330_563_433_362_87,
    ];
    if k <= 9.0 {
        return TAIL[k as usize];
    }
    let kp1 = k + 1.0;
    let kp1sq = kp1 * kp1;
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / kp1sq) / kp1sq) / kp1
}

/// Transformed rejection with squeeze (p <= 0.5, n p >= 10).
fn btrs<R: Rng + ?Sized>(n: u64, p: f64, rng: &mut R) -> u64 {
    let nf = n as f64;
    let spq = (nf * p * (1.0 - p)).sqrt();
    let b = 1.15 + 2.53 * spq;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = nf * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    loop {
        let u = uniform(rng) - 0.5;
        let v = uniform(rng);
        let us = 0.5 - u.abs();
        let t = (2.0 * a / us + b) * u + c;
        if !(0.0..nf + 1.0).contains(&t) {
            continue;
        }
        let k = t as u64;
        if us >= 0.07 && v <= v_r {
            return k;
        }
        if exact_accept(n, p, k, v, us, a, b, spq) {
            return k;
        }
    }
}

/// BTRS's exact test of a proposal `k` that the squeeze did not accept: whether
/// `v * alpha / (a / us^2 + b) <= f(k) / f(m)`, `f` the binomial pmf and `m` its mode. Kept
/// out of line (about one proposal in four reaches it): inlined, the compiler computes its
/// divisions for every draw.
///
/// Within 20 of the mode the ratio is the product of the pmf's successive ratios (no
/// logarithm); farther, BTPE's bounds on its logarithm (Kachitvichyanukul and Schmeiser 1988,
/// step 5.2) settle most proposals with one logarithm, and Stirling's series settles the rest.
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn exact_accept(n: u64, p: f64, k: u64, v: f64, us: f64, a: f64, b: f64, spq: f64) -> bool {
    let nf = n as f64;
    let q = 1.0 - p;
    let r = p / q;
    let alpha = (2.83 + 5.1 / b) * spq;
    let mi = ((nf + 1.0) * p) as u64;
    // Accept when v <= f(k) / f(m), f the binomial pmf and m its mode.
    let v = v * alpha / (a / (us * us) + b);
    let gap = k.abs_diff(mi);
    if gap <= 20 {
        // f(k) / f(m) as the product of the pmf's successive ratios: no logarithm.
        let (mut num, mut den) = (1.0f64, 1.0f64);
        if k > mi {
            for i in mi + 1..=k {
                num *= (n - i + 1) as f64 * r;
                den *= i as f64;
            }
        } else {
            for i in k + 1..=mi {
                num *= i as f64;
                den *= (n - i + 1) as f64 * r;
            }
        }
        return v * den <= num;
    }
    let lv = v.ln();
    let npq = spq * spq;
    let g = gap as f64;
    if g < npq / 2.0 - 1.0 {
        let rho = (g / npq) * ((g * (g / 3.0 + 0.625) + 1.0 / 6.0) / npq + 0.5);
        let t = -g * g / (2.0 * npq);
        if lv < t - rho {
            return true;
        }
        if lv > t + rho {
            return false;
        }
    }
    lv <= log_ratio(nf, r, mi as f64, k as f64)
}

/// `ln(f(k) / f(m))` for the binomial pmf `f` of `n` trials with odds `r = p / (1 - p)`, by
/// Stirling's series (BTRS's exact test).
fn log_ratio(n: f64, r: f64, m: f64, k: f64) -> f64 {
    (m + 0.5) * ((m + 1.0) / (r * (n - m + 1.0))).ln()
        + stirling_tail(m)
        + stirling_tail(n - m)
        + (n + 1.0) * ((n - m + 1.0) / (n - k + 1.0)).ln()
        + (k + 0.5) * (r * (n - k + 1.0) / (k + 1.0)).ln()
        - stirling_tail(k)
        - stirling_tail(n - k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;
    use statrs::distribution::{Binomial as Exact, ChiSquared, ContinuousCDF, Discrete};
    use statrs::function::gamma::ln_gamma;

    #[test]
    fn stirling_tail_matches_log_factorial() {
        for k in 0..200 {
            let k = k as f64;
            let stirling =
                (k + 0.5) * (k + 1.0).ln() - (k + 1.0) + 0.5 * (2.0 * std::f64::consts::PI).ln();
            assert!(
                (ln_gamma(k + 1.0) - stirling - stirling_tail(k)).abs() < 1e-10,
                "k = {k}"
            );
        }
    }

    /// The exact test as BTRS states it: the log-density ratio by Stirling's series.
    #[allow(clippy::too_many_arguments)]
    fn stirling_test(n: u64, p: f64, k: u64, v: f64, us: f64, a: f64, b: f64, spq: f64) -> f64 {
        let nf = n as f64;
        let r = p / (1.0 - p);
        let alpha = (2.83 + 5.1 / b) * spq;
        let m = ((nf + 1.0) * p) as u64 as f64;
        log_ratio(nf, r, m, k as f64) - (v * alpha / (a / (us * us) + b)).ln()
    }

    #[test]
    fn the_exact_test_decides_as_stirlings_series_does_by_every_route() {
        // Proposals near and far from the mode, in and out of BTPE's squeeze range: every
        // decision equals the plain Stirling test's, bar those within 1e-9 of its boundary.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let (mut near, mut far, mut close) = (0, 0, 0);
        for &(n, p) in &[
            (60u64, 0.3),
            (2_000, 0.05),
            (175_000, 0.09),
            (10_000_000, 0.4),
        ] {
            let nf = n as f64;
            let spq = (nf * p * (1.0 - p)).sqrt();
            let b = 1.15 + 2.53 * spq;
            let a = -0.0873 + 0.0248 * b + 0.01 * p;
            let m = ((nf + 1.0) * p) as u64;
            for _ in 0..20_000 {
                let us = 0.001 + 0.499 * uniform(&mut rng);
                let v = uniform(&mut rng);
                let spread = (6.0 * spq) as u64 + 30;
                let k = (m + (rng.next_u64() % (2 * spread)))
                    .saturating_sub(spread)
                    .min(n);
                let margin = stirling_test(n, p, k, v, us, a, b, spq);
                if margin.abs() < 1e-9 {
                    close += 1;
                    continue;
                }
                if k.abs_diff(m) <= 20 {
                    near += 1;
                } else {
                    far += 1;
                }
                assert_eq!(
                    exact_accept(n, p, k, v, us, a, b, spq),
                    margin >= 0.0,
                    "n {n}, p {p}, k {k}, v {v}, us {us}"
                );
            }
        }
        assert!(
            near > 1_000 && far > 1_000 && close < 10,
            "{near} {far} {close}"
        );
    }

    #[test]
    fn edge_cases_are_exact() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        assert_eq!(binomial(0, 0.3, &mut rng), 0);
        assert_eq!(binomial(10, 0.0, &mut rng), 0);
        assert_eq!(binomial(10, 1.0, &mut rng), 10);
        assert_eq!(binomial(10, f64::NAN, &mut rng), 0);
        for _ in 0..1000 {
            assert!(binomial(7, 0.999, &mut rng) <= 7);
            assert!(binomial(1_000_000_000, 0.5, &mut rng) <= 1_000_000_000);
        }
    }

    /// Pearson chi-square test of the draws against the exact pmf, at alpha = 0.001, with
    /// cells pooled so each expects at least 5 draws.
    fn chi_square_p_value(n: u64, p: f64, draws: usize, seed: u64) -> f64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let exact = Exact::new(p, n).unwrap();
        let mean = n as f64 * p;
        let sd = (mean * (1.0 - p)).sqrt();
        let lo = (mean - 8.0 * sd).floor().max(0.0) as u64;
        let hi = ((mean + 8.0 * sd).ceil() as u64).min(n);
        let mut counts = vec![0usize; (hi - lo + 1) as usize];
        for _ in 0..draws {
            let k = binomial(n, p, &mut rng).clamp(lo, hi);
            counts[(k - lo) as usize] += 1;
        }
        // Expected counts, tails folded into the end cells.
        let mut expected: Vec<f64> = (lo..=hi).map(|k| exact.pmf(k) * draws as f64).collect();
        expected[0] += (0..lo).map(|k| exact.pmf(k)).sum::<f64>() * draws as f64;
        let last = expected.len() - 1;
        expected[last] +=
            (1.0 - (0..=hi).map(|k| exact.pmf(k)).sum::<f64>()).max(0.0) * draws as f64;
        let (mut stat, mut cells, mut e_acc, mut o_acc) = (0.0, 0, 0.0, 0.0);
        for (o, e) in counts.iter().zip(&expected) {
            e_acc += e;
            o_acc += *o as f64;
            if e_acc >= 5.0 {
                stat += (o_acc - e_acc).powi(2) / e_acc;
                cells += 1;
                e_acc = 0.0;
                o_acc = 0.0;
            }
        }
        if e_acc > 0.0 {
            stat += (o_acc - e_acc).powi(2) / e_acc.max(1e-300);
            cells += 1;
        }
        let dof = (cells - 1).max(1) as f64;
        1.0 - ChiSquared::new(dof).unwrap().cdf(stat)
    }

    #[test]
    fn draws_follow_the_exact_binomial_distribution() {
        // Both methods and the switch between them, small and large n, p on both sides of 0.5.
        let cases = [
            (1, 0.3),
            (5, 0.5),
            (20, 0.1),
            (40, 0.24),
            (40, 0.26),
            (100, 0.099),
            (100, 0.101),
            (1_000, 0.004),
            (5_000, 0.4),
            (26_250, 0.05),
            (122_500, 0.84),
            (300_000, 0.0001),
            (10_000_000, 0.3),
        ];
        for (i, (n, p)) in cases.into_iter().enumerate() {
            let pv = chi_square_p_value(n, p, 200_000, 100 + i as u64);
            assert!(pv > 0.001, "Binomial({n}, {p}): chi-square p-value {pv}");
        }
    }

    #[test]
    fn mean_and_variance_are_right_within_4_standard_errors() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for (n, p) in [(50u64, 0.2), (350_000, 0.03), (2_000, 0.7)] {
            let draws = 100_000;
            let xs: Vec<f64> = (0..draws)
                .map(|_| binomial(n, p, &mut rng) as f64)
                .collect();
            let mean = xs.iter().sum::<f64>() / draws as f64;
            let var = n as f64 * p * (1.0 - p);
            let se = (var / draws as f64).sqrt();
            assert!(
                (mean - n as f64 * p).abs() < 4.0 * se,
                "Binomial({n}, {p}) mean {mean}"
            );
            let sample_var =
                xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (draws - 1) as f64;
            // se of a sample variance is about var * sqrt(2 / draws) for near-normal data.
            assert!((sample_var - var).abs() < 4.0 * var * (2.0 / draws as f64).sqrt());
        }
    }
}
