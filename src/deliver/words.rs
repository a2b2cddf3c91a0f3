//! Sentences and figures in words, generated from the numbers: the report's headline, payback,
//! and the sensitivity and value-of-information tables.

use serde::Serialize;
use serde_json::Value;

use super::source::Source;
use crate::money::{gbp, percent};

/// A claim's figure: money as £3.5m, other figures to four significant digits.
pub fn figure(x: f64, money: bool) -> String {
    crate::check::format::figure(x, money)
}

/// "year 7" (median payback, years counted from 1), "never" or "no programme cost".
pub fn payback_median(source: &Source, intervention: &str) -> String {
    let Some(i) = source
        .data
        .interventions
        .iter()
        .find(|i| i.name == intervention)
    else {
        return String::new();
    };
    match i.payback {
        Some(p) => p
            .p50
            .map_or_else(|| "never".to_string(), |y| format!("year {}", y + 1)),
        None => String::new(),
    }
}

fn years(n: u32) -> String {
    if n == 1 {
        "1 year".to_string()
    } else {
        format!("{n} years")
    }
}

/// One sentence per intervention, from `summary.json`'s figures: "The family intervention
/// programme saves £19m net over 10 years (present value); 89% of iterations save money; it
/// pays back in year 7 (median)."
pub fn headline(source: &Source) -> Vec<String> {
    let d = &source.data;
    source
        .interventions()
        .iter()
        .filter_map(|name| {
            let net = source.metric(name, "net_saving_pv")?;
            let programme = source
                .metric(name, "programme_cost_pv")
                .map_or(0.0, |s| s.mean);
            let prob = source.prob_net_saving_positive(name).unwrap_or(f64::NAN);
            let what = if d.fixed {
                "In the fixed base case, "
            } else {
                ""
            };
            let verb = if net.mean >= 0.0 {
                format!("saves {} net", gbp(net.mean))
            } else {
                format!("costs {} more than it saves", gbp(-net.mean))
            };
            let mut s = format!(
                "{what}\u{201c}{name}\u{201d} {verb} over {} (present value{})",
                years(d.years),
                if d.fixed { "" } else { ", mean" }
            );
            if !d.fixed {
                s.push_str(&format!(
                    "; {} of iterations save money (90% interval {} to {})",
                    percent(prob),
                    gbp(net.p5),
                    gbp(net.p95)
                ));
            }
            if programme > 0.0 {
                let payback = payback_median(source, name);
                if payback == "never" {
                    s.push_str(&format!(
                        "; it does not pay back within the {}{}",
                        years(d.years),
                        if d.fixed { "" } else { " (median)" }
                    ));
                } else if !payback.is_empty() {
                    s.push_str(&format!(
                        "; it pays back in {payback}{}",
                        if d.fixed { "" } else { " (median)" }
                    ));
                }
            }
            s.push('.');
            Some(s)
        })
        .collect()
}

/// A tornado or switching-value row of `sensitivity/sensitivity.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityRow {
    pub input: String,
    pub low: String,
    pub high: String,
    pub swing: String,
    pub switching: String,
}

/// The sensitivity section: the metric, the base case and the inputs by swing.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub intervention: String,
    pub metric: String,
    pub base: String,
    pub rows: Vec<SensitivityRow>,
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn money(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_f64)
        .map_or_else(String::new, gbp)
}

/// Reads `sensitivity.json` (issue 14's contract); fields it lacks are left blank.
pub fn sensitivity_rows(json: &Value) -> Sensitivity {
    let switching: Vec<(String, String)> = json
        .get("switching_values")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| {
                    let value = match s.get("value") {
                        Some(Value::Number(n)) => n
                            .as_f64()
                            .map_or_else(String::new, |x| crate::check::format::figure(x, false)),
                        _ => "none within its range".to_string(),
                    };
                    (text(s, "input"), value)
                })
                .collect()
        })
        .unwrap_or_default();
    let rows = json
        .get("tornado")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|t| {
                    let input = text(t, "input");
                    SensitivityRow {
                        low: format!("{} at {}", money(t, "metric_low"), text(t, "low_value")),
                        high: format!("{} at {}", money(t, "metric_high"), text(t, "high_value")),
                        swing: money(t, "swing"),
                        switching: switching
                            .iter()
                            .find(|(n, _)| *n == input)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default(),
                        input,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Sensitivity {
        intervention: text(json, "intervention"),
        metric: text(json, "metric"),
        base: money(json, "base"),
        rows,
    }
}

/// The value-of-information section.
#[derive(Debug, Clone, Serialize)]
pub struct Voi {
    pub evpi: String,
    pub rows: Vec<(String, String, String)>,
}

/// Reads `voi.json` (issue 15's contract): EVPI, and EVPPI per input or group.
pub fn voi_rows(json: &Value) -> Voi {
    let evpi = json.get("evpi").map_or_else(String::new, |e| {
        format!("{} (standard error {})", money(e, "value"), money(e, "se"))
    });
    let rows = json
        .get("evppi")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| {
                    let inputs = e
                        .get("inputs")
                        .and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .filter_map(Value::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    (inputs, money(e, "value"), money(e, "se"))
                })
                .collect()
        })
        .unwrap_or_default();
    Voi { evpi, rows }
}

/// "93.4%" for a share.
pub fn share(p: f64) -> String {
    percent(p)
}
