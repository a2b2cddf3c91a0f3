//! Claims from documents: what a scenario says a report claims, checked by `prevsim check`.
//!
//! A scenario may end with `[[claims]]` tables. Each quotes a claim, names its source, the
//! figure it is about (a metric of one intervention, or an input: a parameter, a unit cost, or
//! a ratio of two), a test (`at_least`, `at_most`, or `near` with `tolerance`) and how sure the
//! model must be (`probability`: the share of iterations in which the test must pass, or
//! `on_mean = true`: the test applies to the mean). The serde mirror is [`RawClaim`];
//! [`validate`] turns it into a [`Claim`], reporting every problem with its line and column in
//! the style of the rest of the scenario's validation.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::error::{Problem, line_column};
use super::values::suggest;
use crate::model::{Intervention, STATES};
use crate::params::{ParamSet, ScalarId};
use crate::vocab::{Metric, Unit};

/// One `[[claims]]` table as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClaim {
    /// The claim as the document words it.
    #[schemars(with = "String")]
    pub text: Spanned<String>,
    /// The document and the place in it.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// A metric of summary.json (such as gross_saving_year0), with `intervention`.
    #[schemars(with = "Option<String>")]
    pub metric: Option<Spanned<String>>,
    /// The intervention whose metric the claim is about.
    #[schemars(with = "Option<String>")]
    pub intervention: Option<Spanned<String>>,
    /// Or an input by its dotted name (care.cost), or unit_cost.<state>.
    #[schemars(with = "Option<String>")]
    pub parameter: Option<Spanned<String>>,
    /// Divides `parameter` by this second input (unit_cost.chaotic per unit_cost.coping).
    #[schemars(with = "Option<String>")]
    pub per: Option<Spanned<String>>,
    /// The test: the figure is at least this.
    #[schemars(with = "Option<f64>")]
    pub at_least: Option<Spanned<f64>>,
    /// The test: the figure is at most this.
    #[schemars(with = "Option<f64>")]
    pub at_most: Option<Spanned<f64>>,
    /// The test: the figure is within `tolerance` of this.
    #[schemars(with = "Option<f64>")]
    pub near: Option<Spanned<f64>>,
    /// How far from `near` still passes (ends included).
    #[schemars(with = "Option<f64>")]
    pub tolerance: Option<Spanned<f64>>,
    /// Share of iterations in which the test must pass, 0 to 1 (or give `on_mean = true`).
    #[schemars(with = "Option<f64>")]
    pub probability: Option<Spanned<f64>>,
    /// The test applies to the mean instead.
    #[schemars(with = "Option<bool>")]
    pub on_mean: Option<Spanned<bool>>,
    /// Another intervention whose same metric is shown beside the claim.
    #[schemars(with = "Option<String>")]
    pub compare: Option<Spanned<String>>,
    /// A published figure instead of a model one (`outturn_per_looked_after_child_2010`).
    #[schemars(with = "Option<String>")]
    pub published: Option<Spanned<String>>,
    /// The area of a published figure, as `prevsim area` spells it.
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<String>>,
}

/// A validated claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The claim as the document words it.
    pub text: String,
    /// Where it is said: document and place.
    pub source: String,
    pub quantity: Quantity,
    pub test: Test,
    pub requirement: Requirement,
    /// Another intervention whose same metric is shown beside the claim's (for example the
    /// same lever with the children's cost at home: what the headline leaves out).
    pub compare: Option<usize>,
    /// 1-based line of the claim in its file.
    pub line: usize,
}

/// What a claim is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    /// A metric of `summary.json` for one intervention (index into the scenario's list).
    Metric { intervention: usize, metric: Metric },
    /// An input, or the ratio of two inputs (`per`).
    Input { of: Input, per: Option<Input> },
    /// A figure published for an area: the same in every iteration.
    Published {
        figure: &'static str,
        area: String,
        value: f64,
    },
}

/// The published figure a claim may name: the area's 2009-10 outturn on children looked after
/// (section 52 line "Total Children Looked After", total expenditure) divided by the children
/// looked after at 31 March 2010.
pub const OUTTURN_PER_CHILD: &str = "outturn_per_looked_after_child_2010";

