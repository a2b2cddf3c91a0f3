//! `prevsim voi`: closed forms, invariants on every shipped scenario, reproducibility, errors.

mod common;

use std::path::Path;

use common::{prevsim, shipped, test_file};
use serde_json::Value;

fn run(scenario: &Path, out: &Path, iterations: &str, extra: &[&str]) {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--iterations",
        iterations,
    ];
    args.extend(extra);
    let o = prevsim(&args, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn voi_json(folder: &Path) -> Value {
    let bytes = std::fs::read(folder.join("voi/voi.json")).expect("voi.json written");
    serde_json::from_slice(&bytes).expect("voi.json is JSON")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn entry<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["evppi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no entry {name}"))
}

/// Closed forms of tests/scenarios/voi-linear.toml (see the file): net saving X - Y with X and
/// Y independent and uniform on [3.5m, 5m].
#[test]
fn linear_case_matches_the_closed_forms() {
    let dir = tempfile::tempdir().unwrap();
    run(
        &test_file("voi-linear.toml"),
        dir.path(),
        "20000",
        &["--voi"],
    );
    let j = voi_json(&dir.path().join("voi-linear"));
    let evpi = &j["evpi"];
    let (value, se) = (num(evpi, "value"), num(evpi, "se"));
    assert!(
        (value - 250_000.0).abs() < 0.02 * 250_000.0,
        "EVPI {value} (se {se}) vs 250,000"
    );
    assert!(se > 0.0 && se < 0.02 * value);
    for input in [
        "care.cost",
        "interventions[keep 1% out of care].programme_cost.per_family",
    ] {
        let e = entry(&j, input);
        let c = &e["cross_check"];
        for (method, v, s) in [
            ("sort-and-block", num(e, "value"), num(e, "se")),
            ("spline", num(c, "value"), num(c, "se")),
        ] {
            let err = (v - 187_500.0).abs();
            assert!(
                err < 0.02 * 187_500.0 || err < 3.0 * s,
                "{input} by {method}: {v} (se {s}) vs 187,500"
            );
        }
        // Var(X) is half of Var(X - Y).
        let share = j["variance_share"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["input"] == input)
            .unwrap();
        assert!((num(share, "share") - 0.5).abs() < 0.03, "{share}");
    }
    assert_eq!(j["decision"][0], "do nothing");
    assert_eq!(j["decision"][1], "keep 1% out of care");
    assert_eq!(entry(&j, "care.cost")["inputs"][0], "care.cost");
    // Indexed to the programme's cost: 4.25m on average.
    let share = num(evpi, "share_of_programme_cost");
    assert!((share - value / 4_250_000.0).abs() < 0.002 * share);
}

/// 0 <= EVPPI(one) <= EVPPI(group holding it) <= EVPI, each within 2 SE; constant inputs are
/// not listed; EVPI is exactly 0 where one option is best in every iteration.
#[test]
fn invariants_on_every_shipped_scenario() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "agma-keep-1pct-out-of-care",
        "agma-keep-5pct-out-of-care",
        "gm-family-ladder",
    ] {
        let file = shipped(&format!("{name}.toml"));
        run(&file, dir.path(), "1000", &[]);
        let folder = dir.path().join(name);
        let o = prevsim(&["voi", folder.to_str().unwrap()], None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let j = voi_json(&folder);
        let mut budgets = vec![j.clone()];
        budgets.extend(j["agencies"].as_array().unwrap().iter().cloned());
        for b in &budgets {
            let evpi = (num(&b["evpi"], "value"), num(&b["evpi"], "se"));
            assert!(evpi.0 >= 0.0);
            let entries = b["evppi"].as_array().unwrap();
            for e in entries {
                let (v, s) = (num(e, "value"), num(e, "se"));
                assert!(v >= 0.0, "{name}: {e}");
                assert!(
                    v <= evpi.0 + 2.0 * (evpi.1 + s),
                    "{name}: {e} above EVPI {evpi:?}"
                );
                if e["kind"] != "input" {
                    continue;
                }
                for g in entries.iter().filter(|g| {
                    g["kind"] == "group"
                        && g["inputs"].as_array().unwrap().contains(&e["inputs"][0])
                }) {
                    let (gv, gs) = (num(g, "value"), num(g, "se"));
                    // The group's regression contains the input's spline (the decision as asked
                    // has the spline cross-check; the agencies' views do not).
                    if let Some(spline) = e["cross_check"]["value"].as_f64() {
                        assert!(
                            spline <= gv + 2.0 * gs,
                            "{name}: {} spline {spline} above group {} {gv} (se {gs})",
                            e["name"],
                            g["name"]
                        );
                    }
                    assert!(
                        v <= gv + 2.0 * (gs + s),
                        "{name}: {} {v} above group {} {gv}",
                        e["name"],
                        g["name"]
                    );
                }
            }
        }
        // Only uncertain inputs are listed: the AGMA scenarios have one (care.cost).
        if name.starts_with("agma") {
            let inputs: Vec<&str> = j["variance_share"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["input"].as_str().unwrap())
                .collect();
            assert_eq!(inputs, ["care.cost"]);
            // Counting the children at home at no cost is better in every iteration: nothing
            // could change the decision.
            assert_eq!(num(&j["evpi"], "value"), 0.0);
            assert_eq!(num(&j["evpi"], "se"), 0.0);
            assert_eq!(j["prob_best"][1], 1.0);
        } else {
            assert!(num(&j["evpi"], "value") > 0.0);
            assert!(j["evaluation"]["value"].as_f64().is_some());
            assert_eq!(j["agencies"].as_array().unwrap().len(), 5);
        }
    }
}

