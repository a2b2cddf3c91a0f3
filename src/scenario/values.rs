//! Reading one parameter's value: a number, a distribution table or a transition row, as
//! written in the file, with the messages that explain what is wrong with it.

use toml::Value;
use toml::map::Map;

use super::raw::{META_KEYS, MONEY_META_KEYS, RawMeta};
use crate::model::STATES;
use crate::params::{Dist, Domain, Per, RowDist, Spec, Written};

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
        Some(Value::String(text)) if super::hints::fix_for(text).is_some() => Err(format!(
            "`{key}` must be a number, but it is the text \"{text}\": {}",
            super::hints::fix_for(text).unwrap_or_default()
        )),
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

/// What kind of money a parameter is, which decides the facts its table may record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Money {
    /// Not money: no `per`, no `price_year`.
    No,
    /// An amount a year (a unit cost, a running cost): `per` and `price_year` allowed.
    Yearly,
    /// A one-off amount (a set-up cost, a cost per family reached): `price_year` only.
    OneOff,
}

impl Money {
    /// The money kind of a parameter, from its name in the file.
    pub(super) fn of(field: &str) -> Money {
        let last = field.rsplit('.').next().unwrap_or(field);
        if !super::claims::is_money_parameter(field) {
            Money::No
        } else if matches!(last, "setup" | "per_family") {
            Money::OneOff
        } else {
            Money::Yearly
        }
    }
}

/// A scalar parameter as read: its distribution (per year for money) and the facts beside it.
#[derive(Debug)]
pub(super) struct Parsed {
    pub dist: Dist,
    pub source: Option<String>,
    pub written: Written,
}

/// The facts recorded in a parameter's table (see [`RawMeta`]), checked for this kind.
fn meta_of(t: &Map<String, Value>, money: Money) -> Result<RawMeta, String> {
    source_of(t)?;
    if money == Money::No
        && let Some(key) = MONEY_META_KEYS.iter().find(|k| t.contains_key(**k))
    {
        return Err(format!(
            "`{key}` is only for amounts of money (costs); remove it here"
        ));
    }
    if money == Money::OneOff && t.contains_key("per") {
        return Err(
            "`per` does not apply to a one-off amount (a set-up cost, a cost per family reached): give the whole amount, for example a weekly cost x the weeks it is paid"
                .to_string(),
        );
    }
    let mut facts = Map::new();
    for key in META_KEYS.iter().chain(MONEY_META_KEYS) {
        if let Some(v) = t.get(*key) {
            facts.insert((*key).to_string(), v.clone());
        }
    }
    let meta: RawMeta = Value::Table(facts)
        .try_into()
        .map_err(|e: toml::de::Error| {
            format!("in this parameter's table: {}", e.message().trim())
        })?;
    if let Some(per) = &meta.per
        && Per::from_word(per).is_none()
    {
        return Err(format!(
            "per = \"{per}\" is not a period{}: use \"week\", \"month\" or \"year\" (the default)",
            suggest(per, ["week", "month", "year"])
        ));
    }
    if let Some(y) = meta.price_year
        && !(1900..=2200).contains(&y)
    {
        return Err(format!(
            "price_year = {y} is not a year: give the year whose prices the figure is in, such as 2024"
        ));
    }
    Ok(meta)
}

