//! Precision stopping (`run --precision MONEY --precision-prob P --max-iterations N`): it stops
//! at the first block where every intervention's 95% half-widths, worked out here from the
//! iterations it wrote, meet the targets; its files are those of `run -n N` at that N, byte for
//! byte (summary.json but for its last member, `precision`), at 1 and 2 threads; the cap is a
//! warning with the iterations needed; and the options it cannot take are refused.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use indexmap::IndexMap;

const Z: f64 = 1.96;

fn ok(args: &[&str], threads: Option<&str>) -> (String, String) {
    let out = prevsim(args, threads);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}\n{stdout}\n{stderr}");
    (stdout, stderr)
}

fn read(folder: &Path, name: &str) -> String {
    std::fs::read_to_string(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// summary.json without its last member, `precision` (which must be there, and last).
fn without_precision(summary: &str) -> String {
    let at = summary
        .find(",\n  \"precision\": {\n")
        .expect("summary.json has a precision member");
    let rest = &summary[at..];
    assert!(rest.ends_with("\n  }\n}\n"), "precision is the last member");
    assert_eq!(rest.matches("\n  }").count(), 1, "nothing after precision");
    format!("{}\n}}\n", &summary[..at])
}

fn json(folder: &Path) -> serde_json::Value {
    serde_json::from_str(&read(folder, "summary.json")).unwrap()
}

/// Net savings (PV) per intervention, in iteration order, from iterations.csv.
fn net_savings(folder: &Path) -> IndexMap<String, Vec<f64>> {
    let text = read(folder, "iterations.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (who, net) = (col("intervention"), col("net_saving_pv"));
    let mut out: IndexMap<String, Vec<f64>> = IndexMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        out.entry(cells[who].to_string())
            .or_default()
            .push(cells[net].parse().unwrap());
    }
    out
}

/// The 95% half-widths the README gives: 1.96 sd / sqrt(n) on the mean; on the probability the
/// larger of Wald, 1.96 sqrt(p (1 - p) / n), and Agresti-Coull.
fn half_widths(net: &[f64]) -> (f64, f64) {
    let n = net.len() as f64;
    let mean = net.iter().sum::<f64>() / n;
    let sd = (net.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let x = net.iter().filter(|v| **v > 0.0).count() as f64;
    let p = x / n;
    let wald = Z * (p * (1.0 - p) / n).sqrt();
    let nt = n + Z * Z;
    let q = (x + Z * Z / 2.0) / nt;
    let ac = Z * (q * (1.0 - q) / nt).sqrt();
    (Z * sd / n.sqrt(), wald.max(ac))
}

fn meets(net: &IndexMap<String, Vec<f64>>, upto: usize, mean: f64, prob: f64) -> bool {
    net.values().all(|v| {
        let (m, p) = half_widths(&v[..upto]);
        m <= mean && p <= prob
    })
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn path(dir: &tempfile::TempDir) -> String {
    dir.path().display().to_string()
}

const DATA: [&str; 5] = [
    "iterations.csv",
    "yearly.csv",
    "summary.md",
    "scenario.toml",
    "chart-savings-distribution.svg",
];

#[test]
fn stops_where_the_formula_says_and_equals_a_run_of_that_many_iterations() {
    let precision = test_file("precision.toml");
    let uncertain = test_file("uncertain.toml");
    let (mean, prob) = (120_000.0, 0.015);
    let mut first: Option<PathBuf> = None;
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| temp()).collect();
    let mut stopped_at = 0;
    for (threads, dir) in ["1", "2"].iter().zip(&dirs) {
        let (stdout, _) = ok(
            &[
                "run",
                precision.to_str().unwrap(),
                uncertain.to_str().unwrap(),
                "--precision",
                "£120k",
                "--precision-prob",
                "0.015",
                "--out",
                &path(dir),
            ],
            Some(threads),
        );
        // Each scenario stops on its own, at the first block (from the second) where every
        // intervention meets both targets, by the half-widths of the iterations it wrote.
        let mut n_of = Vec::new();
        for name in ["precision", "uncertain"] {
            let folder = dir.path().join(name);
            let s = json(&folder);
            let record = &s["precision"];
            let n = s["iterations"].as_u64().unwrap();
            assert_eq!(record["iterations"].as_u64(), Some(n));
            assert_eq!(record["stopped"], "target met", "{name}");
            assert_eq!(record["targets"]["mean_net_saving_pv"], mean);
            assert_eq!(record["targets"]["prob_net_saving_positive"], prob);
            assert_eq!(record["targets"]["max_iterations"], 200_000);
            assert!(record["iterations_needed"].is_null());
            assert_eq!(n % 1000, 0, "{name}: {n}");
            assert!(n >= 2000, "{name}: {n}");
            let net = net_savings(&folder);
            assert_eq!(net.len(), 2);
            assert!(net.values().all(|v| v.len() as u64 == n));
            let n = n as usize;
            assert!(meets(&net, n, mean, prob), "{name} at {n}");
            if n > 2000 {
                assert!(!meets(&net, n - 1000, mean, prob), "{name} at {}", n - 1000);
            }
            // The record's half-widths are those of the written iterations, and the mean's is
            // 1.96 x summary.json's standard error.
            for (k, v) in &net {
                let (m, p) = half_widths(v);
                let got = &record["achieved"][k];
                let rec_m = got["mean_net_saving_pv"].as_f64().unwrap();
                let rec_p = got["prob_net_saving_positive"].as_f64().unwrap();
                assert!((rec_m - m).abs() <= 1e-9 * m.max(1.0), "{k}: {rec_m} {m}");
                assert!((rec_p - p).abs() <= 1e-12, "{k}: {rec_p} {p}");
                let se = s["interventions"][k]["metrics"]["net_saving_pv"]["se"]
                    .as_f64()
                    .unwrap();
                assert!((rec_m - Z * se).abs() <= 1e-9 * rec_m.max(1.0), "{k}");
            }
            n_of.push(n);
        }
        // The two scenarios need different numbers: the probability target binds only where
        // P(net saving > 0) is near 1/2.
        assert_ne!(n_of[0], n_of[1], "{n_of:?}");
        assert!(
            stdout.contains(&format!(
                "precision: stopped at {} iterations (every target met): mean net saving ± £",
                prevsim::precision::count(n_of[0] as u64)
            )),
            "{stdout}"
        );
        assert!(stdout.contains("(target ± £120k), chance of saving money ± 0."));
        assert!(stdout.contains("points (target ± 1.5) (95%, the widest of 2 interventions)"));
        stopped_at = n_of[0];
        // The same bytes at 1 and 2 threads, summary.json and all.
        let folder = dir.path().join("precision");
        match &first {
            None => first = Some(folder),
            Some(f) => {
                for name in DATA.iter().chain(&["summary.json"]) {
                    assert_eq!(read(f, name), read(&folder, name), "{name} 1 vs 2 threads");
                }
            }
        }
    }
    // A run of exactly that many iterations writes the same files; summary.json differs only
    // by the precision record at its end.
    let n = stopped_at.to_string();
    let plain = &dirs[2];
    ok(
        &[
            "run",
            precision.to_str().unwrap(),
            "-n",
            &n,
            "--out",
            &path(plain),
        ],
        Some("1"),
    );
    let plain = plain.path().join("precision");
    for dir in &dirs[..2] {
        let folder = dir.path().join("precision");
        for name in DATA {
            assert_eq!(read(&plain, name), read(&folder, name), "{name}");
        }
        assert_eq!(
            read(&plain, "summary.json"),
            without_precision(&read(&folder, "summary.json"))
        );
    }
    // verify re-runs the precision run to the same stop.
    let folder = dirs[0].path().join("precision");
    let (stdout, _) = ok(&["verify", folder.to_str().unwrap()], None);
    assert!(stdout.contains("verified"), "{stdout}");
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&folder, "manifest.json")).unwrap();
    assert_eq!(manifest["precision"]["mean_net_saving_pv"], mean);
    assert_eq!(manifest["iterations"].as_u64(), Some(stopped_at as u64));
    // The report says where the run stopped and why, as the console did.
    let html = read(&folder, "report.html");
    assert!(
        html.contains(&format!(
            "stopped at {} iterations (every target met)",
            prevsim::precision::count(stopped_at as u64)
        )),
        "the report's reproducibility table names the precision stop"
    );
    // With looser targets written into the manifest, the re-run stops elsewhere: refused.
    let text = read(&folder, "manifest.json")
        .replacen(
            "\"mean_net_saving_pv\": 120000.0",
            "\"mean_net_saving_pv\": 1000000.0",
            1,
        )
        .replacen(
            "\"prob_net_saving_positive\": 0.015",
            "\"prob_net_saving_positive\": 0.5",
            1,
        );
    std::fs::write(folder.join("manifest.json"), text).unwrap();
    let out = prevsim(&["verify", folder.to_str().unwrap()], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "re-run, the precision run does not stop where the manifest says ({stopped_at} iterations)"
        )),
        "{stdout}"
    );
}

