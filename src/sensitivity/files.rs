//! The files of `OUT/<scenario>/sensitivity/`: bytes for each, and the one write.
//!
//! | file | content |
//! |---|---|
//! | `sensitivity.json` | every number of the analysis ([`super::Analysis`]) |
//! | `sensitivity.csv` | the tornado and spider: one row per input and quantile |
//! | `switching-values.csv` | one row per input |
//! | `break-even.csv` | one row per deciding input and level (50%, 80%) |
//! | `acceptability.csv` | the chance and mean at each price per family |
//! | `sweep.csv` | a sweep's grid, one row per point (written by `--sweep`) |
//!
//! and the charts (`tornado`, `spider`, `break-even`, `acceptability`, `sweep`, each PNG and
//! SVG). A write replaces these files all at once and leaves other files in the folder alone.

use std::path::{Path, PathBuf};

use super::{Analysis, SweepResult};
use crate::charts::{self, ChartError};
use crate::export::writer;

/// The folder's name inside a scenario's result folder.
pub const FOLDER: &str = "sensitivity";

/// Every file name `prevsim sensitivity` may write in its folder, and the folder itself.
pub fn is_sensitivity_file(name: &str) -> bool {
    const DATA: [&str; 7] = [
        "sensitivity.json",
        "sensitivity.csv",
        "switching-values.csv",
        "break-even.csv",
        "acceptability.csv",
        "sweep.csv",
        "sweep.json",
    ];
    const CHARTS: [&str; 5] = ["tornado", "spider", "break-even", "acceptability", "sweep"];
    name == FOLDER
        || DATA.contains(&name)
        || CHARTS
            .iter()
            .any(|c| name == format!("{c}.png") || name == format!("{c}.svg"))
}

fn csv_bytes(header: &[String], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |x| x.to_string())
}

fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Every data file of an analysis, by name.
pub fn analysis_files(a: &Analysis) -> Vec<(String, Vec<u8>)> {
    let header = |names: &[&str]| names.iter().map(ToString::to_string).collect::<Vec<_>>();
    let mut tornado = Vec::new();
    for (rank, bar) in a.tornado.iter().enumerate() {
        for p in &bar.spider {
            tornado.push(vec![
                (rank + 1).to_string(),
                bar.input.clone(),
                bar.kind.to_string(),
                p.quantile.to_string(),
                p.value.cell(),
                p.metric.to_string(),
                bar.swing.to_string(),
            ]);
        }
    }
    let switching = a
        .switching_values
        .iter()
        .map(|s| {
            vec![
                s.input.clone(),
                opt(s.value),
                s.method.words().to_string(),
                s.range.0.to_string(),
                s.range.1.to_string(),
                s.mean.to_string(),
                s.all_values
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                opt(s.line_value),
            ]
        })
        .collect();
    let mut files = vec![
        ("sensitivity.json".to_string(), json(a)),
        (
            "sensitivity.csv".to_string(),
            csv_bytes(
                &header(&[
                    "rank",
                    "input",
                    "kind",
                    "quantile",
                    "value",
                    &a.subject.metric,
                    "swing",
                ]),
                tornado,
            ),
        ),
        (
            "switching-values.csv".to_string(),
            csv_bytes(
                &header(&[
                    "input",
                    "value",
                    "method",
                    "range_low",
                    "range_high",
                    "mean",
                    "all_values",
                    "line_value",
                ]),
                switching,
            ),
        ),
    ];
    if !a.probabilistic_break_even.is_empty() {
        let rows = a
            .probabilistic_break_even
            .iter()
            .flat_map(|b| {
                b.levels.iter().map(move |l| {
                    vec![
                        b.input.clone(),
                        l.probability.to_string(),
                        opt(l.value),
                        opt(l.bracket.map(|x| x[0])),
                        opt(l.bracket.map(|x| x[1])),
                        opt(l.bracket_probabilities.map(|x| x[0])),
                        opt(l.bracket_probabilities.map(|x| x[1])),
                        b.iterations.to_string(),
                        b.seed.to_string(),
                    ]
                })
            })
            .collect();
        files.push((
            "break-even.csv".to_string(),
            csv_bytes(
                &header(&[
                    "input",
                    "probability",
                    "value",
                    "bracket_low",
                    "bracket_high",
                    "probability_at_bracket_low",
                    "probability_at_bracket_high",
                    "iterations",
                    "seed",
                ]),
                rows,
            ),
        ));
    }
    if let Some(acc) = &a.acceptability {
        let rows = acc
            .curve
            .iter()
            .map(|p| {
                vec![
                    p.price.to_string(),
                    p.probability.to_string(),
                    p.mean.to_string(),
                ]
            })
            .collect();
        let name = format!("mean_{}", a.subject.metric);
        files.push((
            "acceptability.csv".to_string(),
            csv_bytes(
                &header(&["price_per_family", "prob_above_target", &name]),
                rows,
            ),
        ));
    }
    files
}

/// The tidy CSV of a sweep: one row per grid point, a column per swept input, then the
/// figure (fixed mode) or its mean, standard error and chance above the target (Monte Carlo).
pub fn sweep_csv(r: &SweepResult) -> Vec<u8> {
    let s = &r.sweep;
    let mut header: Vec<String> = s.inputs.clone();
    if s.monte_carlo {
        header.extend([
            format!("mean_{}", r.subject.metric),
            "mean_se".to_string(),
            "prob_above_target".to_string(),
            "prob_se".to_string(),
        ]);
    } else {
        header.push(r.subject.metric.clone());
    }
    let rows = s
        .points
        .iter()
        .map(|p| {
            let mut row = vec![p.x.to_string()];
            if let Some(y) = p.y {
                row.push(y.to_string());
            }
            row.push(opt(p.value));
            if s.monte_carlo {
                row.extend([opt(p.value_se), opt(p.prob_above_target), opt(p.prob_se)]);
            }
            row
        })
        .collect();
    csv_bytes(&header, rows)
}

/// Every file of an analysis: data and charts.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn analysis_with_charts(a: &Analysis) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let mut files = analysis_files(a);
    files.extend(charts::sensitivity::analysis_charts(a)?);
    Ok(files)
}

/// Every file of a sweep: `sweep.csv`, `sweep.json` and the chart.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn sweep_with_charts(r: &SweepResult) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let mut files = vec![
        ("sweep.csv".to_string(), sweep_csv(r)),
        ("sweep.json".to_string(), json(r)),
    ];
    files.extend(charts::sensitivity::sweep_charts(r)?);
    Ok(files)
}

/// The folder of a scenario's sensitivity results.
pub fn folder(out: &Path, scenario: &str) -> PathBuf {
    out.join(scenario).join(FOLDER)
}

/// Writes files into the folder, all at once, leaving its other files as they were.
///
/// # Errors
/// Any I/O failure; the folder is then unchanged.
pub fn write(folder: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    writer::write_atomically(folder, files)
}
