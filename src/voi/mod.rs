//! Value of information (`prevsim voi`): what removing uncertainty would be worth, from the
//! draws a run stored (no new model runs).
//!
//! The decision is between doing nothing and each intervention, valued by the net saving
//! (present value) to all agencies together or to one agency. From the stored iterations:
//! EVPI (the most that removing all uncertainty is worth), EVPPI of each uncertain input and of
//! groups of inputs (the most that learning them is worth), and each input's first-order share
//! of the variance of the net saving. [`numerics`] holds the estimators as pure functions,
//! [`load`] reads the draws, [`output`] writes `voi.json`, `voi.csv` and the console table.

pub mod load;
pub mod numerics;
pub mod output;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use load::Draws;
use numerics::{Bootstrap, Estimate, Problem};

/// Most inputs in a group named with `--group`.
pub const MAX_GROUP: usize = 4;

/// Differences between the two single-input methods below this share of the EVPI are not
/// flagged.
pub const NEGLIGIBLE: f64 = 0.01;

/// Fewest iterations an analysis accepts.
pub const MIN_ITERATIONS: usize = 200;

/// Why an analysis cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum VoiError {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw the value-of-information chart: {0}")]
    Chart(String),
}

/// A group of inputs named on the command line: `NAME=PARAM,PARAM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec {
    pub name: String,
    pub params: Vec<String>,
}

impl std::str::FromStr for GroupSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((name, params)) = s.split_once('=') else {
            return Err(format!(
                "`{s}`: write a group as NAME=PARAM,PARAM, such as \"costs=care.cost,unit_costs.coping\""
            ));
        };
        let params: Vec<String> = params
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if name.trim().is_empty() || params.is_empty() {
            return Err(format!(
                "`{s}`: a group needs a name and at least one input, such as \"costs=care.cost,unit_costs.coping\""
            ));
        }
        if params.len() > MAX_GROUP {
            return Err(format!(
                "`{s}`: a group may have at most {MAX_GROUP} inputs (it has {}); split it into smaller groups",
                params.len()
            ));
        }
        Ok(GroupSpec {
            name: name.trim().to_string(),
            params,
        })
    }
}

/// What to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Groups named with `--group`, analysed after the built-in ones.
    pub groups: Vec<GroupSpec>,
    /// Value the decision by this agency's net saving instead of all agencies' together.
    pub agency: Option<String>,
    /// Bootstrap replicates behind every EVPPI standard error.
    pub replicates: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            groups: Vec::new(),
            agency: None,
            replicates: 100,
        }
    }
}

/// The built-in groups: name, what they are, and which inputs they hold.
pub const BUILT_IN: [(&str, &str); 3] = [
    (
        "programme effect",
        "every uncertain effect of the interventions (relative risks, shares, how long the effect lasts), not their costs",
    ),
    (
        "care costs",
        "what services cost: the cost of a child in care and the unit costs of children at home",
    ),
    (
        "transitions",
        "the uncertain rows of the family transition matrix",
    ),
];

fn in_built_in(group: &str, input: &str) -> bool {
    match group {
        "programme effect" => {
            input.starts_with("interventions[") && !input.contains("].programme_cost.")
        }
        "care costs" => input == "care.cost" || input.starts_with("unit_costs."),
        "transitions" => input.starts_with("transitions."),
        _ => false,
    }
}

/// One uncertain input's EVPPI by both methods.
#[derive(Debug, Clone, PartialEq)]
pub struct Single {
    pub input: String,
    /// Sort-and-block (the primary figure).
    pub blocks: Estimate,
    /// Cubic regression spline (the cross-check; for the decision as asked, not per agency).
    pub spline: Option<Estimate>,
    /// Share of the variance of the net saving of the focus intervention explained by this input
    /// alone (R^2 of the spline; for the decision as asked, not per agency).
    pub variance_share: Option<f64>,
}

impl Single {
    /// The two methods differ by more than the sum of their standard errors and by more than
    /// [`NEGLIGIBLE`] of the EVPI (so two estimates of practically nothing never disagree).
    pub fn methods_disagree(&self, evpi: f64) -> bool {
        self.spline.is_some_and(|spline| {
            let d = (self.blocks.value - spline.value).abs();
            d > self.blocks.se + spline.se && d > NEGLIGIBLE * evpi
        })
    }
}

