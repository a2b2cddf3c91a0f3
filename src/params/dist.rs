//! Distributions of uncertain scalar inputs, with checked constructors.
//!
//! A [`Dist`] can only be built through [`Dist::new`], which refuses impossible parameters
//! (min > max, a non-positive sd, NaN, ...), so the engine never meets an invalid one. Every
//! distribution knows its exact mean (used by the fixed-mode base case) and its support (used
//! by validation to check that, say, a probability can never be drawn above 1).

use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, LogNormal, Pert, Triangular, Uniform};
use statrs::distribution::{Beta as BetaCdf, ContinuousCDF, Gamma as GammaCdf, Normal};
use statrs::statistics::Distribution as _;

/// The set of values a parameter may take: a probability, a non-negative amount, ...
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    pub lower: f64,
    pub upper: f64,
    /// Largest plausible mean: beyond it the figure is refused as absurd (a typo, wrong units).
    pub sane_mean_max: f64,
}

impl Domain {
    /// A probability or a share: [0, 1].
    pub const PROBABILITY: Domain = Domain::range(0.0, 1.0);
    /// Anything non-negative, with no plausibility limit.
    pub const NON_NEGATIVE: Domain = Domain::amount(f64::INFINITY);

    /// Values from `lower` to `upper`.
    pub const fn range(lower: f64, upper: f64) -> Domain {
        Domain {
            lower,
            upper,
            sane_mean_max: upper,
        }
    }

    /// A non-negative amount (a cost, a multiplier) whose mean must not exceed `sane_mean_max`;
    /// its distribution may still have a long upper tail (log-normal, gamma).
    pub const fn amount(sane_mean_max: f64) -> Domain {
        Domain {
            lower: 0.0,
            upper: f64::INFINITY,
            sane_mean_max,
        }
    }

    pub fn contains(&self, x: f64) -> bool {
        x >= self.lower && x <= self.upper
    }

    pub fn describe(&self) -> String {
        if self.upper.is_infinite() {
            format!("at least {}", self.lower)
        } else {
            format!("between {} and {}", self.lower, self.upper)
        }
    }
}

/// Why a distribution could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("{name} is {value}, but it must be a finite number")]
    NotFinite { name: &'static str, value: f64 },
    #[error("min ({min}) must be less than max ({max})")]
    MinNotBelowMax { min: f64, max: f64 },
    #[error("mode ({mode}) must lie between min ({min}) and max ({max})")]
    ModeOutside { min: f64, mode: f64, max: f64 },
    #[error("{name} must be greater than 0 (got {value})")]
    NotPositive { name: &'static str, value: f64 },
    #[error(
        "a beta distribution with mean {mean} and sd {sd} is impossible: the mean must lie in (0, 1) and sd^2 must be below mean x (1 - mean) = {limit}"
    )]
    BetaMoments { mean: f64, sd: f64, limit: f64 },
    #[error("{mean} is implausibly large here (more than {max}): check the figure and its units")]
    Implausible { mean: f64, max: f64 },
    #[error("the value {value} is out of range: this parameter must be {allowed}")]
    ValueOutside { value: f64, allowed: String },
    #[error(
        "the distribution can give values outside the allowed range: it is {support}, but this parameter must be {allowed}"
    )]
    OutsideDomain { support: String, allowed: String },
    #[error(
        "a normal distribution with mean {mean} and sd {sd} has almost no mass in the allowed range ({allowed}); check the figures"
    )]
    NoMassInDomain { mean: f64, sd: f64, allowed: String },
}

/// A distribution of one uncertain scalar input.
#[derive(Debug, Clone, PartialEq)]
pub struct Dist {
    kind: Kind,
}

/// The parameters of each family of distribution, as the analyst wrote them.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    Fixed(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Normal, truncated to the parameter's domain (for example at zero for a cost).
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Log-normal given by the mean and sd of the quantity itself (not of its log).
    LogNormal {
        mean: f64,
        sd: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Fixed(f64),
    Uniform(Uniform<f64>, f64, f64),
    Triangular(Triangular<f64>, [f64; 3]),
    Pert(Pert<f64>, [f64; 3]),
    TruncNormal(TruncNormal),
    /// The distribution, its mean, and mu and sigma of its log.
    LogNormal(LogNormal<f64>, f64, f64, f64),
    Gamma(Gamma<f64>, f64, f64),
    Beta(Beta<f64>, f64, f64),
}

