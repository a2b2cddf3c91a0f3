//! Exact hypergeometric draws: how many of `k` members drawn without replacement from a
//! population of `n` come from a group of `n1`.
//!
//! Where the distribution is concentrated near its lower end (mode less than 10 above it) the
//! draw is by inversion from the lower end, whose probability is computed with log-gamma in
//! constant time; elsewhere it is `rand_distr`'s H2PE rejection sampler (Kachitvichyanukul and
//! Schmeiser 1985), whose set-up is constant time there. `rand_distr`'s own inversion branch is
//! not used: its set-up loops over the whole population, which is slow for a region's families.

use rand::Rng;
use rand_distr::{Distribution, Hypergeometric};
use statrs::function::gamma::ln_gamma;

/// Mode above the lower end below which inversion is used (as in H2PE's paper).
const INVERSION_BELOW: f64 = 10.0;

fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn ln_choose(n: u64, k: u64) -> f64 {
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// One draw: members of the group of `n1` among `k` drawn from `n` (requires `n1, k <= n`;
/// larger arguments are clamped).
pub fn hypergeometric<R: Rng + ?Sized>(n: u64, n1: u64, k: u64, rng: &mut R) -> u64 {
    let n1 = n1.min(n);
    let k = k.min(n);
    // Reduce to a group and a draw of at most half the population, by symmetry, so that the
    // choice of method below is the one `rand_distr` would make (it reduces the same way).
    if n1 > n / 2 {
        return k - hypergeometric(n, n - n1, k, rng);
    }
    if k > n / 2 {
        return n1 - hypergeometric(n, n1, n - k, rng);
    }
    let n2 = n - n1;
    let lo = k.saturating_sub(n2);
    let hi = k.min(n1);
    if lo == hi {
        return lo;
    }
    let mode = ((k + 1) as f64 * (n1 + 1) as f64 / (n + 2) as f64).floor();
    if mode - lo as f64 >= INVERSION_BELOW
        && let Ok(h) = Hypergeometric::new(n, n1, k)
    {
        return h.sample(rng);
    }
    // Inversion from the lower end: P(lo), then P(x + 1) / P(x).
    let mut p = (ln_choose(n1, lo) + ln_choose(n2, k - lo) - ln_choose(n, k)).exp();
    let mut u = uniform(rng);
    let mut x = lo;
    while x < hi && u >= p {
        u -= p;
        let xf = x as f64;
        p *= (n1 as f64 - xf) * (k as f64 - xf) / ((xf + 1.0) * (n2 as f64 - k as f64 + xf + 1.0));
        x += 1;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Event, stream};

    /// Exact pmf by the same ratios, from the lower end, normalised.
    fn pmf(n: u64, n1: u64, k: u64) -> Vec<(u64, f64)> {
        let n2 = n - n1;
        let lo = k.saturating_sub(n2);
        let hi = k.min(n1);
        let mut out = vec![(
            lo,
            (ln_choose(n1, lo) + ln_choose(n2, k - lo) - ln_choose(n, k)).exp(),
        )];
        for x in lo..hi {
            let (_, p) = *out.last().unwrap();
            let xf = x as f64;
            out.push((
                x + 1,
                p * (n1 as f64 - xf) * (k as f64 - xf)
                    / ((xf + 1.0) * (n2 as f64 - k as f64 + xf + 1.0)),
            ));
        }
        out
    }

    /// Chi-square goodness of fit against the exact pmf, cells with expected count >= 5 (the
    /// rest pooled), at the 0.1% level (critical values from the Wilson-Hilferty approximation).
    fn fits(n: u64, n1: u64, k: u64) {
        let draws = 20_000;
        let mut rng = stream(42, n ^ (n1 << 20) ^ (k << 40), 0, Event::Parameters);
        let probs = pmf(n, n1, k);
        let lo = probs[0].0;
        let mut counts = vec![0u64; probs.len()];
        for _ in 0..draws {
            let x = hypergeometric(n, n1, k, &mut rng);
            assert!(x >= lo && x <= probs.last().unwrap().0, "{x} out of range");
            counts[(x - lo) as usize] += 1;
        }
        let (mut chi2, mut cells) = (0.0, 0);
        let (mut pooled_obs, mut pooled_exp) = (0.0, 0.0);
        for ((_, p), c) in probs.iter().zip(&counts) {
            let e = p * draws as f64;
            if e >= 5.0 {
                chi2 += (*c as f64 - e).powi(2) / e;
                cells += 1;
            } else {
                pooled_obs += *c as f64;
                pooled_exp += e;
            }
        }
        if pooled_exp > 0.0 {
            chi2 += (pooled_obs - pooled_exp).powi(2) / pooled_exp.max(1e-9);
            cells += 1;
        }
        let df = (cells - 1) as f64;
        let z = 3.09; // 0.1% upper tail
        let critical = df * (1.0 - 2.0 / (9.0 * df) + z * (2.0 / (9.0 * df)).sqrt()).powi(3);
        assert!(
            chi2 < critical,
            "HG({n}, {n1}, {k}): chi2 {chi2} >= {critical} on {df} df"
        );
    }

    #[test]
    fn draws_follow_the_exact_distribution() {
        fits(20, 7, 5);
        fits(100_000, 300, 900); // inversion, large population
        fits(19_000, 1_000, 1_400); // H2PE
        fits(50, 45, 40); // lower end above zero
        fits(1_000_000, 999_000, 30);
    }

    #[test]
    fn degenerate_cases_are_exact() {
        let mut rng = stream(1, 2, 3, Event::CareExit);
        assert_eq!(hypergeometric(10, 0, 5, &mut rng), 0);
        assert_eq!(hypergeometric(10, 10, 5, &mut rng), 5);
        assert_eq!(hypergeometric(10, 4, 10, &mut rng), 4);
        assert_eq!(hypergeometric(10, 4, 0, &mut rng), 0);
    }
}
