//! What `prevsim calibrate` writes to `OUT/<scenario>/calibration/`: `fit.csv`,
//! `posterior.csv`, `diagnostics.json`, `chart-calibration.png`/`.svg` and `calibrated.toml`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{CalibrateError, Fit};
use crate::charts::calibration::{BandPoint, CalibrationChart, Panel, calibration_chart};
use crate::scenario::Scenario;
use crate::scenario::calibration::describe_years;
use crate::stats::Summary;

/// The folder a calibration is written to.
pub fn folder(out: &Path, scenario: &Scenario) -> PathBuf {
    out.join(&scenario.name).join("calibration")
}

/// A number for CSV and TOML: whole numbers plainly, others to 6 significant figures.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let digits = 6 - 1 - x.abs().log10().floor() as i32;
        format!("{:.*}", digits.clamp(0, 12) as usize, x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// `fit.csv`: year, series, observed, p5, p50, p95, inside.
pub fn fit_csv(fit: &Fit) -> Vec<u8> {
    let mut out = String::from("year,series,observed,p5,p50,p95,inside,fitted\n");
    for (p, q) in fit.window.points.iter().zip(fit.quantiles()) {
        let inside = p.observed >= q[0] && p.observed <= q[2];
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            p.year,
            p.series,
            num(p.observed),
            num(q[0]),
            num(q[1]),
            num(q[2]),
            if inside { "yes" } else { "no" },
            if p.fitted { "yes" } else { "no" }
        );
    }
    out.into_bytes()
}

/// `posterior.csv`: one row per posterior draw, the particle it came from and each fitted input.
pub fn posterior_csv(fit: &Fit) -> Vec<u8> {
    let mut out = format!("draw,particle,{}\n", fit.inputs.join(","));
    for (d, &p) in fit.resampled.iter().enumerate() {
        let values: Vec<String> = fit.prior[p].iter().map(|v| num(*v)).collect();
        let _ = writeln!(out, "{d},{p},{}", values.join(","));
    }
    out.into_bytes()
}

/// Pearson correlation of two equally long samples (0 when either is constant).
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    if va > 0.0 && vb > 0.0 {
        cov / (va * vb).sqrt()
    } else {
        0.0
    }
}

/// Warnings a reader should see before trusting the fit.
pub fn warnings(fit: &Fit) -> Vec<String> {
    let mut w = Vec::new();
    let ess = fit.ess();
    if ess < 100.0 {
        w.push(format!(
            "the effective sample size is only {ess:.0} of {} particles: the posterior rests on few particles; raise `particles` in [calibration] or give the fitted inputs narrower priors nearer the data",
            fit.particles
        ));
    }
    let coverage = fit.coverage();
    if coverage < 0.8 {
        w.push(format!(
            "only {:.0}% of the published figures fall inside the calibrated model's P5-P95: the model does not reproduce this area well (see chart-calibration.png); consider fitting more inputs or fewer years",
            coverage * 100.0
        ));
    }
    for (i, name) in fit.inputs.iter().enumerate() {
        let prior: Vec<f64> = fit.prior.iter().map(|p| p[i]).collect();
        let post = fit.posterior(i);
        if let (Some(a), Some(b)) = (Summary::of(&prior), Summary::of(&post))
            && (b.mean < a.p5 || b.mean > a.p95)
        {
            {
                w.push(format!(
                    "`{name}`: the fitted mean {} lies outside the prior's P5-P95 ({} to {}): the data pull hard against the scenario's figure; check it, and consider a wider prior",
                    num(b.mean),
                    num(a.p5),
                    num(a.p95)
                ));
            }
        }
    }
    w
}

