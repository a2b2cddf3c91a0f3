//! `prevsim check`: the shipped claims' verdicts against hand-worked probabilities, the flip
//! thresholds, malformed claims, exit codes, formats and reproducibility.

mod common;

use std::path::Path;
use std::process::Command;

use common::prevsim;

use prevsim::check::{self, ScenarioCheck, ThresholdMethod, Verdict, fixed_with};
use prevsim::engine::RunOptions;
use prevsim::scenario::{Problem, Scenario};

/// Iterations for the statistical checks: enough for 4 standard errors to be a few percent.
const N: u64 = 4_000;

fn check_file(path: &Path, iterations: u64) -> (Scenario, ScenarioCheck) {
    let s = common::load(path);
    let options = RunOptions {
        iterations,
        seed: 2010,
        fixed: false,
    };
    let checked = check::check_scenario(&s, options);
    (s, checked)
}

/// The Monte Carlo share `p_hat` is within 4 standard errors of the exact `p`.
fn assert_share(p_hat: f64, p: f64, n: u64, what: &str) {
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (p_hat - p).abs() <= 4.0 * se,
        "{what}: P = {p_hat}, exact {p} (4 se = {})",
        4.0 * se
    );
}

#[test]
fn over_3_5_million_for_1_percent_holds_for_every_care_cost() {
    let (_, c) = check_file(&common::shipped("agma-keep-1pct-out-of-care.toml"), N);
    let headline = &c.claims[0];
    // 50 children x uniform £70k-£100k is at least £3.5m in every iteration.
    assert_eq!(headline.figures.probability, 1.0);
    assert_eq!(headline.verdict, Verdict::Holds);
    assert!(
        (headline.figures.mean - 4.25e6).abs()
            < 4.0 * 50.0 * 30_000.0 / 12f64.sqrt() / (N as f64).sqrt()
    );
    // Beside it, at a chaotic-family cost at home (100 x 10 x 7 = £7,000): 50 (c - 7,000) >= £3.5m
    // needs c >= £77,000, so P = 23/30: the claim holds only partly for the net figure.
    let beside = headline.beside.as_ref().expect("compare is set");
    assert_share(beside.figures.probability, 23.0 / 30.0, N, "net view of 1%");
    assert_eq!(beside.verdict, Verdict::HoldsPartly);
    // The care cost decides it; the test flips exactly at £70,000, the bottom of its range.
    let why = &headline.why;
    assert_eq!(why.decisive.as_ref().unwrap().parameter, "care.cost");
    assert_eq!(why.thresholds.len(), 1);
    let t = why.thresholds[0];
    assert!((t.value - 70_000.0).abs() < 1.0, "{t:?}");
    assert!(t.holds_above);
    assert_eq!(t.method, ThresholdMethod::Exact);
}

#[test]
fn care_cost_of_5000_children_is_350_to_500_million() {
    let (_, c) = check_file(&common::shipped("agma-keep-1pct-out-of-care.toml"), N);
    let care = &c.claims[1];
    assert_eq!(care.figure, "baseline_care_cost_year0");
    // 5,000 x uniform £70k-£100k lies in £350m-£500m in every iteration.
    assert_eq!(care.figures.probability, 1.0);
    assert_eq!(care.verdict, Verdict::Holds);
    assert!(care.figures.p5 >= 350e6 && care.figures.p95 <= 500e6);
    let values: Vec<f64> = care.why.thresholds.iter().map(|t| t.value).collect();
    assert_eq!(values.len(), 2);
    assert!((values[0] - 70_000.0).abs() < 1.0 && (values[1] - 100_000.0).abs() < 1.0);
}

#[test]
fn peterborough_ladder_is_70_times() {
    let (_, c) = check_file(&common::shipped("agma-keep-1pct-out-of-care.toml"), 200);
    let ladder = &c.claims[2];
    assert_eq!(ladder.figure, "unit_cost.chaotic / unit_cost.coping");
    assert_eq!(ladder.figures.mean, 70.0);
    assert_eq!(ladder.verdict, Verdict::Holds);
    assert!(ladder.why.decisive.is_none());
}

