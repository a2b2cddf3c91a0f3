//! Targeted programmes, fading effects, agencies and payback (issue 3).

mod common;

use std::path::Path;

use common::*;
use prevsim::engine::RunResult;
use prevsim::report;
use prevsim::scenario::{Problem, Scenario};
use prevsim::vocab::{AgencyMetric, Metric};
use proptest::prelude::*;

fn text() -> String {
    std::fs::read_to_string(test_file("programme.toml")).unwrap()
}

/// tests/scenarios/programme.toml with each `from` replaced by its `to` (each must occur once).
fn variant(edits: &[(&str, &str)]) -> String {
    let mut t = text();
    for (from, to) in edits {
        assert_eq!(t.matches(from).count(), 1, "`{from}` must occur once");
        t = t.replacen(from, to, 1);
    }
    t
}

fn parse(t: &str) -> Scenario {
    Scenario::parse(t, Path::new("programme.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(edits: &[(&str, &str)]) -> Vec<Problem> {
    match Scenario::parse(&variant(edits), Path::new("programme.toml")) {
        Ok(_) => panic!("accepted a bad scenario: {edits:?}"),
        Err(e) => {
            assert!(e.to_string().contains("programme.toml:"), "{e}");
            e.problems().to_vec()
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// tests/scenarios/programme.toml by hand (2 years, no discounting, 1 child per family).
///
/// Unit costs: chaotic £7,000, barely coping £1,000, coping £100, thriving £50.
/// The programme takes on 40 of the 100 chaotic families at the start of year 0 and costs
/// 40 x £1,000 = £40,000 in year 0. Year 0's costs are the same in both arms.
///
/// Year 1 families. Baseline: chaotic 100x0.6 + 100x0.1 = 70; barely 30 + 70 + 10 = 110;
/// coping 10 + 20 + 80 + 10 = 120; thriving 10 + 90 = 100.
/// Intervention: the 40 reached chaotic families move up twice as often: row [0.2, 0.6, 0.2, 0].
/// Chaotic 60x0.6 + 40x0.2 + 10 = 54; barely 18 + 24 + 70 + 10 = 122; coping 6 + 8 + 20 + 80 +
/// 10 = 124; thriving 100.
/// Home saving: 16 x £7,000 - 12 x £1,000 - 4 x £100 = £99,600.
/// Care: entries baseline 100x0.1 + 100x0.02 = 12, intervention 60x0.1 + 40x0.05 + 2 = 10; the
/// same 5 leave, so 2 fewer in care in year 1: £100,000.
/// Gross £199,600, net £159,600; cumulative net -£40,000 after year 0, so payback in year 1.
///
/// Agencies (council, health, police), home shares chaotic 0.5/0.2/0.3, barely 0.6/0.2/0.2,
/// coping 0.5/0.5/0; care all council; the council funds the programme.
/// Council: 56,000 - 7,200 - 200 + 100,000 = £148,600 gross, £108,600 net.
/// Health: 22,400 - 2,400 - 200 = £19,800. Police: 33,600 - 2,400 = £31,200.
#[test]
fn fixed_mode_of_a_small_programme_matches_hand_calculation() {
    let s = parse(&text());
    let run = run_fixed(&s);
    let it = &run.iterations[0];
    for (got, want) in it.baseline[1]
        .families
        .iter()
        .zip([70.0, 110.0, 120.0, 100.0])
    {
        assert!(close(*got, want), "{:?}", it.baseline[1].families);
    }
    let arm = &it.interventions[0];
    for (got, want) in arm.years[1]
        .families
        .iter()
        .zip([54.0, 122.0, 124.0, 100.0])
    {
        assert!(close(*got, want), "{:?}", arm.years[1].families);
    }
    assert!(close(arm.years[1].children_in_care, 15.0));
    assert!(close(it.baseline[1].children_in_care, 17.0));
    assert_eq!(arm.years[0].families_reached, 40.0);
    assert_eq!(arm.years[0].treated(), 40.0);
    assert!(close(arm.years[1].treated(), 40.0));
    assert_eq!(arm.programme_cost, vec![40_000.0, 0.0]);

    let m = &arm.metrics;
    assert_eq!(m.gross_saving_year0, 0.0);
    assert!(close(m.gross_saving_pv, 199_600.0), "{}", m.gross_saving_pv);
    assert!(close(m.programme_cost_pv, 40_000.0));
    assert!(close(m.net_saving_pv, 159_600.0));
    assert!(close(m.bcr.unwrap(), 199_600.0 / 40_000.0));
    assert_eq!(m.payback_year, Some(1));

    let want = [(148_600.0, 40_000.0), (19_800.0, 0.0), (31_200.0, 0.0)];
    for (a, (gross, prog)) in m.agencies.iter().zip(want) {
        assert!(close(a.gross_saving_pv, gross), "{a:?}");
        assert!(close(a.programme_cost_pv, prog), "{a:?}");
        assert!(close(a.net_saving_pv, gross - prog), "{a:?}");
    }
}

/// A programme with relative risks of 1 and no cost, in a scenario where everything else
/// moves: many years, several cohorts, uncertain inputs.
fn neutral_programme() -> Scenario {
    let t = variant(&[
        ("years = 2", "years = 8"),
        ("\nyears = 1", "\nyears = 4"),
        ("up_relative_risk = 2.0", "up_relative_risk = 1"),
        ("down_relative_risk = 0.5", "down_relative_risk = 1.0"),
        (
            "care_entry_relative_risk = 0.5",
            "care_entry_relative_risk = 1",
        ),
        ("per_family = 1_000", "per_family = 0"),
        (
            "target_states = [\"chaotic\"]",
            "target_states = [\"chaotic\", \"barely_coping\", \"coping\"]",
        ),
        (
            "families_per_year = 40",
            "share_per_year = { distribution = \"uniform\", min = 0.1, max = 0.5 }",
        ),
        (
            "cost = 50_000",
            "cost = { distribution = \"uniform\", min = 40_000, max = 60_000 }",
        ),
        (
            "chaotic       = [0.6, 0.3, 0.1, 0.0]",
            "chaotic       = { mean = [0.6, 0.3, 0.1, 0.0], concentration = 50 }",
        ),
    ]);
    parse(&t)
}

fn assert_saves_exactly_zero(run: &RunResult) {
    for it in &run.iterations {
        let arm = &it.interventions[0];
        assert_eq!(arm.metrics.gross_saving_pv, 0.0);
        assert_eq!(arm.metrics.net_saving_pv, 0.0);
        assert_eq!(arm.metrics.gross_saving_undiscounted, 0.0);
        for (b, i) in it.baseline.iter().zip(&arm.years) {
            assert_eq!(b.families, i.families);
            assert_eq!(b.children_in_care, i.children_in_care);
            assert_eq!(b.cost(), i.cost());
        }
        for a in &arm.metrics.agencies {
            assert_eq!(a.net_saving_pv, 0.0);
        }
    }
}

#[test]
fn programme_with_relative_risks_of_one_and_no_cost_saves_exactly_zero() {
    let s = neutral_programme();
    let fixed = run_fixed(&s);
    assert!(fixed.iterations[0].interventions[0].years[7].treated() > 100.0);
    assert_saves_exactly_zero(&fixed);
    let mc = run_mc(&s, 300, 5);
    // The programme does reach families, so cohorts are drawn separately, yet nothing moves.
    assert!(
        mc.iterations
            .iter()
            .all(|it| it.interventions[0].years[4].treated() > 0.0)
    );
    assert_saves_exactly_zero(&mc);
}

#[test]
fn per_agency_figures_sum_exactly_to_the_totals() {
    let s = parse(&variant(&[
        ("years = 2", "years = 6"),
        (
            "up_relative_risk = 2.0",
            "up_relative_risk = { distribution = \"pert\", min = 1, mode = 1.5, max = 2.4 }",
        ),
        (
            "cost = 50_000",
            "cost = { distribution = \"uniform\", min = 40_000, max = 60_000 }",
        ),
        ("discount = \"none\"", "discount = \"green_book\""),
    ]));
    for run in [run_fixed(&s), run_mc(&s, 200, 3)] {
        for it in &run.iterations {
            let arm = &it.interventions[0];
            let m = &arm.metrics;
            assert_eq!(m.agencies.len(), 3);
            for am in AgencyMetric::ALL {
                let sum: f64 = m.agencies.iter().map(|a| a.get(am)).sum();
                let total = Metric::from_name(am.name()).unwrap();
                assert_eq!(Some(sum), m.get(total), "{am}");
            }
            // And the totals are the engine's totals, computed without agencies.
            let discount = s.discount.factors(s.years);
            let gross: f64 = (0..s.years as usize)
                .map(|t| discount[t] * arm.years[t].saving_against(&it.baseline[t]))
                .sum();
            assert!(close(m.gross_saving_pv, gross));
            let base: f64 = (0..s.years as usize)
                .map(|t| discount[t] * it.baseline[t].cost())
                .sum();
            assert!(close(m.baseline_cost_pv, base));
        }
    }
}

#[test]
fn monte_carlo_agrees_with_fixed_mode_within_4_standard_errors() {
    let s = parse(&variant(&[
        ("years = 2", "years = 6"),
        ("\nyears = 1", "\nyears = 3"),
        ("effect_years = 1", "effect_years = 2"),
        ("drop_off = 1.0", "drop_off = 0.5"),
        (
            "chaotic = 100, barely_coping = 100",
            "chaotic = 1000, barely_coping = 1000",
        ),
        (
            "target_states = [\"chaotic\"]",
            "target_states = [\"chaotic\", \"barely_coping\"]",
        ),
        ("families_per_year = 40", "families_per_year = 300"),
    ]));
    let fixed = run_fixed(&s).iterations[0].interventions[0]
        .metrics
        .gross_saving_pv;
    let mc = run_mc(&s, 2000, 17);
    let xs: Vec<f64> = mc
        .iterations
        .iter()
        .map(|it| it.interventions[0].metrics.gross_saving_pv)
        .collect();
    let (mean, se) = mean_se(&xs);
    assert!(
        (mean - fixed).abs() < 4.0 * se,
        "MC {mean} vs fixed {fixed}, se {se}"
    );
    let treated: Vec<f64> = mc
        .iterations
        .iter()
        .map(|it| it.interventions[0].years[5].families_treated[0])
        .collect();
    let (mean, se) = mean_se(&treated);
    let want = run_fixed(&s).iterations[0].interventions[0].years[5].families_treated[0];
    assert!(
        (mean - want).abs() < 4.0 * se.max(1e-9),
        "{mean} vs {want} (se {se})"
    );
}

/// The gross saving of a programme with these strengths, in fixed mode, over eight years.
fn fixed_gross(up: f64, down: f64, entry: f64) -> f64 {
    let t = variant(&[
        ("years = 2", "years = 8"),
        ("\nyears = 1", "\nyears = 3"),
        ("effect_years = 1", "effect_years = 2"),
        ("drop_off = 1.0", "drop_off = 0.5"),
        (
            "target_states = [\"chaotic\"]",
            "target_states = [\"chaotic\", \"barely_coping\", \"coping\"]",
        ),
        (
            "up_relative_risk = 2.0",
            &format!("up_relative_risk = {up}"),
        ),
        (
            "down_relative_risk = 0.5",
            &format!("down_relative_risk = {down}"),
        ),
        (
            "care_entry_relative_risk = 0.5",
            &format!("care_entry_relative_risk = {entry}"),
        ),
    ]);
    run_fixed(&parse(&t)).iterations[0].interventions[0]
        .metrics
        .gross_saving_pv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A stronger effect (more moves up, fewer moves down, fewer entries to care) never lowers
    /// the expected gross saving.
    #[test]
    fn stronger_effect_never_lowers_expected_gross_saving(
        up in 1.0f64..2.0, down in 0.3f64..1.2, entry in 0.3f64..1.5,
        more_up in 0.0f64..0.5, less_down in 0.0f64..0.3, less_entry in 0.0f64..0.3,
    ) {
        let weaker = fixed_gross(up, down, entry);
        let stronger = fixed_gross(up + more_up, down - less_down, entry - less_entry);
        prop_assert!(stronger >= weaker - 1e-9 * weaker.abs().max(1.0), "{stronger} < {weaker}");
    }

    /// Treated and untreated families together are conserved in every cycle; the treated are a
    /// closed cohort (every family ever reached is still counted); counts stay whole.
    #[test]
    fn families_are_conserved_with_programme_cohorts(
        families in prop::array::uniform4(0u32..3000),
        targets in prop::array::uniform4(any::<bool>()),
        reach in 0u32..800,
        share in prop::option::of(0.0f64..1.0),
        up in 1.0f64..2.5, down in 0.0f64..1.5, entry in 0.0f64..3.0,
        effect in 0u32..5, drop_off in 0.0f64..1.0, years in 1u32..15, seed in any::<u64>(),
    ) {
        let mut targets = targets;
        targets[0] = true;
        let names: Vec<String> = ["chaotic", "barely_coping", "coping", "thriving"]
            .iter()
            .zip(targets)
            .filter(|(_, t)| *t)
            .map(|(s, _)| format!("\"{s}\""))
            .collect();
        let reach_line = match share {
            Some(x) => format!("share_per_year = {x}"),
            None => format!("families_per_year = {}", reach.min(families[0])),
        };
        let t = variant(&[
            ("chaotic = 100, barely_coping = 100, coping = 100, thriving = 100",
             &format!("chaotic = {}, barely_coping = {}, coping = {}, thriving = {}",
                      families[0], families[1], families[2], families[3])),
            ("\nyears = 1", &format!("\nyears = {}", years.min(4))),
            ("[run]\nyears = 2", &format!("[run]\nyears = {years}")),
            ("target_states = [\"chaotic\"]", &format!("target_states = [{}]", names.join(", "))),
            ("families_per_year = 40", &reach_line),
            ("up_relative_risk = 2.0", &format!("up_relative_risk = {up}")),
            ("down_relative_risk = 0.5", &format!("down_relative_risk = {down}")),
            ("care_entry_relative_risk = 0.5", &format!("care_entry_relative_risk = {entry}")),
            ("effect_years = 1", &format!("effect_years = {effect}")),
            ("drop_off = 1.0", &format!("drop_off = {drop_off}")),
        ]);
        let s = parse(&t);
        let total: f64 = families.iter().map(|f| f64::from(*f)).sum();
        let run = run_mc(&s, 2, seed);
        for it in &run.iterations {
            let mut reached = 0.0;
            for r in &it.interventions[0].years {
                reached += r.families_reached;
                prop_assert_eq!(r.families.iter().sum::<f64>(), total);
                prop_assert_eq!(r.treated(), reached);
                for s in 0..4 {
                    prop_assert!(r.families_treated[s] >= 0.0 && r.families_treated[s] <= r.families[s]);
                    prop_assert_eq!(r.families[s].fract(), 0.0);
                    prop_assert_eq!(r.families_treated[s].fract(), 0.0);
                }
                prop_assert!(r.children_in_care >= 0.0 && r.children_in_care.fract() == 0.0);
            }
        }
    }
}

/// Yearly records of the programme arm in fixed mode with this effect duration and drop-off.
fn arm_years(effect: u32, drop_off: f64) -> Vec<[f64; 4]> {
    let t = variant(&[
        ("years = 2", "years = 7"),
        ("effect_years = 1", &format!("effect_years = {effect}")),
        ("drop_off = 1.0", &format!("drop_off = {drop_off}")),
    ]);
    run_fixed(&parse(&t)).iterations[0].interventions[0]
        .years
        .iter()
        .map(|r| r.families)
        .collect()
}

#[test]
fn with_drop_off_100_percent_the_effect_lasts_exactly_the_stated_duration() {
    // The cohort is reached at the start of year 0; an effect lasting E years changes the
    // transitions of years 0..E, so the records of years 0..=E differ from no effect only from
    // year 1, and a longer effect differs first in the record of year E + 1.
    let none = arm_years(0, 1.0);
    let two = arm_years(2, 1.0);
    let three = arm_years(3, 1.0);
    assert_eq!(none[0], two[0]);
    assert_ne!(none[1], two[1]);
    assert_eq!(two[..=2], three[..=2]);
    assert_ne!(two[3], three[3]);
    // After the effect is gone the cohort moves like everyone else: with drop-off 100% the
    // two-year effect is not followed by any residual effect.
    let residual = arm_years(2, 0.5);
    assert_eq!(two[..=2], residual[..=2]);
    assert_ne!(two[3], residual[3]);
}

#[test]
fn with_drop_off_0_the_effect_persists() {
    let forever = arm_years(1, 0.0);
    let long = arm_years(7, 1.0);
    assert_eq!(forever, long);
    let fading = arm_years(1, 0.3);
    assert_ne!(forever[6], fading[6]);
}

#[test]
fn payback_never_within_the_horizon_is_a_value() {
    let s = parse(&variant(&[(
        "per_family = 1_000",
        "per_family = 1_000_000",
    )]));
    let run = run_mc(&s, 50, 1);
    assert!(
        run.iterations
            .iter()
            .all(|it| it.interventions[0].metrics.payback_year.is_none())
    );
    let options = prevsim::engine::RunOptions {
        iterations: 50,
        seed: 1,
        fixed: false,
    };
    let columns = prevsim::engine::run_columns(&s, options, 0..50, &|| {});
    let r = report::summarise(&s, &columns, options);
    let json = serde_json::to_value(&r).unwrap();
    let payback = &json["interventions"]["programme"]["payback"];
    assert_eq!(payback["p50"], "never");
    assert_eq!(payback["never"], 1.0);
    let agencies = &json["interventions"]["programme"]["agencies"];
    assert!(agencies["council"]["prob_saves"].as_f64().unwrap() < 0.5);
    assert!(agencies["health"]["metrics"]["net_saving_pv"]["mean"].is_number());
}

/// (what, edits, line, field, words the message must contain)
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    usize,
    &'static str,
    &'static str,
);

const CASES: &[Case] = &[
    (
        "agency shares not summing to 1",
        &[(
            "barely_coping = [0.6, 0.2, 0.2]",
            "barely_coping = [0.6, 0.2, 0.1]",
        )],
        34,
        "agencies.barely_coping",
        "sum to 0.9",
    ),
    (
        "agency share list of the wrong length",
        &[(
            "care          = [1.0, 0.0, 0.0]",
            "care          = [1.0, 0.0]",
        )],
        37,
        "agencies.care",
        "one share per agency",
    ),
    (
        "agency share above 1",
        &[(
            "coping        = [0.5, 0.5, 0.0]",
            "coping        = [1.5, -0.5, 0.0]",
        )],
        35,
        "agencies.coping",
        "between 0 and 1",
    ),
    (
        "relative risk pushing a row out of [0, 1]",
        &[("up_relative_risk = 2.0", "up_relative_risk = 3.0")],
        46,
        "interventions[programme].programme.up_relative_risk",
        "moves up 0.4 x 3",
    ),
    (
        "uncertain relative risk whose maximum pushes a row out",
        &[(
            "up_relative_risk = 2.0",
            "up_relative_risk = { distribution = \"uniform\", min = 1, max = 2.6 }",
        )],
        46,
        "interventions[programme].programme.up_relative_risk",
        "at most 2.5",
    ),
    (
        "reach larger than the population",
        &[("families_per_year = 40", "families_per_year = 400")],
        44,
        "interventions[programme].programme.families_per_year",
        "hold only 100 families",
    ),
    (
        "unknown target state",
        &[(
            "target_states = [\"chaotic\"]",
            "target_states = [\"chaotik\"]",
        )],
        43,
        "interventions[programme].programme.target_states",
        "did you mean `chaotic`",
    ),
    (
        "both reach settings",
        &[(
            "families_per_year = 40",
            "families_per_year = 40\nshare_per_year = 0.1",
        )],
        44,
        "interventions[programme].programme.families_per_year",
        "not both",
    ),
    (
        "unknown funder",
        &[("funded_by = \"council\"", "funded_by = \"councl\"")],
        54,
        "interventions[programme].programme_cost.funded_by",
        "did you mean `council`",
    ),
    (
        "no funder although agencies are named",
        &[("funded_by = \"council\"", "")],
        40,
        "interventions[programme].programme_cost.funded_by",
        "say which pays",
    ),
    (
        "drop-off above 100%",
        &[("drop_off = 1.0", "drop_off = 1.5")],
        50,
        "interventions[programme].programme.drop_off",
        "between 0 and 1",
    ),
    (
        "care entry relative risk pushing a rate above 1",
        &[(
            "care_entry_relative_risk = 0.5",
            "care_entry_relative_risk = 20",
        )],
        48,
        "interventions[programme].programme.care_entry_relative_risk",
        "above 1",
    ),
    (
        "programme years beyond the horizon",
        &[("\nyears = 1", "\nyears = 5")],
        45,
        "interventions[programme].programme.years",
        "from 0 to 2",
    ),
    (
        "per-family reach in the cost as well as the programme",
        &[(
            "per_family = 1_000",
            "per_family = 1_000\nfamilies_per_year = 40",
        )],
        54,
        "interventions[programme].programme_cost.families_per_year",
        "actually reaches",
    ),
    (
        "typo in a programme key",
        &[("drop_off = 1.0", "drop_of = 1.0")],
        50,
        "interventions.programme.drop_of",
        "did you mean `drop_off`",
    ),
];

#[test]
fn invalid_programmes_and_agencies_are_refused_with_line_and_field() {
    for (what, edits, line, field, words) in CASES {
        let found = problems(edits);
        assert!(
            found
                .iter()
                .any(|p| p.line == *line && p.field == *field && p.message.contains(words)),
            "{what}: expected line {line}, field {field}, \"{words}\"; got {found:#?}"
        );
    }
}

/// With large populations (the shipped Greater Manchester programme, tens of thousands of
/// families a state, so the hypergeometric splits take their large-population paths) and every
/// parameter at its mean, the Monte Carlo mean of each figure agrees with the exact fixed-mode
/// value within 4 standard errors.
#[test]
fn large_population_programme_agrees_with_fixed_mode_within_4_standard_errors() {
    use prevsim::engine::{Expected, Sampled, run_iteration};
    let s = load(&shipped("gm-family-ladder.toml"));
    let means = s.params.means();
    let fixed = run_iteration(&s, means.clone(), &mut Expected);
    let runs: Vec<_> = (0..400)
        .map(|i| run_iteration(&s, means.clone(), &mut Sampled::new(23, i)))
        .collect();
    type Figure = fn(&prevsim::engine::IterationResult) -> f64;
    let figures: [(&str, Figure); 4] = [
        ("gross saving", |it| {
            it.interventions[0].metrics.gross_saving_pv
        }),
        ("chaotic families treated in year 9", |it| {
            it.interventions[0].years[9].families_treated[0]
        }),
        ("children in care in year 9", |it| {
            it.interventions[0].years[9].children_in_care
        }),
        ("coping families in year 5", |it| {
            it.interventions[0].years[5].families[2]
        }),
    ];
    for (what, f) in figures {
        let xs: Vec<f64> = runs.iter().map(f).collect();
        let (mean, se) = mean_se(&xs);
        let want = f(&fixed);
        assert!(
            (mean - want).abs() < 4.0 * se,
            "{what}: Monte Carlo {mean} vs fixed {want}, se {se}"
        );
    }
}