#[test]
fn reaching_the_cap_is_a_warning_with_the_iterations_needed() {
    let dir = temp();
    let file = test_file("precision.toml");
    let (stdout, stderr) = ok(
        &[
            "run",
            file.to_str().unwrap(),
            "--precision",
            "20k",
            "--max-iterations",
            "2500",
            "--out",
            &path(&dir),
        ],
        None,
    );
    let folder = dir.path().join("precision");
    let s = json(&folder);
    assert_eq!(s["iterations"], 2500);
    let record = &s["precision"];
    assert_eq!(record["stopped"], "cap reached");
    // n = n_now x (achieved / target)^2, the largest over interventions, up to a block.
    let net = net_savings(&folder);
    let (m, _) = half_widths(&net["programme"]);
    assert!(m > 20_000.0);
    let want = ((2500.0 * (m / 20_000.0).powi(2)).ceil() as u64).div_ceil(1000) * 1000;
    assert_eq!(record["iterations_needed"].as_u64(), Some(want));
    assert!(
        stderr.contains("Warning: Precision stopping test scenario: the cap of 2,500 iterations was reached before every precision target was met: \"programme\": mean net saving ± £"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "about {} iterations ({} more) would meet them (n = 2,500 x (achieved / target)²): raise --max-iterations or loosen the target",
            prevsim::precision::count(want),
            prevsim::precision::count(want - 2500)
        )),
        "{stderr}"
    );
    // "nothing" saves exactly £0 every time: its mean is exact, so only "programme" is named.
    assert!(!stderr.contains("\"nothing\""), "{stderr}");
    assert!(
        stdout.contains("precision: stopped at 2,500 iterations (the cap of 2,500 iterations reached): mean net saving ± £"),
        "{stdout}"
    );
    // The generic Monte Carlo error warning is not added on top.
    assert!(!stderr.contains("Monte Carlo error"), "{stderr}");
}