#[test]
fn nearly_20_million_for_5_percent_holds_only_partly() {
    let (s, c) = check_file(&common::shipped("agma-keep-5pct-out-of-care.toml"), N);
    let headline = &c.claims[0];
    // 250 x uniform £70k-£100k <= £20m needs c <= £80k: P = 10/30 = 1/3.
    assert_share(headline.figures.probability, 1.0 / 3.0, N, "nearly £20m");
    assert_eq!(headline.verdict, Verdict::HoldsPartly);
    // Net of a chaotic-family cost at home: 250 (c - 7,000) <= £20m needs c <= £87k: 17/30.
    let beside = headline.beside.as_ref().unwrap();
    assert_share(beside.figures.probability, 17.0 / 30.0, N, "net view of 5%");
    // The documented threshold: "nearly £20 million" holds only while care costs at most £80k.
    let why = &headline.why;
    assert_eq!(why.decisive.as_ref().unwrap().parameter, "care.cost");
    let t = why.thresholds[0];
    assert!((t.value - 80_000.0).abs() < 1.0, "threshold {}", t.value);
    assert!(!t.holds_above && t.in_range);
    assert_eq!(t.method, ThresholdMethod::Exact);
    // At the threshold the fixed-mode figure is the claim's £20m.
    let (id, _) = s.params.scalar_by_name("care.cost").unwrap();
    let at = fixed_with(&s, &[(id, t.value)]);
    assert!((at.interventions[0].metrics.gross_saving_year0 - 20e6).abs() < 250.0);
}

#[test]
fn a_threshold_the_figure_is_not_linear_in_is_found_by_bisection() {
    let (s, c) = check_file(&common::test_file("claims.toml"), 500);
    let claim = &c.claims[1];
    let why = &claim.why;
    assert_eq!(why.decisive.as_ref().unwrap().parameter, "care.exit_rate");
    let t = why.thresholds[0];
    assert_eq!(t.method, ThresholdMethod::Bisection);
    assert!(t.in_range && t.holds_above);
    let (id, _) = s.params.scalar_by_name("care.exit_rate").unwrap();
    let saving = |x: f64| {
        fixed_with(&s, &[(id, x)]).interventions[1]
            .metrics
            .gross_saving_pv
    };
    assert!(
        (saving(t.value) - 500_000.0).abs() < 1e-3,
        "{}",
        saving(t.value)
    );
    assert!(saving(t.value + 0.01) < 500_000.0 && saving(t.value - 0.01) > 500_000.0);
}

#[test]
fn a_claim_the_model_never_reaches_does_not_hold() {
    let (_, c) = check_file(&common::test_file("claims.toml"), 500);
    let claim = &c.claims[0];
    assert_eq!(claim.figures.probability, 0.0);
    assert_eq!(claim.verdict, Verdict::DoesNotHold);
    assert_eq!(claim.why.unreached, vec![10e6]);
    assert_eq!(c.worst(), Verdict::DoesNotHold);
    // The claim on the mean holds: the mean saving is below £500k.
    assert_eq!(c.claims[1].verdict, Verdict::Holds);
}

// ---- malformed claims ----------------------------------------------------------------------

fn claims_text() -> String {
    std::fs::read_to_string(common::test_file("claims.toml")).unwrap()
}

/// The problems of claims.toml with the first `from` replaced by `to`.
fn problems(from: &str, to: &str) -> Vec<Problem> {
    let text = claims_text();
    assert!(text.contains(from), "`{from}` is in claims.toml");
    let text = text.replacen(from, to, 1);
    match Scenario::parse(&text, Path::new("claims.toml")) {
        Ok(_) => panic!("accepted a bad claim: {from} -> {to}"),
        Err(e) => {
            assert!(e.to_string().contains("claims.toml:"), "{e}");
            e.problems().to_vec()
        }
    }
}