/// An input figure: a scalar parameter, or the derived cost of a child at home in a state.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Parameter {
        name: String,
        id: ScalarId,
    },
    /// `unit_cost.<state>`: the Peterborough ladder applied to the coping cost.
    UnitCost(usize),
}

impl Input {
    /// The name the scenario file uses.
    pub fn name(&self) -> String {
        match self {
            Input::Parameter { name, .. } => name.clone(),
            Input::UnitCost(s) => format!("unit_cost.{}", STATES[*s]),
        }
    }

    /// True for an amount of money (so reports show £).
    pub fn is_money(&self) -> bool {
        match self {
            Input::UnitCost(_) => true,
            Input::Parameter { name, .. } => is_money_parameter(name),
        }
    }
}

/// True when the scalar parameter of this name is an amount of money.
pub fn is_money_parameter(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    name == "care.cost"
        || name == "unit_costs.coping"
        || name.ends_with(".home_cost")
        || ["per_family", "setup", "running_per_year"].contains(&last)
}

impl Quantity {
    /// True for an amount of money (so reports show £).
    pub fn is_money(&self) -> bool {
        match self {
            Quantity::Metric { metric, .. } => metric.unit() == Unit::Money,
            Quantity::Input { of, per: None } => of.is_money(),
            Quantity::Input { per: Some(_), .. } => false,
            Quantity::Published { .. } => true,
        }
    }
}

/// The figure's test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    AtLeast(f64),
    AtMost(f64),
    /// Within `tolerance` of `value` (both ends included).
    Near {
        value: f64,
        tolerance: f64,
    },
}

impl Test {
    /// True when `x` passes.
    pub fn passes(&self, x: f64) -> bool {
        match *self {
            Test::AtLeast(a) => x >= a,
            Test::AtMost(b) => x <= b,
            Test::Near { value, tolerance } => (x - value).abs() <= tolerance,
        }
    }

    /// The figures at which the test changes from pass to fail.
    pub fn bounds(&self) -> Vec<f64> {
        match *self {
            Test::AtLeast(x) | Test::AtMost(x) => vec![x],
            Test::Near { value, tolerance } => vec![value - tolerance, value + tolerance],
        }
    }
}

/// How sure the model must be for the claim to hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Requirement {
    /// The test must pass in at least this share of iterations.
    Probability(f64),
    /// The test applies to the mean over iterations.
    Mean,
}

/// Validates the claims of a scenario whose parameters and interventions are already known.
///
/// # Errors
/// Every problem found, with line and column.
pub fn validate(
    source: &str,
    raws: &[Spanned<RawClaim>],
    params: &ParamSet,
    interventions: &[Intervention],
) -> Result<Vec<Claim>, Vec<Problem>> {
    let mut v = ClaimValidator {
        source,
        params,
        interventions,
        problems: Vec::new(),
    };
    let claims: Vec<Claim> = raws
        .iter()
        .enumerate()
        .filter_map(|(i, raw)| v.claim(i + 1, raw))
        .collect();
    if v.problems.is_empty() {
        Ok(claims)
    } else {
        Err(v.problems)
    }
}

struct ClaimValidator<'a> {
    source: &'a str,
    params: &'a ParamSet,
    interventions: &'a [Intervention],
    problems: Vec<Problem>,
}

