//! End-to-end: the `prevsim` binary on small scenarios.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::prevsim;

const OUTPUTS: [&str; 4] = ["summary.json", "iterations.csv", "yearly.csv", "summary.md"];

fn run_into(out: &Path, extra: &[&str], threads: Option<&str>) -> Output {
    let scenario = common::test_file("uncertain.toml");
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    prevsim(&args, threads)
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    OUTPUTS
        .iter()
        .map(|f| {
            (
                f.to_string(),
                fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")),
            )
        })
        .collect()
}

#[test]
fn outputs_are_byte_identical_with_one_and_two_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    assert!(
        run_into(one.path(), &["-n", "500"], Some("1"))
            .status
            .success()
    );
    assert!(
        run_into(two.path(), &["-n", "500"], Some("2"))
            .status
            .success()
    );
    let a = files(&one.path().join("uncertain"));
    let b = files(&two.path().join("uncertain"));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between 1 and 2 threads");
    }
}

#[test]
fn different_seeds_give_different_results() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert!(
        run_into(a.path(), &["-n", "200", "--seed", "1"], None)
            .status
            .success()
    );
    assert!(
        run_into(b.path(), &["-n", "200", "--seed", "2"], None)
            .status
            .success()
    );
    let read = |d: &Path| fs::read(d.join("uncertain/iterations.csv")).unwrap();
    assert_ne!(read(a.path()), read(b.path()));
}

#[test]
fn summary_json_has_the_documented_fields() {
    let out = tempfile::tempdir().unwrap();
    let o = run_into(out.path(), &["-n", "300"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("uncertain/summary.json")).unwrap())
            .unwrap();
    for key in [
        "scenario",
        "seed",
        "iterations",
        "fixed",
        "prevsim_version",
        "scenario_sha256",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["iterations"], 300);
    let p = &json["interventions"]["programme"];
    assert!(p["prob_net_saving_positive"].as_f64().is_some());
    for metric in prevsim::vocab::Metric::ALL {
        let m = &p["metrics"][metric.name()];
        for stat in ["mean", "sd", "p5", "p25", "p50", "p75", "p95"] {
            assert!(m[stat].as_f64().is_some(), "{metric}.{stat}");
        }
    }
    // The "nothing" intervention has no programme: its ratios are undefined, not invented.
    assert!(json["interventions"]["nothing"]["metrics"]["bcr"].is_null());
    let csv = fs::read_to_string(out.path().join("uncertain/iterations.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("iteration,intervention,"));
    assert!(header.contains("care.cost") && header.contains("transitions.chaotic.to_coping"));
    assert_eq!(csv.lines().count(), 1 + 300 * 2);
}

#[test]
fn fixed_mode_reports_the_base_case() {
    let out = tempfile::tempdir().unwrap();
    let scenario = common::shipped("agma-keep-1pct-out-of-care.toml");
    let o = prevsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--fixed",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("£4.25m"), "{stdout}");
    let md = fs::read_to_string(out.path().join("agma-keep-1pct-out-of-care/summary.md")).unwrap();
    assert!(
        md.contains("| Gross saving, first year (undiscounted) | £4.25m |"),
        "{md}"
    );
}

#[test]
fn invalid_scenario_fails_and_leaves_earlier_results_untouched() {
    let out = tempfile::tempdir().unwrap();
    assert!(run_into(out.path(), &["-n", "100"], None).status.success());
    let before = files(&out.path().join("uncertain"));

    // Same name, broken content: refused before anything is written.
    let dir = tempfile::tempdir().unwrap();
    let bad: PathBuf = dir.path().join("uncertain.toml");
    let text = fs::read_to_string(common::test_file("uncertain.toml")).unwrap();
    fs::write(
        &bad,
        text.replace("exit_rate = {", "exit_rate = 1.5\nignored = {"),
    )
    .unwrap();
    let o = prevsim(
        &[
            "run",
            bad.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("uncertain.toml:"), "{stderr}");
    assert_eq!(files(&out.path().join("uncertain")), before);
}

#[test]
fn validate_reports_every_bad_file_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "name = \"x\"\n[run]\nyears = 0\n").unwrap();
    let good = common::test_file("tiny.toml");
    let o = prevsim(
        &["validate", good.to_str().unwrap(), bad.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok  "));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml:"));
}

#[test]
fn missing_file_is_a_clear_error() {
    let o = prevsim(&["run", "no/such/file.toml", "--out", "unused"], None);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot read scenario file no/such/file.toml")
    );
}

#[test]
fn verify_passes_on_a_fresh_run_and_fails_clearly_after_an_edit() {
    let out = tempfile::tempdir().unwrap();
    assert!(run_into(out.path(), &["-n", "200"], None).status.success());
    let folder = out.path().join("uncertain");
    let o = prevsim(&["verify", folder.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("verified"));

    let csv = folder.join("yearly.csv");
    let edited =
        fs::read_to_string(&csv)
            .unwrap()
            .replacen("children_in_care", "children_in_kare", 1);
    fs::write(&csv, edited).unwrap();
    let o = prevsim(&["verify", folder.to_str().unwrap()], None);
    assert!(!o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("yearly.csv: CHANGED"), "{stdout}");
    assert!(stdout.contains("summary.json: identical"), "{stdout}");
}

#[test]
fn a_run_too_big_for_memory_is_refused_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    let text = fs::read_to_string(common::test_file("uncertain.toml"))
        .unwrap()
        .replace("years = 6", "years = 200");
    fs::write(&path, text).unwrap();
    let o = prevsim(
        &[
            "run",
            path.to_str().unwrap(),
            "-n",
            "10000000",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("of memory") && stderr.contains("--iterations"),
        "{stderr}"
    );
    assert!(!dir.path().join("huge").exists());
}

#[test]
fn a_reader_that_goes_away_stops_the_output_without_a_panic() {
    // `prevsim schema | head -1`: the reading end is closed before prevsim writes.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .arg("schema")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
