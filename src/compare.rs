//! Options compared: which intervention saves most, and how sure that is.
//!
//! A pure computation over per-iteration net savings (one column per option, in iteration
//! order). Because every option of a run meets the same random numbers (common random
//! numbers), the difference between two options in one iteration is their difference in
//! effect, not noise, so its distribution is narrow where the options are alike.
//!
//! # Method
//! - For every pair of options (A, B), in the given order: the distribution of A's net saving
//!   minus B's over the iterations, the share of iterations in which A saves strictly more, and
//!   the share in which they save exactly the same.
//! - "Do nothing" is an option that saves exactly 0 in every iteration. In each iteration the
//!   best option is the one with the largest net saving; **ties** (options with exactly the same
//!   largest net saving) **share that iteration equally**, so the probabilities of being best sum
//!   to 1 (to rounding), and an option compared with itself is best half the time.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::stats::Summary;

/// The name of the option that changes nothing and saves exactly 0.
pub const DO_NOTHING: &str = "do nothing";

/// Two options compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    /// A's net saving (present value) minus B's, across iterations.
    pub difference_net_saving_pv: Summary,
    /// Share of iterations in which A saves strictly more than B.
    pub prob_a_saves_more: f64,
    /// Share of iterations in which they save exactly the same.
    pub prob_equal: f64,
}

/// Every pair compared, and each option's chance of being best.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparisons {
    pub comparisons: Vec<Comparison>,
    /// "do nothing" first, then the options in the given order.
    pub prob_best: IndexMap<String, f64>,
}

/// Compares options by their per-iteration net savings: `net[k][i]` is option `k`'s net saving
/// in iteration `i`. `None` when there are no options or no iterations, or the columns differ
/// in length.
pub fn compare_options(names: &[&str], net: &[&[f64]]) -> Option<Comparisons> {
    let n = net.first()?.len();
    if n == 0 || names.len() != net.len() || net.iter().any(|c| c.len() != n) {
        return None;
    }
    let mut comparisons = Vec::new();
    for a in 0..net.len() {
        for b in a + 1..net.len() {
            let diff: Vec<f64> = net[a].iter().zip(net[b]).map(|(x, y)| x - y).collect();
            let share =
                |f: &dyn Fn(f64) -> bool| diff.iter().filter(|d| f(**d)).count() as f64 / n as f64;
            comparisons.push(Comparison {
                a: names[a].to_string(),
                b: names[b].to_string(),
                difference_net_saving_pv: Summary::with_quantile_se(&diff)?,
                prob_a_saves_more: share(&|d| d > 0.0),
                prob_equal: share(&|d| d == 0.0),
            });
        }
    }
    // Column 0 is "do nothing"; then the options.
    let mut best = vec![0.0; net.len() + 1];
    // Each iteration's net savings, "do nothing" (0) first.
    let rows = (0..n).map(|i| {
        std::iter::once(0.0)
            .chain(net.iter().map(|c| c[i]))
            .collect::<Vec<f64>>()
    });
    for values in rows {
        let top = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let tied = values.iter().filter(|v| **v == top).count() as f64;
        for (b, v) in best.iter_mut().zip(&values) {
            if *v == top {
                *b += 1.0 / tied;
            }
        }
    }
    let prob_best = std::iter::once(DO_NOTHING)
        .chain(names.iter().copied())
        .zip(best)
        .map(|(name, count)| (name.to_string(), count / n as f64))
        .collect();
    Some(Comparisons {
        comparisons,
        prob_best,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_compared_with_itself_differs_by_exactly_zero() {
        let x = [3.5e6, -1.2e6, 0.0, 7.25e5, 1e-300];
        let c = compare_options(&["a", "a again"], &[&x, &x]).unwrap();
        let d = &c.comparisons[0];
        assert_eq!(d.difference_net_saving_pv.mean, 0.0);
        assert_eq!(d.difference_net_saving_pv.sd, 0.0);
        assert_eq!(
            (
                d.difference_net_saving_pv.p5,
                d.difference_net_saving_pv.p95
            ),
            (0.0, 0.0)
        );
        assert_eq!(d.prob_a_saves_more, 0.0);
        assert_eq!(d.prob_equal, 1.0);
        // Ties share: each copy is best half of the iterations where it beats doing nothing
        // (3 of 5), and in the iteration saving exactly 0 all three options tie.
        let p: Vec<(&String, &f64)> = c.prob_best.iter().collect();
        assert_eq!(p[0].0, DO_NOTHING);
        assert!((p[0].1 - (1.0 + 1.0 / 3.0) / 5.0).abs() < 1e-15);
        assert!((p[1].1 - p[2].1).abs() < 1e-15);
    }

    #[test]
    fn best_probabilities_sum_to_one_and_follow_the_savings() {
        let a = [1.0, 5.0, -2.0, 4.0];
        let b = [2.0, 3.0, -1.0, 4.0];
        let c = compare_options(&["a", "b"], &[&a, &b]).unwrap();
        let p: Vec<f64> = c.prob_best.values().copied().collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        // do nothing best in iteration 3; a in 2; b in 1; a and b tie in 4.
        assert_eq!(p, vec![0.25, 0.375, 0.375]);
        let d = &c.comparisons[0];
        assert_eq!((d.a.as_str(), d.b.as_str()), ("a", "b"));
        assert_eq!(d.prob_a_saves_more, 0.25);
        assert_eq!(d.prob_equal, 0.25);
        assert_eq!(
            d.difference_net_saving_pv.mean,
            (-1.0 + 2.0 - 1.0 + 0.0) / 4.0
        );
        assert!(compare_options(&["a"], &[&[]]).is_none());
        assert!(compare_options(&["a", "b"], &[&a, &b[..2]]).is_none());
    }
}