/// A normal distribution truncated to [lower, upper], sampled by inverting its CDF so that one
/// draw always uses exactly one uniform number (no rejection loop).
#[derive(Debug, Clone, PartialEq)]
struct TruncNormal {
    normal: Normal,
    cdf_lower: f64,
    cdf_upper: f64,
    mean: f64,
    lower: f64,
    upper: f64,
}

fn finite(name: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DistError::NotFinite { name, value })
    }
}

fn positive(name: &'static str, value: f64) -> Result<f64, DistError> {
    finite(name, value)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(DistError::NotPositive { name, value })
    }
}

fn range(min: f64, max: f64) -> Result<(), DistError> {
    finite("min", min)?;
    finite("max", max)?;
    if min < max {
        Ok(())
    } else {
        Err(DistError::MinNotBelowMax { min, max })
    }
}

fn with_mode(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    range(min, max)?;
    finite("mode", mode)?;
    if (min..=max).contains(&mode) {
        Ok(())
    } else {
        Err(DistError::ModeOutside { min, mode, max })
    }
}

impl Spec {
    /// The same distribution of `k` times the quantity (a weekly cost to a yearly one), or
    /// `None` for a beta, which is bounded to [0, 1].
    pub fn scaled(&self, k: f64) -> Option<Spec> {
        Some(match *self {
            Spec::Fixed(v) => Spec::Fixed(v * k),
            Spec::Uniform { min, max } => Spec::Uniform {
                min: min * k,
                max: max * k,
            },
            Spec::Triangular { min, mode, max } => Spec::Triangular {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Spec::Pert { min, mode, max } => Spec::Pert {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Spec::Normal { mean, sd } => Spec::Normal {
                mean: mean * k,
                sd: sd * k,
            },
            Spec::LogNormal { mean, sd } => Spec::LogNormal {
                mean: mean * k,
                sd: sd * k,
            },
            Spec::Gamma { shape, scale } => Spec::Gamma {
                shape,
                scale: scale * k,
            },
            Spec::Beta { .. } => return None,
        })
    }
}

impl Dist {
    /// The distribution in words, its figures written by `f`: "uniform from £70k to £100k".
    pub fn describe(&self, f: &dyn Fn(f64) -> String) -> String {
        match &self.kind {
            Kind::Fixed(v) => format!("fixed at {}", f(*v)),
            Kind::Uniform(_, a, b) => format!("uniform from {} to {}", f(*a), f(*b)),
            Kind::Triangular(_, [a, c, b]) => {
                format!(
                    "triangular from {} to {}, most likely {}",
                    f(*a),
                    f(*b),
                    f(*c)
                )
            }
            Kind::Pert(_, [a, c, b]) => {
                format!("PERT from {} to {}, most likely {}", f(*a), f(*b), f(*c))
            }
            Kind::TruncNormal(t) => format!(
                "normal with mean {} and sd {} before truncation to {}..{}",
                f(t.normal.mean().unwrap_or(f64::NAN)),
                f(t.normal.std_dev().unwrap_or(f64::NAN)),
                f(t.lower),
                if t.upper.is_finite() {
                    f(t.upper)
                } else {
                    "no upper limit".to_string()
                }
            ),
            Kind::LogNormal(_, mean, ..) => format!("log-normal with mean {}", f(*mean)),
            Kind::Gamma(_, k, theta) => {
                format!("gamma with shape {} and scale {}", round_sig(*k), f(*theta))
            }
            Kind::Beta(_, a, b) => format!(
                "beta with alpha {} and beta {}",
                round_sig(*a),
                round_sig(*b)
            ),
        }
    }
}

/// Four significant figures, for shape parameters in a description.
fn round_sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

impl Dist {
    /// A fixed value (no uncertainty).
    pub fn fixed(value: f64) -> Dist {
        Dist {
            kind: Kind::Fixed(value),
        }
    }

    /// Builds a distribution for a parameter that must stay inside `domain`.
    ///
    /// # Errors
    /// Impossible parameters (min >= max, sd <= 0, NaN, a mode outside the range) or a support
    /// that reaches outside the domain (a uniform from 0.5 to 1.5 for a probability).
    pub fn new(spec: &Spec, domain: Domain) -> Result<Dist, DistError> {
        let kind =
            match *spec {
                Spec::Fixed(v) => Kind::Fixed(finite("value", v)?),
                Spec::Uniform { min, max } => {
                    range(min, max)?;
                    let u = Uniform::new(min, max)
                        .map_err(|_| DistError::MinNotBelowMax { min, max })?;
                    Kind::Uniform(u, min, max)
                }
                Spec::Triangular { min, mode, max } => {
                    with_mode(min, mode, max)?;
                    let t = Triangular::new(min, max, mode)
                        .map_err(|_| DistError::ModeOutside { min, mode, max })?;
                    Kind::Triangular(t, [min, mode, max])
                }
                Spec::Pert { min, mode, max } => {
                    with_mode(min, mode, max)?;
                    let p = Pert::new(min, max)
                        .with_mode(mode)
                        .map_err(|_| DistError::ModeOutside { min, mode, max })?;
                    Kind::Pert(p, [min, mode, max])
                }
                Spec::Normal { mean, sd } => Kind::TruncNormal(TruncNormal::new(
                    finite("mean", mean)?,
                    positive("sd", sd)?,
                    domain,
                )?),
                Spec::LogNormal { mean, sd } => {
                    let (mean, sd) = (positive("mean", mean)?, positive("sd", sd)?);
                    let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                    let mu = mean.ln() - sigma2 / 2.0;
                    let d =
                        LogNormal::new(mu, sigma2.sqrt()).map_err(|_| DistError::NotPositive {
                            name: "sd",
                            value: sd,
                        })?;
                    Kind::LogNormal(d, mean, mu, sigma2.sqrt())
                }
                Spec::Gamma { shape, scale } => {
                    let (shape, scale) = (positive("shape", shape)?, positive("scale", scale)?);
                    let d = Gamma::new(shape, scale).map_err(|_| DistError::NotPositive {
                        name: "shape",
                        value: shape,
                    })?;
                    Kind::Gamma(d, shape, scale)
                }
                Spec::Beta { alpha, beta } => {
                    let (alpha, beta) = (positive("alpha", alpha)?, positive("beta", beta)?);
                    let d = Beta::new(alpha, beta).map_err(|_| DistError::NotPositive {
                        name: "alpha",
                        value: alpha,
                    })?;
                    Kind::Beta(d, alpha, beta)
                }
            };
        let dist = Dist { kind };
        let (lo, hi) = dist.support();
        if let Kind::Fixed(value) = dist.kind
            && !domain.contains(value)
        {
            return Err(DistError::ValueOutside {
                value,
                allowed: domain.describe(),
            });
        }
        if !(domain.contains(lo) && domain.contains(hi)) {
            return Err(DistError::OutsideDomain {
                support: dist.describe_support(),
                allowed: domain.describe(),
            });
        }
        if dist.mean() > domain.sane_mean_max {
            return Err(DistError::Implausible {
                mean: dist.mean(),
                max: domain.sane_mean_max,
            });
        }
        Ok(dist)
    }

    /// The beta distribution with the given mean and standard deviation (method of moments).
    ///
    /// # Errors
    /// When no beta distribution has these moments.
    pub fn beta_spec_from_moments(mean: f64, sd: f64) -> Result<Spec, DistError> {
        finite("mean", mean)?;
        positive("sd", sd)?;
        let limit = mean * (1.0 - mean);
        if !(mean > 0.0 && mean < 1.0 && sd * sd < limit) {
            return Err(DistError::BetaMoments { mean, sd, limit });
        }
        let k = limit / (sd * sd) - 1.0;
        Ok(Spec::Beta {
            alpha: mean * k,
            beta: (1.0 - mean) * k,
        })
    }

    /// The gamma distribution with the given mean and standard deviation.
    ///
    /// # Errors
    /// When the mean or sd is not positive and finite.
    pub fn gamma_spec_from_moments(mean: f64, sd: f64) -> Result<Spec, DistError> {
        let (mean, sd) = (positive("mean", mean)?, positive("sd", sd)?);
        Ok(Spec::Gamma {
            shape: (mean / sd).powi(2),
            scale: sd * sd / mean,
        })
    }

    /// True when the value is certain (a plain number in the scenario).
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }

    /// The exact mean of the distribution (of the truncated one, for a truncated normal).
    ///
    /// # Formula
    /// uniform (a+b)/2; triangular and PERT (a+c+b)/3 and (a+4c+b)/6; log-normal: its mean;
    /// gamma k*theta; beta a/(a+b); truncated normal mu + sigma (phi(alpha) - phi(beta)) / Z.
    pub fn mean(&self) -> f64 {
        match &self.kind {
            Kind::Fixed(v) => *v,
            Kind::Uniform(_, a, b) => (a + b) / 2.0,
            Kind::Triangular(_, [a, c, b]) => (a + c + b) / 3.0,
            Kind::Pert(_, [a, c, b]) => (a + 4.0 * c + b) / 6.0,
            Kind::TruncNormal(t) => t.mean,
            Kind::LogNormal(_, mean, ..) => *mean,
            Kind::Gamma(_, k, theta) => k * theta,
            Kind::Beta(_, a, b) => a / (a + b),
        }
    }

    /// Draws one value.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Fixed(v) => *v,
            Kind::Uniform(d, ..) => d.sample(rng),
            Kind::Triangular(d, _) => d.sample(rng),
            Kind::Pert(d, _) => d.sample(rng),
            Kind::TruncNormal(t) => t.sample(rng),
            Kind::LogNormal(d, ..) => d.sample(rng),
            Kind::Gamma(d, ..) => d.sample(rng),
            Kind::Beta(d, ..) => d.sample(rng),
        }
    }

    /// The smallest and largest values the distribution can give.
    pub fn support(&self) -> (f64, f64) {
        match &self.kind {
            Kind::Fixed(v) => (*v, *v),
            Kind::Uniform(_, a, b) => (*a, *b),
            Kind::Triangular(_, [a, _, b]) | Kind::Pert(_, [a, _, b]) => (*a, *b),
            Kind::TruncNormal(t) => (t.lower, t.upper),
            Kind::LogNormal(..) | Kind::Gamma(..) => (0.0, f64::INFINITY),
            Kind::Beta(..) => (0.0, 1.0),
        }
    }

    /// The `p`-quantile (0 <= p <= 1): the value below which a share `p` of draws fall.
    ///
    /// # Formula
    /// uniform `a + p (b - a)`; triangular by its closed-form inverse; PERT `a + (b - a) B(p)`
    /// with `B` the inverse of the beta(1 + 4 (c - a)/(b - a), 1 + 4 (b - c)/(b - a)) CDF;
    /// truncated normal `Phi^-1(Phi(l) + p (Phi(u) - Phi(l)))`; log-normal
    /// `exp(mu + sigma Phi^-1(p))`; gamma and beta by statrs' inverse CDFs. A fixed value is its
    /// own quantile.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        let (lo, hi) = self.support();
        let x = match &self.kind {
            Kind::Fixed(v) => *v,
            Kind::Uniform(_, a, b) => a + p * (b - a),
            Kind::Triangular(_, [a, c, b]) => {
                let split = (c - a) / (b - a);
                if p < split {
                    a + (p * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - p) * (b - a) * (b - c)).sqrt()
                }
            }
            Kind::Pert(_, [a, c, b]) => {
                let alpha = 1.0 + 4.0 * (c - a) / (b - a);
                let beta = 1.0 + 4.0 * (b - c) / (b - a);
                BetaCdf::new(alpha, beta).map_or(f64::NAN, |d| a + (b - a) * d.inverse_cdf(p))
            }
            Kind::TruncNormal(t) => t
                .normal
                .inverse_cdf(t.cdf_lower + p * (t.cdf_upper - t.cdf_lower)),
            Kind::LogNormal(_, _, mu, sigma) => {
                let z = Normal::new(0.0, 1.0).map_or(f64::NAN, |n| n.inverse_cdf(p));
                (mu + sigma * z).exp()
            }
            Kind::Gamma(_, k, theta) => {
                GammaCdf::new(*k, 1.0 / theta).map_or(f64::NAN, |d| d.inverse_cdf(p))
            }
            Kind::Beta(_, a, b) => BetaCdf::new(*a, *b).map_or(f64::NAN, |d| d.inverse_cdf(p)),
        };
        x.clamp(lo, hi)
    }

    fn describe_support(&self) -> String {
        let (lo, hi) = self.support();
        match &self.kind {
            Kind::Fixed(v) => format!("the value {v}"),
            Kind::LogNormal(..) | Kind::Gamma(..) => {
                "unbounded above (log-normal and gamma have no upper limit; use beta for a probability)"
                    .to_string()
            }
            _ => format!("from {lo} to {hi}"),
        }
    }
}