/// (what, from, to, line, field, words the message must contain)
const BAD: &[(&str, &str, &str, usize, &str, &str)] = &[
    (
        "unknown metric",
        "metric = \"gross_saving_undiscounted\"",
        "metric = \"gross_savings_undiscounted\"",
        42,
        "claims[1].metric",
        "did you mean `gross_saving_undiscounted`",
    ),
    (
        "unknown intervention",
        "intervention = \"divert\"",
        "intervention = \"divret\"",
        43,
        "claims[1].intervention",
        "did you mean `divert`",
    ),
    (
        "probability above 1",
        "probability = 0.9",
        "probability = 1.5",
        45,
        "claims[1].probability",
        "from 0 to 1",
    ),
    (
        "negative probability",
        "probability = 0.9",
        "probability = -0.1",
        45,
        "claims[1].probability",
        "out of range",
    ),
    (
        "typo in a claim key",
        "probability = 0.9",
        "probabilty = 0.9",
        45,
        "claims.probabilty",
        "did you mean `probability`",
    ),
    (
        "two tests",
        "at_most = 500_000",
        "at_most = 500_000\nat_least = 1",
        53,
        "claims[2].at_least",
        "exactly one test",
    ),
    (
        "no test",
        "at_least = 10_000_000\n",
        "",
        39,
        "claims[1].at_least",
        "exactly one test",
    ),
    (
        "near without tolerance",
        "tolerance = 0.001\n",
        "",
        61,
        "claims[3].tolerance",
        "needs `tolerance",
    ),
    (
        "negative tolerance",
        "tolerance = 0.001",
        "tolerance = -1",
        62,
        "claims[3].tolerance",
        "at least 0",
    ),
    (
        "probability and mean",
        "on_mean = true",
        "on_mean = true\nprobability = 0.5",
        55,
        "claims[2].probability",
        "not both",
    ),
    (
        "no requirement",
        "on_mean = true\n",
        "",
        48,
        "claims[2].probability",
        "how sure",
    ),
    (
        "unknown input",
        "parameter = \"unit_cost.chaotic\"",
        "parameter = \"unit_cost.chaos\"",
        59,
        "claims[3].parameter",
        "did you mean `unit_cost.chaotic`",
    ),
    (
        "metric and parameter",
        "metric = \"gross_saving_pv\"",
        "metric = \"gross_saving_pv\"\nparameter = \"care.cost\"",
        51,
        "claims[2].metric",
        "not both",
    ),
    (
        "compare with itself",
        "compare = \"divert at a cost\"",
        "compare = \"divert\"",
        46,
        "claims[1].compare",
        "own intervention",
    ),
    (
        "metric without intervention",
        "intervention = \"divert\"\n",
        "",
        42,
        "claims[1].intervention",
        "add `intervention",
    ),
    (
        "empty claim text",
        "text = \"diverting a fifth saves over £10 million\"",
        "text = \" \"",
        40,
        "claims[1].text",
        "quote the claim",
    ),
    (
        "ratio metric without programme cost",
        "metric = \"gross_saving_pv\"",
        "metric = \"bcr\"",
        51,
        "claims[2].metric",
        "no `programme_cost`",
    ),
];

