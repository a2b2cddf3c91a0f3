//! Slips caught before they reach a business case: plausibility warnings with their exact
//! wording, one error per cause, hints for TOML slips, cost units, `validate --explain`,
//! `prevsim new`, and the copy-and-edit traps.

mod common;

use std::path::Path;
use std::process::Command;

use prevsim::engine::{self, RunOptions};
use prevsim::scenario::{Problem, Scenario};

fn text_of(file: &str) -> String {
    let path = if file.starts_with("scenarios/") {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(file)
    } else {
        common::test_file(file)
    };
    std::fs::read_to_string(path).unwrap()
}

/// `file`'s text with `from` (which must occur once) replaced by `to`.
fn edited(file: &str, from: &str, to: &str) -> String {
    let text = text_of(file);
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in {file}"
    );
    text.replacen(from, to, 1)
}

/// (what, file, from, to, line, field, the warning's exact message)
const WARNINGS: &[(&str, &str, &str, &str, usize, &str, &str)] = &[
    (
        "optimism bias written as a percentage",
        "tiny.toml",
        "optimism_bias = 0.5",
        "optimism_bias = 5",
        34,
        "interventions[shift, divert and pay].programme_cost.optimism_bias",
        "an optimism bias of 5 adds 500% to the programme's costs; if you meant 5%, write 0.05",
    ),
    (
        "relative risk written as a percentage (a distribution of 80 to 100)",
        "tiny.toml",
        "shift_up = { chaotic = 0.2 }",
        "shift_up = { chaotic = 0.2 }\ncare_entry_relative_risk = { distribution = \"pert\", min = 80, mode = 90, max = 100 }",
        34,
        "interventions[shift, divert and pay].care_entry_relative_risk",
        "a relative risk of 90 makes entries into care 90 times as likely; if you meant 90% of the usual rate, write 0.9",
    ),
    (
        "relative risk below 0.05",
        "tiny.toml",
        "shift_up = { chaotic = 0.2 }",
        "shift_up = { chaotic = 0.2 }\ncare_entry_relative_risk = 0.01",
        34,
        "interventions[shift, divert and pay].care_entry_relative_risk",
        "a relative risk of 0.01 leaves 1% of entries into care (99% fewer); if you meant 1% fewer, write 0.99",
    ),
    (
        "programme relative risk below 0.05",
        "programme.toml",
        "down_relative_risk = 0.5",
        "down_relative_risk = 0.02",
        47,
        "interventions[programme].programme.down_relative_risk",
        "a relative risk of 0.02 leaves 2% of moves down the ladder (98% fewer); if you meant 2% fewer, write 0.98",
    ),
    (
        "a weekly care cost given as yearly",
        "tiny.toml",
        "cost = 50_000",
        "cost = 4_500",
        24,
        "care.cost",
        "a looked-after child costs £4,500 a year here, less than £10,000 (the AGMA report gives £70,000 to £100,000 a year): a weekly figure? write `per = \"week\"` in its table, as in cost = { value = 4_500, per = \"week\" }",
    ),
    (
        "care cheaper than a chaotic-family child at home",
        "tiny.toml",
        "coping = 100",
        "coping = 1_000",
        24,
        "care.cost",
        "a looked-after child costs £50,000 a year, less than a child at home in a chaotic family (£70,000 = unit_costs.coping £1,000 x 10 x 7), so keeping children out of care would cost money: check both figures and their units (a weekly figure? write `per = \"week\"` in its table, as in cost = { value = 50_000, per = \"week\" })",
    ),
    (
        "a child at home costing more than care",
        "tiny.toml",
        "home_cost = \"barely_coping\"",
        "home_cost = 60_000",
        32,
        "interventions[shift, divert and pay].keep_out_of_care.home_cost",
        "a child kept out of care costs £60,000 a year at home here, more than the £50,000 a year of care, so keeping children out of care would cost money: check the figure and its units (per child per year)",
    ),
    (
        "more children in care than children",
        "tiny.toml",
        "children_in_care = 10",
        "children_in_care = 1_000",
        13,
        "population.children_in_care",
        "1,000 children in care, but the families hold only 200 children (families x children_per_family): check that both figures cover the same area, and that `families` counts families",
    ),
    (
        "a programme reaching more families than its target states hold",
        "programme.toml",
        "families_per_year = 40\nyears = 1",
        "families_per_year = 60\nyears = 2",
        44,
        "interventions[programme].programme.families_per_year",
        "takes on 60 families a year for 2 years (120 in all), but the target states (chaotic) hold 100 families: it runs out of families to reach in year 2; if that is not meant, lower families_per_year or the programme's years",
    ),
];

