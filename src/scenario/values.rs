//! Reading one parameter's value: a number, a distribution table or a transition row, as
//! written in the file, with the messages that explain what is wrong with it.

use toml::Value;
use toml::map::Map;

use crate::model::STATES;
use crate::params::{Dist, Domain, RowDist, Spec};

/// The distribution names a scalar parameter table may give.
const DISTRIBUTIONS: [&str; 7] = [
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "gamma",
    "beta",
];

/// A figure for a message: at most six decimals, no trailing zeros.
pub(super) fn round6(x: f64) -> String {
    let s = format!("{:.6}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

pub(super) fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "text",
        Value::Integer(_) => "a whole number",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

pub(super) fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// ", did you mean `x`?" for the candidate nearest to `word`, or "" when none is close.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map_or_else(String::new, |(_, c)| format!(" (did you mean `{c}`?)"))
}

/// Refuses keys of a table that are not in `allowed`, suggesting the nearest.
pub(super) fn check_keys(
    table: &Map<String, Value>,
    allowed: &[&str],
    what: &str,
) -> Result<(), String> {
    for key in table.keys() {
        if !allowed.contains(&key.as_str()) {
            let hint = suggest(key, allowed.iter().copied());
            return Err(format!(
                "unknown key `{key}` in {what}{hint}; allowed keys: {}",
                quoted_list(allowed)
            ));
        }
    }
    Ok(())
}

pub(super) fn number(table: &Map<String, Value>, key: &str, what: &str) -> Result<f64, String> {
    match table.get(key) {
        None => Err(format!("{what} needs `{key}`")),
        Some(value) => as_number(value).ok_or_else(|| {
            format!(
                "`{key}` must be a number, but it is {}; write numbers without quotes",
                type_name(value)
            )
        }),
    }
}

pub(super) fn source_of(table: &Map<String, Value>) -> Result<Option<String>, String> {
    match table.get("source") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`source` must be text in quotes (a document, or \"assumption: why\"), not {}",
            type_name(other)
        )),
    }
}

/// A scalar parameter: a number, or a table with `value` or a `distribution`.
pub(super) fn parse_scalar(
    value: &Value,
    domain: Domain,
) -> Result<(Dist, Option<String>), String> {
    let (spec, source) = match value {
        Value::Integer(_) | Value::Float(_) => {
            (Spec::Fixed(as_number(value).unwrap_or(f64::NAN)), None)
        }
        Value::Table(t) => (scalar_spec(t)?, source_of(t)?),
        Value::String(s) => {
            return Err(format!(
                "expected a number but found the text \"{s}\": write numbers without quotes (0.4, 70000), or give a distribution such as {{ distribution = \"uniform\", min = 70000, max = 100000 }}"
            ));
        }
        other => {
            return Err(format!(
                "expected a number or a distribution table, but found {}",
                type_name(other)
            ));
        }
    };
    Dist::new(&spec, domain)
        .map(|d| (d, source))
        .map_err(|e| e.to_string())
}