#[test]
fn identical_at_one_and_two_threads_and_on_re_running() {
    let dir = tempfile::tempdir().unwrap();
    run(&shipped("gm-family-ladder.toml"), dir.path(), "400", &[]);
    let folder = dir.path().join("gm-family-ladder");
    let arg = folder.to_str().unwrap();
    let files = ["voi.json", "voi.csv", "chart-voi.png", "chart-voi.svg"];
    let read = || -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| std::fs::read(folder.join("voi").join(f)).unwrap())
            .collect()
    };
    let group = [
        "--group",
        "risks=programme.up_relative_risk,programme.down_relative_risk,care.cost,transitions.chaotic",
    ];
    let mut outputs = Vec::new();
    for threads in ["1", "2", "2"] {
        let mut args = vec!["voi", arg];
        args.extend(group);
        let o = prevsim(&args, Some(threads));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        outputs.push((read(), o.stdout));
    }
    assert!(outputs[0] == outputs[1], "1 and 2 threads differ");
    assert!(outputs[1] == outputs[2], "re-running differs");
    let j = voi_json(&folder);
    let g = entry(&j, "risks");
    // transitions.chaotic names the four columns of the Dirichlet row; one is dropped as the
    // others' complement.
    assert_eq!(g["inputs"].as_array().unwrap().len(), 7);
    assert_eq!(g["dropped_as_dependent"].as_array().unwrap().len(), 1);
}

#[test]
fn clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    run(&shipped("gm-family-ladder.toml"), dir.path(), "300", &[]);
    let folder = dir.path().join("gm-family-ladder");
    let arg = folder.to_str().unwrap();
    let err = |args: &[&str]| {
        let o = prevsim(args, None);
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    let e = err(&["voi", arg, "--agency", "polce"]);
    assert!(
        e.contains("no such agency") && e.contains("\"police and justice\""),
        "{e}"
    );
    let e = err(&["voi", arg, "--group", "g=care.cots"]);
    assert!(e.contains("nearest: `care.cost`"), "{e}");
    let e = err(&["voi", arg, "--group", "care.cost"]);
    assert!(e.contains("NAME=PARAM"), "{e}");
    let e = err(&["voi", dir.path().join("nothing").to_str().unwrap()]);
    assert!(e.contains("summary.json"), "{e}");
    // Too few iterations for the regressions: the error says how many are needed.
    let small = tempfile::tempdir().unwrap();
    run(&shipped("gm-family-ladder.toml"), small.path(), "50", &[]);
    let e = err(&[
        "voi",
        small.path().join("gm-family-ladder").to_str().unwrap(),
    ]);
    assert!(e.contains("at least 200"), "{e}");
    // An earlier analysis is left as it was when a later one fails.
    let ok = prevsim(&["voi", arg], None);
    assert!(ok.status.success());
    let before = std::fs::read(folder.join("voi/voi.json")).unwrap();
    err(&["voi", arg, "--agency", "nobody"]);
    assert_eq!(std::fs::read(folder.join("voi/voi.json")).unwrap(), before);
}

#[test]
fn agency_view_values_the_decision_by_that_agency() {
    let dir = tempfile::tempdir().unwrap();
    run(&shipped("gm-family-ladder.toml"), dir.path(), "400", &[]);
    let folder = dir.path().join("gm-family-ladder");
    let o = prevsim(
        &[
            "voi",
            folder.to_str().unwrap(),
            "--agency",
            "children's services",
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j = voi_json(&folder);
    assert_eq!(j["valued_by"], "net saving of children's services");
    // The main figure is that agency's own, as listed among the agencies.
    let own = j["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == "children's services")
        .unwrap();
    assert_eq!(j["evpi"]["value"], own["evpi"]["value"]);
}