/// `diagnostics.json`.
pub fn diagnostics(fit: &Fit, scenario: &Scenario) -> Vec<u8> {
    let mut inputs = serde_json::Map::new();
    for (i, name) in fit.inputs.iter().enumerate() {
        let prior: Vec<f64> = fit.prior.iter().map(|p| p[i]).collect();
        let post = fit.posterior(i);
        let s = |v: &[f64]| {
            Summary::of(v).map(
                |s| json!({"mean": s.mean, "sd": s.sd, "p5": s.p5, "p50": s.p50, "p95": s.p95}),
            )
        };
        inputs.insert(
            name.clone(),
            json!({"prior": s(&prior), "posterior": s(&post)}),
        );
    }
    let posts: Vec<Vec<f64>> = (0..fit.inputs.len()).map(|i| fit.posterior(i)).collect();
    let correlations: Vec<Vec<f64>> = posts
        .iter()
        .map(|a| posts.iter().map(|b| correlation(a, b)).collect())
        .collect();
    let value = json!({
        "scenario": scenario.name,
        "area": fit.area,
        "method": "sampling-importance resampling; negative binomial likelihood of the published counts, mean from the baseline arm's simulation (average of the replicates, common random numbers across particles); band: each posterior draw simulated once more with the likelihood's negative binomial variation, the prediction of a published figure",
        "seed": fit.seed,
        "particles": fit.particles,
        "replicates": fit.replicates,
        "draws": fit.resampled.len(),
        "dispersion": {"prior": Summary::of(&fit.dispersion).map(|s| json!({"mean": s.mean, "p5": s.p5, "p50": s.p50, "p95": s.p95})), "posterior": Summary::of(&fit.resampled.iter().map(|&p| fit.dispersion[p]).collect::<Vec<_>>()).map(|s| json!({"mean": s.mean, "p5": s.p5, "p50": s.p50, "p95": s.p95}))},
        "years": {"first": fit.window.first, "last": fit.window.last, "fitted": describe_years(&years(fit))},
        "start": {"children_in_care": fit.window.start_stock, "source": fit.window.start_note},
        "points": fit.window.points.len(),
        "effective_sample_size": fit.ess(),
        "acceptance": fit.acceptance(),
        "coverage_p5_p95": fit.coverage(),
        "inputs": inputs,
        "posterior_correlations": {"inputs": fit.inputs, "matrix": correlations},
        "warnings": warnings(fit),
        "prevsim_version": env!("CARGO_PKG_VERSION"),
    });
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The published years with a fitted point.
fn years(fit: &Fit) -> Vec<i32> {
    let mut y: Vec<i32> = fit.window.points.iter().map(|p| p.year).collect();
    y.dedup();
    y
}

/// True for inputs that are probabilities (fitted as a beta).
fn is_probability(name: &str) -> bool {
    name == "care.exit_rate" || name.starts_with("care.entry_rate.")
}

/// `calibrated.toml`: the scenario with each fitted input replaced by a distribution fitted to
/// its posterior draws (mean and sd; beta for probabilities, log-normal otherwise), named
/// `<name>-calibrated`, with the posterior correlations stated at the top.
///
/// # Errors
/// The scenario's text cannot be edited (not expected: it has been validated).
pub fn calibrated_toml(
    fit: &Fit,
    scenario: &Scenario,
    date: &str,
) -> Result<String, CalibrateError> {
    let bad = |m: String| CalibrateError::Window(format!("cannot write calibrated.toml: {m}"));
    let mut doc: toml_edit::DocumentMut = scenario
        .source_text
        .parse()
        .map_err(|e: toml_edit::TomlError| bad(e.to_string()))?;
    let span = describe_years(&years(fit));
    for (i, name) in fit.inputs.iter().enumerate() {
        let post = fit.posterior(i);
        let s = Summary::of(&post).ok_or_else(|| bad("no posterior draws".into()))?;
        let source = format!(
            "calibrated to DfE children looked after, {}, {span}, by prevsim calibrate on {date}: mean and sd of {} posterior draws",
            fit.area,
            post.len()
        );
        let mut t = toml_edit::InlineTable::new();
        if s.sd <= 0.0 {
            t.insert("value", num(s.mean).parse::<f64>().unwrap_or(s.mean).into());
        } else {
            let dist = if is_probability(name) {
                "beta"
            } else {
                "lognormal"
            };
            t.insert("distribution", dist.into());
            t.insert("mean", num(s.mean).parse::<f64>().unwrap_or(s.mean).into());
            t.insert("sd", num(s.sd).parse::<f64>().unwrap_or(s.sd).into());
        }
        t.insert("source", source.into());
        let parts: Vec<&str> = name.split('.').collect();
        let mut item: &mut toml_edit::Item = doc.as_item_mut();
        for (k, part) in parts.iter().enumerate() {
            let last = k + 1 == parts.len();
            let table = item
                .as_table_like_mut()
                .ok_or_else(|| bad(format!("`{name}` is not in a table")))?;
            if last {
                table.insert(
                    part,
                    toml_edit::Item::Value(toml_edit::Value::InlineTable(t.clone())),
                );
                break;
            }
            if table.get(part).is_none() {
                table.insert(part, toml_edit::Item::Table(toml_edit::Table::new()));
            }
            item = table
                .get_mut(part)
                .ok_or_else(|| bad(format!("`{name}` is not in the scenario")))?;
        }
    }
    doc["name"] = toml_edit::value(format!("{}-calibrated", scenario.name));
    let title = format!("{} (calibrated)", scenario.display_name());
    doc["title"] = toml_edit::value(title);
    let mut head = String::new();
    let _ = writeln!(
        head,
        "# Calibrated by prevsim calibrate on {date} from {}: the fitted inputs ({}) are",
        scenario.path.display(),
        fit.inputs.join(", ")
    );
    let _ = writeln!(
        head,
        "# replaced by distributions fitted to {} posterior draws (calibration/posterior.csv), fitted to",
        fit.resampled.len()
    );
    let _ = writeln!(
        head,
        "# DfE children looked after, {} ({span}; {} published figures). Everything else is as before.",
        fit.area,
        fit.window.points.len()
    );
    if fit.inputs.len() > 1 {
        let posts: Vec<Vec<f64>> = (0..fit.inputs.len()).map(|i| fit.posterior(i)).collect();
        let _ = writeln!(
            head,
            "# Posterior correlations (this file draws each input on its own, so it ignores them):"
        );
        for a in 0..posts.len() {
            for b in a + 1..posts.len() {
                let _ = writeln!(
                    head,
                    "#   {} and {}: {:.2}",
                    fit.inputs[a],
                    fit.inputs[b],
                    correlation(&posts[a], &posts[b])
                );
            }
        }
    }
    let _ = writeln!(
        head,
        "# Calibrating this file again would count the same data twice: calibrate the original."
    );
    head.push('\n');
    Ok(head + &doc.to_string())
}

/// Words for a series in the chart.
fn series_words(series: &str) -> &'static str {
    match series {
        "looked_after" => "Children looked after at 31 March",
        "started" => "Children starting to be looked after",
        _ => "Children ceasing to be looked after",
    }
}

