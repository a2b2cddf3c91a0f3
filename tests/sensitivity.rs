//! `prevsim sensitivity`: hand-worked swings and switching values, the AGMA claim's £80,000,
//! sweeps against `run --fixed` on edited scenarios, the probabilistic break-even against a
//! fresh Monte Carlo run, acceptability against direct runs, per agency, and byte-identical
//! files at 1 and 2 threads.

mod common;

use std::path::Path;

use prevsim::check;
use prevsim::engine::RunOptions;
use prevsim::scenario::Scenario;
use prevsim::sensitivity::{self, Request, inputs, solve::Method};

fn request() -> Request {
    Request {
        monte_carlo_outputs: false,
        ..Request::default()
    }
}

fn fixed_net(s: &Scenario, k: usize) -> f64 {
    common::run_fixed(s).iterations[0].interventions[k]
        .metrics
        .net_saving_pv
}

#[test]
fn a_linear_figure_has_the_hand_worked_swing_and_switching_values() {
    // Keeping 5% of 5,000 children out of care for one year saves 250 x the care cost, with no
    // programme cost: net saving = 250 c. The care cost is uniform from £70k to £100k, so its
    // P5 and P95 are £71,500 and £98,500 and the swing is 250 x £27,000 = £6.75m.
    let s = common::load(&common::shipped("agma-keep-5pct-out-of-care.toml"));
    let a = sensitivity::analyse(&s, &request()).unwrap();
    assert_eq!(a.subject.intervention, "keep 5% out of care");
    assert!((a.subject.base - 250.0 * 85_000.0).abs() <= 1e-9 * a.subject.base);
    let bar = &a.tornado[0];
    assert_eq!(bar.input, "care.cost");
    assert_eq!(a.tornado.len(), 1, "care.cost is the only uncertain input");
    assert!((bar.swing - 6.75e6).abs() <= 1e-9 * 6.75e6, "{}", bar.swing);
    assert!((bar.metric_low - 250.0 * 71_500.0).abs() <= 1e-9 * bar.metric_low);
    // Net saving 250 c crosses £0 at c = 0: outside £70k-£100k, so none within its range, and
    // the line says where.
    let sv = &a.switching_values[0];
    assert_eq!(sv.method, Method::Exact);
    assert_eq!(sv.value, None);
    assert!(sv.line_value.unwrap().abs() < 1.0);
    // The honest net view: the children cost a chaotic family's £7,000 at home, so the net
    // saving 250 (c - £7,000) crosses £18m at c = £79,000, inside the range.
    let net = sensitivity::analyse(
        &s,
        &Request {
            intervention: Some("keep 5% out, chaotic-family cost at home".into()),
            target: 18e6,
            ..request()
        },
    )
    .unwrap();
    let v = net.switching_values[0].value.unwrap();
    assert!((v - 79_000.0).abs() < 1.0, "{v}");
    assert_eq!(net.switching_values[0].above_target_above, Some(true));
}

#[test]
fn the_agma_5_percent_claim_switches_at_80000_as_check_says() {
    let s = common::load(&common::shipped("agma-keep-5pct-out-of-care.toml"));
    let a = sensitivity::analyse(
        &s,
        &Request {
            metric: "gross_saving_year0".into(),
            target: 20e6,
            ..request()
        },
    )
    .unwrap();
    let sv = a
        .switching_values
        .iter()
        .find(|v| v.input == "care.cost")
        .unwrap();
    assert_eq!(sv.method, Method::Exact);
    let v = sv.value.unwrap();
    assert!((v - 80_000.0).abs() < 1.0, "{v}");
    let checked = check::check_scenario(
        &s,
        RunOptions {
            iterations: 200,
            seed: 2010,
            fixed: false,
        },
    );
    let flip = checked.claims[0].why.thresholds[0].value;
    assert!((flip - v).abs() < 1.0, "check says {flip}, sensitivity {v}");
}