/// A group's EVPPI.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub built_in: bool,
    /// Inputs as in `iterations.csv`.
    pub inputs: Vec<String>,
    /// Of those, dropped as constant or a linear combination of the others (a Dirichlet row's
    /// last share, say).
    pub dropped: Vec<String>,
    pub evppi: Estimate,
}

/// The analysis of one budget (all agencies together, or one agency).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// "all agencies" or the agency's name.
    pub name: String,
    /// Expected net saving of each option ("do nothing" first).
    pub expected: Vec<f64>,
    /// Share of iterations in which each option is best.
    pub prob_best: Vec<f64>,
    /// The option best on average (0 is "do nothing").
    pub adopt: usize,
    pub evpi: Estimate,
    pub singles: Vec<Single>,
    pub groups: Vec<Group>,
}

/// A whole value-of-information analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub scenario: String,
    pub title: Option<String>,
    pub seed: u64,
    pub discount: String,
    pub iterations: usize,
    pub iterations_sha256: String,
    /// "do nothing", then the interventions.
    pub options: Vec<String>,
    /// The intervention whose net saving the variance shares decompose (index into options).
    pub focus: usize,
    /// Mean programme cost (PV) of the focus intervention; `None` when it costs nothing.
    pub programme_cost: Option<f64>,
    /// Inputs in `iterations.csv` that did not vary (not analysed).
    pub constant_inputs: Vec<String>,
    /// The decision as asked (all agencies, or `--agency`).
    pub main: Budget,
    /// Each agency's own view (empty without `[agencies]`).
    pub agencies: Vec<Budget>,
    pub blocks: usize,
    pub replicates: usize,
}

/// The inputs a group parameter names: an input exactly, the columns of a transition row
/// (`transitions.chaotic`), or an intervention's input by what follows its `interventions[...]`
/// prefix when only one input matches (`programme.up_relative_risk`).
fn resolve(param: &str, inputs: &[String]) -> Result<Vec<String>, String> {
    if inputs.iter().any(|i| i == param) {
        return Ok(vec![param.to_string()]);
    }
    let row: Vec<String> = inputs
        .iter()
        .filter(|i| i.starts_with(&format!("{param}.to_")))
        .cloned()
        .collect();
    if !row.is_empty() {
        return Ok(row);
    }
    let tail: Vec<String> = inputs
        .iter()
        .filter(|i| i.starts_with("interventions[") && i.ends_with(&format!("].{param}")))
        .cloned()
        .collect();
    if tail.len() == 1 {
        return Ok(tail);
    }
    let nearest = inputs
        .iter()
        .min_by(|a, b| {
            strsim::levenshtein(a, param)
                .cmp(&strsim::levenshtein(b, param))
                .then(a.cmp(b))
        })
        .map_or(String::new(), |n| format!(" (nearest: `{n}`)"));
    Err(if tail.len() > 1 {
        format!(
            "`{param}` matches {} inputs; give the full name, such as `{}`",
            tail.len(),
            tail[0]
        )
    } else {
        format!(
            "`{param}` is not an uncertain input of this run{nearest}; inputs are named as in the columns of iterations.csv"
        )
    })
}

/// The decision for each budget: the main one first, then each agency's.
pub fn problems(draws: &Draws, agency: Option<usize>) -> Vec<Problem> {
    let main = match agency {
        Some(a) => draws.agency_net_saving[a].clone(),
        None => draws.net_saving.clone(),
    };
    let mut out = vec![Problem { incremental: main }];
    out.extend(draws.agency_net_saving.iter().map(|a| Problem {
        incremental: a.clone(),
    }));
    out
}

