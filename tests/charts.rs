//! Charts: every file is written and valid, the pictures' numbers agree with the data files,
//! `prevsim plot` re-draws identical bytes, and no system-font library is linked.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use prevsim::charts::compute::{
    Histogram, bin_count, fan, probability_curve, value_range, with_zero,
};
use prevsim::charts::{ChartData, ChartKind};

/// Runs prevsim and insists it succeeds.
fn prevsim(args: &[&str], threads: Option<&str>) -> Output {
    let out = common::prevsim(args, threads);
    assert!(
        out.status.success(),
        "prevsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The test scenarios charted: the last one names agencies.
const SCENARIOS: [&str; 3] = ["uncertain", "tiny", "programme"];

/// Runs the test scenarios into `out` with few iterations.
fn run_into(out: &Path, threads: Option<&str>) {
    let a = common::test_file("uncertain.toml");
    let b = common::test_file("tiny.toml");
    let c = common::test_file("programme.toml");
    prevsim(
        &[
            "run",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            c.to_str().unwrap(),
            "-n",
            "200",
            "--out",
            out.to_str().unwrap(),
        ],
        threads,
    );
}

/// The chart files of a scenario; the who-pays chart only where it names agencies, the options
/// chart only where it has two or more interventions.
fn chart_names(agencies: bool, options: bool) -> Vec<String> {
    ChartKind::ALL
        .iter()
        .filter(|k| agencies || **k != ChartKind::WhoPays)
        .filter(|k| options || **k != ChartKind::Options)
        .flat_map(|k| ["png", "svg"].map(|e| format!("{}.{e}", k.file_stem())))
        .collect()
}

fn names_for(scenario: &str) -> Vec<String> {
    chart_names(scenario == "programme", scenario == "uncertain")
}

fn read_all(dir: &Path, names: &[String]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|n| {
            let bytes = fs::read(dir.join(n)).unwrap_or_else(|e| panic!("{n}: {e}"));
            (n.clone(), bytes)
        })
        .collect()
}

/// Width and height from a PNG's signature and IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR first");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

fn check_png(name: &str, bytes: &[u8]) {
    let (w, h) = png_size(bytes);
    assert!(w >= 1600, "{name} is {w} px wide");
    assert!(h >= 600, "{name} is {h} px high");
    assert_eq!(
        &bytes[bytes.len() - 8..bytes.len() - 4],
        b"IEND",
        "{name} ends"
    );
}

fn check_svg(name: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap();
    assert!(text.starts_with("<svg"), "{name} starts with <svg");
    assert!(text.contains("width=\"1600\""), "{name} has a width");
    assert!(text.trim_end().ends_with("</svg>"), "{name} is complete");
    assert!(
        text.contains("<text") && text.contains("font-family=\"DejaVu Sans, sans-serif\""),
        "{name} has text in the shipped font"
    );
}

#[test]
fn every_chart_is_written_valid_identical_across_threads_and_redrawn_identically() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    run_into(one.path(), Some("1"));
    run_into(two.path(), Some("2"));
    assert!(!one.path().join("tiny").join("chart-who-pays.png").exists());
    for scenario in SCENARIOS {
        let names = names_for(scenario);
        let a = read_all(&one.path().join(scenario), &names);
        let b = read_all(&two.path().join(scenario), &names);
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "{scenario}/{name} differs between 1 and 2 threads");
            if name.ends_with(".png") {
                check_png(name, x);
            } else {
                check_svg(name, x);
            }
        }
    }
    let comparison = ["comparison.png".to_string(), "comparison.svg".to_string()];
    let run_comparison = read_all(one.path(), &comparison);
    check_png("comparison.png", &run_comparison[0].1);
    check_svg("comparison.svg", &run_comparison[1].1);
    assert_eq!(run_comparison, read_all(two.path(), &comparison));
    // Written through a temporary file and renamed: nothing else is left in OUT.
    let mut entries: Vec<String> = fs::read_dir(one.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            "comparison.png",
            "comparison.svg",
            "programme",
            "tiny",
            "uncertain"
        ]
    );

    // `prevsim plot` elsewhere, then in place: the same bytes as the run wrote.
    let again = tempfile::tempdir().unwrap();
    let folders: Vec<PathBuf> = SCENARIOS.iter().map(|s| one.path().join(s)).collect();
    let mut args = vec!["plot"];
    args.extend(folders.iter().map(|f| f.to_str().unwrap()));
    args.extend(["--out", again.path().to_str().unwrap()]);
    let out = prevsim(&args, None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("comparison"));
    for (scenario, folder) in SCENARIOS.iter().zip(&folders) {
        let names = names_for(scenario);
        let ran = read_all(folder, &names);
        assert!(
            ran == read_all(&again.path().join(scenario), &names),
            "{scenario}: plot --out differs from the run"
        );
    }
    assert!(run_comparison == read_all(again.path(), &comparison));
    for (scenario, folder) in SCENARIOS.iter().zip(&folders) {
        let names = names_for(scenario);
        let before = read_all(folder, &names);
        prevsim(&["plot", folder.to_str().unwrap()], None);
        assert!(
            before == read_all(folder, &names),
            "{scenario}: plot in place"
        );
    }
}

