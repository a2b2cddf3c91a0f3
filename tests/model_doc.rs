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
