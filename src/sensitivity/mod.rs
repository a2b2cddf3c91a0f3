//! `prevsim sensitivity`: which input matters most, where the case stops paying, and at what
//! price a programme still pays.
//!
//! For one intervention's figure (a metric of `summary.json`, by default `net_saving_pv`, for
//! all budgets or with `--agency` for one) and a target (by default £0):
//!
//! - [`oneway`]: the tornado (every uncertain input at its P5 and P95, others at their means,
//!   fixed mode, ranked by swing), the spider (11 quantiles per input) and the switching values
//!   (where the figure crosses the target, searched over each input's whole support);
//! - [`breakeven`]: for the deciding inputs, the value at which the chance the figure is above
//!   the target is 50% and 80%, by bisection over Monte Carlo runs on common random numbers;
//! - [`acceptability`]: the chance against the programme's cost per family reached, and the
//!   highest price that breaks even on the mean and at 80%;
//! - [`sweep`]: the figure over a grid of one or two inputs (`--sweep`), in fixed mode or by
//!   Monte Carlo.
//!
//! Results go to `OUT/<scenario>/sensitivity/` ([`files`]). Nothing here prints.

pub mod acceptability;
pub mod breakeven;
pub mod files;
pub mod inputs;
pub mod oneway;
pub mod solve;
pub mod sweep;

use serde::Serialize;

use crate::scenario::Scenario;
use crate::vocab::{AgencyMetric, Metric};
pub use inputs::{Figure, Input};
pub use sweep::{Sweep, SweepSpec};

/// How many of the inputs with the largest swing get a probabilistic break-even when none is
/// named.
pub const DECIDING: usize = 3;

/// What the analyst asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The intervention by name; the scenario's first when `None`.
    pub intervention: Option<String>,
    /// A metric of `summary.json` (or, with `agency`, of its agencies).
    pub metric: String,
    /// One agency's figure instead of the total.
    pub agency: Option<String>,
    /// The figure's break-even level.
    pub target: f64,
    /// Inputs for the probabilistic break-even (default: the [`DECIDING`] largest swings).
    pub inputs: Vec<String>,
    /// Also swing each transition row's entries one at a time.
    pub entries: bool,
    /// Compute the probabilistic break-even and acceptability (Monte Carlo runs).
    pub monte_carlo_outputs: bool,
    /// Sweeps instead of the one-way analysis (one or two).
    pub sweeps: Vec<SweepSpec>,
    /// Sweeps by Monte Carlo rather than in fixed mode.
    pub monte_carlo: bool,
    /// Monte Carlo iterations and seed (default: the scenario's).
    pub iterations: Option<u64>,
    pub seed: Option<u64>,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            intervention: None,
            metric: "net_saving_pv".to_string(),
            agency: None,
            target: 0.0,
            inputs: Vec::new(),
            entries: false,
            monte_carlo_outputs: true,
            sweeps: Vec::new(),
            monte_carlo: false,
            iterations: None,
            seed: None,
        }
    }
}

/// How each part was computed, as the report states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Methods {
    pub tornado: &'static str,
    pub switching_values: &'static str,
    pub probabilistic_break_even: &'static str,
    pub acceptability: &'static str,
}

pub const METHODS: Methods = Methods {
    tornado: "each uncertain input at its P5 and P95 (spider: 11 quantiles, P5 to P95), every other input at its mean, fixed mode; a whole transition row at the rows giving the figure's P5 and P95 among 401 drawn from its Dirichlet; ranked by swing",
    switching_values: "the value at which the figure crosses the target, others at their means, fixed mode: exact where the figure is linear in the input, otherwise bisection between probes over the input's whole support; the crossing nearest the input's mean",
    probabilistic_break_even: "the input fixed at trial values in every iteration, every other input drawn as in run (common random numbers); bisection until the bracket is narrower than 0.5% of the input's P5-P95 width or the chances at both its ends are within half a Monte Carlo standard error of the level",
    acceptability: "the programme's cost per family reached (before optimism bias) set in every iteration; the figure is linear in it, so two Monte Carlo runs on common random numbers give it at every price",
};

