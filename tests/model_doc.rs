//! docs/model.md, checked: one test per section of the model reference, named after it, running
//! the section's worked example or asserting its statements. Fixed-mode figures are exact (to
//! 1e-9 relative, floating-point summation); Monte Carlo ones state their tolerance.

mod common;

use std::path::Path;

use common::*;
use prevsim::engine::{Programme, cost_split, treated_row};
use prevsim::scenario::{Discount, Scenario};

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, Path::new("model_doc.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// `tests/scenarios/programme.toml` with each `from` replaced by its `to` (each must occur).
fn programme_variant(edits: &[(&str, &str)]) -> Scenario {
    let mut t = std::fs::read_to_string(test_file("programme.toml")).unwrap();
    for (from, to) in edits {
        assert!(t.contains(from), "`{from}` not in programme.toml");
        t = t.replacen(from, to, 1);
    }
    parse(&t)
}

#[test]
fn sources() {
    // Cost Benefit Analysis paragraph: 1% and 5% of 5,000 children at the £85,000 mean.
    for (file, want) in [
        ("agma-keep-1pct-out-of-care.toml", 4_250_000.0),
        ("agma-keep-5pct-out-of-care.toml", 21_250_000.0),
    ] {
        let s = load(&shipped(file));
        let m = &run_fixed(&s).iterations[0].interventions[0].metrics;
        assert_eq!(m.gross_saving_year0, want, "{file}");
        assert_eq!(m.baseline_care_cost_year0, 5_000.0 * 85_000.0, "{file}");
    }
    // Peterborough research paragraph: chaotic 7 x barely coping 10 x coping.
    let s = load(&shipped("gm-family-ladder.toml"));
    let it = &run_fixed(&s).iterations[0];
    let uc = prevsim::engine::ArmInputs::baseline(&s.baseline, &it.values).unit_cost;
    assert!(
        close(uc[1], 10.0 * uc[2]) && close(uc[0], 70.0 * uc[2]),
        "{uc:?}"
    );
    // Scenarios cite the documents by title and paragraph, never by a file outside the project.
    for file in [
        "agma-keep-1pct-out-of-care.toml",
        "agma-keep-5pct-out-of-care.toml",
        "gm-family-ladder.toml",
    ] {
        let text = std::fs::read_to_string(shipped(file)).unwrap();
        assert!(text.contains("AGMA Total Place report"), "{file}");
        assert!(
            !text.contains(".txt") && !text.contains("shared/"),
            "{file}"
        );
    }
}

#[test]
fn states_and_counts() {
    // Monte Carlo: whole counts, families conserved every year, in every arm.
    let s = load(&test_file("linear.toml"));
    let total: f64 = s
        .baseline
        .families
        .iter()
        .map(|id| s.params.means().get(*id))
        .sum();
    for it in &run_mc(&s, 50, 1).iterations {
        for arm in std::iter::once(&it.baseline).chain(it.interventions.iter().map(|i| &i.years)) {
            for r in arm {
                assert_eq!(r.families.iter().sum::<f64>(), total);
                assert!(r.families.iter().all(|f| f.fract() == 0.0));
                assert_eq!(r.children_in_care.fract(), 0.0);
            }
        }
    }
    // Fixed mode: children at home = families x children per family, exactly.
    let s = programme_variant(&[(
        "children_per_family = { chaotic = 1, barely_coping = 1, coping = 1, thriving = 1 }",
        "children_per_family = { chaotic = 1.7, barely_coping = 1.3, coping = 1, thriving = 1 }",
    )]);
    let r = &run_fixed(&s).iterations[0].baseline[0];
    assert!(close(r.cost_at_home[0], 100.0 * 1.7 * 7_000.0));
    assert!(close(r.cost_at_home[1], 100.0 * 1.3 * 1_000.0));
}

#[test]
fn the_yearly_cycle() {
    let s = load(&test_file("tiny.toml"));
    let b = &run_fixed(&s).iterations[0].baseline;
    assert!(close(b[0].cost(), 1_900_000.0));
    assert!(close(b[1].children_in_care, 25.0));
    assert!(close(b[1].families[0], 50.0) && close(b[1].families[1], 50.0));
    assert!(close(b[1].cost(), 2_050_000.0));
}

#[test]
fn costs() {
    let s = load(&test_file("tiny.toml"));
    let it = &run_fixed(&s).iterations[0];
    let uc = prevsim::engine::ArmInputs::baseline(&s.baseline, &it.values).unit_cost;
    assert_eq!(uc, [7_000.0, 1_000.0, 100.0, 50.0]);
    assert!(close(it.interventions[0].programme_cost[0], 180_000.0));
    assert_eq!(it.interventions[0].programme_cost[1], 0.0);
}

#[test]
fn discounting() {
    let f = Discount::GreenBook.factors(200);
    assert_eq!(f[0], 1.0);
    assert!(close(f[1], 1.0 / 1.035));
    assert!(close(f[30], 1.035f64.powi(-30)));
    assert!(close(f[31], 1.035f64.powi(-30) / 1.03));
    assert!(close(f[76], 1.035f64.powi(-30) * 1.03f64.powi(-45) / 1.025));
    assert!(close(f[126], f[125] / 1.02));
    assert!(close(Discount::Constant(0.1).factors(3)[2], 1.0 / 1.21));
    assert_eq!(Discount::None.factors(5), vec![1.0; 5]);
    // summary.json names every step, each rate from the one formatter.
    assert_eq!(
        Discount::GreenBook.describe(),
        "Green Book: 3.5% a year for years 0-30, 3% for 31-75, 2.5% for 76-125, 2% for 126-200"
    );
    for (t, r) in [
        (30, 0.035),
        (31, 0.03),
        (75, 0.03),
        (76, 0.025),
        (125, 0.025),
        (126, 0.02),
    ] {
        assert_eq!(Discount::GreenBook.rate(t), r, "year {t}");
    }
    assert_eq!(Discount::Constant(0.035).describe(), "3.5% a year");
    assert_eq!(Discount::None.describe(), "none");
    let s = load(&shipped("gm-family-ladder.toml"));
    assert_eq!(s.discount, Discount::GreenBook);
    let fixed = prevsim::engine::RunOptions {
        iterations: 1,
        seed: 0,
        fixed: true,
    };
    let columns = prevsim::engine::run_columns(&s, fixed, 0..1, &|| {});
    let report = prevsim::report::summarise(&s, &columns, fixed);
    assert_eq!(report.discount, Discount::GreenBook.describe());
}

#[test]
fn levers() {
    // tiny.toml's intervention: shift 20% up, keep 20% out at the barely-coping cost.
    let s = load(&test_file("tiny.toml"));
    let arm = &run_fixed(&s).iterations[0].interventions[0].years;
    assert!(close(arm[0].families[0], 80.0) && close(arm[0].families[1], 20.0));
    assert!(close(arm[0].children_in_care, 8.0));
    assert!(close(arm[0].cost_kept_out, 2_000.0));
    assert!(close(arm[0].cost(), 1_562_000.0));
    // Keeping children out changes no flow: families and entries stay the baseline's, draw
    // for draw (here with no shift, in Monte Carlo).
    let s = parse(
        &std::fs::read_to_string(test_file("tiny.toml"))
            .unwrap()
            .replace("shift_up = { chaotic = 0.2 }\n", ""),
    );
    for it in &run_mc(&s, 100, 2).iterations {
        for (b, i) in it.baseline.iter().zip(&it.interventions[0].years) {
            assert_eq!(b.families, i.families);
            let kept = b.children_in_care - i.children_in_care;
            assert!(kept >= 0.0 && kept <= (0.2 * b.children_in_care).ceil());
        }
    }
}

#[test]
fn cap_order() {
    let s = programme_variant(&[
        (
            "entry_rate = { chaotic = 0.1, barely_coping = 0.02, coping = 0.0, thriving = 0.0 }",
            "entry_rate = { chaotic = 0.6, barely_coping = 0.0, coping = 0.0, thriving = 0.0 }",
        ),
        (
            "name = \"programme\"\n\n[interventions.programme]",
            "name = \"programme\"\ncare_entry_relative_risk = 2\n\n[interventions.programme]",
        ),
        ("families_per_year = 40", "families_per_year = 100"),
        ("up_relative_risk = 2.0", "up_relative_risk = 1"),
        ("down_relative_risk = 0.5", "down_relative_risk = 1"),
        ("effect_years = 1", "effect_years = 2"),
        (
            "chaotic       = [0.6, 0.3, 0.1, 0.0]",
            "chaotic       = [1.0, 0.0, 0.0, 0.0]",
        ),
    ]);
    let m = &run_fixed(&s).iterations[0].interventions[0].metrics;
    assert_eq!(m.gross_saving_pv, 0.0);

    // care.entry_scale multiplies every entry rate and is capped at 1 first: the baseline's
    // rate. tiny.toml (200 chaotic children at home, 10 in care, half leave): a scale of 3 on
    // 0.1 gives 60 entries; a scale of 2 on 0.6 gives 1.2, capped at 1 (200 entries), and an
    // intervention's risk of 0.5 then gives 0.5 (100 entries), not 0.6 (120).
    let tiny = std::fs::read_to_string(test_file("tiny.toml")).unwrap();
    let levers = "keep_out_of_care = { share = 0.2, home_cost = \"barely_coping\" }\nshift_up = { chaotic = 0.2 }\nprogramme_cost = { setup = 100_000, per_family = 1_000, families_per_year = 20, years = 1, optimism_bias = 0.5 }";
    assert!(tiny.contains(levers));
    let tiny = tiny.replacen(levers, "care_entry_relative_risk = 0.5", 1);
    let with = |rate: &str, scale: &str| {
        parse(
            &tiny
                .replacen("chaotic = 0.1,", &format!("chaotic = {rate},"), 1)
                .replacen(
                    "exit_rate = 0.5",
                    &format!("exit_rate = 0.5\nentry_scale = {scale}"),
                    1,
                ),
        )
    };
    let it = &run_fixed(&with("0.1", "3")).iterations[0];
    assert!(close(it.baseline[1].children_in_care, 10.0 - 5.0 + 60.0));
    let it = &run_fixed(&with("0.6", "2")).iterations[0];
    assert!(close(it.baseline[1].children_in_care, 10.0 - 5.0 + 200.0));
    let arm = &it.interventions[0].years;
    assert!(
        close(arm[1].children_in_care, 10.0 - 5.0 + 100.0),
        "{}",
        arm[1].children_in_care
    );
}

#[test]
fn programmes() {
    // Intake min(demand, capacity, untreated in the target states), shared in proportion.
    let s = programme_variant(&[
        (
            "target_states = [\"chaotic\"]",
            "target_states = [\"chaotic\", \"barely_coping\"]",
        ),
        (
            "families_per_year = 40",
            "families_per_year = 90\ncapacity = 60",
        ),
    ]);
    let r = &run_fixed(&s).iterations[0].interventions[0].years[0];
    assert!(close(r.families_reached, 60.0));
    assert!(close(r.families_treated[0], 30.0) && close(r.families_treated[1], 30.0));
    // The untreated are all that is left: demand 500, capacity none.
    let s = programme_variant(&[("families_per_year = 40", "families_per_year = 100")]);
    assert!(close(
        run_fixed(&s).iterations[0].interventions[0].years[0].families_reached,
        100.0
    ));
    // share_per_year of the untreated families; reached at most once.
    let s = programme_variant(&[
        ("years = 2", "years = 3"),
        ("\nyears = 1", "\nyears = 2"),
        ("families_per_year = 40", "share_per_year = 0.25"),
    ]);
    let y = &run_fixed(&s).iterations[0].interventions[0].years;
    assert!(close(y[0].families_reached, 25.0));
    // Year 1: a quarter of the chaotic families never reached (the record is taken after the
    // year's intake, so those are the untreated now plus the year's intake).
    let r = y[1].families_reached;
    let untreated = y[1].families[0] - y[1].families_treated[0] + r;
    assert!(close(r, 0.25 * untreated));
    assert_eq!(y[2].families_reached, 0.0);
    // Monte Carlo: whole intakes, at random from both target states, expectation as stated.
    let s = programme_variant(&[
        (
            "target_states = [\"chaotic\"]",
            "target_states = [\"chaotic\", \"barely_coping\"]",
        ),
        ("families_per_year = 40", "families_per_year = 10.5"),
    ]);
    let run = run_mc(&s, 2_000, 3);
    let chaotic: Vec<f64> = run
        .iterations
        .iter()
        .map(|it| {
            let r = &it.interventions[0].years[0];
            assert!(r.families_reached == 10.0 || r.families_reached == 11.0);
            r.families_treated[0]
        })
        .collect();
    // Half of 10.5 from the chaotic families, within 4 standard errors.
    let (mean, se) = mean_se(&chaotic);
    assert!((mean - 5.25).abs() < 4.0 * se, "{mean} (se {se})");
}

#[test]
fn fading() {
    let s = programme_variant(&[]);
    let spec = s.interventions[0].programme.as_ref().unwrap();
    let mut p = Programme::new(spec, &s.params.means());
    p.effect_years = 2;
    p.drop_off = 0.3;
    assert_eq!([p.strength(0), p.strength(1)], [1.0, 1.0]);
    assert!(close(p.strength(2), 0.7) && close(p.strength(3), 0.49));
    assert!(close(p.effective(0.5, 0.7), 0.65));
    p.effect_years = 0;
    p.drop_off = 0.5;
    assert_eq!(p.strength(0), 0.5);
    // effect_years: the mean of a PERT on 1, 2, 4 (13/6) rounds to 2 in fixed mode; 2.5 to 3.
    for (text, want) in [
        (
            "effect_years = { distribution = \"pert\", min = 1, mode = 2, max = 4 }",
            2,
        ),
        ("effect_years = 2.4", 2),
        ("effect_years = 2.5", 3),
        ("effect_years = 2.6", 3),
    ] {
        let s = programme_variant(&[("effect_years = 1", text)]);
        let spec = s.interventions[0].programme.as_ref().unwrap();
        assert_eq!(
            Programme::new(spec, &s.params.means()).effect_years,
            want,
            "{text}"
        );
    }
    // effect_years = 0 and drop_off = 1: no effect at all, only the cost.
    let s = programme_variant(&[("effect_years = 1", "effect_years = 0")]);
    let m = &run_fixed(&s).iterations[0].interventions[0].metrics;
    assert_eq!(m.gross_saving_pv, 0.0);
    assert!(m.programme_cost_pv > 0.0);
}

#[test]
fn row_rescaling() {
    let row = treated_row(&[0.2, 0.5, 0.2, 0.1], 1, 3.0, 1.0);
    let want = [0.2 / 1.1, 0.0, 0.6 / 1.1, 0.3 / 1.1];
    for (a, b) in row.iter().zip(want) {
        assert!(close(*a, b), "{row:?}");
    }
    // Below 1 staying absorbs the difference.
    let row = treated_row(&[0.1, 0.7, 0.15, 0.05], 1, 2.0, 0.5);
    assert!(close(row[1], 1.0 - 0.05 - 0.3 - 0.1), "{row:?}");

    // Validation checks every row a reached family can come to: reaching chaotic families
    // (up risk 2, down 0.5), whose row leads to barely coping, refuses a barely coping row of
    // [0.1, 0.3, 0.6, 0] (0.6 x 2 + 0.1 x 0.5 = 1.25).
    let overshoot = (
        "barely_coping = [0.1, 0.7, 0.2, 0.0]",
        "barely_coping = [0.1, 0.3, 0.6, 0.0]",
    );
    let text = std::fs::read_to_string(test_file("programme.toml")).unwrap();
    assert!(text.contains(overshoot.0));
    let refused = Scenario::parse(
        &text.replacen(overshoot.0, overshoot.1, 1),
        Path::new("programme.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("pushes the barely_coping row out of [0, 1] (reached families can move to barely_coping and keep the programme's relative risks there)")
            && refused.contains("= 1.25"),
        "{refused}"
    );
    // Not when the programme reaches coping families whose rows lead only to coping and
    // thriving: the barely coping row cannot be reached.
    let s = programme_variant(&[
        overshoot,
        (
            "coping        = [0.0, 0.1, 0.8, 0.1]",
            "coping        = [0.0, 0.0, 0.9, 0.1]",
        ),
        (
            "target_states = [\"chaotic\"]",
            "target_states = [\"coping\"]",
        ),
    ]);
    assert_eq!(s.interventions.len(), 1);
    // The largest risk is the top of a bounded distribution's range, the mean of an unbounded
    // one: a fixed 2.6 and a uniform on 1.5 to 2.6 (mean 2.05) are refused on the chaotic row
    // (0.4 x 2.6 = 1.04), a lognormal of mean 2 passes.
    for risk in [
        "2.6",
        "{ distribution = \"uniform\", min = 1.5, max = 2.6 }",
    ] {
        let text = text.replacen(
            "up_relative_risk = 2.0",
            &format!("up_relative_risk = {risk}"),
            1,
        );
        let e = Scenario::parse(&text, Path::new("programme.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("pushes the chaotic row out of [0, 1]"),
            "{risk}: {e}"
        );
    }
    let s = programme_variant(&[(
        "up_relative_risk = 2.0",
        "up_relative_risk = { distribution = \"lognormal\", mean = 2.0, sd = 1.0 }",
    )]);
    // ... and its draws above 2.5 are scaled back: a draw of 3 moves 1.2 of the chaotic row.
    let row = treated_row(&[0.6, 0.3, 0.1, 0.0], 0, 3.0, 0.5);
    for (a, b) in row.iter().zip([0.0, 0.9 / 1.2, 0.3 / 1.2, 0.0]) {
        assert!(close(*a, b), "{row:?}");
    }
    // Monte Carlo with such draws keeps every family (rows stay probability rows).
    let run = run_mc(&s, 300, 3);
    let drawn_above = run
        .iterations
        .iter()
        .filter(|it| {
            let id = s.interventions[0]
                .programme
                .as_ref()
                .unwrap()
                .up_relative_risk;
            it.values.get(id) > 2.5
        })
        .count();
    assert!(drawn_above > 10, "{drawn_above} draws above 2.5");
    for it in &run.iterations {
        for r in &it.interventions[0].years {
            assert_eq!(r.families.iter().sum::<f64>(), 400.0);
        }
    }
}

#[test]
fn fixed_mode() {
    // Fractional counts, no rounding: 1% of 149 children is 1.49.
    let s = parse(
        &std::fs::read_to_string(shipped("agma-keep-1pct-out-of-care.toml"))
            .unwrap()
            .replace("value = 5_000,", "value = 149,"),
    );
    let r = &run_fixed(&s).iterations[0].interventions[0].years[0];
    assert!(close(r.children_in_care, 149.0 - 1.49));
    // Parameters at their means: the uniform £70k-£100k care cost is £85,000.
    assert!(close(r.cost_in_care, (149.0 - 1.49) * 85_000.0));
}

#[test]
fn monte_carlo() {
    // The same seed gives the same iterations; each iteration draws its own parameters.
    let s = load(&test_file("uncertain.toml"));
    let a = run_mc(&s, 20, 9);
    let b = run_mc(&s, 20, 9);
    assert_eq!(a, b);
    assert_ne!(a.iterations[0].values, a.iterations[1].values);
    // One iteration alone is the same as that iteration of a longer run.
    let one = run_mc(&s, 1, 9);
    assert_eq!(one.iterations[0], a.iterations[0]);
}

#[test]
fn random_streams() {
    // A programme without effect: every group has the same probability, one shared draw, so
    // the arm is the baseline draw for draw (many cohorts, uncertain inputs).
    let s = programme_variant(&[
        ("years = 2", "years = 8"),
        ("\nyears = 1", "\nyears = 4"),
        ("up_relative_risk = 2.0", "up_relative_risk = 1"),
        ("down_relative_risk = 0.5", "down_relative_risk = 1.0"),
        (
            "care_entry_relative_risk = 0.5",
            "care_entry_relative_risk = 1",
        ),
        ("per_family = 1_000", "per_family = 0"),
        ("families_per_year = 40", "share_per_year = 0.3"),
    ]);
    for it in &run_mc(&s, 100, 4).iterations {
        assert!(it.interventions[0].years[3].treated() > 0.0);
        for (b, i) in it.baseline.iter().zip(&it.interventions[0].years) {
            assert_eq!(b.families, i.families);
            assert_eq!(b.children_in_care, i.children_in_care);
        }
        assert_eq!(it.interventions[0].metrics.net_saving_pv, 0.0);
    }
}

#[test]
fn rounding_and_splitting() {
    // 149 children, 1% kept out: 1 or 2 children (2 with probability 0.49).
    let s = parse(
        &std::fs::read_to_string(shipped("agma-keep-1pct-out-of-care.toml"))
            .unwrap()
            .replace("value = 5_000,", "value = 149,")
            .replace(
                "cost = { distribution = \"uniform\", min = 70_000, max = 100_000,",
                "cost = { value = 85_000,",
            ),
    );
    let run = run_mc(&s, 4_000, 12);
    let savings: Vec<f64> = run
        .iterations
        .iter()
        .map(|it| it.interventions[0].metrics.gross_saving_year0)
        .collect();
    assert!(savings.iter().all(|x| *x == 85_000.0 || *x == 170_000.0));
    // Mean £126,650 within 4 standard errors.
    let (mean, se) = mean_se(&savings);
    assert!((mean - 126_650.0).abs() < 4.0 * se, "{mean} (se {se})");
}

#[test]
fn results() {
    // No programme cost: BCR and ROI are null.
    let s = load(&shipped("agma-keep-1pct-out-of-care.toml"));
    let m = &run_fixed(&s).iterations[0].interventions[0].metrics;
    assert_eq!((m.bcr, m.roi), (None, None));
    // A programme cost: the ratios of the PVs.
    let s = load(&test_file("programme.toml"));
    let m = &run_fixed(&s).iterations[0].interventions[0].metrics;
    assert!(close(
        m.bcr.unwrap(),
        m.gross_saving_pv / m.programme_cost_pv
    ));
    assert!(close(m.roi.unwrap(), m.net_saving_pv / m.programme_cost_pv));
    // yearly.csv's children_in_care: looked after, the children kept out taken off.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let file = shipped("agma-keep-1pct-out-of-care.toml");
    let run = prevsim(
        &["run", file.to_str().unwrap(), "--fixed", "--out", out],
        None,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let yearly = std::fs::read_to_string(
        dir.path()
            .join("agma-keep-1pct-out-of-care")
            .join("yearly.csv"),
    )
    .unwrap();
    let in_care = |arm: &str| -> f64 {
        let line = yearly
            .lines()
            .find(|l| l.starts_with(&format!("0,{arm},children_in_care,")))
            .unwrap_or_else(|| panic!("no children_in_care row for {arm}:\n{yearly}"));
        line.split(',').nth(3).unwrap().parse().unwrap()
    };
    assert_eq!(in_care("baseline"), 5_000.0);
    assert_eq!(in_care("keep 1% out of care"), 4_950.0);
}

#[test]
fn agencies() {
    let s = load(&shipped("gm-family-ladder.toml"));
    let a = &s.agencies;
    for lever in &s.interventions {
        let split = cost_split(a, lever);
        // The programme's cost: all to the funder.
        assert_eq!(split.programme.iter().sum::<f64>(), 1.0);
        assert_eq!(split.home, a.home);
        assert_eq!(split.care, a.care);
    }
    // The kept-out row applies to a home cost given as an amount; a state's home cost takes
    // that state's row and the kept-out row is ignored.
    let mut t = std::fs::read_to_string(test_file("programme.toml")).unwrap();
    t = t.replace(
        "care          = [1.0, 0.0, 0.0]",
        "care          = [1.0, 0.0, 0.0]\nkept_out_of_care = [0.2, 0.3, 0.5]",
    );
    t.push_str(
        "\n[[interventions]]\nname = \"amount\"\nkeep_out_of_care = { share = 0.1, home_cost = 500 }\n\n[[interventions]]\nname = \"state\"\nkeep_out_of_care = { share = 0.1, home_cost = \"barely_coping\" }\n",
    );
    let s = parse(&t);
    assert_eq!(
        cost_split(&s.agencies, &s.interventions[1]).kept_out,
        vec![0.2, 0.3, 0.5]
    );
    assert_eq!(
        cost_split(&s.agencies, &s.interventions[2]).kept_out,
        s.agencies.home[1]
    );
    assert_eq!(s.agencies.home[1], vec![0.6, 0.2, 0.2]);
    // Without a kept-out row, the care row.
    let s = parse(&std::fs::read_to_string(test_file("programme.toml")).unwrap().replace(
        "name = \"programme\"\n\n[interventions.programme]",
        "name = \"programme\"\nkeep_out_of_care = { share = 0.1, home_cost = 500 }\n\n[interventions.programme]",
    ));
    assert_eq!(
        cost_split(&s.agencies, &s.interventions[0]).kept_out,
        s.agencies.care
    );
}

#[test]
fn monte_carlo_error_and_precision_stopping() {
    use prevsim::engine::{self, RunOptions};
    use prevsim::precision::{self, Achieved, Stop, Targets};
    use prevsim::stats::{Summary, share_se};
    use prevsim::vocab::Metric;

    // se = sd / sqrt(n); the median of 0..=999 has its 95% interval at ranks 469 to 531.
    let data: Vec<f64> = (0..1000).rev().map(f64::from).collect();
    let s = Summary::with_quantile_se(&data).unwrap();
    assert!((s.se - s.sd / 1000f64.sqrt()).abs() < 1e-12);
    assert!((s.p50_se - 62.0 / 3.92).abs() < 1e-12, "{}", s.p50_se);
    let c = Summary::with_quantile_se(&[0.1; 7]).unwrap();
    assert_eq!((c.sd, c.se), (0.0, 0.0));
    assert_eq!(share_se(0.5, 10_000), 0.005);
    // How many iterations: +/- 1 point near 50% needs 0.25 x 196^2 = 9,604.
    assert_eq!((0.25f64 * (1.96f64 / 0.01).powi(2)).round(), 9604.0);

    // A precision run stops at the first block, from the second, where every intervention
    // meets both targets, and holds exactly the columns of a run of that many iterations.
    let sc = load(&test_file("uncertain.toml"));
    let targets = Targets::new(Some(150_000.0), Some(0.03), None)
        .unwrap()
        .unwrap();
    assert_eq!(targets.max_iterations, 200_000);
    let (cols, record) = precision::run(&sc, 11, targets, &|| {});
    let n = record.iterations;
    assert_eq!(record.stopped, Stop::TargetMet);
    assert!(n >= 3000 && n % 1000 == 0, "{n}");
    let options = RunOptions {
        iterations: n,
        seed: 11,
        fixed: false,
    };
    assert_eq!(
        cols.encode(),
        engine::run_columns(&sc, options, 0..n, &|| {}).encode()
    );
    let met = |upto: usize| {
        cols.interventions.iter().all(|k| {
            let a = Achieved::of(&k.metric(Metric::NetSavingPv)[..upto]);
            a.mean_net_saving_pv <= 150_000.0 && a.prob_net_saving_positive <= 0.03
        })
    };
    assert!(met(n as usize) && !met(n as usize - 1000));
    // The mean's half-width is 1.96 x summary.json's se.
    let report = prevsim::report::summarise(&sc, &cols, options);
    let se = report.interventions["programme"]
        .metric(Metric::NetSavingPv)
        .unwrap()
        .se;
    assert_eq!(record.achieved["programme"].mean_net_saving_pv, 1.96 * se);
    // Every iteration saving: the usual half-width is 0, Agresti-Coull's about 2.7 / n.
    let a = Achieved::of(&[1.0; 2000]);
    assert!(a.prob_net_saving_positive > 0.00135 && a.prob_net_saving_positive < 0.00137);

    // At the cap: the iterations needed are n x (achieved / target)^2, up to a block.
    let capped = Targets::new(Some(10_000.0), None, Some(2500))
        .unwrap()
        .unwrap();
    let (cols, record) = precision::run(&sc, 11, capped, &|| {});
    assert_eq!((cols.len(), record.stopped), (2500, Stop::CapReached));
    let hw = record.achieved["programme"].mean_net_saving_pv;
    let want = ((2500.0 * (hw / 10_000.0f64).powi(2)).ceil() as u64).div_ceil(1000) * 1000;
    assert_eq!(record.iterations_needed, Some(want));
    assert!(record.warning().unwrap().contains("raise --max-iterations"));

    // A scenario without interventions stops at the minimum.
    let text = std::fs::read_to_string(test_file("uncertain.toml")).unwrap();
    let bare = parse(&text[..text.find("[[interventions]]").unwrap()]);
    let (cols, record) = precision::run(&bare, 11, targets, &|| {});
    assert_eq!((cols.len(), record.stopped), (2000, Stop::NoIntervention));

    // Refused: --fixed, -n, --shard, a target not above 0, a probability outside (0, 0.5],
    // a cap without a target or below 2,000.
    assert!(precision::refuse_with(true, None, false).is_err());
    assert!(precision::refuse_with(false, Some(1000), false).is_err());
    assert!(precision::refuse_with(false, None, true).is_err());
    assert!(precision::parse_money("0").is_err() && precision::parse_money("-1k").is_err());
    assert_eq!(precision::parse_money("£1.5m"), Ok(1_500_000.0));
    assert!(precision::parse_probability("0.51").is_err());
    assert_eq!(precision::parse_probability("0.5%"), Ok(0.005));
    assert!(Targets::new(None, None, Some(5000)).is_err());
    assert!(Targets::new(Some(1e5), None, Some(1999)).is_err());
}