#[test]
fn options_a_precision_run_cannot_take_are_refused() {
    let file = test_file("precision.toml");
    let file = file.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--precision", "100k", "--fixed"],
            "no Monte Carlo error",
        ),
        (
            vec!["--precision", "100k", "-n", "500"],
            "drop -n/--iterations",
        ),
        (
            vec!["--precision-prob", "0.01", "--shard", "0/2"],
            "--shard",
        ),
        (vec!["--precision", "0"], "can never be reached"),
        (vec!["--precision", "-50k"], "can never be reached"),
        (vec!["--precision", "£"], "such as 100k, £1.5m or 250000"),
        (vec!["--precision", "lots"], "such as 100k, £1.5m or 250000"),
        (vec!["--precision-prob", "0.7"], "outside (0, 0.5]"),
        (vec!["--precision-prob", "1"], "write 0.01"),
        (vec!["--precision-prob", "0"], "outside (0, 0.5]"),
        (vec!["--max-iterations", "5000"], "give --precision MONEY"),
        (
            vec!["--precision", "1m", "--max-iterations", "1000"],
            "at least 2000",
        ),
    ] {
        let dir = temp();
        let mut all = vec!["run", file, "--out", dir.path().to_str().unwrap()];
        all.extend(&args);
        let out = prevsim(&all, None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "{args:?} wrote something"
        );
    }
}

#[test]
fn a_scenario_without_interventions_runs_the_minimum() {
    let text = std::fs::read_to_string(test_file("uncertain.toml")).unwrap();
    let cut = text.find("[[interventions]]").unwrap();
    let dir = temp();
    let file = dir.path().join("baseline-only.toml");
    std::fs::write(
        &file,
        text[..cut].replace("name = \"uncertain\"", "name = \"baseline-only\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (stdout, _) = ok(
        &[
            "run",
            file.to_str().unwrap(),
            "--precision-prob",
            "0.01",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    let s = json(&out.join("baseline-only"));
    assert_eq!(s["iterations"], 2000);
    assert_eq!(s["precision"]["stopped"], "no intervention");
    assert!(
        stdout.contains(
            "no intervention, so no net saving to measure; ran the minimum of 2,000 iterations"
        ),
        "{stdout}"
    );
}