/// What an analysis or a sweep is of: the scenario, the intervention, the figure and its
/// target (the first fields of `sensitivity.json` and `sweep.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub scenario: String,
    pub title: Option<String>,
    pub intervention: String,
    pub metric: String,
    /// The agency whose figure this is; `null` for all budgets together.
    pub agency: Option<String>,
    pub target: f64,
    /// True when the figure is an amount of money.
    pub money: bool,
    /// The figure in fixed mode, every input at its mean.
    pub base: f64,
}

impl Subject {
    fn new(
        scenario: &Scenario,
        intervention: String,
        figure: &Figure,
        request: &Request,
        base: f64,
    ) -> Self {
        Subject {
            scenario: scenario.name.clone(),
            title: scenario.title.clone(),
            intervention,
            metric: figure.metric.to_string(),
            agency: request.agency.clone(),
            target: request.target,
            money: figure.money(),
            base,
        }
    }
}

/// The content of `sensitivity.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    #[serde(flatten)]
    pub subject: Subject,
    pub methods: Methods,
    /// Largest swing first; each bar carries its spider line.
    pub tornado: Vec<oneway::Bar>,
    pub switching_values: Vec<oneway::SwitchingValue>,
    pub probabilistic_break_even: Vec<breakeven::BreakEven>,
    pub acceptability: Option<acceptability::Acceptability>,
    /// What was left out, and why.
    pub notes: Vec<String>,
}