/// The chart of published figures against the calibrated band.
///
/// # Errors
/// Drawing fails.
pub fn chart(fit: &Fit, scenario: &Scenario) -> Result<Vec<(String, Vec<u8>)>, CalibrateError> {
    let q = fit.quantiles();
    let mut panels: Vec<Panel> = Vec::new();
    for series in crate::scenario::calibration::SERIES {
        let points: Vec<BandPoint> = fit
            .window
            .points
            .iter()
            .zip(&q)
            .filter(|(p, _)| p.series == series)
            .map(|(p, q)| BandPoint {
                year: p.year,
                observed: p.observed,
                p5: q[0],
                p50: q[1],
                p95: q[2],
            })
            .collect();
        if !points.is_empty() {
            let fitted = fit
                .window
                .points
                .iter()
                .any(|p| p.series == series && p.fitted);
            panels.push(Panel {
                what: series_words(series).to_string(),
                points,
                fitted,
            });
        }
    }
    let c = CalibrationChart {
        title: scenario.display_name().to_string(),
        subtitle: format!(
            "{}'s published figures (black dots) against the calibrated model's P5-P95 (blue bars, median line), {}",
            fit.area,
            describe_years(&years(fit))
        ),
        note: format!(
            "Scenario {}: {} particles, {} posterior draws, seed {}; fitted: {}. Data: DfE (OGL v3.0). Drawn by prevsim {}.",
            scenario.name,
            fit.particles,
            fit.resampled.len(),
            fit.seed,
            fit.inputs.join(", "),
            env!("CARGO_PKG_VERSION")
        ),
        panels,
    };
    calibration_chart(&c).map_err(|e| CalibrateError::Chart(e.to_string()))
}

/// Every file of the calibration folder, by name.
///
/// # Errors
/// The chart or calibrated.toml cannot be made.
pub fn files(
    fit: &Fit,
    scenario: &Scenario,
    date: &str,
) -> Result<Vec<(String, Vec<u8>)>, CalibrateError> {
    let mut files = vec![
        ("fit.csv".to_string(), fit_csv(fit)),
        ("posterior.csv".to_string(), posterior_csv(fit)),
        ("diagnostics.json".to_string(), diagnostics(fit, scenario)),
        (
            "calibrated.toml".to_string(),
            calibrated_toml(fit, scenario, date)?.into_bytes(),
        ),
    ];
    files.extend(chart(fit, scenario)?);
    Ok(files)
}

/// Writes the calibration folder atomically (a failure leaves an earlier one as it was).
///
/// # Errors
/// Any I/O failure.
pub fn write(
    fit: &Fit,
    scenario: &Scenario,
    out: &Path,
    date: &str,
) -> Result<PathBuf, CalibrateError> {
    let dest = folder(out, scenario);
    let files = files(fit, scenario, date)?;
    crate::export::writer::write_atomically(&dest, &files).map_err(|source| {
        CalibrateError::Write {
            path: dest.clone(),
            source,
        }
    })?;
    Ok(dest)
}