fn scalar_spec(t: &Map<String, Value>) -> Result<Spec, String> {
    let name = match t.get("distribution") {
        None => {
            check_keys(
                t,
                &["value", "source"],
                "a fixed value (add `distribution` to make it uncertain)",
            )?;
            return Ok(Spec::Fixed(number(
                t,
                "value",
                "a parameter without `distribution`",
            )?));
        }
        Some(Value::String(name)) => name.as_str(),
        Some(other) => {
            return Err(format!(
                "`distribution` must be a name in quotes, not {}",
                type_name(other)
            ));
        }
    };
    let what = format!("a {name} distribution");
    let keys = |extra: &[&'static str]| {
        let mut k = vec!["distribution", "source"];
        k.extend_from_slice(extra);
        k
    };
    let n = |key: &str| number(t, key, &what);
    match name {
        "uniform" => {
            check_keys(t, &keys(&["min", "max"]), &what)?;
            Ok(Spec::Uniform {
                min: n("min")?,
                max: n("max")?,
            })
        }
        "triangular" | "pert" => {
            check_keys(t, &keys(&["min", "mode", "max"]), &what)?;
            let (min, mode, max) = (n("min")?, n("mode")?, n("max")?);
            Ok(if name == "pert" {
                Spec::Pert { min, mode, max }
            } else {
                Spec::Triangular { min, mode, max }
            })
        }
        "normal" | "lognormal" => {
            check_keys(t, &keys(&["mean", "sd"]), &what)?;
            let (mean, sd) = (n("mean")?, n("sd")?);
            Ok(if name == "normal" {
                Spec::Normal { mean, sd }
            } else {
                Spec::LogNormal { mean, sd }
            })
        }
        "gamma" if t.contains_key("shape") || t.contains_key("scale") => {
            check_keys(
                t,
                &keys(&["shape", "scale"]),
                &format!("{what} given by shape and scale"),
            )?;
            Ok(Spec::Gamma {
                shape: n("shape")?,
                scale: n("scale")?,
            })
        }
        "gamma" => {
            check_keys(
                t,
                &keys(&["mean", "sd"]),
                &format!("{what} (give mean and sd, or shape and scale)"),
            )?;
            Dist::gamma_spec_from_moments(n("mean")?, n("sd")?).map_err(|e| e.to_string())
        }
        "beta" if t.contains_key("alpha") || t.contains_key("beta") => {
            check_keys(
                t,
                &keys(&["alpha", "beta"]),
                &format!("{what} given by alpha and beta"),
            )?;
            Ok(Spec::Beta {
                alpha: n("alpha")?,
                beta: n("beta")?,
            })
        }
        "beta" => {
            check_keys(
                t,
                &keys(&["mean", "sd"]),
                &format!("{what} (give mean and sd, or alpha and beta)"),
            )?;
            Dist::beta_spec_from_moments(n("mean")?, n("sd")?).map_err(|e| e.to_string())
        }
        other => Err(format!(
            "unknown distribution \"{other}\"{}; use one of {}",
            suggest(other, DISTRIBUTIONS),
            quoted_list(&DISTRIBUTIONS)
        )),
    }
}

fn number_list(value: &Value, key: &str) -> Result<Vec<f64>, String> {
    let Value::Array(items) = value else {
        return Err(format!(
            "`{key}` must be a list of four numbers, such as [0.7, 0.2, 0.1, 0.0]"
        ));
    };
    items
        .iter()
        .map(|x| {
            as_number(x).ok_or_else(|| {
                format!(
                    "`{key}` must hold numbers only, but one entry is {}",
                    type_name(x)
                )
            })
        })
        .collect()
}

/// A transition row: a list of four probabilities, or a Dirichlet table.
pub(super) fn parse_row(value: &Value) -> Result<(RowDist, Option<String>), String> {
    let explain =
        |e: crate::params::RowError| format!("{e} (entries in state order: {})", STATES.join(", "));
    match value {
        Value::Array(_) => {
            let row = number_list(value, "the row")?;
            Ok((RowDist::fixed(&row).map_err(explain)?, None))
        }
        Value::Table(t) => {
            check_keys(
                t,
                &["value", "mean", "concentration", "counts", "source"],
                "a transition row (give `value`, `mean` with `concentration`, or `counts`)",
            )?;
            let source = source_of(t)?;
            let row = match (t.get("value"), t.get("mean"), t.get("counts")) {
                (Some(v), None, None) if !t.contains_key("concentration") => {
                    RowDist::fixed(&number_list(v, "value")?)
                }
                (None, Some(m), None) => {
                    let c = number(t, "concentration", "a Dirichlet row given by its mean")?;
                    RowDist::from_mean(&number_list(m, "mean")?, c)
                }
                (None, None, Some(c)) if !t.contains_key("concentration") => {
                    RowDist::from_counts(&number_list(c, "counts")?)
                }
                _ => {
                    return Err("give exactly one of: `value = [...]` (a known row), `mean = [...]` with `concentration = N` (Dirichlet), or `counts = [...]` (Dirichlet from observed moves)".to_string());
                }
            };
            Ok((row.map_err(explain)?, source))
        }
        other => Err(format!(
            "a transition row must be a list of four probabilities or a table, not {}",
            type_name(other)
        )),
    }
}
