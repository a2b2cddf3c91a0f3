//! `prevsim sensitivity` at the console: run the analysis, write its folder, print what it found.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use prevsim::money::{gbp, percent};
use prevsim::pipeline;
use prevsim::sensitivity::{self, Analysis, Request, SweepResult, SweepSpec, files};

/// How many tornado bars the console lists.
const LISTED: usize = 6;

pub fn sensitivity(
    files: Vec<PathBuf>,
    mut request: Request,
    sweeps: &[String],
    out: &Path,
    scenarios_dir: &Path,
) -> Result<()> {
    request.sweeps = sweeps
        .iter()
        .map(|s| s.parse::<SweepSpec>())
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow!(e))?;
    let files = if files.is_empty() {
        pipeline::scenario_files(scenarios_dir)?
    } else {
        files
    };
    let scenarios = pipeline::load_all(&files)?;
    let mut failures = 0;
    for scenario in &scenarios {
        let folder = files::folder(out, &scenario.name);
        let outcome = if request.sweeps.is_empty() {
            sensitivity::analyse(scenario, &request).map(|a| {
                print_analysis(&a);
                files::analysis_with_charts(&a).map_err(|e| e.to_string())
            })
        } else {
            sensitivity::run_sweep(scenario, &request).map(|r| {
                print_sweep(&r);
                files::sweep_with_charts(&r).map_err(|e| e.to_string())
            })
        };
        let written = outcome.and_then(|files| files).and_then(|bytes| {
            files::write(&folder, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", folder.display()))
        });
        match written {
            Ok(()) => println!("  -> {}", folder.display()),
            Err(e) => {
                failures += 1;
                eprintln!("Error: {}: {e}", scenario.path.display());
            }
        }
    }
    if failures > 0 {
        bail!(
            "{failures} scenario(s) failed; their earlier sensitivity results, if any, are unchanged"
        );
    }
    Ok(())
}

/// A figure as the console writes it: money as £3.5m, other figures with four significant
/// digits.
fn figure(x: f64, money: bool) -> String {
    if money { gbp(x) } else { format!("{x:.4}") }
}

/// An input's value: money as £3.5m, other values with four significant digits.
fn value(x: f64, money: bool) -> String {
    if money {
        gbp(x)
    } else {
        let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 8) as usize;
        format!("{x:.digits$}")
    }
}

fn whose(agency: Option<&str>) -> String {
    agency.map_or_else(String::new, |a| format!(" for {a}"))
}

fn print_analysis(a: &Analysis) {
    let m = a.subject.money;
    println!(
        "{}: {} of \"{}\"{}; target {}; base case {}",
        a.subject.title.as_deref().unwrap_or(&a.subject.scenario),
        a.subject.metric,
        a.subject.intervention,
        whose(a.subject.agency.as_deref()),
        figure(a.subject.target, m),
        figure(a.subject.base, m)
    );
    println!("  what moves it most (each input at its P5 and P95, others at their means):");
    for bar in a.tornado.iter().take(LISTED) {
        let range = match (bar.low_value, bar.high_value) {
            (
                sensitivity::oneway::InputValue::Number(lo),
                sensitivity::oneway::InputValue::Number(hi),
            ) => format!("{} to {}", value(lo, bar.money), value(hi, bar.money)),
            _ => "a row of its Dirichlet's P5 to P95".to_string(),
        };
        let switching = a
            .switching_values
            .iter()
            .find(|s| s.input == bar.input)
            .map(|s| match s.value {
                Some(x) => format!(
                    "; crosses {} at {}",
                    figure(a.subject.target, m),
                    value(x, s.money)
                ),
                None => "; does not cross it within its range".to_string(),
            })
            .unwrap_or_default();
        println!(
            "    {:<40} {} to {} ({range}){switching}",
            bar.input,
            figure(bar.metric_low, m),
            figure(bar.metric_high, m)
        );
    }
    if a.tornado.len() > LISTED {
        println!(
            "    ... and {} more in sensitivity.csv",
            a.tornado.len() - LISTED
        );
    }
    for b in &a.probabilistic_break_even {
        let levels: Vec<String> = b
            .levels
            .iter()
            .map(|l| match l.value {
                Some(x) => format!("{:.0}% at {}", 100.0 * l.probability, value(x, b.money)),
                None => format!("{:.0}% not within its range", 100.0 * l.probability),
            })
            .collect();
        println!(
            "  P(above target) with {} fixed: {} ({} iterations)",
            b.input,
            levels.join(", "),
            b.iterations
        );
    }
    if let Some(acc) = &a.acceptability {
        let mean = acc.mean_max_price.map_or_else(|| "none".to_string(), gbp);
        let levels: Vec<String> = acc
            .levels
            .iter()
            .map(|l| {
                format!(
                    "{} at {:.0}%",
                    l.max_price
                        .map_or_else(|| l.note.unwrap_or("none").to_string(), gbp),
                    100.0 * l.probability
                )
            })
            .collect();
        println!(
            "  highest cost per family reached that breaks even: {mean} on the mean, {}",
            levels.join(", ")
        );
    }
}

fn print_sweep(r: &SweepResult) {
    let s = &r.sweep;
    let mode = if s.monte_carlo {
        format!(
            "Monte Carlo, {} iterations, seed {}",
            s.iterations.unwrap_or(0),
            s.seed.unwrap_or(0)
        )
    } else {
        "fixed mode".to_string()
    };
    println!(
        "{}: sweep of {} ({} points, {mode}): {} of \"{}\"{}",
        r.subject.title.as_deref().unwrap_or(&r.subject.scenario),
        s.inputs.join(" x "),
        s.points.len(),
        r.subject.metric,
        r.subject.intervention,
        whose(r.subject.agency.as_deref())
    );
    let values: Vec<f64> = s.points.iter().filter_map(|p| p.value).collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    if lo.is_finite() {
        println!(
            "  {} from {} to {}; above {} at {} of the points",
            if s.monte_carlo { "mean" } else { "figure" },
            figure(lo, r.subject.money),
            figure(hi, r.subject.money),
            figure(r.subject.target, r.subject.money),
            percent(
                values.iter().filter(|v| **v > r.subject.target).count() as f64
                    / values.len() as f64
            )
        );
    }
}
