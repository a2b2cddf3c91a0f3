//! Sweeps: the figure over a grid of one input's values, or of two inputs' values, in fixed mode
//! or, with `--monte-carlo`, its mean and the chance it is above the target at each grid point
//! (every point on the same draws and random streams: common random numbers).

use std::str::FromStr;

use rayon::prelude::*;
use serde::Serialize;

use super::inputs::{Figure, Input, Kind, fixed_figure, mc_figures, share_above};
use crate::params::Values;
use crate::scenario::Scenario;

/// Most grid points along one input.
pub const MAX_STEPS: usize = 1_001;

/// `--sweep NAME=LO..HI:STEPS`, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    pub input: String,
    pub lo: f64,
    pub hi: f64,
    /// Grid points, both ends included.
    pub steps: usize,
}

fn number(text: &str, what: &str, spec: &str) -> Result<f64, String> {
    let clean: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect();
    let clean = clean.trim_start_matches('£');
    clean.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
        format!("--sweep {spec}: the {what} `{text}` is not a number (write it like 70000 or 70_000)")
    })
}

impl FromStr for SweepSpec {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let form = "write it as NAME=LO..HI:STEPS, such as care.cost=60000..120000:21";
        let (input, rest) = spec
            .rsplit_once('=')
            .ok_or_else(|| format!("--sweep {spec}: no `=`; {form}"))?;
        let (range, steps) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("--sweep {spec}: no `:STEPS` after the range; {form}"))?;
        let (lo, hi) = range
            .split_once("..")
            .ok_or_else(|| format!("--sweep {spec}: no `..` between the ends; {form}"))?;
        let (lo, hi) = (number(lo, "low end", spec)?, number(hi, "high end", spec)?);
        let steps: usize = steps.trim().parse().map_err(|_| {
            format!("--sweep {spec}: STEPS `{steps}` must be a whole number of grid points")
        })?;
        if !(2..=MAX_STEPS).contains(&steps) {
            return Err(format!(
                "--sweep {spec}: STEPS must be from 2 to {MAX_STEPS} grid points (both ends included)"
            ));
        }
        if lo >= hi {
            return Err(format!(
                "--sweep {spec}: the low end must be below the high end"
            ));
        }
        Ok(SweepSpec {
            input: input.trim().to_string(),
            lo,
            hi,
            steps,
        })
    }
}

impl SweepSpec {
    /// The grid's values.
    pub fn values(&self) -> Vec<f64> {
        (0..self.steps)
            .map(|i| self.lo + (self.hi - self.lo) * i as f64 / (self.steps - 1) as f64)
            .collect()
    }

    /// Refuses values the input cannot take.
    ///
    /// # Errors
    /// A whole row, a negative value, or a probability or share above 1.
    pub fn check(&self, input: &Input) -> Result<(), String> {
        let name = &input.name;
        if input.is_row() {
            return Err(format!(
                "--sweep {name}: a whole transition row has no single value; sweep one of its entries, such as {name}.to_coping"
            ));
        }
        if self.lo < 0.0 {
            return Err(format!("--sweep {name}: values must be at least 0"));
        }
        let share = matches!(input.kind, Kind::Entry(..))
            || ["rate", "share", "drop_off"]
                .iter()
                .any(|end| name.ends_with(end))
            || name.contains("shift_up");
        if share && self.hi > 1.0 {
            return Err(format!(
                "--sweep {name}: this is a probability or share; keep the range within 0..1"
            ));
        }
        Ok(())
    }
}

/// One grid point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepPoint {
    /// The first input's value, and the second's in a two-way sweep.
    pub x: f64,
    pub y: Option<f64>,
    /// The figure (fixed mode) or its mean (Monte Carlo); `null` where undefined.
    pub value: Option<f64>,
    /// Monte Carlo only: the mean's standard error, the chance the figure is above the target
    /// and that chance's standard error.
    pub value_se: Option<f64>,
    pub prob_above_target: Option<f64>,
    pub prob_se: Option<f64>,
}

/// A sweep's grid and figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// The swept inputs' names (one or two).
    pub inputs: Vec<String>,
    /// True for amounts of money, per input.
    pub money: Vec<bool>,
    pub monte_carlo: bool,
    /// Monte Carlo only.
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
    /// The first input's values in order, each with every value of the second.
    pub points: Vec<SweepPoint>,
}

/// Runs a sweep of one or two inputs. `draws` is `Some` for Monte Carlo (with its seed).
pub fn sweep(
    scenario: &Scenario,
    figure: &Figure,
    target: f64,
    axes: &[(Input, SweepSpec)],
    monte_carlo: Option<(u64, &[Values])>,
) -> Sweep {
    let xs = axes[0].1.values();
    let ys: Vec<Option<f64>> = match axes.get(1) {
        Some((_, spec)) => spec.values().into_iter().map(Some).collect(),
        None => vec![None],
    };
    let grid: Vec<(f64, Option<f64>)> = xs
        .iter()
        .flat_map(|&x| ys.iter().map(move |&y| (x, y)))
        .collect();
    let edit = |x: f64, y: Option<f64>| {
        move |v: &mut Values| {
            axes[0].0.set(v, x);
            if let (Some((input, _)), Some(y)) = (axes.get(1), y) {
                input.set(v, y);
            }
        }
    };
    let points = match monte_carlo {
        None => grid
            .par_iter()
            .map(|&(x, y)| SweepPoint {
                x,
                y,
                value: fixed_figure(scenario, figure, &edit(x, y)),
                value_se: None,
                prob_above_target: None,
                prob_se: None,
            })
            .collect(),
        Some((seed, draws)) => grid
            .iter()
            .map(|&(x, y)| {
                let values = mc_figures(scenario, figure, seed, draws, &edit(x, y));
                let defined: Vec<f64> = values.iter().flatten().copied().collect();
                let summary = crate::stats::Summary::of(&defined);
                let p = share_above(&values, target);
                let n = values.len().max(1) as f64;
                SweepPoint {
                    x,
                    y,
                    value: summary.map(|s| s.mean),
                    value_se: summary.map(|s| s.se),
                    prob_above_target: Some(p),
                    prob_se: Some((p * (1.0 - p) / n).sqrt()),
                }
            })
            .collect(),
    };
    Sweep {
        inputs: axes.iter().map(|(i, _)| i.name.clone()).collect(),
        money: axes.iter().map(|(i, _)| i.money()).collect(),
        monte_carlo: monte_carlo.is_some(),
        iterations: monte_carlo.map(|(_, d)| d.len() as u64),
        seed: monte_carlo.map(|(s, _)| s),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_specs_parse_and_refuse_clearly() {
        let s: SweepSpec = "care.cost=60_000..120000:21".parse().unwrap();
        assert_eq!(
            (s.input.as_str(), s.lo, s.hi, s.steps),
            ("care.cost", 60e3, 120e3, 21)
        );
        assert_eq!(s.values()[1], 63_000.0);
        let named: SweepSpec = "interventions[a b].programme_cost.per_family=0..20000:5"
            .parse()
            .unwrap();
        assert_eq!(named.input, "interventions[a b].programme_cost.per_family");
        assert!(
            "care.cost=1..2"
                .parse::<SweepSpec>()
                .unwrap_err()
                .contains("STEPS")
        );
        assert!(
            "care.cost=2..1:3"
                .parse::<SweepSpec>()
                .unwrap_err()
                .contains("below")
        );
        assert!(
            "care.cost=x..1:3"
                .parse::<SweepSpec>()
                .unwrap_err()
                .contains("not a number")
        );
        assert!("care.cost=1..2:1".parse::<SweepSpec>().is_err());
    }
}
