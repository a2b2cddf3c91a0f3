//! The assumptions register: every input as the run used it, with its source, evidence, owner,
//! sign-off and review date, and (where `prevsim sensitivity` and `prevsim voi` have been run on
//! the folder) its tornado swing, switching value and EVPPI. Written as `assumptions.csv` and
//! shown in the report and the workbook.

use serde::Serialize;
use serde_json::Value;
use toml::Value as Toml;

use super::source::Source;
use crate::params::ParamValue;
use crate::stats::{quantile_sorted, sorted};

/// One input of the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Dotted name, as in `iterations.csv`.
    pub name: String,
    /// As written: a value, a distribution with its parameters, or a row.
    pub value: String,
    /// Mean (for a transition row, the four means).
    pub mean: String,
    /// P5 and P95 of the draws the run used; empty for a known value.
    pub p5: Option<f64>,
    pub p95: Option<f64>,
    #[serde(skip)]
    uncertain: bool,
    pub unit: String,
    pub source: String,
    pub evidence: String,
    pub price_year: String,
    pub owner: String,
    pub signed_off_by: String,
    pub signed_off_date: String,
    pub review_by: String,
    /// From `sensitivity/sensitivity.json`, when present.
    pub tornado_swing: Option<f64>,
    pub switching_value: Option<f64>,
    /// From `voi/voi.json`, when present.
    pub evppi: Option<f64>,
}

/// The register's column names, in order.
pub const COLUMNS: [&str; 18] = [
    "name",
    "value",
    "mean",
    "p5",
    "p95",
    "unit",
    "source",
    "evidence",
    "price_year",
    "owner",
    "signed_off_by",
    "signed_off_date",
    "review_by",
    "uncertain",
    "tornado_swing",
    "switching_value",
    "evppi",
    "used_by",
];

impl Entry {
    /// True when the input is a distribution (a scalar or a transition row), whether or not
    /// this run drew it (a fixed-mode run uses its mean and has no range).
    pub fn uncertain(&self) -> bool {
        self.uncertain
    }

    /// The intervention the input belongs to, or "all arms".
    pub fn used_by(&self) -> String {
        match self
            .name
            .strip_prefix("interventions[")
            .and_then(|r| r.split_once(']'))
        {
            Some((name, _)) => name.to_string(),
            None => "all arms".to_string(),
        }
    }

    /// The cells of a CSV row, in [`COLUMNS`] order.
    pub fn cells(&self) -> Vec<String> {
        let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        vec![
            self.name.clone(),
            self.value.clone(),
            self.mean.clone(),
            num(self.p5),
            num(self.p95),
            self.unit.clone(),
            self.source.clone(),
            self.evidence.clone(),
            self.price_year.clone(),
            self.owner.clone(),
            self.signed_off_by.clone(),
            self.signed_off_date.clone(),
            self.review_by.clone(),
            if self.uncertain() { "yes" } else { "no" }.to_string(),
            num(self.tornado_swing),
            num(self.switching_value),
            num(self.evppi),
            self.used_by(),
        ]
    }
}

/// The unit an input is measured in, from its name.
pub fn unit_of(name: &str) -> &'static str {
    let last = name.rsplit('.').next().unwrap_or(name);
    if name.starts_with("transitions.") {
        return "probabilities a year (row)";
    }
    if name.starts_with("population.families") {
        return "families";
    }
    match last {
        "children_per_family" => "children per family",
        "children_in_care" => "children",
        "cost" | "coping" if name.starts_with("care.cost") || name.starts_with("unit_costs.") => {
            "£ per child-year"
        }
        "home_cost" => "£ per child-year",
        "per_family" => "£ per family",
        "setup" => "£ once",
        "running_per_year" => "£ a year",
        "exit_rate" => "probability a year",
        "optimism_bias" => "uplift (0.2 = +20%)",
        "families_per_year" | "capacity" => "families a year",
        "share_per_year" => "share a year",
        "effect_years" => "years",
        "drop_off" => "share of effect lost a year",
        "share" => "share of children",
        _ if name.starts_with("care.entry_rate") => "probability a year",
        _ if name.starts_with("population.children_per_family") => "children per family",
        _ if last.ends_with("multiplier") => "times",
        _ if last.ends_with("relative_risk") => "relative risk",
        _ if name.contains(".shift_up.") => "share of families",
        _ => "",
    }
}

/// The parameter's entry in the scenario file, by its dotted name.
fn raw_entry<'a>(doc: &'a Toml, name: &str) -> Option<&'a Toml> {
    let mut node = doc;
    let mut rest = name;
    if let Some(r) = name.strip_prefix("interventions[") {
        let (iname, tail) = r.split_once("].")?;
        node = doc
            .get("interventions")?
            .as_array()?
            .iter()
            .find(|i| i.get("name").and_then(Toml::as_str) == Some(iname))?;
        rest = tail;
    }
    for key in rest.split('.') {
        node = node.get(key)?;
    }
    Some(node)
}

