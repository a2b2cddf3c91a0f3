//! `prevsim check`: do a document's claims stand up in the model?
//!
//! For each scenario with claims, [`check_scenario`] runs the Monte Carlo once, then for each
//! claim works out the figure's mean and P5-P95 across iterations, the share of iterations in
//! which the claim's test passes, and a [`Verdict`]; [`why`] adds which uncertain parameter
//! decides the claim and at what value of it the verdict flips. [`format`] renders the results
//! as a console table, Markdown, CSV or JSON. Nothing here prints or touches files.
//!
//! # Verdicts
//! With `probability = p` (the test must pass in at least a share `p` of iterations) and `P` the
//! share of iterations in which it passes:
//! - **holds**: `P >= p`;
//! - **does not hold**: `P <= 1 - p` (the model is at least as sure the claim fails as the claim
//!   asks it to be sure it holds) and the mean fails the test too;
//! - **holds only partly**: anything between: `1 - p < P < p`, or `P <= 1 - p` while the mean
//!   passes.
//!
//! With `on_mean = true`: **holds** when the mean passes; **holds only partly** when it does not
//! but at least 5% of iterations pass (the claim's figure is inside the model's P5-P95 reach);
//! **does not hold** otherwise.

pub mod format;
pub mod why;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::engine::{self, ArmInputs, IterationResult, RunOptions};
use crate::pipeline::{self, PipelineError};
use crate::scenario::{Claim, Quantity, Requirement, Scenario, Test};
use crate::stats::Summary;

pub use why::{Swing, Threshold, ThresholdMethod, Why, fixed_with};

/// Share of iterations that must pass for a claim on the mean to hold only partly.
pub const MEAN_CLAIM_PARTLY: f64 = 0.05;

/// Why `check` could not start.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error(
        "{0} states no claims: add `[[claims]]` tables at the end of the file (see README, \"Checking a claim\")"
    )]
    NoClaims(PathBuf),
    #[error(
        "no scenario in {0} states a claim: add `[[claims]]` tables to a scenario, or name files to check"
    )]
    NoneWithClaims(PathBuf),
}

/// The scenarios to check: the files given, each of which must state claims, or with no file
/// every scenario in `dir` that states claims.
///
/// # Errors
/// A file is invalid or unreadable, a named file states no claims, or none in `dir` does.
pub fn scenarios_with_claims(files: Vec<PathBuf>, dir: &Path) -> Result<Vec<Scenario>, CheckError> {
    if files.is_empty() {
        let all = pipeline::load_all(&pipeline::scenario_files(dir)?)?;
        let with: Vec<Scenario> = all.into_iter().filter(|s| !s.claims.is_empty()).collect();
        if with.is_empty() {
            return Err(CheckError::NoneWithClaims(dir.to_path_buf()));
        }
        return Ok(with);
    }
    let all = pipeline::load_all(&files)?;
    if let Some(s) = all.iter().find(|s| s.claims.is_empty()) {
        return Err(CheckError::NoClaims(s.path.clone()));
    }
    Ok(all)
}

/// Whether a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    #[serde(rename = "holds")]
    Holds,
    #[serde(rename = "holds only partly")]
    HoldsPartly,
    #[serde(rename = "does not hold")]
    DoesNotHold,
}

impl Verdict {
    /// The verdict in words, as reports print it.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::HoldsPartly => "holds only partly",
            Verdict::DoesNotHold => "does not hold",
        }
    }
}

/// The verdict from the requirement, the share of iterations passing and whether the mean
/// passes (see the module documentation).
pub fn verdict(requirement: Requirement, share_passing: f64, mean_passes: bool) -> Verdict {
    match requirement {
        Requirement::Probability(p) => {
            if share_passing >= p {
                Verdict::Holds
            } else if share_passing <= 1.0 - p && !mean_passes {
                Verdict::DoesNotHold
            } else {
                Verdict::HoldsPartly
            }
        }
        Requirement::Mean => {
            if mean_passes {
                Verdict::Holds
            } else if share_passing >= MEAN_CLAIM_PARTLY {
                Verdict::HoldsPartly
            } else {
                Verdict::DoesNotHold
            }
        }
    }
}

/// A figure across iterations, and how often the claim's test passes on it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    pub mean: f64,
    pub p5: f64,
    pub p95: f64,
    /// Share of iterations in which the test passes (an undefined figure fails).
    pub probability: f64,
    /// Monte Carlo standard error of `probability`: sqrt(P (1 - P) / n).
    pub probability_se: f64,
    /// True when the mean passes the test.
    pub mean_passes: bool,
}