/// A scalar parameter: a number, or a table with `value` or a `distribution`. A money figure
/// written `per = "week"` or `"month"` is converted to a year here.
pub(super) fn parse_scalar(value: &Value, domain: Domain, money: Money) -> Result<Parsed, String> {
    let (spec, meta) = match value {
        Value::Integer(_) | Value::Float(_) => (
            Spec::Fixed(as_number(value).unwrap_or(f64::NAN)),
            RawMeta::default(),
        ),
        Value::Table(t) => {
            let meta = meta_of(t, money)?;
            (scalar_spec(t, money)?, meta)
        }
        Value::String(s) => {
            if let Some(fix) = super::hints::fix_for(s) {
                return Err(format!(
                    "expected a number but found the text \"{s}\": {fix}"
                ));
            }
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
    let per = meta
        .per
        .as_deref()
        .and_then(Per::from_word)
        .unwrap_or_default();
    let spec = if per == Per::Year {
        Some(spec)
    } else {
        spec.scaled(per.per_year())
    };
    let spec = spec.ok_or_else(|| {
        "a beta distribution is for probabilities; give a money figure another distribution (gamma, log-normal, PERT)".to_string()
    })?;
    let dist = Dist::new(&spec, domain).map_err(|e| {
        let message = e.to_string();
        match percent_hint(value, domain) {
            Some(hint) => format!("{message}; {hint}"),
            None => message,
        }
    })?;
    Ok(Parsed {
        dist,
        source: meta.source,
        written: Written {
            per,
            price_year: meta.price_year,
            by_default: false,
        },
    })
}

/// For a share or probability written as a percentage (5 for 5%), the fix.
fn percent_hint(value: &Value, domain: Domain) -> Option<String> {
    if domain != Domain::PROBABILITY {
        return None;
    }
    let numbers: Vec<f64> = match value {
        Value::Table(t) => ["value", "min", "mode", "max", "mean"]
            .iter()
            .filter_map(|k| t.get(*k).and_then(as_number))
            .collect(),
        other => as_number(other).into_iter().collect(),
    };
    let largest = numbers.iter().copied().fold(f64::NAN, f64::max);
    if largest > 1.0 && largest <= 100.0 {
        Some(format!(
            "shares and probabilities are written as decimals: if {} is a percentage, write {}",
            round6(largest),
            round6(largest / 100.0)
        ))
    } else {
        None
    }
}

fn scalar_spec(t: &Map<String, Value>, money: Money) -> Result<Spec, String> {
    let mut fixed_keys = vec!["value"];
    fixed_keys.extend_from_slice(META_KEYS);
    if money != Money::No {
        fixed_keys.extend_from_slice(MONEY_META_KEYS);
    }
    let name = match t.get("distribution") {
        None => {
            check_keys(
                t,
                &fixed_keys,
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
        let mut k = vec!["distribution"];
        k.extend_from_slice(META_KEYS);
        if money != Money::No {
            k.extend_from_slice(MONEY_META_KEYS);
        }
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

/// Refuses a row written in percentages ([70, 22, 7, 1]), showing it as decimals.
fn percent_row(row: &[f64]) -> Result<(), String> {
    let sum: f64 = row.iter().sum();
    let looks_like_percent = row.iter().any(|x| *x > 1.0)
        && row.iter().all(|x| (0.0..=100.0).contains(x))
        && (sum - 100.0).abs() < 1e-6;
    if looks_like_percent {
        let decimals: Vec<String> = row.iter().map(|x| round6(x / 100.0)).collect();
        return Err(format!(
            "the entries sum to 100: they look like percentages; write probabilities as decimals: [{}]",
            decimals.join(", ")
        ));
    }
    Ok(())
}

/// A transition row: a list of four probabilities, or a Dirichlet table.
pub(super) fn parse_row(value: &Value) -> Result<(RowDist, Option<String>), String> {
    let explain =
        |e: crate::params::RowError| format!("{e} (entries in state order: {})", STATES.join(", "));
    match value {
        Value::Array(_) => {
            let row = number_list(value, "the row")?;
            percent_row(&row)?;
            Ok((RowDist::fixed(&row).map_err(explain)?, None))
        }
        Value::Table(t) => {
            let mut keys = vec!["value", "mean", "concentration", "counts"];
            keys.extend_from_slice(META_KEYS);
            check_keys(
                t,
                &keys,
                "a transition row (give `value`, `mean` with `concentration`, or `counts`)",
            )?;
            let source = source_of(t)?;
            let row = match (t.get("value"), t.get("mean"), t.get("counts")) {
                (Some(v), None, None) if !t.contains_key("concentration") => {
                    let row = number_list(v, "value")?;
                    percent_row(&row)?;
                    RowDist::fixed(&row)
                }
                (None, Some(m), None) => {
                    let c = number(t, "concentration", "a Dirichlet row given by its mean")?;
                    let row = number_list(m, "mean")?;
                    percent_row(&row)?;
                    RowDist::from_mean(&row, c)
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
