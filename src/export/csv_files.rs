//! `iterations.csv` and `yearly.csv`.

use super::ExportError;
use crate::engine::{AGENCY_METRIC_NAMES, METRIC_NAMES, RunResult};
use crate::report::YearlyBand;
use crate::scenario::Scenario;

fn number(x: f64) -> String {
    // Rust's shortest round-trip representation: exact and identical on every platform.
    format!("{x}")
}

/// Per-agency figures given in `iterations.csv`, as `<agency>: <figure>` columns.
const AGENCY_COLUMNS: [&str; 3] = ["gross_saving_pv", "programme_cost_pv", "net_saving_pv"];

/// One row per iteration and intervention: iteration, intervention, each uncertain parameter's
/// drawn value (a transition row gives one column per destination), every metric (empty where
/// undefined), the payback year (`never` if not within the horizon), and, where the scenario
/// names agencies, each agency's gross saving, programme cost and net saving (present values).
///
/// # Errors
/// A CSV writer failure (not expected when writing to memory).
pub fn iterations_csv(scenario: &Scenario, run: &RunResult) -> Result<Vec<u8>, ExportError> {
    let columns = scenario.params.uncertain_columns();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["iteration".to_string(), "intervention".to_string()];
    header.extend(columns.iter().map(|c| c.name.clone()));
    header.extend(METRIC_NAMES.iter().map(|m| m.to_string()));
    header.push("payback_year".to_string());
    let agencies: &[String] = if scenario.has_agencies {
        &scenario.agencies.names
    } else {
        &[]
    };
    for name in agencies {
        for m in AGENCY_COLUMNS {
            header.push(format!("{name}: {m}"));
        }
    }
    w.write_record(&header)?;
    for (i, it) in run.iterations.iter().enumerate() {
        let draws: Vec<String> = columns
            .iter()
            .map(|c| number(it.values.as_slice()[c.index]))
            .collect();
        for (lever, out) in scenario.interventions.iter().zip(&it.interventions) {
            let mut row = vec![i.to_string(), lever.name.clone()];
            row.extend(draws.iter().cloned());
            row.extend(
                out.metrics
                    .values()
                    .iter()
                    .map(|v| v.map_or_else(String::new, number)),
            );
            row.push(
                out.metrics
                    .payback_year
                    .map_or_else(|| "never".to_string(), |y| y.to_string()),
            );
            for agency in out.metrics.agencies.iter().take(agencies.len()) {
                let v = agency.values();
                for m in AGENCY_COLUMNS {
                    let i = AGENCY_METRIC_NAMES
                        .iter()
                        .position(|n| *n == m)
                        .unwrap_or(0);
                    row.push(number(v[i]));
                }
            }
            w.write_record(&row)?;
        }
    }
    Ok(w.into_inner()?)
}

/// Per year, arm and measure: mean, sd and percentiles across iterations (tidy, long format).
///
/// # Errors
/// A CSV writer failure (not expected when writing to memory).
pub fn yearly_csv(bands: &[YearlyBand]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "year", "arm", "measure", "mean", "sd", "p5", "p25", "p50", "p75", "p95",
    ])?;
    for b in bands {
        let s = &b.summary;
        let mut row = vec![b.year.to_string(), b.arm.clone(), b.measure.clone()];
        row.extend([s.mean, s.sd, s.p5, s.p25, s.p50, s.p75, s.p95].map(number));
        w.write_record(&row)?;
    }
    Ok(w.into_inner()?)
}