#[test]
fn restyled_charts_change_the_pictures_but_verify_still_passes() {
    let out = tempfile::tempdir().unwrap();
    let scenario = common::test_file("uncertain.toml");
    prevsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "-n",
            "100",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    let folder = out.path().join("uncertain");
    let stem = ChartKind::SavingsDistribution.file_stem();
    let svg = |f: &Path| fs::read_to_string(f.join(format!("{stem}.svg"))).unwrap();
    let plain = svg(&folder);
    prevsim(
        &[
            "plot",
            folder.to_str().unwrap(),
            "--title",
            "Early help: the business case",
            "--subtitle",
            "Draft for the Cabinet, March",
            "--unit",
            "k",
        ],
        None,
    );
    let restyled = svg(&folder);
    assert_ne!(plain, restyled);
    assert!(restyled.contains("Early help: the business case"));
    assert!(restyled.contains("Draft for the Cabinet, March"));
    assert!(restyled.contains("k\n</text>"), "amounts in thousands");
    let o = prevsim(&["verify", folder.to_str().unwrap()], None);
    assert!(String::from_utf8_lossy(&o.stdout).contains("verified"));
    // Charts are drawings of the data, not listed in the manifest.
    let manifest = fs::read_to_string(folder.join("manifest.json")).unwrap();
    assert!(!manifest.contains("chart-"), "{manifest}");

    let bad = Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .args(["plot", folder.to_str().unwrap(), "--unit", "furlongs"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("auto, bn, m, k or £"));
    let missing = Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .args(["plot", out.path().join("nope").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("summary.json"));
}

#[test]
fn the_fixed_base_case_gets_charts_too() {
    let out = tempfile::tempdir().unwrap();
    let scenario = common::shipped("agma-keep-1pct-out-of-care.toml");
    prevsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--fixed",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    let folder = out.path().join("agma-keep-1pct-out-of-care");
    // A one-year scenario has no time to show: no over-time, care population or ladder chart.
    // A fixed base case has one value: no probability curve (a step from 100% to 0%) and no
    // options chart (chances of 0% or 100%); the savings chart shows the values as bars.
    let over_time = [
        ChartKind::SavingsOverTime,
        ChartKind::CarePopulation,
        ChartKind::FamilyLadder,
        ChartKind::ProbabilityCurve,
        ChartKind::Options,
    ];
    for kind in over_time {
        assert!(!folder.join(format!("{}.png", kind.file_stem())).exists());
    }
    let names: Vec<String> = chart_names(false, true)
        .into_iter()
        .filter(|n| !over_time.iter().any(|k| n.starts_with(k.file_stem())))
        .collect();
    assert_eq!(names.len(), 2);
    // The savings chart draws each option's one value as a bar labelled with it.
    let savings = fs::read_to_string(folder.join("chart-savings-distribution.svg")).unwrap();
    let net = |k: &str| {
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(folder.join("summary.json")).unwrap()).unwrap();
        json["interventions"][k]["metrics"]["net_saving_pv"]["mean"]
            .as_f64()
            .unwrap()
    };
    for k in [
        "keep 1% out of care",
        "keep 1% out, chaotic-family cost at home",
    ] {
        let label = prevsim::money::gbp(net(k));
        assert!(
            savings.contains(&label),
            "no label {label} in the fixed chart"
        );
    }
    // summary.md: one value per figure, not four equal columns, and no chances.
    let md = fs::read_to_string(folder.join("summary.md")).unwrap();
    assert!(md.contains("| Figure | Base case |"), "{md}");
    assert!(!md.contains("| Mean |") && !md.contains("P5"), "{md}");
    for line in md.lines().filter(|l| l.starts_with("| Net saving")) {
        assert_eq!(line.matches('|').count(), 3, "{line}");
    }
    assert!(!md.contains("Chance of saving the most"), "{md}");
    for (name, bytes) in read_all(&folder, &names) {
        if name.ends_with(".png") {
            check_png(&name, &bytes);
        } else {
            check_svg(&name, &bytes);
            assert!(
                String::from_utf8(bytes)
                    .unwrap()
                    .contains("fixed base case")
            );
        }
    }
}

/// Runs tests/scenarios/<name>.toml with `n` iterations into a temporary folder; returns it (keep
/// it alive) and the scenario's result folder.
fn run_test_scenario(name: &str, n: u32) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let scenario = common::test_file(&format!("{name}.toml"));
    let n = n.to_string();
    prevsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "-n",
            &n,
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    let folder = out.path().join(name);
    (out, folder)
}

