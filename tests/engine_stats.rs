//! Statistical checks of the engine, each with its tolerance stated.

mod common;

use common::*;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use prevsim::engine::{ArmInputs, Programme, Reach, Sampled, simulate, treated_row};
use prevsim::vocab::Metric;

/// The Monte Carlo mean of every metric lies within 4 standard errors of the fixed-mode value
/// on a scenario where expectation commutes with the model (tests/scenarios/linear.toml).
#[test]
fn monte_carlo_mean_is_within_4_standard_errors_of_fixed_mode() {
    let s = load(&test_file("linear.toml"));
    let fixed = run_fixed(&s).iterations[0].interventions[0].metrics.clone();
    let run = run_mc(&s, 2000, 17);
    for name in [
        Metric::BaselineCostPv,
        Metric::GrossSavingPv,
        Metric::NetSavingPv,
        Metric::GrossSavingYear0,
    ] {
        let xs: Vec<f64> = run
            .iterations
            .iter()
            .map(|it| it.interventions[0].metrics.get(name).unwrap())
            .collect();
        let (mean, se) = mean_se(&xs);
        let want = fixed.get(name).unwrap();
        assert!(
            (mean - want).abs() < 4.0 * se,
            "{name}: Monte Carlo mean {mean} vs fixed {want}, se {se}"
        );
    }
}

/// Common random numbers: the saving's spread is far below what independent arms would give.
#[test]
fn common_random_numbers_shrink_the_variance_of_the_saving() {
    let s = load(&test_file("linear.toml"));
    let run = run_mc(&s, 400, 2);
    let saving: Vec<f64> = run
        .iterations
        .iter()
        .map(|it| it.interventions[0].metrics.gross_saving_pv)
        .collect();
    // Independent arms: pair each baseline with another iteration's intervention arm.
    let n = run.iterations.len();
    let unpaired: Vec<f64> = (0..n)
        .map(|i| {
            let b = run.iterations[i].interventions[0].metrics.baseline_cost_pv;
            let other = &run.iterations[(i + 1) % n].interventions[0].metrics;
            b - (other.intervention_cost_pv - other.programme_cost_pv)
        })
        .collect();
    let (_, se_paired) = mean_se(&saving);
    let (_, se_unpaired) = mean_se(&unpaired);
    assert!(
        se_paired < se_unpaired / 3.0,
        "paired se {se_paired}, unpaired {se_unpaired}"
    );
}

fn small_arm() -> ArmInputs {
    ArmInputs {
        families: [30.0, 80.0, 120.0, 70.0],
        children_per_family: [2.0, 2.0, 1.0, 1.0],
        children_in_care: 20.0,
        transitions: [
            [0.60, 0.30, 0.08, 0.02],
            [0.10, 0.70, 0.15, 0.05],
            [0.02, 0.08, 0.80, 0.10],
            [0.00, 0.02, 0.18, 0.80],
        ],
        entry_rate: [0.08, 0.02, 0.005, 0.001],
        exit_rate: 0.35,
        unit_cost: [7000.0, 1000.0, 100.0, 50.0],
        care_cost: 80_000.0,
        keep_out_share: 0.0,
        home_cost: 0.0,
        shift_up: [0.0; 3],
        programme: None,
    }
}

/// What one replication reports: children in care and chaotic families in the last year, and
/// the total undiscounted cost.
type Outcome = (f64, f64, f64);

/// Reference: every family and every child drawn one by one.
fn individual_level(arm: &ArmInputs, years: u32, rng: &mut Xoshiro256PlusPlus) -> Outcome {
    let mut states: Vec<usize> = (0..4)
        .flat_map(|s| std::iter::repeat_n(s, arm.families[s] as usize))
        .collect();
    let mut in_care = arm.children_in_care as u64;
    let mut total = 0.0;
    let mut last = (0.0, 0.0);
    for _ in 0..years {
        let children: Vec<u64> = states
            .iter()
            .map(|&s| arm.children_per_family[s] as u64)
            .collect();
        let home: f64 = states
            .iter()
            .zip(&children)
            .map(|(&s, &k)| k as f64 * arm.unit_cost[s])
            .sum();
        total += home + in_care as f64 * arm.care_cost;
        last = (
            in_care as f64,
            states.iter().filter(|&&s| s == 0).count() as f64,
        );
        let exits = (0..in_care)
            .filter(|_| rng.random::<f64>() < arm.exit_rate)
            .count() as u64;
        let mut entries = 0;
        for (&s, &k) in states.iter().zip(&children) {
            entries += (0..k)
                .filter(|_| rng.random::<f64>() < arm.entry_rate[s])
                .count() as u64;
        }
        in_care = in_care - exits + entries;
        for s in states.iter_mut() {
            let u: f64 = rng.random();
            let row = arm.transitions[*s];
            let mut acc = 0.0;
            *s = 3;
            for (j, p) in row.iter().enumerate() {
                acc += p;
                if u < acc {
                    *s = j;
                    break;
                }
            }
        }
    }
    (last.0, last.1, total)
}

