//! Rows of the annual transition matrix: fixed, or drawn from a Dirichlet distribution.
//!
//! A row is a probability vector over the four family states. It is either known (a plain list
//! of four probabilities summing to 1) or uncertain, drawn from a Dirichlet distribution given
//! as observed counts of moves or as a mean row with a concentration (how many observations the
//! mean is worth). A zero in the mean or the counts is a move that never happens: it stays zero
//! in every draw.

use rand::Rng;
use rand_distr::{Distribution, Gamma};

use crate::model::STATES;

/// How far a row's sum may stray from 1.
pub const ROW_SUM_TOLERANCE: f64 = 1e-9;

/// Why a transition row could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RowError {
    #[error("a row has 4 entries (one per state: {states}), but {0} were given", states = STATES.join(", "))]
    WrongLength(usize),
    #[error("entry {index} ({value}) must be a finite number between 0 and 1")]
    BadProbability { index: usize, value: f64 },
    #[error("entry {index} ({value}) must be a finite count of at least 0")]
    BadCount { index: usize, value: f64 },
    #[error(
        "the row sums to {sum}, not 1 (allowed difference {ROW_SUM_TOLERANCE:e}); adjust the entries so they add up to exactly 1"
    )]
    SumNotOne { sum: f64 },
    #[error("the counts sum to 0: at least one move must have been observed")]
    NoCounts,
    #[error("concentration must be a finite number greater than 0 (got {0})")]
    BadConcentration(f64),
}

/// A distribution over one row of the transition matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct RowDist {
    mean: [f64; 4],
    /// Dirichlet parameters, `None` for a fixed row.
    alpha: Option<[f64; 4]>,
}

fn check_probabilities(row: &[f64]) -> Result<[f64; 4], RowError> {
    let row: [f64; 4] = row
        .try_into()
        .map_err(|_| RowError::WrongLength(row.len()))?;
    for (index, &value) in row.iter().enumerate() {
        if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
            return Err(RowError::BadProbability { index, value });
        }
    }
    let sum: f64 = row.iter().sum();
    if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
        return Err(RowError::SumNotOne { sum });
    }
    Ok(row)
}

impl RowDist {
    /// A known row.
    ///
    /// # Errors
    /// Not four entries, an entry outside [0, 1], or a sum more than 1e-9 away from 1.
    pub fn fixed(row: &[f64]) -> Result<RowDist, RowError> {
        Ok(RowDist {
            mean: check_probabilities(row)?,
            alpha: None,
        })
    }

    /// Dirichlet with parameters equal to observed counts of moves.
    ///
    /// # Errors
    /// Not four entries, a negative or non-finite count, or all counts zero.
    pub fn from_counts(counts: &[f64]) -> Result<RowDist, RowError> {
        let counts: [f64; 4] = counts
            .try_into()
            .map_err(|_| RowError::WrongLength(counts.len()))?;
        for (index, &value) in counts.iter().enumerate() {
            if !(value.is_finite() && value >= 0.0) {
                return Err(RowError::BadCount { index, value });
            }
        }
        let total: f64 = counts.iter().sum();
        if total.is_nan() || total <= 0.0 {
            return Err(RowError::NoCounts);
        }
        Ok(RowDist {
            mean: counts.map(|c| c / total),
            alpha: Some(counts),
        })
    }

    /// Dirichlet with the given mean row and concentration (alpha = mean x concentration).
    ///
    /// # Errors
    /// A bad mean row (as in [`RowDist::fixed`]) or a concentration that is not positive.
    pub fn from_mean(mean: &[f64], concentration: f64) -> Result<RowDist, RowError> {
        let mean = check_probabilities(mean)?;
        if !(concentration.is_finite() && concentration > 0.0) {
            return Err(RowError::BadConcentration(concentration));
        }
        Ok(RowDist {
            mean,
            alpha: Some(mean.map(|m| m * concentration)),
        })
    }

    pub fn is_fixed(&self) -> bool {
        self.alpha.is_none()
    }

    /// The Dirichlet parameters, `None` for a known row.
    pub fn alpha(&self) -> Option<[f64; 4]> {
        self.alpha
    }

    /// The mean row (the row itself when fixed).
    pub fn mean(&self) -> [f64; 4] {
        self.mean
    }

    /// Draws one row: normalised independent Gamma(alpha_i, 1) draws; zero alphas stay zero.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> [f64; 4] {
        let Some(alpha) = self.alpha else {
            return self.mean;
        };
        let mut row = [0.0; 4];
        for (x, &a) in row.iter_mut().zip(&alpha) {
            if a > 0.0 {
                // alpha > 0 and finite was checked at construction.
                *x = Gamma::new(a, 1.0).map_or(0.0, |g| g.sample(rng));
            }
        }
        let total: f64 = row.iter().sum();
        if total > 0.0 {
            row.map(|x| x / total)
        } else {
            // Every gamma draw underflowed (only possible for tiny alphas): fall back to the mean.
            self.mean
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn rows_must_sum_to_one() {
        assert!(RowDist::fixed(&[0.7, 0.2, 0.1, 0.0]).is_ok());
        assert_eq!(
            RowDist::fixed(&[0.7, 0.2, 0.2, 0.0]),
            Err(RowError::SumNotOne {
                sum: 0.7 + 0.2 + 0.2
            })
        );
        assert!(matches!(
            RowDist::fixed(&[1.5, -0.5, 0.0, 0.0]),
            Err(RowError::BadProbability { index: 0, .. })
        ));
        assert_eq!(RowDist::fixed(&[0.5, 0.5]), Err(RowError::WrongLength(2)));
        assert_eq!(RowDist::from_counts(&[0.0; 4]), Err(RowError::NoCounts));
        assert!(RowDist::from_mean(&[0.25; 4], 0.0).is_err());
    }

    #[test]
    fn dirichlet_draws_sum_to_one_keep_zeros_and_centre_on_the_mean() {
        let row = RowDist::from_mean(&[0.7, 0.22, 0.08, 0.0], 400.0).unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 20_000;
        let mut sum = [0.0; 4];
        for _ in 0..n {
            let r = row.sample(&mut rng);
            assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            assert_eq!(r[3], 0.0);
            for (s, x) in sum.iter_mut().zip(r) {
                *s += x;
            }
        }
        // sd of component 0 is sqrt(0.7*0.3/401) ~ 0.0229; se of its mean ~ 0.00016.
        let se = (0.7 * 0.3 / 401.0 / n as f64).sqrt();
        assert!((sum[0] / n as f64 - 0.7).abs() < 4.0 * se);
    }
}