/// Reads `summary.json` and `yearly.csv` independently of the chart loader.
fn summary(folder: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(folder.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn the_pictures_numbers_agree_with_the_data_files() {
    let (_out, folder) = run_test_scenario("uncertain", 250);
    let data = ChartData::load(&folder).unwrap();
    let json = summary(&folder);
    assert_eq!(data.iterations, 250);
    assert_eq!(data.interventions.len(), 2);
    let (lo, hi) = value_range(
        data.interventions
            .iter()
            .map(|i| i.net_saving_pv.as_slice()),
    );
    let (lo, hi, _) = with_zero(lo, hi);
    for iv in &data.interventions {
        let s = &json["interventions"][&iv.name];
        // Histogram: every iteration in exactly one bin.
        assert_eq!(iv.net_saving_pv.len(), 250);
        let h = Histogram::of(&iv.net_saving_pv, lo, hi, bin_count(250));
        assert_eq!(h.counts.iter().sum::<u64>(), 250);
        // Marked figures are summary.json's.
        let net = &s["metrics"]["net_saving_pv"];
        assert_eq!(iv.net_summary.mean, net["mean"].as_f64().unwrap());
        assert_eq!(iv.net_summary.p5, net["p5"].as_f64().unwrap());
        assert_eq!(iv.net_summary.p95, net["p95"].as_f64().unwrap());
        // The probability curve passes through P(net saving > 0) at zero.
        let p = s["prob_net_saving_positive"].as_f64().unwrap();
        assert_eq!(iv.prob_net_saving_positive, p);
        let curve = probability_curve(&iv.net_saving_pv, lo.min(-1.0), hi.max(1.0), 50);
        let at_zero = curve.iter().find(|(x, _)| *x == 0.0).unwrap().1;
        assert!((at_zero - p).abs() < 1e-12, "{}: {at_zero} vs {p}", iv.name);
    }
    // The "nothing" intervention saves exactly zero: the curve is 0 at zero, like summary.json.
    assert_eq!(data.interventions[1].prob_net_saving_positive, 0.0);

    // Fan bands are yearly.csv's rows, year by year.
    let mut rows = csv::Reader::from_path(folder.join("yearly.csv")).unwrap();
    let mut checked = 0;
    for record in rows.records() {
        let r = record.unwrap();
        if &r[1] != "programme" || !["net_saving", "cumulative_net_saving"].contains(&&r[2]) {
            continue;
        }
        let year: u32 = r[0].parse().unwrap();
        let measure = prevsim::vocab::Measure::from_name(&r[2]).unwrap();
        let points = fan(data.series("programme", measure));
        let p = points.iter().find(|p| p.year == year).unwrap().band;
        let field = |i: usize| r[i].parse::<f64>().unwrap();
        assert_eq!(
            [p.mean, p.p5, p.p25, p.p50, p.p75, p.p95],
            [field(3), field(5), field(6), field(7), field(8), field(9)]
        );
        checked += 1;
    }
    assert_eq!(checked, 2 * 6);
}

#[test]
fn payback_and_agency_figures_drawn_are_summary_json_s() {
    let (_out, folder) = run_test_scenario("programme", 300);
    let data = ChartData::load(&folder).unwrap();
    let json = summary(&folder);
    let iv = &data.interventions[0];
    let s = &json["interventions"]["programme"];
    let payback = iv.payback.expect("payback read");
    assert_eq!(payback.p50.map(u64::from), s["payback"]["p50"].as_u64());
    assert_eq!(payback.never, s["payback"]["never"].as_f64().unwrap());
    let names: Vec<&str> = iv.agencies.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["council", "health", "police"],
        "the scenario's order"
    );
    for a in &iv.agencies {
        let j = &s["agencies"][&a.name];
        let mean = |m: &str| j["metrics"][m]["mean"].as_f64().unwrap();
        assert_eq!(a.gross_saving.mean, mean("gross_saving_pv"));
        assert_eq!(a.programme_cost.mean, mean("programme_cost_pv"));
        assert_eq!(a.net_saving.mean, mean("net_saving_pv"));
        assert_eq!(
            a.net_saving.p5,
            j["metrics"]["net_saving_pv"]["p5"].as_f64().unwrap()
        );
        assert_eq!(a.prob_saves, j["prob_saves"].as_f64().unwrap());
    }
    // Only the council pays for the programme.
    assert!(iv.agencies[0].programme_cost.mean > 0.0);
    assert_eq!(iv.agencies[1].programme_cost.mean, 0.0);
    check_png(
        "chart-who-pays.png",
        &fs::read(folder.join("chart-who-pays.png")).unwrap(),
    );
}

/// Crates that would make charts depend on the system's fonts.
const SYSTEM_FONT_CRATES: [&str; 5] = [
    "font-kit",
    "freetype",
    "freetype-sys",
    "fontconfig",
    "yeslogic-fontconfig-sys",
];

#[test]
fn no_system_font_library_is_linked() {
    let lock =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap();
    for name in SYSTEM_FONT_CRATES {
        assert!(
            !lock.contains(&format!("name = \"{name}\"")),
            "Cargo.lock has {name}"
        );
    }
    let tree = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        tree.status.success(),
        "{}",
        String::from_utf8_lossy(&tree.stderr)
    );
    let tree = String::from_utf8(tree.stdout).unwrap();
    assert!(tree.contains("plotters v0.3") && tree.contains("ab_glyph"));
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(!SYSTEM_FONT_CRATES.contains(&name), "linked: {line}");
    }
}

