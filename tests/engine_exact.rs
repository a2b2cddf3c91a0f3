//! Exact checks of the engine: a hand-worked scenario, zero effect saves zero, the AGMA figures.

mod common;

use common::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// tests/scenarios/tiny.toml by hand (2 years, 10% discount):
///
/// Baseline. Year 0: 200 chaotic children x £7,000 + 10 in care x £50,000 = £1,900,000.
/// Exits 5, entries 200 x 0.1 = 20, so 25 in care; families 50 chaotic, 50 barely coping.
/// Year 1: 100 x £7,000 + 100 x £1,000 + 25 x £50,000 = £2,050,000.
///
/// Intervention: 20% of chaotic families move up first: 80 chaotic, 20 barely coping.
/// Year 0: 160 x £7,000 + 40 x £1,000 + (10 - 2 kept out) x £50,000 + 2 x £1,000 = £1,562,000.
/// Exits 5 (from all 10), entries 16 + 2 = 18, so 23; families 40 chaotic, 60 barely coping.
/// Year 1: 80 x £7,000 + 120 x £1,000 + 18.4 x £50,000 + 4.6 x £1,000 = £1,604,600.
/// Programme: 1.5 x (£100,000 + 20 x £1,000) = £180,000 in year 0 only.
#[test]
fn tiny_scenario_fixed_mode_matches_hand_calculation() {
    let s = load(&test_file("tiny.toml"));
    let run = run_fixed(&s);
    assert_eq!(run.iterations.len(), 1);
    let it = &run.iterations[0];
    assert!(close(it.baseline[0].cost(), 1_900_000.0));
    assert!(close(it.baseline[1].cost(), 2_050_000.0));
    assert!(close(it.baseline[1].children_in_care, 25.0));
    let arm = &it.interventions[0];
    assert!(close(arm.years[0].cost(), 1_562_000.0));
    assert!(close(arm.years[1].cost(), 1_604_600.0));
    assert_eq!(arm.years[1].families, [40.0, 60.0, 0.0, 0.0]);
    assert_eq!(arm.programme_cost, vec![180_000.0, 0.0]);

    let m = &arm.metrics;
    let gross_pv = 338_000.0 + 445_400.0 / 1.1;
    assert!(close(m.gross_saving_year0, 338_000.0));
    assert!(close(m.gross_saving_undiscounted, 783_400.0));
    assert!(close(m.net_saving_undiscounted, 603_400.0));
    assert!(close(m.gross_saving_pv, gross_pv));
    assert!(close(m.programme_cost_pv, 180_000.0));
    assert!(close(m.net_saving_pv, gross_pv - 180_000.0));
    assert!(close(m.baseline_cost_pv, 1_900_000.0 + 2_050_000.0 / 1.1));
    assert!(close(
        m.intervention_cost_pv,
        1_562_000.0 + 180_000.0 + 1_604_600.0 / 1.1
    ));
    assert!(close(m.bcr.unwrap(), gross_pv / 180_000.0));
    assert!(close(m.roi.unwrap(), (gross_pv - 180_000.0) / 180_000.0));
}

#[test]
fn intervention_with_no_effect_and_no_cost_saves_exactly_zero_every_iteration() {
    let s = load(&test_file("uncertain.toml"));
    let k = s
        .interventions
        .iter()
        .position(|i| i.name == "nothing")
        .unwrap();
    let run = run_mc(&s, 300, 5);
    for it in &run.iterations {
        let m = &it.interventions[k].metrics;
        assert_eq!(m.gross_saving_pv, 0.0);
        assert_eq!(m.net_saving_pv, 0.0);
        assert_eq!(m.gross_saving_undiscounted, 0.0);
        assert_eq!(m.programme_cost_pv, 0.0);
        assert_eq!(it.interventions[k].years, it.baseline);
    }
}

#[test]
fn agma_scenarios_give_the_documents_first_year_savings_exactly_in_fixed_mode() {
    // 50 x £85,000 and 250 x £85,000, the uniform £70k-£100k mean.
    for (file, want) in [
        ("agma-keep-1pct-out-of-care.toml", 4_250_000.0),
        ("agma-keep-5pct-out-of-care.toml", 21_250_000.0),
    ] {
        let s = load(&shipped(file));
        let run = run_fixed(&s);
        let m = &run.iterations[0].interventions[0].metrics;
        assert_eq!(m.gross_saving_year0, want, "{file}");
        // One-year horizon: the first year is the whole appraisal.
        assert_eq!(m.gross_saving_pv, want, "{file}");
    }
}

#[test]
fn agma_monte_carlo_saving_is_fifty_times_the_drawn_care_cost() {
    let s = load(&shipped("agma-keep-1pct-out-of-care.toml"));
    let run = run_mc(&s, 500, 3);
    let cost = s
        .params
        .parameters()
        .iter()
        .position(|p| p.name == "care.cost")
        .unwrap();
    let col = s
        .params
        .uncertain_columns()
        .into_iter()
        .find(|c| c.name == s.params.parameters()[cost].name)
        .unwrap();
    for it in &run.iterations {
        let care_cost = it.values.as_slice()[col.index];
        assert!((70_000.0..=100_000.0).contains(&care_cost));
        // 5,000 x c - 4,950 x c in floating point: equal to 50 x c up to rounding.
        assert!(close(
            it.interventions[0].metrics.gross_saving_year0,
            50.0 * care_cost
        ));
    }
}
