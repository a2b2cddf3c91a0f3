//! The Monte Carlo engine: both arms of every iteration, in parallel, reproducibly.
//!
//! The engine is pure: it takes a validated [`Scenario`] and returns every iteration's results
//! in iteration order. It prints nothing and touches no files; progress is reported through a
//! callback. Parallelism is over iterations (rayon); each iteration's randomness depends only
//! on the seed and its position, so results do not depend on the number of threads.

mod arm;
pub mod binomial;
mod columns;
pub mod hypergeometric;
mod inputs;
mod metrics;

pub use arm::{Draws, Expected, Sampled, YearRecord, simulate};
pub use columns::{Column, Columns, InterventionColumns, ProgrammeYearColumns, YearColumns};
pub use inputs::{ArmInputs, Programme, Reach, programme_costs, treated_row};
pub use metrics::{AgencyMetrics, CostSplit, Metrics, payback_year};

use rayon::prelude::*;

use crate::model::{Agencies, HomeCost, Intervention};
use crate::params::Values;
use crate::rng::{self, Event, SETUP_YEAR};
use crate::scenario::Scenario;

/// How to run a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    pub iterations: u64,
    pub seed: u64,
    /// The deterministic base case: every parameter at its mean, expected counts.
    pub fixed: bool,
}

/// One intervention's arm in one iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionOutcome {
    pub years: Vec<YearRecord>,
    /// Programme cost per year, undiscounted, optimism bias included.
    pub programme_cost: Vec<f64>,
    pub metrics: Metrics,
}

/// Both arms of one iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct IterationResult {
    /// The parameter values this iteration used.
    pub values: Values,
    pub baseline: Vec<YearRecord>,
    /// In the scenario's order of interventions.
    pub interventions: Vec<InterventionOutcome>,
}

/// Every iteration of a run, in iteration order.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub options: RunOptions,
    pub iterations: Vec<IterationResult>,
}

/// Who pays for each cost of one intervention.
pub fn cost_split(agencies: &Agencies, lever: &Intervention) -> CostSplit {
    let kept_out = match lever.keep_out_of_care.as_ref().map(|k| &k.home_cost) {
        Some(HomeCost::State(s)) => agencies.home[*s].clone(),
        _ => agencies.kept_out.clone(),
    };
    let funder = lever
        .programme_cost
        .as_ref()
        .and_then(|p| p.funded_by)
        .unwrap_or(0);
    CostSplit {
        home: agencies.home.clone(),
        care: agencies.care.clone(),
        kept_out,
        programme: (0..agencies.names.len())
            .map(|a| if a == funder { 1.0 } else { 0.0 })
            .collect(),
    }
}

/// What every iteration of a run shares: worked out once per run, not per iteration.
struct Shared {
    /// Discount factor of each year.
    discount: Vec<f64>,
    /// Who pays for each cost, per intervention.
    splits: Vec<CostSplit>,
}

impl Shared {
    fn new(scenario: &Scenario) -> Shared {
        Shared {
            discount: scenario.discount.factors(scenario.years),
            splits: scenario
                .interventions
                .iter()
                .map(|lever| cost_split(&scenario.agencies, lever))
                .collect(),
        }
    }
}

/// Runs one iteration with the given parameter values and draws.
pub fn run_iteration<D: Draws>(
    scenario: &Scenario,
    values: Values,
    draws: &mut D,
) -> IterationResult {
    iterate(scenario, &Shared::new(scenario), values, draws)
}

fn iterate<D: Draws>(
    scenario: &Scenario,
    shared: &Shared,
    values: Values,
    draws: &mut D,
) -> IterationResult {
    let years = scenario.years;
    let base_inputs = ArmInputs::baseline(&scenario.baseline, &values);
    let baseline = simulate(&base_inputs, years, draws);
    let interventions = scenario
        .interventions
        .iter()
        .zip(&shared.splits)
        .map(|(lever, split)| {
            let arm = ArmInputs::intervention(&base_inputs, lever, &values);
            let path = simulate(&arm, years, draws);
            let reached: Option<Vec<f64>> = lever
                .programme
                .as_ref()
                .map(|_| path.iter().map(|r| r.families_reached).collect());
            let programme_cost = programme_costs(
                lever.programme_cost.as_ref(),
                &values,
                years,
                reached.as_deref(),
            );
            let metrics = Metrics::new(&baseline, &path, &programme_cost, &shared.discount, split);
            InterventionOutcome {
                years: path,
                programme_cost,
                metrics,
            }
        })
        .collect();
    IterationResult {
        values,
        baseline,
        interventions,
    }
}

/// Iterations simulated in parallel before their results are pushed into the columns: enough
/// to keep every thread busy, few enough that the records in flight stay small.
const BLOCK: u64 = 4096;

/// Runs a scenario into columns: the fixed base case (one iteration), or the Monte Carlo
/// iterations `range` (all of a run is `0..options.iterations`; a shard is part of it).
///
/// Iteration `i` draws from streams that depend only on the seed and `i`, so the columns of a
/// range are the same whatever the number of threads, and the columns of consecutive ranges,
/// appended, are those of the whole range.
pub fn run_columns(
    scenario: &Scenario,
    options: RunOptions,
    range: std::ops::Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Columns {
    let shared = Shared::new(scenario);
    if options.fixed {
        let mut columns = Columns::new(scenario, 0);
        columns.reserve(1);
        columns.push(&iterate(
            scenario,
            &shared,
            scenario.params.means(),
            &mut Expected,
        ));
        progress();
        return columns;
    }
    let mut columns = Columns::new(scenario, range.start);
    columns.reserve(usize::try_from(range.end.saturating_sub(range.start)).unwrap_or(0));
    // Each block's iterations are added to the columns, in order, while the next block runs.
    let mut start = range.start;
    let mut finished: Vec<IterationResult> = Vec::new();
    while start < range.end {
        let end = range.end.min(start.saturating_add(BLOCK));
        let (block, ()) = rayon::join(
            || {
                (start..end)
                    .into_par_iter()
                    .map(|iteration| sampled(scenario, &shared, options.seed, iteration, progress))
                    .collect()
            },
            || finished.drain(..).for_each(|it| columns.push(&it)),
        );
        finished = block;
        start = end;
    }
    finished.iter().for_each(|it| columns.push(it));
    columns
}

/// Monte Carlo iteration `iteration` of a run with this seed.
fn sampled(
    scenario: &Scenario,
    shared: &Shared,
    seed: u64,
    iteration: u64,
    progress: &(dyn Fn() + Sync),
) -> IterationResult {
    let mut stream = rng::stream(seed, iteration, SETUP_YEAR, Event::Parameters);
    let values = scenario.params.draw(&mut stream);
    let mut draws = Sampled::new(seed, iteration);
    let result = iterate(scenario, shared, values, &mut draws);
    progress();
    result
}

/// Runs a scenario and keeps every iteration's records: the fixed base case (one iteration) or
/// `iterations` Monte Carlo draws. For tests and claims, which look at single iterations; a
/// run's outputs come from [`run_columns`].
///
/// `progress` is called once per finished iteration, from any thread.
pub fn run(scenario: &Scenario, options: RunOptions, progress: &(dyn Fn() + Sync)) -> RunResult {
    let shared = Shared::new(scenario);
    let iterations = if options.fixed {
        let result = iterate(scenario, &shared, scenario.params.means(), &mut Expected);
        progress();
        vec![result]
    } else {
        (0..options.iterations)
            .into_par_iter()
            .map(|iteration| sampled(scenario, &shared, options.seed, iteration, progress))
            .collect()
    };
    RunResult {
        options,
        iterations,
    }
}
