//! Options compared in `run`: summary.json's `comparisons` and `prob_best`, summary.md, the
//! console and the chart, on the AGMA 1% scenario (two interventions).

mod common;

use prevsim::engine::RunOptions;
use prevsim::pipeline;

#[test]
fn the_agma_options_differ_by_the_home_cost_in_every_iteration() {
    let s = common::load(&common::shipped("agma-keep-1pct-out-of-care.toml"));
    let options = RunOptions {
        iterations: 500,
        seed: 4,
        fixed: false,
    };
    let produced = pipeline::produce(s, options, &|| {}).unwrap();
    let file = |name: &str| {
        produced
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let json: serde_json::Value = serde_json::from_slice(&file("summary.json")).unwrap();
    let c = &json["comparisons"][0];
    assert_eq!(c["a"], "keep 1% out of care");
    assert_eq!(c["b"], "keep 1% out, chaotic-family cost at home");
    // The second counts the 50 children at a chaotic family's £7,000 at home: in every
    // iteration the first saves exactly 50 x £7,000 = £350,000 more (common random numbers).
    let d = &c["difference_net_saving_pv"];
    for field in ["mean", "p5", "p50", "p95"] {
        let x = d[field].as_f64().unwrap();
        assert!((x - 350_000.0).abs() < 1e-6, "{field}: {x}");
    }
    assert!(d["sd"].as_f64().unwrap() < 1e-6);
    assert_eq!(c["prob_a_saves_more"], 1.0);
    let best = json["prob_best"].as_object().unwrap();
    let keys: Vec<&str> = best.keys().map(String::as_str).collect();
    assert!(keys.contains(&"do nothing") && keys.len() == 3, "{keys:?}");
    let total: f64 = best.values().map(|p| p.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-12);
    assert_eq!(best["keep 1% out of care"], 1.0);
    let md = String::from_utf8(file("summary.md")).unwrap();
    assert!(md.contains("## Options compared"), "{md}");
    assert!(md.contains(
        "| keep 1% out of care minus keep 1% out, chaotic-family cost at home | £350k |"
    ));
}

#[test]
fn a_run_prints_and_draws_the_options() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let file = common::shipped("agma-keep-1pct-out-of-care.toml");
    let o = common::prevsim(
        &["run", file.to_str().unwrap(), "-n", "200", "--out", out],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("options compared"), "{stdout}");
    assert!(stdout.contains("do nothing 0.0%"), "{stdout}");
    let folder = dir.path().join("agma-keep-1pct-out-of-care");
    assert!(folder.join("chart-options.png").is_file());
    assert!(folder.join("chart-options.svg").is_file());
    let text = std::fs::read_to_string(folder.join("summary.json")).unwrap();
    assert!(text.contains("\"prob_best\""));
    // One intervention: no comparison, no chart.
    let one = common::test_file("programme.toml");
    let o = common::prevsim(
        &["run", one.to_str().unwrap(), "-n", "20", "--out", out],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.path().join("programme");
    let text = std::fs::read_to_string(folder.join("summary.json")).unwrap();
    assert!(!text.contains("prob_best") && !text.contains("comparisons"));
    assert!(!folder.join("chart-options.png").exists());
}