impl ClaimValidator<'_> {
    fn problem(&mut self, span: Range<usize>, field: String, message: impl Into<String>) {
        let (line, column) = line_column(self.source, span.start);
        self.problems.push(Problem {
            line,
            column,
            field,
            message: message.into(),
        });
    }

    /// The `n`th claim (1-based); `None` when it has a problem.
    fn claim(&mut self, n: usize, spanned: &Spanned<RawClaim>) -> Option<Claim> {
        let raw = spanned.get_ref();
        let field = |key: &str| format!("claims[{n}].{key}");
        let before = self.problems.len();
        if raw.text.get_ref().trim().is_empty() {
            self.problem(
                raw.text.span(),
                field("text"),
                "quote the claim as the document words it, such as \"keeping just 1% out of care could deliver over £3.5 million of savings\"",
            );
        }
        if raw.source.get_ref().trim().is_empty() {
            self.problem(
                raw.source.span(),
                field("source"),
                "name the document and the place in it, such as \"AGMA Total Place report, Cost Benefit Analysis paragraph\"",
            );
        }
        let quantity = self.quantity(raw, &field, spanned.span());
        let test = self.test(raw, &field, spanned.span());
        let requirement = self.requirement(raw, &field, spanned.span());
        let compare = self.compare(raw, &field, quantity.as_ref());
        if self.problems.len() > before {
            return None;
        }
        Some(Claim {
            text: raw.text.get_ref().trim().to_string(),
            source: raw.source.get_ref().trim().to_string(),
            quantity: quantity?,
            test: test?,
            requirement: requirement?,
            compare,
            line: line_column(self.source, spanned.span().start).0,
        })
    }

    fn intervention_index(
        &mut self,
        raw: &Spanned<String>,
        field: String,
        what: &str,
    ) -> Option<usize> {
        let name = raw.get_ref().trim();
        let names: Vec<&str> = self.interventions.iter().map(|i| i.name.as_str()).collect();
        if let Some(k) = names.iter().position(|n| *n == name) {
            return Some(k);
        }
        let hint = suggest(name, names.iter().copied());
        let listed = if names.is_empty() {
            "this scenario has no interventions: add an `[[interventions]]` table first".into()
        } else {
            format!("the scenario's interventions are {}", quoted(&names))
        };
        self.problem(
            raw.span(),
            field,
            format!("no intervention is called \"{name}\"{hint}; {what}: {listed}"),
        );
        None
    }

    /// `published = "..."` with `area = "..."`: a figure from the DfE files.
    fn published(
        &mut self,
        raw: &RawClaim,
        published: &Spanned<String>,
        field: &dyn Fn(&str) -> String,
    ) -> Option<Quantity> {
        if raw.metric.is_some() || raw.parameter.is_some() || raw.intervention.is_some() {
            self.problem(
                published.span(),
                field("published"),
                "a claim on a published figure names no `metric`, `parameter` or `intervention`: remove them",
            );
            return None;
        }
        if published.get_ref() != OUTTURN_PER_CHILD {
            self.problem(
                published.span(),
                field("published"),
                format!(
                    "unknown published figure `{}`; the one prevsim has is `{OUTTURN_PER_CHILD}`",
                    published.get_ref()
                ),
            );
            return None;
        }
        let Some(area) = &raw.area else {
            self.problem(
                published.span(),
                field("area"),
                "name the area whose figure it is, such as area = \"Greater Manchester\"",
            );
            return None;
        };
        let found = crate::area::Areas::published()
            .map_err(|e| e.to_string())
            .and_then(|a| a.find(area.get_ref()).map_err(|e| e.to_string()));
        match found {
            Ok(a) => match (a.outturn_2010, a.figures(2010).looked_after) {
                (Some(o), Some(children)) if children > 0.0 => Some(Quantity::Published {
                    figure: OUTTURN_PER_CHILD,
                    area: a.name.clone(),
                    value: o.gross / children,
                }),
                _ => {
                    self.problem(
                        area.span(),
                        field("area"),
                        format!("{} has no 2009-10 outturn and count of children looked after in the DfE files (councils and complete groups have)", a.name),
                    );
                    None
                }
            },
            Err(e) => {
                self.problem(area.span(), field("area"), e);
                None
            }
        }
    }

    fn quantity(
        &mut self,
        raw: &RawClaim,
        field: &dyn Fn(&str) -> String,
        whole: Range<usize>,
    ) -> Option<Quantity> {
        if let Some(published) = &raw.published {
            return self.published(raw, published, field);
        }
        match (&raw.metric, &raw.parameter) {
            (Some(metric), None) => self.metric(raw, metric, field),
            (None, Some(parameter)) => {
                if let Some(i) = &raw.intervention {
                    self.problem(
                        i.span(),
                        field("intervention"),
                        "a claim on an input (`parameter`) is the same for every intervention: remove `intervention`",
                    );
                }
                let of = self.input(parameter, field("parameter"));
                let per = raw.per.as_ref().map(|p| self.input(p, field("per")));
                match per {
                    None => Some(Quantity::Input { of: of?, per: None }),
                    Some(per) => Some(Quantity::Input {
                        of: of?,
                        per: Some(per?),
                    }),
                }
            }
            (Some(metric), Some(_)) => {
                self.problem(
                    metric.span(),
                    field("metric"),
                    "give either `metric` (a result of an intervention) or `parameter` (an input), not both",
                );
                None
            }
            (None, None) => {
                self.problem(
                    whole,
                    field("metric"),
                    format!(
                        "say what the claim is about: `metric` (one of {}) with `intervention`, or `parameter` (an input such as \"care.cost\" or \"unit_cost.chaotic\")",
                        quoted(&Metric::ALL.map(Metric::name))
                    ),
                );
                None
            }
        }
    }

    fn metric(
        &mut self,
        raw: &RawClaim,
        metric: &Spanned<String>,
        field: &dyn Fn(&str) -> String,
    ) -> Option<Quantity> {
        if let Some(per) = &raw.per {
            self.problem(
                per.span(),
                field("per"),
                "`per` divides one input by another: use it with `parameter`, not `metric`",
            );
        }
        let name = metric.get_ref().trim();
        let known = Metric::from_name(name);
        if known.is_none() {
            self.problem(
                metric.span(),
                field("metric"),
                format!(
                    "unknown metric \"{name}\"{}; use one of {} (the metrics of summary.json)",
                    suggest(name, Metric::ALL.map(Metric::name)),
                    quoted(&Metric::ALL.map(Metric::name))
                ),
            );
        }
        let Some(intervention) = &raw.intervention else {
            self.problem(
                metric.span(),
                field("intervention"),
                "a metric belongs to an intervention: add `intervention = \"...\"` naming one of the scenario's interventions",
            );
            return None;
        };
        let k = self.intervention_index(
            intervention,
            field("intervention"),
            "name the intervention the claim is about",
        )?;
        let metric = known?;
        if metric.is_ratio_to_programme_cost() && self.interventions[k].programme_cost.is_none() {
            self.problem(
                metric_span(raw),
                field("metric"),
                format!(
                    "`{metric}` is a ratio to the programme's cost, and \"{}\" has no `programme_cost`: claim on `net_saving_pv` instead, or add the programme's cost",
                    self.interventions[k].name
                ),
            );
            return None;
        }
        Some(Quantity::Metric {
            intervention: k,
            metric,
        })
    }

    fn input(&mut self, raw: &Spanned<String>, field: String) -> Option<Input> {
        let name = raw.get_ref().trim();
        if let Some(state) = name.strip_prefix("unit_cost.")
            && let Some(s) = STATES.iter().position(|x| *x == state)
        {
            return Some(Input::UnitCost(s));
        }
        if let Some((id, _)) = self.params.scalar_by_name(name) {
            return Some(Input::Parameter {
                name: name.to_string(),
                id,
            });
        }
        let derived: Vec<String> = STATES.iter().map(|s| format!("unit_cost.{s}")).collect();
        let candidates: Vec<&str> = self
            .params
            .scalars()
            .map(|(n, _, _)| n)
            .chain(derived.iter().map(String::as_str))
            .collect();
        self.problem(
            raw.span(),
            field,
            format!(
                "unknown input \"{name}\"{}; give a number of the scenario by its dotted name (such as \"care.cost\" or \"unit_costs.chaotic_multiplier\"), or \"unit_cost.<state>\" for the cost of a child at home in a state ({}); transition rows cannot be claimed on",
                suggest(name, candidates.iter().copied()),
                quoted(&derived.iter().map(String::as_str).collect::<Vec<_>>())
            ),
        );
        None
    }

    fn test(
        &mut self,
        raw: &RawClaim,
        field: &dyn Fn(&str) -> String,
        whole: Range<usize>,
    ) -> Option<Test> {
        let given: Vec<(&str, &Spanned<f64>)> = [
            ("at_least", &raw.at_least),
            ("at_most", &raw.at_most),
            ("near", &raw.near),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .collect();
        if let Some(t) = &raw.tolerance
            && raw.near.is_none()
        {
            self.problem(
                t.span(),
                field("tolerance"),
                "`tolerance` goes with `near = X`: add `near`, or remove `tolerance`",
            );
        }
        let [(key, figure)] = given.as_slice() else {
            let span = given.get(1).map_or(whole, |(_, v)| v.span());
            self.problem(
                span,
                field("at_least"),
                "give exactly one test: `at_least = X`, `at_most = X`, or `near = X` with `tolerance = T`",
            );
            return None;
        };
        let x = *figure.get_ref();
        if !x.is_finite() {
            self.problem(
                figure.span(),
                field(key),
                format!("the figure must be a finite number, not {x}"),
            );
            return None;
        }
        match *key {
            "at_least" => Some(Test::AtLeast(x)),
            "at_most" => Some(Test::AtMost(x)),
            _ => {
                let Some(t) = &raw.tolerance else {
                    self.problem(
                        figure.span(),
                        field("tolerance"),
                        "`near = X` needs `tolerance = T`: how far from X the figure may be (for £70k-£100k write near = 85_000, tolerance = 15_000)",
                    );
                    return None;
                };
                let tolerance = *t.get_ref();
                if !(tolerance.is_finite() && tolerance >= 0.0) {
                    self.problem(
                        t.span(),
                        field("tolerance"),
                        format!(
                            "the tolerance must be a finite number at least 0, not {tolerance}"
                        ),
                    );
                    return None;
                }
                Some(Test::Near {
                    value: x,
                    tolerance,
                })
            }
        }
    }

    fn requirement(
        &mut self,
        raw: &RawClaim,
        field: &dyn Fn(&str) -> String,
        whole: Range<usize>,
    ) -> Option<Requirement> {
        let on_mean = raw.on_mean.as_ref().is_some_and(|m| *m.get_ref());
        match (&raw.probability, on_mean) {
            (Some(p), false) => {
                let x = *p.get_ref();
                if (0.0..=1.0).contains(&x) {
                    Some(Requirement::Probability(x))
                } else {
                    self.problem(
                        p.span(),
                        field("probability"),
                        format!(
                            "the probability {x} is out of range: give the share of iterations in which the test must pass, from 0 to 1 (95% is 0.95)"
                        ),
                    );
                    None
                }
            }
            (None, true) => Some(Requirement::Mean),
            (Some(p), true) => {
                self.problem(
                    p.span(),
                    field("probability"),
                    "give either `probability` (the test must pass in that share of iterations) or `on_mean = true` (the test applies to the mean), not both",
                );
                None
            }
            (None, false) => {
                let span = raw.on_mean.as_ref().map_or(whole, Spanned::span);
                self.problem(
                    span,
                    field("probability"),
                    "say how sure the model must be: `probability = 0.95` (the test passes in at least 95% of iterations) or `on_mean = true` (the test applies to the mean)",
                );
                None
            }
        }
    }

    fn compare(
        &mut self,
        raw: &RawClaim,
        field: &dyn Fn(&str) -> String,
        quantity: Option<&Quantity>,
    ) -> Option<usize> {
        let other = raw.compare.as_ref()?;
        let k = self.intervention_index(
            other,
            field("compare"),
            "`compare` names another intervention whose same metric is shown beside the claim",
        )?;
        match quantity {
            Some(Quantity::Metric { intervention, .. }) if *intervention == k => {
                self.problem(
                    other.span(),
                    field("compare"),
                    "`compare` names the claim's own intervention: name another one, or remove `compare`",
                );
                None
            }
            Some(Quantity::Input { .. } | Quantity::Published { .. }) => {
                self.problem(
                    other.span(),
                    field("compare"),
                    "`compare` shows another intervention's metric: it goes with `metric`, not `parameter`",
                );
                None
            }
            _ => Some(k),
        }
    }
}

fn metric_span(raw: &RawClaim) -> Range<usize> {
    raw.metric.as_ref().map_or(0..0, Spanned::span)
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_include_their_bounds() {
        assert!(Test::AtLeast(3.5e6).passes(3.5e6));
        assert!(!Test::AtLeast(3.5e6).passes(3.499_999e6));
        assert!(Test::AtMost(2e7).passes(2e7) && !Test::AtMost(2e7).passes(2.000_001e7));
        let near = Test::Near {
            value: 70.0,
            tolerance: 0.5,
        };
        assert!(near.passes(69.5) && near.passes(70.5) && !near.passes(70.6));
        assert_eq!(near.bounds(), vec![69.5, 70.5]);
    }

    #[test]
    fn money_is_recognised_by_name() {
        assert!(is_money_parameter("care.cost"));
        assert!(is_money_parameter(
            "interventions[x].programme_cost.per_family"
        ));
        assert!(!is_money_parameter("care.exit_rate"));
        assert!(!is_money_parameter("unit_costs.chaotic_multiplier"));
    }
}