#[test]
fn malformed_claims_name_line_field_and_fix() {
    let mut failures = Vec::new();
    for &(what, from, to, line, field, words) in BAD {
        let found = problems(from, to);
        match found.iter().find(|p| p.field == field) {
            None => failures.push(format!("{what}: no problem for `{field}` in {found:#?}")),
            Some(p) if p.line != line || !p.message.contains(words) => {
                failures.push(format!(
                    "{what}: expected line {line} and `{words}`, got {p:?}"
                ));
            }
            Some(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_problem_in_the_claims_is_reported_at_once() {
    let text = claims_text()
        .replacen("probability = 0.9", "probability = 2", 1)
        .replacen("metric = \"gross_saving_pv\"", "metric = \"nett\"", 1);
    let err = Scenario::parse(&text, Path::new("claims.toml")).unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["claims[1].probability", "claims[2].metric"]);
}

// ---- the command line ----------------------------------------------------------------------

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_refuted_claim_exits_1_and_a_partial_one_only_with_strict() {
    let refuted = common::test_file("claims.toml");
    let out = prevsim(&["check", path(&refuted), "-n", "300"], None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not hold"));

    let partly = common::shipped("agma-keep-5pct-out-of-care.toml");
    let out = prevsim(&["check", path(&partly), "-n", "1000"], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds only partly"));
    let out = prevsim(&["check", path(&partly), "-n", "1000", "--strict"], None);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn errors_exit_2_for_check_and_1_for_other_commands() {
    let out = prevsim(&["check", "no-such-file.toml"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = prevsim(&["validate", "no-such-file.toml"], None);
    assert_eq!(out.status.code(), Some(1));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        claims_text().replacen("probability = 0.9", "probability = 1.5", 1),
    )
    .unwrap();
    let out = prevsim(&["check", path(&bad)], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:45:15: `claims[1].probability`"),
        "{err}"
    );

    // A file without claims, named or alone in the folder, is an error too.
    let plain = common::test_file("tiny.toml");
    let out = prevsim(&["check", path(&plain)], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("states no claims"));
    std::fs::remove_file(&bad).unwrap();
    std::fs::copy(&plain, dir.path().join("tiny.toml")).unwrap();
    let out = prevsim(&["check", "--scenarios", path(dir.path())], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scenario in"));
}

#[test]
fn without_files_every_shipped_scenario_with_claims_is_checked() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let out = prevsim(
        &[
            "check",
            "--scenarios",
            path(&dir),
            "-n",
            "500",
            "--format",
            "csv",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let scenarios: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(
        scenarios,
        vec![
            "agma-keep-1pct-out-of-care",
            "agma-keep-1pct-out-of-care",
            "agma-keep-1pct-out-of-care",
            "agma-keep-5pct-out-of-care"
        ]
    );
}

#[test]
fn output_is_byte_identical_with_one_and_two_threads() {
    let file = common::shipped("agma-keep-5pct-out-of-care.toml");
    let args = ["check", path(&file), "-n", "3000", "--format", "json"];
    let one = prevsim(&args, Some("1"));
    let two = prevsim(&args, Some("2"));
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(one.stdout, two.stdout);
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    let claim = &json["scenarios"][0]["claims"][0];
    assert_eq!(claim["verdict"], "holds only partly");
    assert_eq!(claim["why"]["decisive"]["parameter"], "care.cost");
    assert_eq!(claim["why"]["thresholds"][0]["method"], "exact");
}

#[test]
fn markdown_is_a_table_with_one_row_per_claim() {
    let file = common::shipped("agma-keep-1pct-out-of-care.toml");
    let out = prevsim(
        &["check", path(&file), "-n", "200", "--format", "markdown"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("| # | claim | source |"));
    let rows = text
        .lines()
        .filter(|l| l.starts_with("| 1 |") || l.starts_with("| 2 |") || l.starts_with("| 3 |"));
    assert_eq!(rows.count(), 3);
}

// ---- the README ----------------------------------------------------------------------------

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The body of the first fenced block of `lang` after `heading` in the README.
fn readme_block(heading: &str, lang: &str) -> String {
    let text = readme();
    let section = &text[text.find(heading).expect("README has the section")..];
    let fence = format!("```{lang}\n");
    let start = section.find(&fence).expect("a block") + fence.len();
    section[start..start + section[start..].find("```").unwrap()].to_string()
}

#[test]
fn the_readme_claim_example_is_valid() {
    let base = std::fs::read_to_string(common::shipped("agma-keep-5pct-out-of-care.toml")).unwrap();
    let text = format!("{base}\n{}", readme_block("## Checking a claim", "toml"));
    let s = Scenario::parse(&text, Path::new("README.md")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.claims.len(), 2);
    let (shipped, example) = (&s.claims[0], &s.claims[1]);
    assert_eq!(example.quantity, shipped.quantity);
    assert_eq!(example.test, shipped.test);
    assert_eq!(example.requirement, shipped.requirement);
    assert_eq!(example.compare, shipped.compare);
}

#[test]
fn the_readme_shows_the_real_output_of_check() {
    let out = Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .arg("check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let shown = readme_block("`prevsim check` on the shipped scenarios", "text");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        shown,
        "paste the output of `prevsim check` into the README"
    );
}

#[test]
fn a_scenario_without_uncertainty_says_so_instead_of_naming_a_parameter() {
    let tiny = std::fs::read_to_string(common::test_file("tiny.toml")).unwrap();
    let text = format!(
        "{tiny}\n[[claims]]\ntext = \"it saves money\"\nsource = \"a test\"\nmetric = \"gross_saving_pv\"\nintervention = \"shift, divert and pay\"\nat_least = 0\nprobability = 1\n"
    );
    let s = Scenario::parse(&text, Path::new("tiny.toml")).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        iterations: 50,
        seed: 1,
        fixed: false,
    };
    let c = check::check_scenario(&s, options);
    let why = &c.claims[0].why;
    assert!(why.decisive.is_none() && why.thresholds.is_empty());
    assert!(
        why.note
            .as_deref()
            .unwrap()
            .contains("no uncertain parameter")
    );
}

#[test]
fn check_prints_the_scenario_warnings_a_run_would() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::shipped("agma-keep-1pct-out-of-care.toml"))
        .unwrap()
        .replace(
            "children_in_care = { value = 5_000,",
            "children_in_care = { value = 5_000_000,",
        );
    let path = dir.path().join("too-many-in-care.toml");
    std::fs::write(&path, text).unwrap();
    let out = prevsim(
        &["check", path.to_str().unwrap(), "--iterations", "200"],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(2),
        "a warning is not an error: {stderr}"
    );
    assert!(
        stderr.contains("warning") && stderr.contains("children in care, but the families hold"),
        "{stderr}"
    );
}