fn count_engine(arm: &ArmInputs, years: u32, iteration: u64) -> Outcome {
    let recs = simulate(arm, years, &mut Sampled::new(99, iteration));
    let last = recs.last().unwrap();
    (
        last.children_in_care,
        last.families[0],
        recs.iter().map(|r| r.cost()).sum(),
    )
}

/// Two-sample Kolmogorov-Smirnov statistic.
fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The count engine and a family-by-family simulation agree in distribution: a two-sample
/// Kolmogorov-Smirnov test at alpha = 0.001 on each of three outcomes (critical value
/// 1.949 x sqrt(2/n); conservative for these discrete outcomes).
#[test]
fn count_engine_agrees_in_distribution_with_individual_level_simulation() {
    let arm = small_arm();
    let (years, n) = (5, 1500);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    let reference: Vec<Outcome> = (0..n)
        .map(|_| individual_level(&arm, years, &mut rng))
        .collect();
    let counts: Vec<Outcome> = (0..n as u64)
        .map(|i| count_engine(&arm, years, i))
        .collect();
    let critical = 1.949 * (2.0 / n as f64).sqrt();
    let pick =
        |v: &[Outcome], k: usize| -> Vec<f64> { v.iter().map(|o| [o.0, o.1, o.2][k]).collect() };
    for (k, what) in ["children in care", "chaotic families", "total cost"]
        .iter()
        .enumerate()
    {
        let d = ks_statistic(&pick(&reference, k), &pick(&counts, k));
        assert!(d < critical, "{what}: KS D = {d}, critical {critical}");
    }
    // And the test has power: a different exit rate is detected.
    let mut other = arm.clone();
    other.exit_rate = 0.25;
    let shifted: Vec<Outcome> = (0..n as u64)
        .map(|i| count_engine(&other, years, i))
        .collect();
    assert!(ks_statistic(&pick(&reference, 0), &pick(&shifted, 0)) > critical);
}

/// A programme for chaotic families: 10 a year for three years, moves up 1.8x, down 0.5x, care
/// entry 0.5x, full effect for two years, then fading by half a year.
fn programme_arm() -> ArmInputs {
    ArmInputs {
        programme: Some(Programme {
            targets: [true, false, false, false],
            reach: Reach::Families(10.0),
            capacity: f64::INFINITY,
            years: 3,
            up_rr: 1.8,
            down_rr: 0.5,
            entry_rr: 0.5,
            effect_years: 2,
            drop_off: 0.5,
        }),
        ..small_arm()
    }
}

/// What a programme replication reports: children in care, chaotic families and reached
/// families still chaotic in the last year, and the total undiscounted cost.
type ProgrammeOutcome = [f64; 4];

/// Reference: every family drawn one by one, each reached family with its own cohort's rates.
fn individual_level_programme(
    arm: &ArmInputs,
    years: u32,
    rng: &mut Xoshiro256PlusPlus,
) -> ProgrammeOutcome {
    let p = arm.programme.as_ref().unwrap();
    let Reach::Families(reach) = p.reach else {
        unreachable!()
    };
    // (state, year reached)
    let mut families: Vec<(usize, Option<u32>)> = (0..4)
        .flat_map(|s| std::iter::repeat_n((s, None), arm.families[s] as usize))
        .collect();
    let mut in_care = arm.children_in_care as u64;
    let mut total = 0.0;
    let mut last = [0.0; 3];
    for year in 0..years {
        if year < p.years {
            let mut left = reach as usize;
            for f in families.iter_mut() {
                if left > 0 && f.1.is_none() && p.targets[f.0] {
                    f.1 = Some(year);
                    left -= 1;
                }
            }
        }
        let home: f64 = families
            .iter()
            .map(|&(s, _)| arm.children_per_family[s] * arm.unit_cost[s])
            .sum();
        total += home + in_care as f64 * arm.care_cost;
        last = [
            in_care as f64,
            families.iter().filter(|f| f.0 == 0).count() as f64,
            families
                .iter()
                .filter(|f| f.0 == 0 && f.1.is_some())
                .count() as f64,
        ];
        if year + 1 == years {
            break;
        }
        let exits = (0..in_care)
            .filter(|_| rng.random::<f64>() < arm.exit_rate)
            .count() as u64;
        let mut entries = 0;
        for f in families.iter_mut() {
            let strength = f.1.map_or(0.0, |c| p.strength(year - c));
            let entry = arm.entry_rate[f.0] * p.effective(p.entry_rr, strength);
            entries += (0..arm.children_per_family[f.0] as u64)
                .filter(|_| rng.random::<f64>() < entry)
                .count() as u64;
            let row = treated_row(
                &arm.transitions[f.0],
                f.0,
                p.effective(p.up_rr, strength),
                p.effective(p.down_rr, strength),
            );
            let u: f64 = rng.random();
            let mut acc = 0.0;
            let mut next = 3;
            for (j, q) in row.iter().enumerate() {
                acc += q;
                if u < acc {
                    next = j;
                    break;
                }
            }
            f.0 = next;
        }
        in_care = in_care - exits + entries;
    }
    [last[0], last[1], last[2], total]
}