impl TruncNormal {
    fn new(mean: f64, sd: f64, domain: Domain) -> Result<TruncNormal, DistError> {
        let normal = Normal::new(mean, sd).map_err(|_| DistError::NotPositive {
            name: "sd",
            value: sd,
        })?;
        let cdf_lower = normal.cdf(domain.lower);
        let cdf_upper = normal.cdf(domain.upper);
        let mass = cdf_upper - cdf_lower;
        if mass.is_nan() || mass <= 1e-6 {
            return Err(DistError::NoMassInDomain {
                mean,
                sd,
                allowed: domain.describe(),
            });
        }
        let pdf = |x: f64| {
            if x.is_infinite() {
                0.0
            } else {
                let z = (x - mean) / sd;
                (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
            }
        };
        let truncated_mean = mean + sd * (pdf(domain.lower) - pdf(domain.upper)) / mass;
        Ok(TruncNormal {
            normal,
            cdf_lower,
            cdf_upper,
            mean: truncated_mean,
            lower: domain.lower,
            upper: domain.upper,
        })
    }

    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = rand::RngExt::random(rng);
        let p = self.cdf_lower + u * (self.cdf_upper - self.cdf_lower);
        self.normal.inverse_cdf(p).clamp(self.lower, self.upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn mc_mean(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, (var / n as f64).sqrt())
    }

    /// One distribution of every family, each with a domain it fits.
    fn every_family() -> [(Spec, Domain); 8] {
        [
            (
                Spec::Uniform {
                    min: 70_000.0,
                    max: 100_000.0,
                },
                Domain::NON_NEGATIVE,
            ),
            (
                Spec::Triangular {
                    min: 0.0,
                    mode: 1.0,
                    max: 5.0,
                },
                Domain::NON_NEGATIVE,
            ),
            (
                Spec::Pert {
                    min: 0.1,
                    mode: 0.2,
                    max: 0.6,
                },
                Domain::PROBABILITY,
            ),
            (Spec::Normal { mean: 1.0, sd: 2.0 }, Domain::NON_NEGATIVE),
            (Spec::Normal { mean: 0.4, sd: 0.3 }, Domain::PROBABILITY),
            (
                Spec::LogNormal {
                    mean: 500.0,
                    sd: 200.0,
                },
                Domain::NON_NEGATIVE,
            ),
            (
                Spec::Gamma {
                    shape: 2.0,
                    scale: 3.0,
                },
                Domain::NON_NEGATIVE,
            ),
            (
                Spec::Beta {
                    alpha: 2.0,
                    beta: 5.0,
                },
                Domain::PROBABILITY,
            ),
        ]
    }

    #[test]
    fn analytic_means_agree_with_sampling_within_4_standard_errors() {
        let specs = every_family();
        for (spec, domain) in specs {
            let d = Dist::new(&spec, domain).unwrap();
            let (m, se) = mc_mean(&d, 200_000);
            assert!(
                (m - d.mean()).abs() < 4.0 * se,
                "{spec:?}: sample mean {m} vs exact {} (se {se})",
                d.mean()
            );
            let (lo, hi) = d.support();
            assert!(domain.contains(lo) && domain.contains(hi));
        }
    }

    #[test]
    fn quantiles_invert_the_sampled_distribution() {
        // The share of draws at or below each quantile is the quantile's probability, within
        // 4 standard errors, for every family.
        let specs = every_family();
        let n = 40_000;
        for (spec, domain) in specs {
            let d = Dist::new(&spec, domain).unwrap();
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
            for p in [0.05, 0.5, 0.95] {
                let q = d.quantile(p);
                let share = xs.iter().filter(|x| **x <= q).count() as f64 / n as f64;
                let se = (p * (1.0 - p) / n as f64).sqrt();
                assert!((share - p).abs() < 4.0 * se, "{spec:?} at {p}: {share}");
            }
        }
        // Known values: uniform and triangular in closed form.
        let u = Dist::new(
            &Spec::Uniform {
                min: 70_000.0,
                max: 100_000.0,
            },
            Domain::NON_NEGATIVE,
        )
        .unwrap();
        assert_eq!(u.quantile(0.05), 71_500.0);
        let t = Dist::new(
            &Spec::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 2.0,
            },
            Domain::NON_NEGATIVE,
        )
        .unwrap();
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-12);
        assert_eq!(Dist::fixed(3.0).quantile(0.2), 3.0);
    }

    #[test]
    fn truncated_normal_mean_matches_known_value() {
        // Half-normal: N(0, 1) truncated at 0 has mean sqrt(2/pi).
        let d = Dist::new(&Spec::Normal { mean: 0.0, sd: 1.0 }, Domain::NON_NEGATIVE).unwrap();
        assert!((d.mean() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn impossible_parameters_are_refused() {
        let p = Domain::PROBABILITY;
        let n = Domain::NON_NEGATIVE;
        assert!(matches!(
            Dist::new(&Spec::Uniform { min: 2.0, max: 1.0 }, n),
            Err(DistError::MinNotBelowMax { .. })
        ));
        assert!(matches!(
            Dist::new(&Spec::Normal { mean: 1.0, sd: 0.0 }, n),
            Err(DistError::NotPositive { .. })
        ));
        assert!(matches!(
            Dist::new(&Spec::Fixed(f64::NAN), n),
            Err(DistError::NotFinite { .. })
        ));
        assert!(matches!(
            Dist::new(&Spec::Uniform { min: 0.5, max: 1.5 }, p),
            Err(DistError::OutsideDomain { .. })
        ));
        assert!(matches!(
            Dist::new(&Spec::LogNormal { mean: 0.5, sd: 0.1 }, p),
            Err(DistError::OutsideDomain { .. })
        ));
        assert!(matches!(
            Dist::new(
                &Spec::Triangular {
                    min: 0.0,
                    mode: 3.0,
                    max: 2.0
                },
                n
            ),
            Err(DistError::ModeOutside { .. })
        ));
        assert!(Dist::beta_spec_from_moments(0.4, 0.6).is_err());
        assert!(Dist::beta_spec_from_moments(1.2, 0.1).is_err());
    }

    #[test]
    fn beta_and_gamma_from_moments_reproduce_the_moments() {
        let Spec::Beta { alpha, beta } = Dist::beta_spec_from_moments(0.4, 0.05).unwrap() else {
            panic!()
        };
        let var = alpha * beta / ((alpha + beta).powi(2) * (alpha + beta + 1.0));
        assert!((alpha / (alpha + beta) - 0.4).abs() < 1e-12);
        assert!((var.sqrt() - 0.05).abs() < 1e-12);
        let Spec::Gamma { shape, scale } = Dist::gamma_spec_from_moments(10.0, 2.0).unwrap() else {
            panic!()
        };
        assert!((shape * scale - 10.0).abs() < 1e-12);
        assert!(((shape * scale * scale).sqrt() - 2.0).abs() < 1e-12);
    }
}
