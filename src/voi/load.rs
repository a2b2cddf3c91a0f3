//! The stored draws a value-of-information analysis needs, read from a result folder: the
//! sampled inputs and the net savings in `iterations.csv`, and the run's identity in
//! `summary.json`. Kept small and apart from the analysis, so that it can be pointed at the
//! project's result reader when there is one.

use std::path::Path;

use serde::Deserialize;

use crate::vocab::Metric;

/// Why the stored draws cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct LoadError {
    pub file: String,
    pub message: String,
}

/// The draws of a run, by iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    pub scenario: String,
    pub title: Option<String>,
    pub seed: u64,
    pub discount: String,
    pub iterations: usize,
    /// SHA-256 of `iterations.csv`, so an analysis names the draws it was made from.
    pub iterations_sha256: String,
    /// Interventions in the scenario's order.
    pub interventions: Vec<String>,
    /// Every uncertain input (name as in `iterations.csv`, value per iteration), in file order.
    pub inputs: Vec<(String, Vec<f64>)>,
    /// Per intervention: net saving (present value) per iteration.
    pub net_saving: Vec<Vec<f64>>,
    /// Per intervention: programme cost (present value) per iteration.
    pub programme_cost: Vec<Vec<f64>>,
    /// Agencies in the scenario's order (empty without `[agencies]`).
    pub agencies: Vec<String>,
    /// Per agency, per intervention: the agency's net saving per iteration.
    pub agency_net_saving: Vec<Vec<Vec<f64>>>,
}

#[derive(Deserialize)]
struct Summary {
    scenario: String,
    title: Option<String>,
    seed: u64,
    fixed: bool,
    discount: String,
}

const AGENCY_NET: &str = ": net_saving_pv";

fn bad(file: &Path, message: impl std::fmt::Display) -> LoadError {
    LoadError {
        file: file.display().to_string(),
        message: message.to_string(),
    }
}

/// Reads `summary.json` and `iterations.csv` of a result folder.
///
/// # Errors
/// A file is missing, is the fixed base case, or is not as `prevsim run` writes it.
pub fn load(folder: &Path) -> Result<Draws, LoadError> {
    let summary_path = folder.join("summary.json");
    let bytes = std::fs::read(&summary_path).map_err(|e| {
        bad(
            &summary_path,
            format!("{e}; give the folder a run wrote, such as output/gm-family-ladder"),
        )
    })?;
    let path = folder.join("iterations.csv");
    let csv = std::fs::read(&path).map_err(|e| bad(&path, e))?;
    from_bytes(&bytes, &csv, folder)
}

/// Reads the draws from the bytes of `summary.json` and `iterations.csv` (`folder` names them
/// in errors).
///
/// # Errors
/// A file is the fixed base case or is not as `prevsim run` writes it.
pub fn from_bytes(summary: &[u8], iterations: &[u8], folder: &Path) -> Result<Draws, LoadError> {
    let summary_path = folder.join("summary.json");
    let summary: Summary =
        serde_json::from_slice(summary).map_err(|e| bad(&summary_path, e.to_string()))?;
    if summary.fixed {
        return Err(bad(
            &summary_path,
            "this is the fixed base case (prevsim run --fixed), which has no uncertainty to value; run the scenario without --fixed",
        ));
    }
    parse(iterations, &folder.join("iterations.csv"), summary)
}