fn count_engine_programme(arm: &ArmInputs, years: u32, iteration: u64) -> ProgrammeOutcome {
    let recs = simulate(arm, years, &mut Sampled::new(77, iteration));
    let last = recs.last().unwrap();
    [
        last.children_in_care,
        last.families[0],
        last.families_treated[0],
        recs.iter().map(|r| r.cost()).sum(),
    ]
}

/// With a programme (each cohort drawn with its own binomials, or one shared draw split when
/// every group has the same probability), the count
/// engine and a family-by-family simulation still agree in distribution: two-sample KS at
/// alpha = 0.001 on four outcomes (critical value 1.949 x sqrt(2/n)).
#[test]
fn programme_cohorts_agree_in_distribution_with_individual_level_simulation() {
    let arm = programme_arm();
    let (years, n) = (6, 1500);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let reference: Vec<ProgrammeOutcome> = (0..n)
        .map(|_| individual_level_programme(&arm, years, &mut rng))
        .collect();
    let counts: Vec<ProgrammeOutcome> = (0..n as u64)
        .map(|i| count_engine_programme(&arm, years, i))
        .collect();
    let critical = 1.949 * (2.0 / n as f64).sqrt();
    let pick = |v: &[ProgrammeOutcome], k: usize| -> Vec<f64> { v.iter().map(|o| o[k]).collect() };
    let outcomes = [
        "children in care",
        "chaotic families",
        "reached families still chaotic",
        "total cost",
    ];
    for (k, what) in outcomes.iter().enumerate() {
        let d = ks_statistic(&pick(&reference, k), &pick(&counts, k));
        assert!(d < critical, "{what}: KS D = {d}, critical {critical}");
    }
    // The test has power: a weaker effect on moving up is detected in the reached families.
    let mut weaker = arm.clone();
    if let Some(p) = weaker.programme.as_mut() {
        p.up_rr = 1.2;
    }
    let shifted: Vec<ProgrammeOutcome> = (0..n as u64)
        .map(|i| count_engine_programme(&weaker, years, i))
        .collect();
    assert!(ks_statistic(&pick(&reference, 2), &pick(&shifted, 2)) > critical);
}

fn arb_row() -> impl Strategy<Value = [f64; 4]> {
    prop::array::uniform4(0.0f64..1.0).prop_map(|w| {
        let total: f64 = w.iter().sum::<f64>().max(1e-9);
        let mut row = w.map(|x| x / total);
        row[3] = 1.0 - row[0] - row[1] - row[2];
        row.map(|x| x.max(0.0))
    })
}

fn arb_arm() -> impl Strategy<Value = ArmInputs> {
    (
        prop::array::uniform4(0u32..200_000),
        prop::array::uniform4(0.0f64..4.0),
        0u32..20_000,
        prop::array::uniform4(arb_row()),
        prop::array::uniform4(0.0f64..0.3),
        0.0f64..1.0,
        0.0f64..0.5,
        prop::array::uniform3(0.0f64..1.0),
    )
        .prop_map(|(f, m, c, rows, entry, exit, keep, shift)| ArmInputs {
            families: f.map(f64::from),
            children_per_family: m,
            children_in_care: f64::from(c),
            transitions: rows,
            entry_rate: entry,
            exit_rate: exit,
            unit_cost: [7000.0, 1000.0, 100.0, 50.0],
            care_cost: 85_000.0,
            keep_out_share: keep,
            home_cost: 0.0,
            shift_up: shift,
            programme: None,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Families are conserved exactly in every cycle, counts stay whole and non-negative.
    #[test]
    fn families_are_conserved_in_every_cycle(arm in arb_arm(), seed in any::<u64>(), years in 1u32..30) {
        let total: f64 = arm.families.iter().sum();
        let recs = simulate(&arm, years, &mut Sampled::new(seed, 0));
        prop_assert_eq!(recs.len(), years as usize);
        for r in &recs {
            prop_assert_eq!(r.families.iter().sum::<f64>(), total);
            prop_assert!(r.families.iter().all(|f| *f >= 0.0 && f.fract() == 0.0));
            prop_assert!(r.children_in_care >= 0.0 && r.children_in_care.fract() == 0.0);
        }
    }
}
