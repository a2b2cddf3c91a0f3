//! `prevsim validate --explain`: every parameter as the model will use it, so an analyst can
//! read back what they wrote before running: the value or distribution, its mean and P5-P95,
//! its unit, the conversion of a weekly or monthly figure to a year, and its source.

use std::fmt::Write;

use rand::SeedableRng;

use super::Scenario;
use super::validate::count;
use super::values::{Money, round6};
use crate::model::STATES;
use crate::params::{Dist, ParamValue, Per, RowDist};
use crate::rng::Stream;

/// Draws used for the P5-P95 of a distribution (from a fixed seed, so the text is stable).
const DRAWS: usize = 20_000;

/// What a parameter counts, and how its figures are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Money(&'static str),
    Count(&'static str),
    Probability(&'static str),
    Times(&'static str),
    Years,
}

impl Unit {
    fn of(name: &str) -> Unit {
        let last = name.rsplit('.').next().unwrap_or(name);
        let has = |part: &str| name.contains(part);
        match Money::of(name) {
            Money::OneOff if last == "setup" => return Unit::Money("£, once, in the first year"),
            Money::OneOff => return Unit::Money("£ per family reached"),
            Money::Yearly if last == "running_per_year" => return Unit::Money("£ a year"),
            Money::Yearly => return Unit::Money("£ per child a year"),
            Money::No => {}
        }
        if last.ends_with("relative_risk") {
            Unit::Times("relative risk (1 = no change)")
        } else if last.ends_with("multiplier") {
            Unit::Times("times the cost of the state below (thriving: of coping)")
        } else if has("children_per_family") {
            Unit::Count("children per family")
        } else if last == "children_in_care" {
            Unit::Count("children")
        } else if has("population.families") {
            Unit::Count("families")
        } else if last == "families_per_year" || last == "capacity" {
            Unit::Count("families a year")
        } else if has("entry_rate") || has("exit_rate") {
            Unit::Probability("chance a year")
        } else if has("shift_up") {
            Unit::Probability("share of the state's families, once")
        } else if last == "share" {
            Unit::Probability("share of the children who would be in care, each year")
        } else if last == "share_per_year" {
            Unit::Probability("share of the untreated target families a year")
        } else if last == "drop_off" {
            Unit::Probability("share of the remaining effect lost each year")
        } else if last == "optimism_bias" {
            Unit::Probability("uplift on the programme's costs (0.2 = +20%)")
        } else if last == "effect_years" {
            Unit::Years
        } else {
            Unit::Times("")
        }
    }

    fn words(self) -> &'static str {
        match self {
            Unit::Money(w) | Unit::Count(w) | Unit::Probability(w) | Unit::Times(w) => w,
            Unit::Years => "years",
        }
    }

    fn format(self, x: f64) -> String {
        match self {
            Unit::Money(_) if x.abs() >= 100.0 => format!("£{}", count(x.round())),
            Unit::Money(_) => format!("£{x:.2}"),
            Unit::Count(_) if x.fract() == 0.0 => count(x),
            Unit::Probability(_) if x != 0.0 && x.abs() < 1.0 => {
                format!("{} ({}%)", sig4(x), sig4(x * 100.0))
            }
            _ => sig4(x),
        }
    }
}

/// Four significant figures, trailing zeros dropped.
fn sig4(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The 5th and 95th percentiles of a distribution, from [`DRAWS`] draws.
fn p5_p95(dist: &Dist) -> (f64, f64) {
    let mut rng = Stream::seed_from_u64(2010);
    let mut xs: Vec<f64> = (0..DRAWS).map(|_| dist.sample(&mut rng)).collect();
    xs.sort_by(f64::total_cmp);
    (xs[DRAWS / 20], xs[DRAWS - DRAWS / 20 - 1])
}

fn row_p5_p95(row: &RowDist) -> [(f64, f64); 4] {
    let mut rng = Stream::seed_from_u64(2010);
    let draws: Vec<[f64; 4]> = (0..DRAWS).map(|_| row.sample(&mut rng)).collect();
    std::array::from_fn(|j| {
        let mut xs: Vec<f64> = draws.iter().map(|d| d[j]).collect();
        xs.sort_by(f64::total_cmp);
        (xs[DRAWS / 20], xs[DRAWS - DRAWS / 20 - 1])
    })
}

/// For each money figure written per week or month, or with a price year, one line saying how
/// it was written and what the model uses (a year's amount), for summary.md.
pub fn converted_figures(scenario: &Scenario) -> Vec<String> {
    scenario
        .params
        .parameters()
        .iter()
        .filter(|p| p.written.per != Per::Year || p.written.price_year.is_some())
        .filter_map(|p| match &p.value {
            ParamValue::Scalar(dist) => {
                let unit = Unit::of(&p.name);
                let mut line = format!("`{}`: ", p.name);
                if p.written.per == Per::Year {
                    let _ = write!(line, "mean {}", unit.format(dist.mean()));
                } else {
                    let k = p.written.per.per_year();
                    let _ = write!(
                        line,
                        "{} a {} on average, x {} = {} a year",
                        unit.format(dist.mean() / k),
                        p.written.per.word(),
                        round6(k),
                        unit.format(dist.mean())
                    );
                }
                if let Some(y) = p.written.price_year {
                    let _ = write!(line, ", in {y} prices");
                }
                Some(line)
            }
            ParamValue::Row(_) => None,
        })
        .collect()
}

/// The text `validate --explain` prints for a scenario.
pub fn explain(scenario: &Scenario) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}): {} parameters as the model uses them. Money is per year unless it says otherwise; P5-P95 from {} draws.",
        scenario.path.display(),
        scenario.name,
        scenario.params.parameters().len(),
        count(DRAWS as f64)
    );
    for p in scenario.params.parameters() {
        let _ = writeln!(out);
        match &p.value {
            ParamValue::Scalar(dist) => {
                let unit = Unit::of(&p.name);
                let f = |x: f64| unit.format(x);
                let _ = writeln!(out, "{}  [{}]", p.name, unit.words());
                let _ = writeln!(out, "  {}", dist.describe(&f));
                if !dist.is_fixed() {
                    let (lo, hi) = p5_p95(dist);
                    let _ = writeln!(
                        out,
                        "  mean {}; P5-P95 {} to {}",
                        f(dist.mean()),
                        f(lo),
                        f(hi)
                    );
                }
                if p.written.per != Per::Year {
                    let k = p.written.per.per_year();
                    let _ = writeln!(
                        out,
                        "  written per {}: {} a {} on average, x {} = {} a year{}",
                        p.written.per.word(),
                        f(dist.mean() / k),
                        p.written.per.word(),
                        round6(k),
                        f(dist.mean()),
                        if p.written.per == Per::Week {
                            " (365.25 / 7 weeks a year)"
                        } else {
                            ""
                        }
                    );
                }
                if let Some(y) = p.written.price_year {
                    let _ = writeln!(out, "  in {y} prices");
                }
            }
            ParamValue::Row(row) => {
                let _ = writeln!(
                    out,
                    "{}  [chance of being in each state a year later]",
                    p.name
                );
                let mean = row.mean();
                let ranges = row_p5_p95(row);
                for (j, state) in STATES.iter().enumerate() {
                    if row.is_fixed() {
                        let _ = writeln!(out, "  to {state}: {}", sig4(mean[j]));
                    } else {
                        let _ = writeln!(
                            out,
                            "  to {state}: mean {}; P5-P95 {} to {}",
                            sig4(mean[j]),
                            sig4(ranges[j].0),
                            sig4(ranges[j].1)
                        );
                    }
                }
            }
        }
        let source = match (&p.source, p.written.by_default) {
            (Some(s), _) => s.as_str(),
            (None, true) => "the default (not in the file)",
            (None, false) => "assumption (none given: add `source = \"...\"`)",
        };
        let _ = writeln!(out, "  source: {source}");
    }
    out
}