impl Figures {
    /// The figures of `values` (one per iteration, `None` where undefined) under `test`.
    pub fn of(values: &[Option<f64>], test: &Test) -> Figures {
        let defined: Vec<f64> = values.iter().flatten().copied().collect();
        let n = values.len().max(1) as f64;
        let passing = defined.iter().filter(|x| test.passes(**x)).count() as f64;
        let probability = passing / n;
        let summary = Summary::of(&defined);
        let mean = summary.map_or(f64::NAN, |s| s.mean);
        Figures {
            mean,
            p5: summary.map_or(f64::NAN, |s| s.p5),
            p95: summary.map_or(f64::NAN, |s| s.p95),
            probability,
            probability_se: (probability * (1.0 - probability) / n).sqrt(),
            mean_passes: mean.is_finite() && test.passes(mean),
        }
    }
}

/// The same figure for another intervention, shown beside the claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Beside {
    pub intervention: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// The verdict the claim would get on this intervention.
    pub verdict: Verdict,
}

/// One claim, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimCheck {
    /// The claim as quoted.
    pub text: String,
    /// Document and place.
    pub source: String,
    /// Line of the claim in the scenario file.
    pub line: usize,
    /// The figure: a metric name, or an input (`unit_cost.chaotic / unit_cost.coping`).
    pub figure: String,
    /// The intervention, for a metric.
    pub intervention: Option<String>,
    /// `at_least`, `at_most` or `near`.
    pub test: &'static str,
    /// The document's figure.
    pub document: f64,
    /// For `near`: how far from the document's figure the model's may be.
    pub tolerance: Option<f64>,
    /// The share of iterations that must pass, or `None` for a claim on the mean.
    pub required_probability: Option<f64>,
    /// True when the figure is an amount of money.
    pub money: bool,
    #[serde(flatten)]
    pub figures: Figures,
    pub verdict: Verdict,
    /// The same figure for the intervention named by `compare`.
    pub beside: Option<Beside>,
    pub why: Why,
    #[serde(skip)]
    pub claim: Claim,
}

/// A scenario's claims, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioCheck {
    pub scenario: String,
    pub title: Option<String>,
    pub file: String,
    pub iterations: u64,
    pub seed: u64,
    pub claims: Vec<ClaimCheck>,
}

impl ScenarioCheck {
    /// The worst verdict of its claims (`Holds` when it has none).
    pub fn worst(&self) -> Verdict {
        worst(self.claims.iter().map(|c| c.verdict))
    }
}

/// The worst of several verdicts (`Holds` when there are none).
pub fn worst(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    verdicts
        .into_iter()
        .fold(Verdict::Holds, |w, v| match (w, v) {
            (Verdict::DoesNotHold, _) | (_, Verdict::DoesNotHold) => Verdict::DoesNotHold,
            (Verdict::HoldsPartly, _) | (_, Verdict::HoldsPartly) => Verdict::HoldsPartly,
            _ => Verdict::Holds,
        })
}

/// The claim's figure in one iteration (`None` where undefined, such as a ratio to zero).
pub fn value(quantity: &Quantity, scenario: &Scenario, it: &IterationResult) -> Option<f64> {
    match quantity {
        Quantity::Metric {
            intervention,
            metric,
        } => it.interventions.get(*intervention)?.metrics.get(*metric),
        Quantity::Published { value, .. } => Some(*value),
        Quantity::Input { of, per } => {
            let inputs = ArmInputs::baseline(&scenario.baseline, &it.values);
            let get = |input: &crate::scenario::Input| match input {
                crate::scenario::Input::Parameter { id, .. } => it.values.get(*id),
                crate::scenario::Input::UnitCost(s) => inputs.unit_cost[*s],
            };
            let x = get(of);
            match per {
                None => Some(x),
                Some(per) => {
                    let d = get(per);
                    (d != 0.0).then(|| x / d)
                }
            }
        }
    }
}

/// The figure's name, as the report shows it.
pub fn figure_name(quantity: &Quantity) -> String {
    match quantity {
        Quantity::Metric { metric, .. } => metric.name().to_string(),
        Quantity::Input { of, per: None } => of.name(),
        Quantity::Input { of, per: Some(per) } => format!("{} / {}", of.name(), per.name()),
        Quantity::Published { figure, area, .. } => format!("{figure} of {area} (DfE, published)"),
    }
}