/// A number as a CSV and a reader both take it: up to six decimals, no separators.
fn number(x: f64) -> String {
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn toml_number(v: &Toml) -> Option<f64> {
    match v {
        Toml::Integer(i) => Some(*i as f64),
        Toml::Float(f) => Some(*f),
        _ => None,
    }
}

/// The figure as written, without its source and register keys.
fn describe(raw: Option<&Toml>) -> String {
    let list = |v: &Toml| {
        v.as_array()
            .map(|a| {
                let items: Vec<String> = a.iter().filter_map(toml_number).map(number).collect();
                format!("[{}]", items.join(", "))
            })
            .unwrap_or_default()
    };
    match raw {
        None => "default".to_string(),
        Some(Toml::Array(_)) => list(raw.unwrap_or(&Toml::Boolean(false))),
        Some(Toml::Table(t)) => {
            if let Some(d) = t.get("distribution").and_then(Toml::as_str) {
                let args: Vec<String> = [
                    "min", "mode", "max", "mean", "sd", "shape", "scale", "alpha", "beta",
                ]
                .iter()
                .filter_map(|k| Some(format!("{k} {}", number(toml_number(t.get(*k)?)?))))
                .collect();
                format!("{d} ({})", args.join(", "))
            } else if let Some(v) = t.get("value") {
                toml_number(v).map_or_else(|| list(v), number)
            } else if let Some(m) = t.get("mean") {
                let c = t.get("concentration").and_then(toml_number).unwrap_or(0.0);
                format!("Dirichlet, mean {}, concentration {}", list(m), number(c))
            } else if let Some(c) = t.get("counts") {
                format!("Dirichlet from counts {}", list(c))
            } else {
                String::new()
            }
        }
        Some(v) => toml_number(v).map_or_else(|| v.to_string(), number),
    }
}

fn by_input(json: Option<&Value>, list: &str, key: &str) -> Vec<(String, f64)> {
    json.and_then(|j| j.get(list))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|e| {
                    let name = match e.get("input") {
                        Some(Value::String(s)) => s.clone(),
                        _ => match e.get("inputs")?.as_array()?.as_slice() {
                            [Value::String(s)] => s.clone(),
                            _ => return None,
                        },
                    };
                    Some((name, e.get(key)?.as_f64()?))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The register of a result folder.
pub fn register(source: &Source) -> Vec<Entry> {
    let doc: Toml = toml::from_str(&source.scenario.source_text).unwrap_or(Toml::Boolean(false));
    let swings = by_input(source.sensitivity.as_ref(), "tornado", "swing");
    let switching = by_input(source.sensitivity.as_ref(), "switching_values", "value");
    let evppi = by_input(source.voi.as_ref(), "evppi", "value");
    let find =
        |list: &[(String, f64)], name: &str| list.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    source
        .scenario
        .params
        .parameters()
        .iter()
        .map(|p| {
            let (mean, p5, p95) = match &p.value {
                ParamValue::Scalar(d) => {
                    let draws = sorted(&source.draws(&p.name));
                    // A known value, or a fixed-mode run (one draw, the mean): no range.
                    let (p5, p95) = if d.is_fixed() || draws.len() < 2 {
                        (None, None)
                    } else {
                        (
                            Some(quantile_sorted(&draws, 0.05)),
                            Some(quantile_sorted(&draws, 0.95)),
                        )
                    };
                    (number(d.mean()), p5, p95)
                }
                ParamValue::Row(r) => {
                    let m: Vec<String> = r.mean().iter().map(|x| number(*x)).collect();
                    (format!("[{}]", m.join(", ")), None, None)
                }
            };
            let meta = &p.meta;
            Entry {
                name: p.name.clone(),
                value: describe(raw_entry(&doc, &p.name)),
                mean,
                p5,
                p95,
                uncertain: !p.is_fixed(),
                unit: unit_of(&p.name).to_string(),
                source: p.source.clone().unwrap_or_default(),
                evidence: meta.evidence.clone().unwrap_or_default(),
                price_year: meta.price_year.map(|y| y.to_string()).unwrap_or_default(),
                owner: meta.owner.clone().unwrap_or_default(),
                signed_off_by: meta
                    .signed_off
                    .as_ref()
                    .map(|s| s.by.clone())
                    .unwrap_or_default(),
                signed_off_date: meta
                    .signed_off
                    .as_ref()
                    .and_then(|s| s.date)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                review_by: meta.review_by.map(|d| d.to_string()).unwrap_or_default(),
                tornado_swing: find(&swings, &p.name),
                switching_value: find(&switching, &p.name),
                evppi: find(&evppi, &p.name),
            }
        })
        .collect()
}

/// `assumptions.csv`.
///
/// # Errors
/// Only if CSV writing to memory fails.
pub fn csv(entries: &[Entry]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for e in entries {
        w.write_record(e.cells())?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