/// The GM scenario's text with `care.cost` and `unit_costs.coping` set to fixed values.
fn gm_edited(care: f64, coping: f64) -> Scenario {
    let path = common::shipped("gm-family-ladder.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let care_block = "[care.cost]\ndistribution = \"uniform\"\nmin = 70_000\nmax = 100_000\n";
    assert!(text.contains(care_block));
    let coping_line = "coping = { distribution = \"triangular\", min = 50, mode = 100, max = 200,";
    assert!(text.contains(coping_line));
    let text = text
        .replace(care_block, &format!("[care.cost]\nvalue = {care}\n"))
        .replace(coping_line, &format!("coping = {{ value = {coping},"));
    Scenario::parse(&text, &path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn sweep_points_equal_run_fixed_on_the_edited_scenario() {
    let s = common::load(&common::shipped("gm-family-ladder.toml"));
    let r = sensitivity::run_sweep(
        &s,
        &Request {
            sweeps: vec![
                "care.cost=60000..120000:3".parse().unwrap(),
                "unit_costs.coping=50..250:3".parse().unwrap(),
            ],
            ..request()
        },
    )
    .unwrap();
    assert_eq!(r.sweep.points.len(), 9);
    for p in &r.sweep.points {
        let edited = gm_edited(p.x, p.y.unwrap());
        let want = fixed_net(&edited, 0);
        let got = p.value.unwrap();
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "at {} / {:?}: sweep {got}, run --fixed {want}",
            p.x,
            p.y
        );
    }
    // A one-way sweep's points are the same figures.
    let one = sensitivity::run_sweep(
        &s,
        &Request {
            sweeps: vec!["care.cost=60000..120000:3".parse().unwrap()],
            ..request()
        },
    )
    .unwrap();
    let want = fixed_net(&gm_edited(120_000.0, s_mean_coping()), 0);
    let got = one.sweep.points[2].value.unwrap();
    assert!((got - want).abs() <= 1e-9 * want.abs());
}

/// The mean of GM's triangular(50, 100, 200) coping cost.
fn s_mean_coping() -> f64 {
    (50.0 + 100.0 + 200.0) / 3.0
}

#[test]
fn sweeps_refuse_bad_names_and_values_with_the_fix() {
    let s = common::load(&common::shipped("gm-family-ladder.toml"));
    let bad = |spec: &str| {
        sensitivity::run_sweep(
            &s,
            &Request {
                sweeps: vec![spec.parse().unwrap()],
                ..request()
            },
        )
        .unwrap_err()
    };
    let e = bad("care.costs=1..2:3");
    assert!(
        e.contains("no input named `care.costs`") && e.contains("`care.cost`"),
        "{e}"
    );
    assert!(bad("care.exit_rate=0..2:3").contains("within 0..1"));
    assert!(bad("transitions.chaotic=0..1:3").contains("to_coping"));
}

#[test]
fn probabilistic_break_even_holds_up_in_a_fresh_run() {
    let s = common::load(&common::test_file("uncertain.toml"));
    let input = "interventions[programme].care_entry_relative_risk";
    let n = 2_000;
    let req = Request {
        target: 9e6,
        inputs: vec![input.into()],
        iterations: Some(n),
        seed: Some(5),
        monte_carlo_outputs: true,
        ..Request::default()
    };
    let a = sensitivity::analyse(&s, &req).unwrap();
    let b = &a.probabilistic_break_even[0];
    assert_eq!(b.input, input);
    let (single, figure, _) = sensitivity::resolve(&s, &req).unwrap();
    let x = inputs::find_input(&single, input).unwrap();
    let fresh = inputs::draws(&single, 6, n);
    for level in &b.levels {
        let value = level
            .value
            .expect("the chance crosses 50% and 80% within the range");
        let figures = inputs::mc_figures(&single, &figure, 6, &fresh, &|v| x.set(v, value));
        let p = inputs::share_above(&figures, req.target);
        let mcse = (level.probability * (1.0 - level.probability) / n as f64).sqrt();
        assert!(
            (p - level.probability).abs() <= 4.0 * mcse,
            "at {value}: fresh P = {p}, wanted {} (4 MCSE = {})",
            level.probability,
            4.0 * mcse
        );
    }
}

#[test]
fn acceptability_curve_equals_direct_runs_at_a_fixed_price() {
    let s = common::load(&common::test_file("uncertain.toml"));
    let req = Request {
        target: 7e6,
        inputs: vec!["care.cost".into()],
        iterations: Some(300),
        seed: Some(3),
        monte_carlo_outputs: true,
        ..Request::default()
    };
    let a = sensitivity::analyse(&s, &req).unwrap();
    let acc = a.acceptability.as_ref().unwrap();
    assert_eq!(
        acc.input,
        "interventions[programme].programme_cost.per_family"
    );
    let (single, figure, _) = sensitivity::resolve(&s, &req).unwrap();
    let price = inputs::find_input(&single, &acc.input).unwrap();
    let draws = inputs::draws(&single, 3, 300);
    for point in [&acc.curve[37], &acc.curve[120]] {
        let direct =
            inputs::mc_figures(&single, &figure, 3, &draws, &|v| price.set(v, point.price));
        let mean = direct.iter().flatten().sum::<f64>() / direct.len() as f64;
        assert!(
            (point.mean - mean).abs() <= 1e-9 * mean.abs(),
            "{} vs {mean}",
            point.mean
        );
        assert_eq!(point.probability, inputs::share_above(&direct, req.target));
    }
    // At the highest price for 80%, at least 80% of iterations are above the target.
    let p80 = acc.levels.iter().find(|l| l.probability == 0.8).unwrap();
    let x = p80.max_price.unwrap();
    let at = inputs::mc_figures(&single, &figure, 3, &draws, &|v| {
        price.set(v, x * (1.0 - 1e-9))
    });
    assert!(inputs::share_above(&at, req.target) >= 0.8);
    let above = inputs::mc_figures(&single, &figure, 3, &draws, &|v| price.set(v, x * 1.001));
    assert!(inputs::share_above(&above, req.target) < 0.8);
    // On the mean: the mean figure at that price is the target.
    let m = acc.mean_max_price.unwrap();
    let at = inputs::mc_figures(&single, &figure, 3, &draws, &|v| price.set(v, m));
    let mean = at.iter().flatten().sum::<f64>() / at.len() as f64;
    assert!((mean - req.target).abs() <= 1e-6 * req.target);
}

#[test]
fn one_agency_figure_is_that_agency_s_net_saving() {
    let s = common::load(&common::shipped("gm-family-ladder.toml"));
    let a = sensitivity::analyse(
        &s,
        &Request {
            agency: Some("health".into()),
            ..request()
        },
    )
    .unwrap();
    let run = common::run_fixed(&s);
    let health = run.iterations[0].interventions[0].metrics.agencies[1].net_saving_pv;
    assert!((a.subject.base - health).abs() <= 1e-9 * health.abs());
    assert_eq!(a.subject.agency.as_deref(), Some("health"));
    // Health pays nothing for the programme: its price does not move health's figure.
    let price = a
        .tornado
        .iter()
        .find(|b| b.input.ends_with("programme_cost.per_family"))
        .unwrap();
    assert!(price.swing <= 1e-9 * health.abs());
    let e = sensitivity::analyse(
        &s,
        &Request {
            agency: Some("NHS".into()),
            ..request()
        },
    )
    .unwrap_err();
    assert!(
        e.contains("no agency \"NHS\"") && e.contains("\"health\""),
        "{e}"
    );
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn files_are_byte_identical_at_1_and_2_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::test_file("uncertain.toml");
    let file = file.to_str().unwrap();
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        let out = out.to_str().unwrap();
        let args = [
            "sensitivity",
            file,
            "-n",
            "150",
            "--target",
            "9000000",
            "--out",
            out,
        ];
        let o = common::prevsim(&args, Some(threads));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let sweep = [
            "sensitivity",
            file,
            "--sweep",
            "care.cost=60000..120000:4",
            "--sweep",
            "unit_costs.coping=50..150:3",
            "--monte-carlo",
            "-n",
            "60",
            "--out",
            out,
        ];
        let o = common::prevsim(&sweep, Some(threads));
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let one = files_of(&dir.path().join("1/uncertain/sensitivity"));
    let two = files_of(&dir.path().join("2/uncertain/sensitivity"));
    let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "sensitivity.json",
        "sensitivity.csv",
        "switching-values.csv",
        "break-even.csv",
        "acceptability.csv",
        "tornado.png",
        "spider.svg",
        "sweep.csv",
        "sweep.png",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(one.len(), two.len());
    for ((n1, b1), (n2, b2)) in one.iter().zip(&two) {
        assert_eq!(n1, n2);
        assert!(b1 == b2, "{n1} differs between 1 and 2 threads");
    }
}

#[test]
fn sensitivity_json_keeps_its_contract() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let file = common::shipped("agma-keep-5pct-out-of-care.toml");
    let o = common::prevsim(
        &[
            "sensitivity",
            file.to_str().unwrap(),
            "--metric",
            "gross_saving_year0",
            "--target",
            "20000000",
            "-n",
            "100",
            "--out",
            out,
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let folder = dir.path().join("agma-keep-5pct-out-of-care/sensitivity");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("sensitivity.json")).unwrap()).unwrap();
    assert_eq!(json["intervention"], "keep 5% out of care");
    assert_eq!(json["metric"], "gross_saving_year0");
    assert_eq!(json["target"], 20e6);
    assert!(json["base"].is_number());
    let bar = &json["tornado"][0];
    for field in [
        "input",
        "low_value",
        "high_value",
        "metric_low",
        "metric_high",
        "swing",
    ] {
        assert!(!bar[field].is_null(), "tornado lacks {field}");
    }
    assert_eq!(bar["input"], "care.cost");
    let sv = &json["switching_values"][0];
    assert_eq!(sv["input"], "care.cost");
    assert_eq!(sv["method"], "exact");
    assert!((sv["value"].as_f64().unwrap() - 80_000.0).abs() < 1.0);
    for chart in ["tornado.png", "tornado.svg", "spider.png", "spider.svg"] {
        assert!(folder.join(chart).is_file(), "{chart}");
    }
    let png = std::fs::read(folder.join("tornado.png")).unwrap();
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert!(width >= 1600);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("crosses £20m at £80k"), "{stdout}");
}

#[test]
fn a_run_keeps_the_sensitivity_folder_and_verify_still_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let file = common::shipped("agma-keep-5pct-out-of-care.toml");
    let file = file.to_str().unwrap();
    let sens = common::prevsim(
        &["sensitivity", file, "--no-monte-carlo", "--out", out],
        None,
    );
    assert!(
        sens.status.success(),
        "{}",
        String::from_utf8_lossy(&sens.stderr)
    );
    let run = common::prevsim(&["run", file, "-n", "50", "--out", out], None);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let folder = dir.path().join("agma-keep-5pct-out-of-care");
    assert!(folder.join("sensitivity/sensitivity.json").is_file());
    let verify = common::prevsim(&["verify", folder.to_str().unwrap()], None);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