fn parse(bytes: &[u8], path: &Path, summary: Summary) -> Result<Draws, LoadError> {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().map_err(|e| bad(path, e))?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(path, format!("no column `{name}`")))
    };
    let (iteration, who) = (column("iteration")?, column("intervention")?);
    let (net, cost) = (column("net_saving_pv")?, column("programme_cost_pv")?);
    // Inputs: the columns between `intervention` and the first metric.
    let first_metric = header
        .iter()
        .position(|h| Metric::from_name(h).is_some())
        .unwrap_or(header.len());
    let input_cols: Vec<usize> = (who + 1..first_metric).collect();
    let agency_cols: Vec<(String, usize)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_suffix(AGENCY_NET).map(|a| (a.to_string(), i)))
        .collect();
    let mut interventions: Vec<String> = Vec::new();
    let mut inputs: Vec<Vec<f64>> = vec![Vec::new(); input_cols.len()];
    let mut net_saving: Vec<Vec<f64>> = Vec::new();
    let mut programme_cost: Vec<Vec<f64>> = Vec::new();
    let mut agency: Vec<Vec<Vec<f64>>> = vec![Vec::new(); agency_cols.len()];
    for (row, record) in r.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| bad(path, e))?;
        let number = |c: usize| -> Result<f64, LoadError> {
            let text = record.get(c).unwrap_or_default();
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    bad(
                        path,
                        format!(
                            "line {line}, column `{}`: `{text}` is not a number; re-run the scenario to rewrite the file",
                            header.get(c).unwrap_or_default()
                        ),
                    )
                })
        };
        let name = record.get(who).unwrap_or_default();
        let k = match interventions.iter().position(|n| n == name) {
            Some(k) => k,
            None => {
                interventions.push(name.to_string());
                net_saving.push(Vec::new());
                programme_cost.push(Vec::new());
                agency.iter_mut().for_each(|a| a.push(Vec::new()));
                interventions.len() - 1
            }
        };
        let expected = net_saving[k].len();
        let it = record.get(iteration).unwrap_or_default();
        if it.parse::<usize>().ok() != Some(expected) {
            return Err(bad(
                path,
                format!(
                    "line {line}: iteration `{it}` of \"{name}\" where {expected} was expected (rows must be in iteration order); re-run the scenario to rewrite the file"
                ),
            ));
        }
        net_saving[k].push(number(net)?);
        programme_cost[k].push(number(cost)?);
        for ((_, c), a) in agency_cols.iter().zip(agency.iter_mut()) {
            a[k].push(number(*c)?);
        }
        // Every intervention's row repeats the iteration's draws: read them once.
        if k == 0 {
            for (c, values) in input_cols.iter().zip(inputs.iter_mut()) {
                values.push(number(*c)?);
            }
        }
    }
    let n = net_saving.first().map_or(0, Vec::len);
    if n == 0 {
        return Err(bad(path, "no iterations; run the scenario first"));
    }
    if let Some((k, _)) = net_saving.iter().enumerate().find(|(_, v)| v.len() != n) {
        return Err(bad(
            path,
            format!(
                "\"{}\" has {} rows but \"{}\" has {n}; re-run the scenario to rewrite the file",
                interventions[k],
                net_saving[k].len(),
                interventions[0]
            ),
        ));
    }
    Ok(Draws {
        scenario: summary.scenario,
        title: summary.title,
        seed: summary.seed,
        discount: summary.discount,
        iterations: n,
        iterations_sha256: crate::scenario::sha256_hex(bytes),
        interventions,
        inputs: input_cols
            .iter()
            .map(|&c| header.get(c).unwrap_or_default().to_string())
            .zip(inputs)
            .collect(),
        net_saving,
        programme_cost,
        agencies: agency_cols.into_iter().map(|(a, _)| a).collect(),
        agency_net_saving: agency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        Summary {
            scenario: "s".into(),
            title: None,
            seed: 1,
            fixed: false,
            discount: "none".into(),
        }
    }

    const CSV: &str = "iteration,intervention,care.cost,x.to_a,baseline_cost_pv,programme_cost_pv,net_saving_pv,payback_year,police: net_saving_pv\n\
        0,a,10,0.5,1,2,3,never,4\n0,b,10,0.5,1,0,-3,never,-4\n\
        1,a,20,0.25,1,2,5,1,6\n1,b,20,0.25,1,0,-5,2,-6\n";

    #[test]
    fn reads_inputs_savings_and_agencies() {
        let d = parse(CSV.as_bytes(), Path::new("iterations.csv"), summary()).unwrap();
        assert_eq!(d.iterations, 2);
        assert_eq!(d.interventions, ["a", "b"]);
        assert_eq!(d.inputs[0], ("care.cost".to_string(), vec![10.0, 20.0]));
        assert_eq!(d.inputs[1].0, "x.to_a");
        assert_eq!(d.net_saving, [vec![3.0, 5.0], vec![-3.0, -5.0]]);
        assert_eq!(d.programme_cost[0], [2.0, 2.0]);
        assert_eq!(d.agencies, ["police"]);
        assert_eq!(d.agency_net_saving[0][1], [-4.0, -6.0]);
    }

    #[test]
    fn names_the_line_and_column_of_a_bad_value() {
        let csv = CSV.replace("1,a,20,", "1,a,oops,");
        let e = parse(csv.as_bytes(), Path::new("iterations.csv"), summary()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("iterations.csv: line 4, column `care.cost`: `oops` is not a number"),
            "{e}"
        );
        let csv = CSV.replace("1,b,20", "0,b,20");
        let e = parse(csv.as_bytes(), Path::new("iterations.csv"), summary()).unwrap_err();
        assert!(e.to_string().contains("line 5: iteration `0`"), "{e}");
    }
}