/// The figure a request asks for, on the scenario reduced to its intervention.
///
/// # Errors
/// An unknown intervention, metric or agency, named with what is available.
pub fn resolve(
    scenario: &Scenario,
    request: &Request,
) -> Result<(Scenario, Figure, String), String> {
    let file = scenario.path.display();
    if scenario.interventions.is_empty() {
        return Err(format!("{file} has no intervention to analyse"));
    }
    let names: Vec<String> = scenario
        .interventions
        .iter()
        .map(|i| format!("\"{}\"", i.name))
        .collect();
    let k = match &request.intervention {
        None => 0,
        Some(name) => scenario
            .interventions
            .iter()
            .position(|i| &i.name == name)
            .ok_or_else(|| {
                format!(
                    "{file} has no intervention \"{name}\"; it has {}",
                    names.join(", ")
                )
            })?,
    };
    let agency = match &request.agency {
        None => None,
        Some(name) if scenario.has_agencies => Some(
            scenario
                .agencies
                .names
                .iter()
                .position(|a| a == name)
                .ok_or_else(|| {
                    format!(
                        "{file} has no agency \"{name}\"; its agencies are {}",
                        scenario
                            .agencies
                            .names
                            .iter()
                            .map(|a| format!("\"{a}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?,
        ),
        Some(_) => {
            return Err(format!(
                "{file} names no agencies ([agencies]), so --agency cannot be used with it"
            ));
        }
    };
    let unknown = || {
        let names: Vec<&str> = if agency.is_some() {
            AgencyMetric::ALL.iter().map(|m| m.name()).collect()
        } else {
            Metric::ALL.iter().map(|m| m.name()).collect()
        };
        format!(
            "unknown metric `{}`{}; use one of {}",
            request.metric,
            if agency.is_some() {
                " for an agency"
            } else {
                ""
            },
            names.join(", ")
        )
    };
    let metric = Metric::from_name(&request.metric).ok_or_else(unknown)?;
    let agency = match agency {
        None => None,
        Some(a) => Some((
            a,
            AgencyMetric::from_name(&request.metric).ok_or_else(unknown)?,
        )),
    };
    let figure = Figure {
        intervention: 0,
        metric,
        agency,
    };
    Ok((
        inputs::single(scenario, k),
        figure,
        scenario.interventions[k].name.clone(),
    ))
}

/// The uncertain inputs the one-way analysis swings: scalars and whole rows, and with
/// `entries` each row's entries too.
pub fn swung_inputs(scenario: &Scenario, entries: bool) -> Vec<Input> {
    inputs::all_inputs(scenario)
        .into_iter()
        .filter(|i| i.uncertain())
        .filter(|i| entries || !matches!(i.kind, inputs::Kind::Entry(..)))
        .collect()
}

/// The one-way analysis, switching values, probabilistic break-even and acceptability.
///
/// # Errors
/// An unknown intervention, metric, agency or input.
pub fn analyse(scenario: &Scenario, request: &Request) -> Result<Analysis, String> {
    let (single, figure, intervention) = resolve(scenario, request)?;
    let base = inputs::fixed_figure(&single, &figure, &|_| {}).ok_or_else(|| {
        format!(
            "`{}` is undefined in the base case (a ratio to a programme cost of zero)",
            request.metric
        )
    })?;
    let all = inputs::all_inputs(&single);
    let swung = swung_inputs(&single, request.entries);
    let tornado = oneway::tornado(&single, &figure, &swung);
    let switching_values: Vec<oneway::SwitchingValue> = all
        .iter()
        .filter(|i| i.uncertain() && !i.is_row())
        .filter_map(|i| oneway::switching_value(&single, &figure, i, request.target))
        .collect();
    let mut notes = Vec::new();
    if !request.entries {
        notes.push(
            "transition rows are swung as whole rows; --entries swings each entry too".to_string(),
        );
    }
    let (mut probabilistic_break_even, mut acceptability) = (Vec::new(), None);
    if request.monte_carlo_outputs {
        let seed = request.seed.unwrap_or(scenario.seed);
        let iterations = request.iterations.unwrap_or(scenario.iterations);
        let draws = inputs::draws(&single, seed, iterations);
        let deciding: Vec<Input> = if request.inputs.is_empty() {
            tornado
                .iter()
                .filter(|b| b.kind != "row")
                .take(DECIDING)
                .filter_map(|b| all.iter().find(|i| i.name == b.input).cloned())
                .collect()
        } else {
            request
                .inputs
                .iter()
                .map(|name| inputs::find_input(&single, name))
                .collect::<Result<_, _>>()?
        };
        for input in &deciding {
            if input.is_row() {
                return Err(format!(
                    "--input {}: a whole transition row has no single value; name one of its entries, such as {}.to_coping",
                    input.name, input.name
                ));
            }
            probabilistic_break_even.extend(breakeven::break_even(
                &single,
                &figure,
                input,
                request.target,
                seed,
                &draws,
            ));
        }
        acceptability =
            acceptability::acceptability(&single, &figure, request.target, seed, &draws);
        if acceptability.is_none() {
            notes.push(format!("\"{intervention}\" has no programme cost, so there is no acceptability curve against its price"));
        }
    } else {
        notes.push("no Monte Carlo outputs were asked for (--no-monte-carlo): no probabilistic break-even and no acceptability curve".to_string());
    }
    Ok(Analysis {
        subject: Subject::new(scenario, intervention, &figure, request, base),
        methods: METHODS,
        tornado,
        switching_values,
        probabilistic_break_even,
        acceptability,
        notes,
    })
}

/// A sweep's result with what it is of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepResult {
    #[serde(flatten)]
    pub subject: Subject,
    pub sweep: Sweep,
}

/// Runs the request's sweeps (one, or two for a two-way grid).
///
/// # Errors
/// An unknown intervention, metric, agency or input, a value an input cannot take, or more than
/// two sweeps.
pub fn run_sweep(scenario: &Scenario, request: &Request) -> Result<SweepResult, String> {
    if request.sweeps.len() > 2 {
        return Err(
            "at most two --sweep options: one for a one-way sweep, two for a two-way grid"
                .to_string(),
        );
    }
    let (single, figure, intervention) = resolve(scenario, request)?;
    let mut axes = Vec::new();
    for spec in &request.sweeps {
        let input = inputs::find_input(&single, &spec.input)?;
        spec.check(&input)?;
        axes.push((input, spec.clone()));
    }
    if axes.len() == 2 && axes[0].0.name == axes[1].0.name {
        return Err(format!(
            "--sweep names {} twice; a two-way sweep needs two different inputs",
            axes[0].0.name
        ));
    }
    let base = inputs::fixed_figure(&single, &figure, &|_| {}).unwrap_or(f64::NAN);
    let seed = request.seed.unwrap_or(scenario.seed);
    let draws = request.monte_carlo.then(|| {
        inputs::draws(
            &single,
            seed,
            request.iterations.unwrap_or(scenario.iterations),
        )
    });
    let sweep = sweep::sweep(
        &single,
        &figure,
        request.target,
        &axes,
        draws.as_deref().map(|d| (seed, d)),
    );
    Ok(SweepResult {
        subject: Subject::new(scenario, intervention, &figure, request, base),
        sweep,
    })
}