/// Who pays: the number at the end of each bar is that bar's figure (the gross saving's at the
/// light bar, the programme cost's at the grey bar), and the net saving is labelled on its own.
#[test]
fn who_pays_labels_each_bar_with_its_own_figure() {
    let out = tempfile::tempdir().unwrap();
    let scenario = common::test_file("programme.toml");
    prevsim(
        &[
            "run",
            scenario.to_str().unwrap(),
            "-n",
            "60",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    let folder = out.path().join("programme");
    let svg = fs::read_to_string(folder.join("chart-who-pays.svg")).unwrap();
    let s = summary(&folder);
    let mut bars = 0;
    for iv in s["interventions"].as_object().unwrap().values() {
        for (agency, a) in iv["agencies"].as_object().unwrap() {
            let mean = |m: &str| a["metrics"][m]["mean"].as_f64().unwrap();
            let gbp = prevsim::money::gbp;
            let gross = mean("gross_saving_pv");
            if gross != 0.0 {
                let label = format!("gross saving {}", gbp(gross));
                assert!(svg.contains(&label), "{agency}: no \"{label}\"");
                bars += 1;
            }
            let cost = mean("programme_cost_pv");
            if cost != 0.0 {
                let label = format!("pays {} programme cost", gbp(cost));
                assert!(svg.contains(&label), "{agency}: no \"{label}\"");
                bars += 1;
            }
            let net = format!("net {} (mean)", gbp(mean("net_saving_pv")));
            assert!(svg.contains(&net), "{agency}: no \"{net}\"");
        }
    }
    assert!(bars >= 2, "only {bars} bars labelled");
}
