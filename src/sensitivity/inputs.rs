//! The inputs a sensitivity analysis moves, the figure it watches, and the runs that compute
//! the figure with inputs set to chosen values (fixed mode, or Monte Carlo on common random
//! numbers).
//!
//! Inputs are named as `iterations.csv` names its columns: a scalar by its dotted name
//! (`care.cost`, `interventions[family intervention programme].programme_cost.per_family`), a
//! transition row's entry as `transitions.chaotic.to_coping`, and a whole row (one input in the
//! tornado) by the row's name, `transitions.chaotic`.

use rayon::prelude::*;

use crate::engine::run_iteration;
use crate::engine::{Expected, IterationResult, Sampled};
use crate::model::STATES;
use crate::params::{Dist, RowDist, RowId, ScalarId, Values};
use crate::rng::{self, Event, SETUP_YEAR};
use crate::scenario::{Scenario, is_money_parameter};
use crate::vocab::{AgencyMetric, Metric, Unit};

/// What a sensitivity input is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar parameter.
    Scalar(ScalarId, Dist),
    /// A whole transition row (one input: it has no single value).
    Row(RowId, RowDist),
    /// One entry of a transition row; the other entries keep their proportions.
    Entry(RowId, usize, RowDist),
}

/// One input, by its name in `iterations.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    pub kind: Kind,
}

impl Input {
    /// True for an amount of money (reports write it as £).
    pub fn money(&self) -> bool {
        matches!(self.kind, Kind::Scalar(..)) && is_money_parameter(&self.name)
    }

    /// True for a whole row.
    pub fn is_row(&self) -> bool {
        matches!(self.kind, Kind::Row(..))
    }

    /// Sets the input to `x` in `values`. A row entry set to `x` scales the row's other
    /// entries so that it still sums to 1, keeping their proportions (the Dirichlet's
    /// conditional mean). A whole row cannot be set to one number and is left as it is.
    pub fn set(&self, values: &mut Values, x: f64) {
        match &self.kind {
            Kind::Scalar(id, _) => values.set(*id, x),
            Kind::Row(..) => {}
            Kind::Entry(id, j, dist) => {
                values.set_row(*id, with_entry(values.row(*id), *j, x, dist))
            }
        }
    }

    /// The `p`-quantile of the input's distribution (a Dirichlet entry's marginal is a beta).
    /// `None` for a whole row.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        match &self.kind {
            Kind::Scalar(_, d) => Some(d.quantile(p)),
            Kind::Row(..) => None,
            Kind::Entry(_, j, dist) => {
                Some(entry_marginal(dist, *j).map_or(dist.mean()[*j], |b| b.quantile(p)))
            }
        }
    }

    /// The input's mean.
    pub fn mean(&self) -> Option<f64> {
        match &self.kind {
            Kind::Scalar(_, d) => Some(d.mean()),
            Kind::Row(..) => None,
            Kind::Entry(_, j, dist) => Some(dist.mean()[*j]),
        }
    }

    /// Every value the input can take: its distribution's support (a probability for an entry).
    pub fn support(&self) -> (f64, f64) {
        match &self.kind {
            Kind::Scalar(_, d) => d.support(),
            Kind::Row(..) | Kind::Entry(..) => (0.0, 1.0),
        }
    }

    /// True when the input is uncertain.
    pub fn uncertain(&self) -> bool {
        match &self.kind {
            Kind::Scalar(_, d) => !d.is_fixed(),
            Kind::Row(_, r) => !r.is_fixed(),
            Kind::Entry(_, j, r) => entry_marginal(r, *j).is_some(),
        }
    }

    /// Values a search over the input's whole support visits: its ends where finite, 33
    /// quantiles, and where the support is unbounded above, points out to 1,000 times its
    /// 99.9999th percentile.
    pub fn probes(&self) -> Vec<f64> {
        let (lo, hi) = self.support();
        let mut xs: Vec<f64> = (0..=32)
            .filter_map(|k| self.quantile(k as f64 / 32.0))
            .collect();
        xs.push(lo);
        if hi.is_finite() {
            xs.push(hi);
        } else if let Some(top) = self.quantile(1.0 - 1e-6) {
            xs.extend((0..=10).map(|k| top * 2f64.powi(k)));
        }
        xs.retain(|x| x.is_finite());
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs
    }
}

/// The beta marginal of a Dirichlet entry, `None` when the entry is certain (0 or 1).
fn entry_marginal(dist: &RowDist, j: usize) -> Option<Dist> {
    let alpha = dist.alpha()?;
    let total: f64 = alpha.iter().sum();
    let (a, b) = (alpha[j], total - alpha[j]);
    (a > 0.0 && b > 0.0)
        .then(|| {
            Dist::new(
                &crate::params::Spec::Beta { alpha: a, beta: b },
                crate::params::Domain::PROBABILITY,
            )
            .ok()
        })
        .flatten()
}

/// A row with entry `j` set to `x` and the others scaled to keep their proportions (their
/// mean proportions where the others are all zero).
fn with_entry(row: [f64; 4], j: usize, x: f64, dist: &RowDist) -> [f64; 4] {
    let rest: f64 = (0..4).filter(|&i| i != j).map(|i| row[i]).sum();
    let base = if rest > 0.0 { row } else { dist.mean() };
    let rest = if rest > 0.0 {
        rest
    } else {
        1.0 - dist.mean()[j]
    };
    std::array::from_fn(|i| {
        if i == j {
            x
        } else if rest > 0.0 {
            base[i] * (1.0 - x) / rest
        } else {
            (1.0 - x) / 3.0
        }
    })
}