#[test]
fn each_warning_has_its_exact_wording_and_the_scenario_still_loads() {
    let mut failures = Vec::new();
    for &(what, file, from, to, line, field, message) in WARNINGS {
        let text = edited(file, from, to);
        let s = match Scenario::parse(&text, Path::new(file)) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{what}: refused instead of warned: {e}"));
                continue;
            }
        };
        let want = Problem {
            line,
            column: s.warnings.first().map_or(0, |w| w.column),
            field: field.to_string(),
            message: message.to_string(),
        };
        if s.warnings != vec![want] {
            failures.push(format!("{what}: got {:#?}", s.warnings));
        }
        let lines = s.warning_lines();
        if !lines[0].starts_with(&format!("warning: {file}:{line}:")) {
            failures.push(format!("{what}: line {}", lines[0]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_shipped_and_test_scenarios_have_no_warnings() {
    for file in [
        "scenarios/agma-keep-1pct-out-of-care.toml",
        "scenarios/agma-keep-5pct-out-of-care.toml",
        "scenarios/gm-family-ladder.toml",
        "tiny.toml",
        "programme.toml",
    ] {
        let s = Scenario::parse(&text_of(file), Path::new(file)).unwrap();
        assert!(s.warnings.is_empty(), "{file}: {:?}", s.warnings);
    }
}

#[test]
fn deny_warnings_refuses_a_scenario_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bias.toml");
    std::fs::write(
        &path,
        edited("tiny.toml", "optimism_bias = 0.5", "optimism_bias = 5"),
    )
    .unwrap();
    assert!(Scenario::load_checked(&path, false).is_ok());
    let err = Scenario::load_checked(&path, true).unwrap_err();
    assert!(
        err.to_string()
            .contains("refused because of --deny-warnings"),
        "{err}"
    );
    assert_eq!(err.problems().len(), 1);

    let p = path.to_str().unwrap();
    let ok = common::prevsim(&["validate", p], None);
    assert!(ok.status.success());
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(
        stderr.contains("warning: ") && stderr.contains("500%"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1 warning"));
    let denied = common::prevsim(&["validate", "--deny-warnings", p], None);
    assert!(!denied.status.success());
    let out = dir.path().join("out");
    let run = common::prevsim(
        &[
            "run",
            p,
            "-n",
            "20",
            "--deny-warnings",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(!run.status.success());
    assert!(
        !out.join("tiny").exists(),
        "nothing is written when warnings are denied"
    );
}

/// (what, file, from, to, field, words the only problem's message must contain)
const ONE_CAUSE: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "a row summing to 0.99",
        "scenarios/gm-family-ladder.toml",
        "mean = [0.70, 0.22, 0.07, 0.01]",
        "mean = [0.70, 0.22, 0.07, 0.00]",
        "transitions.chaotic",
        "sums to 0.99",
    ),
    (
        "a row in percentages",
        "scenarios/gm-family-ladder.toml",
        "mean = [0.70, 0.22, 0.07, 0.01]",
        "mean = [70, 22, 7, 1]",
        "transitions.chaotic",
        "they look like percentages; write probabilities as decimals: [0.7, 0.22, 0.07, 0.01]",
    ),
    (
        "a row with 3 entries",
        "scenarios/gm-family-ladder.toml",
        "mean = [0.70, 0.22, 0.07, 0.01]",
        "mean = [0.70, 0.22, 0.08]",
        "transitions.chaotic",
        "4",
    ),
    (
        "a row with both counts and concentration",
        "scenarios/gm-family-ladder.toml",
        "mean = [0.70, 0.22, 0.07, 0.01], concentration = 400",
        "counts = [280, 88, 28, 4], concentration = 400",
        "transitions.chaotic",
        "give exactly one of",
    ),
    (
        "an impossible relative risk",
        "scenarios/gm-family-ladder.toml",
        "min = 1.1, mode = 1.5, max = 2.0",
        "min = 2.1, mode = 1.5, max = 2.0",
        "interventions[family intervention programme].programme.up_relative_risk",
        "min (2.1) must be less than max (2)",
    ),
    (
        "a care entry rate as a percentage",
        "scenarios/gm-family-ladder.toml",
        "coping        = 0.0005",
        "coping        = 5",
        "care.entry_rate.coping",
        "between 0 and 1; shares and probabilities are written as decimals: if 5 is a percentage, write 0.05",
    ),
    (
        "agency shares as percentages",
        "programme.toml",
        "chaotic       = [0.5, 0.2, 0.3]",
        "chaotic       = [50, 20, 30]",
        "agencies.chaotic",
        "if 50 is a percentage, write 0.5",
    ),
    (
        "arithmetic in a value",
        "scenarios/gm-family-ladder.toml",
        "{ value = 5_000, source",
        "{ value = 5_000 * 52, source",
        "population.children_in_care",
        "TOML cannot do arithmetic: write the result, 260_000 (= 5_000 * 52)",
    ),
    (
        "arithmetic in quotes",
        "scenarios/gm-family-ladder.toml",
        "{ value = 5_000, source",
        "{ value = \"5_000 * 52\", source",
        "population.children_in_care",
        "TOML cannot do arithmetic: write the result, 260_000 (= 5_000 * 52), without quotes",
    ),
    (
        "a number in quotes",
        "scenarios/gm-family-ladder.toml",
        "{ value = 5_000, source",
        "{ value = \"5000\", source",
        "population.children_in_care",
        "write the number without quotes: 5_000",
    ),
    (
        "thousands separated by commas",
        "scenarios/gm-family-ladder.toml",
        "setup = { value = 500_000, source = \"assumption: recruitment and training\" }",
        "setup = 200,000",
        "interventions.programme_cost.setup",
        "write 200_000 or 200000, not 200,000",
    ),
    (
        "a percentage sign",
        "scenarios/gm-family-ladder.toml",
        "optimism_bias = { value = 0.2, source = \"assumption: Green Book optimism bias uplift for a new service\" }",
        "optimism_bias = 20%",
        "interventions.programme_cost.optimism_bias",
        "write a share as a decimal: 20% is 0.2",
    ),
    (
        "a field in the wrong table",
        "scenarios/gm-family-ladder.toml",
        "years = 3\n",
        "years = 3\nper_family = 8_000\n",
        "interventions.programme.per_family",
        "`per_family` belongs in `[interventions.programme_cost]`, not here: move it there",
    ),
    (
        "`per` on a probability",
        "tiny.toml",
        "exit_rate = 0.5",
        "exit_rate = { value = 0.5, per = \"week\" }",
        "care.exit_rate",
        "`per` is only for amounts of money (costs); remove it here",
    ),
    (
        "`per` on a one-off amount",
        "tiny.toml",
        "setup = 100_000",
        "setup = { value = 100_000, per = \"week\" }",
        "interventions[shift, divert and pay].programme_cost.setup",
        "`per` does not apply to a one-off amount",
    ),
    (
        "an unknown period",
        "tiny.toml",
        "cost = 50_000",
        "cost = { value = 50_000, per = \"weak\" }",
        "care.cost",
        "per = \"weak\" is not a period (did you mean `week`?)",
    ),
    (
        "a price year that is not a year",
        "tiny.toml",
        "cost = 50_000",
        "cost = { value = 50_000, price_year = 24 }",
        "care.cost",
        "price_year = 24 is not a year",
    ),
    (
        "more than 10^9 families in all",
        "tiny.toml",
        "families = { chaotic = 100, barely_coping = 0, coping = 0, thriving = 0 }",
        "families = { chaotic = 600_000_000, barely_coping = 600_000_000, coping = 0, thriving = 0 }",
        "population.families",
        "add up to 1,200,000,000 (at their largest), more than the limit of 1,000,000,000 in all",
    ),
];

#[test]
fn each_cause_gives_one_error_with_its_fix() {
    let mut failures = Vec::new();
    for &(what, file, from, to, field, words) in ONE_CAUSE {
        let text = edited(file, from, to);
        match Scenario::parse(&text, Path::new(file)) {
            Ok(_) => failures.push(format!("{what}: accepted")),
            Err(e) => {
                let p = e.problems();
                let ok = p.len() == 1 && p[0].field == field && p[0].message.contains(words);
                if !ok {
                    failures.push(format!(
                        "{what}: want one problem at `{field}` with `{words}`, got {p:#?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_weekly_cost_is_the_same_as_its_yearly_equivalent() {
    let weekly = edited(
        "tiny.toml",
        "cost = 50_000",
        "cost = { value = 1_000, per = \"week\", price_year = 2024 }",
    );
    let yearly = edited(
        "tiny.toml",
        "cost = 50_000",
        &format!("cost = {}", 1_000.0 * (365.25 / 7.0)),
    );
    let monthly = edited(
        "tiny.toml",
        "cost = 50_000",
        "cost = { distribution = \"uniform\", min = 4_000, max = 5_000, per = \"month\" }",
    );
    let fixed = RunOptions {
        iterations: 1,
        seed: 0,
        fixed: true,
    };
    let result = |text: &str| {
        let s = Scenario::parse(text, Path::new("tiny.toml")).unwrap_or_else(|e| panic!("{e}"));
        let r = engine::run(&s, fixed, &|| {});
        (s, r)
    };
    let (w, rw) = result(&weekly);
    let (_, ry) = result(&yearly);
    assert_eq!(
        rw.iterations, ry.iterations,
        "a week is 365.25 / 7 of a year, exactly"
    );
    let p = w
        .params
        .parameters()
        .iter()
        .find(|p| p.name == "care.cost")
        .unwrap();
    assert_eq!(p.written.per, prevsim::params::Per::Week);
    assert_eq!(p.written.price_year, Some(2024));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("weekly.toml");
    std::fs::write(&file, &weekly).unwrap();
    let out = dir.path().join("out");
    let run = common::prevsim(
        &[
            "run",
            file.to_str().unwrap(),
            "--fixed",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let md = std::fs::read_to_string(out.join("tiny/summary.md")).unwrap();
    assert!(
        md.contains("## Money figures as written\n\n- `care.cost`: £1,000 a week on average, x 52.178571 = £52,179 a year, in 2024 prices\n"),
        "{md}"
    );
    let (m, _) = result(&monthly);
    let (_, d) = m.params.scalar_by_name("care.cost").unwrap();
    assert_eq!(d.mean(), 4_500.0 * 12.0);
    assert_eq!(d.support(), (48_000.0, 60_000.0));
}

#[test]
fn rows_a_reached_family_can_move_to_are_checked() {
    // Reached chaotic families move to barely coping, whose moves up x 2 would exceed 1.
    let text = edited(
        "programme.toml",
        "barely_coping = [0.1, 0.7, 0.2, 0.0]",
        "barely_coping = [0.1, 0.2, 0.7, 0.0]",
    );
    let err = Scenario::parse(&text, Path::new("programme.toml")).unwrap_err();
    let p = &err.problems()[0];
    assert_eq!(err.problems().len(), 1, "{err}");
    assert!(
        p.message.contains("pushes the barely_coping row out of [0, 1] (reached families can move to barely_coping and keep the programme's relative risks there)"),
        "{}",
        p.message
    );
    // A row no reached family can come to is not checked: families reached in thriving stay.
    let text = text_of("programme.toml")
        .replacen(
            "thriving      = [0.0, 0.0, 0.1, 0.9]",
            "thriving      = [0.0, 0.0, 0.0, 1.0]",
            1,
        )
        .replacen(
            "barely_coping = [0.1, 0.7, 0.2, 0.0]",
            "barely_coping = [0.1, 0.2, 0.7, 0.0]",
            1,
        )
        .replacen(
            "target_states = [\"chaotic\"]",
            "target_states = [\"thriving\"]",
            1,
        );
    Scenario::parse(&text, Path::new("programme.toml")).unwrap_or_else(|e| panic!("{e}"));
    // Care entry is checked in the states reached families can move to as well.
    let text = text_of("programme.toml")
        .replacen(
            "entry_rate = { chaotic = 0.1, barely_coping = 0.02,",
            "entry_rate = { chaotic = 0.1, barely_coping = 0.6,",
            1,
        )
        .replacen(
            "care_entry_relative_risk = 0.5",
            "care_entry_relative_risk = 2.0",
            1,
        );
    let err = Scenario::parse(&text, Path::new("programme.toml")).unwrap_err();
    assert!(
        err.to_string().contains("makes the care entry rate of barely_coping families 0.6 x 2 = 1.2, above 1 (reached families can move to barely_coping"),
        "{err}"
    );
}

#[test]
fn explain_reads_back_every_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weekly.toml");
    std::fs::write(
        &path,
        edited("tiny.toml", "cost = 50_000", "cost = { value = 1_000, per = \"week\", price_year = 2024, source = \"local finance\" }"),
    )
    .unwrap();
    let out = common::prevsim(&["validate", "--explain", path.to_str().unwrap()], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for words in [
        "care.cost  [£ per child a year]\n  fixed at £52,179\n  written per week: £1,000 a week on average, x 52.178571 = £52,179 a year (365.25 / 7 weeks a year)\n  in 2024 prices\n  source: local finance\n",
        "care.exit_rate  [chance a year]\n  fixed at 0.5 (50%)\n  source: assumption (none given",
        "unit_costs.barely_coping_multiplier",
        "source: the default (not in the file)",
        "transitions.chaotic  [chance of being in each state a year later]\n  to chaotic: 0.5\n",
    ] {
        assert!(text.contains(words), "lacks {words:?} in\n{text}");
    }
    let gm = common::shipped("gm-family-ladder.toml");
    let out = common::prevsim(&["validate", "--explain", gm.to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("care.cost  [£ per child a year]\n  uniform from £70,000 to £100,000\n  mean £85,000; P5-P95 £71,"),
        "{text}"
    );
}

#[test]
fn new_writes_a_valid_starter_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let new = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_prevsim"))
            .args(["new", name])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = new("my-area");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("my-area.toml");
    let s = Scenario::load_checked(&path, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "my-area");
    let text = std::fs::read_to_string(&path).unwrap();
    for section in [
        "[run]",
        "[population]",
        "[transitions]",
        "[care]",
        "[unit_costs]",
        "[agencies]",
        "keep_out_of_care",
        "care_entry_relative_risk",
        "shift_up",
        "[interventions.programme]",
        "[interventions.programme_cost]",
    ] {
        assert!(text.contains(section), "starter lacks {section}");
    }
    assert!(text.matches("assumption: replace").count() >= 10);

    std::fs::write(&path, "my own edits").unwrap();
    let again = new("my-area");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own edits");

    std::fs::create_dir(dir.path().join("sub")).unwrap();
    assert!(new("sub/other.toml").status.success());
    let other = Scenario::load(&dir.path().join("sub/other.toml")).unwrap();
    assert_eq!(other.name, "other");
    let bad = new("my area");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot be a scenario name"));
}

#[test]
fn a_folder_holding_another_files_results_is_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, text_of("tiny.toml")).unwrap();
    std::fs::write(
        &b,
        edited("tiny.toml", "exit_rate = 0.5", "exit_rate = 0.4"),
    )
    .unwrap();
    let (a_s, b_s) = (a.to_str().unwrap(), b.to_str().unwrap());
    let first = common::prevsim(&["run", a_s, "-n", "20", "--out", out_s], None);
    assert!(first.status.success());
    let again = common::prevsim(&["run", a_s, "-n", "20", "--out", out_s], None);
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("warning"),
        "the same file again: no warning"
    );
    let summary = std::fs::read(out.join("tiny/summary.json")).unwrap();
    let denied = common::prevsim(
        &["run", b_s, "-n", "20", "--out", out_s, "--deny-warnings"],
        None,
    );
    assert!(!denied.status.success());
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(
        stderr.contains(&format!(
            "holds the results of {a_s} (by its manifest.json), not of {b_s}"
        )),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("tiny/summary.json")).unwrap(),
        summary,
        "refused: untouched"
    );
    let warned = common::prevsim(&["run", b_s, "-n", "20", "--out", out_s], None);
    assert!(warned.status.success());
    assert!(String::from_utf8_lossy(&warned.stderr).contains("warning: "));
    // Two files with the same `name` in one run are refused.
    let both = common::prevsim(&["run", a_s, b_s, "-n", "20", "--out", out_s], None);
    assert!(!both.status.success());
    assert!(String::from_utf8_lossy(&both.stderr).contains("are both named \"tiny\""));
}