/// Analyses stored draws.
///
/// # Errors
/// Too few iterations, an unknown agency, or a group naming an unknown input.
pub fn analyse(draws: &Draws, settings: &Settings) -> Result<Analysis, VoiError> {
    let n = draws.iterations;
    if n < MIN_ITERATIONS {
        return Err(VoiError::Usage(format!(
            "{} has {n} iterations; the value of information needs at least {MIN_ITERATIONS} (10,000 is better): re-run it with --iterations 10000",
            draws.scenario
        )));
    }
    let agency = match &settings.agency {
        None => None,
        Some(name) => Some(draws.agencies.iter().position(|a| a == name).ok_or_else(|| {
            VoiError::Usage(if draws.agencies.is_empty() {
                format!("--agency {name}: scenario {} names no agencies; leave --agency out to value all agencies together", draws.scenario)
            } else {
                format!(
                    "--agency {name}: no such agency in {}; its agencies are {}",
                    draws.scenario,
                    draws.agencies.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")
                )
            })
        })?),
    };
    let names: Vec<String> = draws.inputs.iter().map(|(n, _)| n.clone()).collect();
    // Groups: built-in (when they hold an uncertain input), then the user's.
    let mut group_inputs: Vec<(String, bool, Vec<String>)> = Vec::new();
    for (g, _) in BUILT_IN {
        let members: Vec<String> = names
            .iter()
            .filter(|i| in_built_in(g, i))
            .cloned()
            .collect();
        if !members.is_empty() {
            group_inputs.push((g.to_string(), true, members));
        }
    }
    for spec in &settings.groups {
        let mut members = Vec::new();
        for p in &spec.params {
            for i in resolve(p, &names)
                .map_err(|e| VoiError::Usage(format!("--group {}: {e}", spec.name)))?
            {
                if !members.contains(&i) {
                    members.push(i);
                }
            }
        }
        group_inputs.push((spec.name.clone(), false, members));
    }
    let column = |name: &str| -> &[f64] {
        draws
            .inputs
            .iter()
            .find(|(n, _)| n == name)
            .map_or(&[], |(_, v)| v.as_slice())
    };
    let constant: Vec<String> = draws
        .inputs
        .iter()
        .filter(|(_, v)| v.iter().all(|x| *x == v[0]))
        .map(|(n, _)| n.clone())
        .collect();
    let varying: Vec<&(String, Vec<f64>)> = draws
        .inputs
        .iter()
        .filter(|(n, _)| !constant.contains(n))
        .collect();
    let problems = problems(draws, agency);
    let blocks = numerics::default_blocks(n);
    let boot = Bootstrap {
        replicates: settings.replicates,
        seed: draws.seed,
    };
    // Focus: the intervention best on average for the main budget, else the first.
    let main_adopt = problems[0].best_on_average();
    let focus = main_adopt.max(1);
    // The spline cross-check and the variance shares are for the decision as asked; each
    // agency's view gets the sort-and-block estimates.
    let singles: Vec<(Vec<Estimate>, numerics::SplineFit)> = varying
        .par_iter()
        .map(|(_, x)| {
            (
                numerics::blocks(x, &problems, blocks, boot),
                numerics::spline(x, &problems[..1], boot).remove(0),
            )
        })
        .collect();
    let groups: Vec<(Vec<String>, Vec<Estimate>)> = group_inputs
        .par_iter()
        .map(|(_, _, members)| {
            let cols: Vec<&[f64]> = members.iter().map(|m| column(m)).collect();
            let keep = numerics::independent_columns(&cols);
            let dropped = members
                .iter()
                .enumerate()
                .filter(|(j, _)| !keep.contains(j))
                .map(|(_, m)| m.clone())
                .collect();
            let used: Vec<&[f64]> = keep.iter().map(|&j| cols[j]).collect();
            let est = if used.is_empty() {
                vec![
                    Estimate {
                        value: 0.0,
                        se: 0.0
                    };
                    problems.len()
                ]
            } else {
                numerics::group(&used, &problems, boot)
            };
            (dropped, est)
        })
        .collect();
    let budget = |b: usize, name: String| {
        let evpi = numerics::evpi(&problems[b]);
        // One option best in every iteration: no information can change the decision, so every
        // EVPPI is exactly 0 (the estimators would give rounding errors of about 1e-9).
        let sure = evpi.value == 0.0;
        let zero = Estimate {
            value: 0.0,
            se: 0.0,
        };
        let exact = |e: Estimate| if sure { zero } else { e };
        Budget {
            name,
            expected: problems[b].expected(),
            prob_best: problems[b].prob_best(),
            adopt: problems[b].best_on_average(),
            evpi,
            singles: varying
                .iter()
                .zip(&singles)
                .map(|((input, _), (sab, spl))| Single {
                    input: input.clone(),
                    blocks: exact(sab[b]),
                    spline: (b == 0).then_some(exact(spl.evppi)),
                    variance_share: (b == 0).then(|| spl.r2.get(focus - 1).copied().unwrap_or(0.0)),
                })
                .collect(),
            groups: group_inputs
                .iter()
                .zip(&groups)
                .map(|((name, built_in, members), (dropped, est))| Group {
                    name: name.clone(),
                    built_in: *built_in,
                    inputs: members.clone(),
                    dropped: dropped.clone(),
                    evppi: exact(est[b]),
                })
                .collect(),
        }
    };
    let cost = mean(&draws.programme_cost[focus - 1]);
    let mut options = vec!["do nothing".to_string()];
    options.extend(draws.interventions.iter().cloned());
    Ok(Analysis {
        scenario: draws.scenario.clone(),
        title: draws.title.clone(),
        seed: draws.seed,
        discount: draws.discount.clone(),
        iterations: n,
        iterations_sha256: draws.iterations_sha256.clone(),
        options,
        focus,
        programme_cost: (cost > 0.0).then_some(cost),
        constant_inputs: constant,
        main: budget(
            0,
            settings
                .agency
                .clone()
                .unwrap_or_else(|| "all agencies".to_string()),
        ),
        agencies: draws
            .agencies
            .iter()
            .enumerate()
            .map(|(a, name)| budget(a + 1, name.clone()))
            .collect(),
        blocks,
        replicates: settings.replicates,
    })
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Files written: `OUT/<scenario>/voi/` with voi.json, voi.csv and the chart.
#[derive(Debug, Clone)]
pub struct Written {
    pub analysis: Analysis,
    pub folder: PathBuf,
    pub files: Vec<String>,
}

/// Reads a result folder's draws, analyses them and writes `voi/` inside it (all files at once,
/// replacing an earlier analysis only when every file is ready).
///
/// # Errors
/// The folder cannot be read, the settings do not fit it, or the files cannot be written.
pub fn run(folder: &Path, settings: &Settings) -> Result<Written, VoiError> {
    let draws = load::load(folder)?;
    let analysis = analyse(&draws, settings)?;
    let mut files = vec![
        ("voi.json".to_string(), output::json(&analysis)),
        ("voi.csv".to_string(), output::csv(&analysis)),
    ];
    files.extend(
        crate::charts::voi::charts(&analysis, &crate::charts::Style::default())
            .map_err(|e| VoiError::Chart(e.to_string()))?,
    );
    let dest = folder.join("voi");
    crate::export::writer::write_atomically(&dest, &files).map_err(|source| VoiError::Write {
        path: dest.clone(),
        source,
    })?;
    Ok(Written {
        analysis,
        folder: dest,
        files: files.into_iter().map(|(n, _)| n).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_parse_with_a_helpful_error() {
        let g: GroupSpec = "costs=care.cost, unit_costs.coping".parse().unwrap();
        assert_eq!(g.name, "costs");
        assert_eq!(g.params, ["care.cost", "unit_costs.coping"]);
        assert!(
            "costs"
                .parse::<GroupSpec>()
                .unwrap_err()
                .contains("NAME=PARAM")
        );
        assert!(
            "a=b,c,d,e,f"
                .parse::<GroupSpec>()
                .unwrap_err()
                .contains("at most 4")
        );
    }

    #[test]
    fn group_parameters_resolve_to_columns() {
        let inputs: Vec<String> = [
            "transitions.chaotic.to_chaotic",
            "transitions.chaotic.to_coping",
            "care.cost",
            "interventions[p].programme.drop_off",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(resolve("care.cost", &inputs).unwrap(), ["care.cost"]);
        assert_eq!(resolve("transitions.chaotic", &inputs).unwrap().len(), 2);
        assert_eq!(
            resolve("programme.drop_off", &inputs).unwrap(),
            ["interventions[p].programme.drop_off"]
        );
        let e = resolve("care.cots", &inputs).unwrap_err();
        assert!(e.contains("nearest: `care.cost`"), "{e}");
    }

    #[test]
    fn built_in_groups() {
        assert!(in_built_in(
            "programme effect",
            "interventions[p].programme.up_relative_risk"
        ));
        assert!(!in_built_in(
            "programme effect",
            "interventions[p].programme_cost.per_family"
        ));
        assert!(in_built_in("care costs", "unit_costs.coping"));
        assert!(in_built_in("transitions", "transitions.coping.to_chaotic"));
        assert!(!in_built_in("transitions", "care.exit_rate"));
    }
}