/// Every input of a scenario a sensitivity analysis may move: scalars, rows and row entries,
/// in the scenario's order, certain ones included (sweeps may move those).
pub fn all_inputs(scenario: &Scenario) -> Vec<Input> {
    let mut out: Vec<Input> = scenario
        .params
        .scalars()
        .map(|(name, id, d)| Input {
            name: name.to_string(),
            kind: Kind::Scalar(id, d.clone()),
        })
        .collect();
    for (name, id, r) in scenario.params.rows() {
        out.push(Input {
            name: name.to_string(),
            kind: Kind::Row(id, r.clone()),
        });
        for (j, state) in STATES.iter().enumerate() {
            out.push(Input {
                name: format!("{name}.to_{state}"),
                kind: Kind::Entry(id, j, r.clone()),
            });
        }
    }
    out
}

/// Finds an input by name; the error names the nearest ones.
///
/// # Errors
/// No input has that name.
pub fn find_input(scenario: &Scenario, name: &str) -> Result<Input, String> {
    let all = all_inputs(scenario);
    if let Some(i) = all.iter().find(|i| i.name == name) {
        return Ok(i.clone());
    }
    let mut near: Vec<(f64, &str)> = all
        .iter()
        .map(|i| (strsim::jaro_winkler(name, &i.name), i.name.as_str()))
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0));
    let names: Vec<String> = near.iter().take(3).map(|(_, n)| format!("`{n}`")).collect();
    Err(format!(
        "{} has no input named `{name}`; the nearest are {} (inputs are named as iterations.csv's columns)",
        scenario.path.display(),
        names.join(", ")
    ))
}

/// The figure a sensitivity analysis watches: one metric of one intervention, for all
/// budgets or for one agency.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The intervention, by its index in the scenario.
    pub intervention: usize,
    pub metric: Metric,
    /// An agency, by its index in the scenario's `[agencies]`, and its figure.
    pub agency: Option<(usize, AgencyMetric)>,
}

impl Figure {
    /// The figure in one iteration of a scenario reduced to this intervention (see
    /// [`single`]); `None` where undefined.
    pub fn of(&self, it: &IterationResult) -> Option<f64> {
        let m = &it.interventions.first()?.metrics;
        match self.agency {
            None => m.get(self.metric),
            Some((a, am)) => m.agencies.get(a).map(|x| x.get(am)),
        }
    }

    /// True for an amount of money.
    pub fn money(&self) -> bool {
        self.metric.unit() == Unit::Money
    }
}

/// The scenario with only intervention `k`: each intervention's results depend on its own arm
/// and the baseline only, so this gives the same figures for less work.
pub fn single(scenario: &Scenario, k: usize) -> Scenario {
    let mut s = scenario.clone();
    s.interventions = vec![scenario.interventions[k].clone()];
    s.claims.clear();
    s
}

/// The figure in fixed mode (every parameter at its mean, expected counts), after `edit`.
pub fn fixed_figure(
    scenario: &Scenario,
    figure: &Figure,
    edit: &dyn Fn(&mut Values),
) -> Option<f64> {
    let mut values = scenario.params.means();
    edit(&mut values);
    figure.of(&run_iteration(scenario, values, &mut Expected))
}

/// The parameter draws of `n` Monte Carlo iterations with this seed: the same draws `run`
/// makes, so every trial value of an input meets the same random numbers.
pub fn draws(scenario: &Scenario, seed: u64, n: u64) -> Vec<Values> {
    (0..n)
        .into_par_iter()
        .map(|i| {
            let mut stream = rng::stream(seed, i, SETUP_YEAR, Event::Parameters);
            scenario.params.draw(&mut stream)
        })
        .collect()
}

/// The figure in each Monte Carlo iteration, from the given draws edited by `edit`, on the
/// run's own random streams (common random numbers across calls).
pub fn mc_figures(
    scenario: &Scenario,
    figure: &Figure,
    seed: u64,
    draws: &[Values],
    edit: &(dyn Fn(&mut Values) + Sync),
) -> Vec<Option<f64>> {
    draws
        .par_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut values = v.clone();
            edit(&mut values);
            figure.of(&run_iteration(
                scenario,
                values,
                &mut Sampled::new(seed, i as u64),
            ))
        })
        .collect()
}

/// Share of values above `target` (an undefined value counts as not above).
pub fn share_above(values: &[Option<f64>], target: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values
        .iter()
        .filter(|v| v.is_some_and(|x| x > target))
        .count() as f64
        / values.len() as f64
}

/// Draws of a whole row for its one-way swing: `n` rows from its Dirichlet, from a stream of
/// their own (iteration numbers counted down from the largest, which no run reaches).
pub fn row_draws(dist: &RowDist, seed: u64, which: u64, n: usize) -> Vec<[f64; 4]> {
    let mut stream = rng::stream(seed, u64::MAX - which, SETUP_YEAR, Event::Parameters);
    (0..n).map(|_| dist.sample(&mut stream)).collect()
}