/// Runs a scenario and checks every claim it states.
pub fn check_scenario(scenario: &Scenario, options: RunOptions) -> ScenarioCheck {
    let run = engine::run(scenario, options, &|| {});
    let claims = scenario
        .claims
        .iter()
        .map(|claim| check_claim(scenario, claim, &run.iterations))
        .collect();
    ScenarioCheck {
        scenario: scenario.name.clone(),
        title: scenario.title.clone(),
        file: scenario.path.display().to_string(),
        iterations: run.iterations.len() as u64,
        seed: options.seed,
        claims,
    }
}

/// One claim against a run's iterations.
pub fn check_claim(
    scenario: &Scenario,
    claim: &Claim,
    iterations: &[IterationResult],
) -> ClaimCheck {
    let values: Vec<Option<f64>> = iterations
        .iter()
        .map(|it| value(&claim.quantity, scenario, it))
        .collect();
    let figures = Figures::of(&values, &claim.test);
    let verdict = verdict(claim.requirement, figures.probability, figures.mean_passes);
    let beside = match (&claim.quantity, claim.compare) {
        (Quantity::Metric { metric, .. }, Some(k)) => {
            let other = Quantity::Metric {
                intervention: k,
                metric: *metric,
            };
            let values: Vec<Option<f64>> = iterations
                .iter()
                .map(|it| value(&other, scenario, it))
                .collect();
            let figures = Figures::of(&values, &claim.test);
            Some(Beside {
                intervention: scenario.interventions[k].name.clone(),
                figures,
                verdict: self::verdict(claim.requirement, figures.probability, figures.mean_passes),
            })
        }
        _ => None,
    };
    let (test, document, tolerance) = match claim.test {
        Test::AtLeast(x) => ("at_least", x, None),
        Test::AtMost(x) => ("at_most", x, None),
        Test::Near { value, tolerance } => ("near", value, Some(tolerance)),
    };
    ClaimCheck {
        text: claim.text.clone(),
        source: claim.source.clone(),
        line: claim.line,
        figure: figure_name(&claim.quantity),
        intervention: match claim.quantity {
            Quantity::Metric { intervention, .. } => {
                Some(scenario.interventions[intervention].name.clone())
            }
            Quantity::Input { .. } | Quantity::Published { .. } => None,
        },
        test,
        document,
        tolerance,
        required_probability: match claim.requirement {
            Requirement::Probability(p) => Some(p),
            Requirement::Mean => None,
        },
        money: claim.quantity.is_money(),
        figures,
        verdict,
        beside,
        why: why::explain(scenario, claim, iterations),
        claim: claim.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_documented_rules() {
        let p95 = Requirement::Probability(0.95);
        assert_eq!(verdict(p95, 1.0, true), Verdict::Holds);
        assert_eq!(verdict(p95, 0.95, false), Verdict::Holds);
        assert_eq!(verdict(p95, 0.94, true), Verdict::HoldsPartly);
        assert_eq!(verdict(p95, 1.0 / 3.0, false), Verdict::HoldsPartly);
        assert_eq!(verdict(p95, 0.05, false), Verdict::DoesNotHold);
        assert_eq!(verdict(p95, 0.0, false), Verdict::DoesNotHold);
        // The mean passing keeps a rarely passing claim at "partly".
        assert_eq!(verdict(p95, 0.01, true), Verdict::HoldsPartly);
        let certain = Requirement::Probability(1.0);
        assert_eq!(verdict(certain, 0.9999, false), Verdict::HoldsPartly);
        assert_eq!(verdict(certain, 0.0, false), Verdict::DoesNotHold);
        assert_eq!(verdict(Requirement::Mean, 0.2, true), Verdict::Holds);
        assert_eq!(
            verdict(Requirement::Mean, 0.05, false),
            Verdict::HoldsPartly
        );
        assert_eq!(
            verdict(Requirement::Mean, 0.04, false),
            Verdict::DoesNotHold
        );
    }

    #[test]
    fn worst_verdict_wins() {
        use Verdict::*;
        assert_eq!(worst([]), Holds);
        assert_eq!(worst([Holds, HoldsPartly, Holds]), HoldsPartly);
        assert_eq!(worst([HoldsPartly, DoesNotHold, Holds]), DoesNotHold);
    }

    #[test]
    fn figures_count_undefined_values_as_failing() {
        let test = Test::AtLeast(2.0);
        let f = Figures::of(&[Some(1.0), Some(2.0), Some(3.0), None], &test);
        assert_eq!(f.probability, 0.5);
        assert_eq!(f.mean, 2.0);
        assert!(f.mean_passes);
        assert!((f.probability_se - (0.25f64 / 4.0).sqrt()).abs() < 1e-15);
    }
}
