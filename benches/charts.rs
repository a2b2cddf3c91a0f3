//! Chart drawing benchmarks: every chart of a scenario with 100,000 iterations, two
//! interventions and ten years, PNG and SVG (`charts/all_100k`), and the histogram and
//! probability-curve computations alone (`charts/numbers_100k`). Drawing is binned first, so
//! the cost hardly grows with iterations.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use prevsim::charts::compute::{Histogram, bin_count, probability_curve, value_range};
use prevsim::charts::data::{AgencyData, Band, ChartData, InterventionData, PaybackData};
use prevsim::charts::{Style, scenario_charts};
use prevsim::vocab::{Measure, State};

const ITERATIONS: usize = 100_000;
const YEARS: u32 = 10;

/// A deterministic spread of values around `centre`.
fn values(centre: f64, spread: f64) -> Vec<f64> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..ITERATIONS)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            centre + spread * (u - 0.5)
        })
        .collect()
}

fn band(m: f64, s: f64) -> Band {
    Band {
        mean: m,
        p5: m - 2.0 * s,
        p25: m - s,
        p50: m,
        p75: m + s,
        p95: m + 2.0 * s,
    }
}

fn data() -> ChartData {
    let names = ["intensive family programme", "light-touch programme"];
    let mut yearly = BTreeMap::new();
    let mut arms = vec!["baseline".to_string()];
    arms.extend(names.iter().map(|n| n.to_string()));
    for (a, arm) in arms.iter().enumerate() {
        let series = |f: &dyn Fn(f64) -> Band| (0..YEARS).map(|y| (y, f(f64::from(y)))).collect();
        let k = a as f64;
        yearly.insert(
            (arm.clone(), Measure::ChildrenInCare),
            series(&|y| band(5000.0 - 20.0 * k * y, 40.0)),
        );
        for (s, state) in State::ALL.into_iter().enumerate() {
            yearly.insert(
                (arm.clone(), Measure::Families(state)),
                series(&|y| band(10_000.0 * (s as f64 + 1.0) + 100.0 * k * y, 50.0)),
            );
        }
        if a > 0 {
            yearly.insert(
                (arm.clone(), Measure::NetSaving),
                series(&|y| band(-5e6 + 2e6 * y, 1e6)),
            );
            yearly.insert(
                (arm.clone(), Measure::CumulativeNetSaving),
                series(&|y| band(-5e6 * (y + 1.0) + 1e6 * y * (y + 1.0), 2e6)),
            );
        }
    }
    let interventions = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let v = values(80e6 / (k as f64 + 1.0), 90e6);
            InterventionData {
                name: name.to_string(),
                net_summary: band(80e6 / (k as f64 + 1.0), 20e6),
                prob_net_saving_positive: v.iter().filter(|x| **x > 0.0).count() as f64
                    / v.len() as f64,
                net_mean_se: 1e6,
                prob_se: 0.003,
                net_saving_pv: v,
                payback: Some(PaybackData {
                    p5: Some(3),
                    p50: Some(5),
                    p95: None,
                    never: 0.07,
                }),
                agencies: ["children's services", "health", "police", "DWP", "schools"]
                    .iter()
                    .enumerate()
                    .map(|(a, agency)| AgencyData {
                        name: agency.to_string(),
                        gross_saving: band(30e6 / (a as f64 + 1.0), 5e6),
                        programme_cost: band(if a == 0 { 25e6 } else { 0.0 }, 0.0),
                        net_saving: band(
                            30e6 / (a as f64 + 1.0) - if a == 0 { 25e6 } else { 0.0 },
                            5e6,
                        ),
                        prob_saves: 0.9,
                    })
                    .collect(),
            }
        })
        .collect();
    ChartData {
        scenario: "bench".to_string(),
        title: Some("Charts benchmark: 100,000 iterations".to_string()),
        seed: 1,
        iterations: ITERATIONS as u64,
        fixed: false,
        years: YEARS,
        discount: "Green Book".to_string(),
        interventions,
        yearly,
    }
}

fn charts(c: &mut Criterion) {
    let data = data();
    let style = Style::default();
    let mut group = c.benchmark_group("charts");
    group.sample_size(10);
    group.bench_function("all_100k", |b| {
        b.iter(|| scenario_charts(black_box(&data), &style).unwrap())
    });
    group.bench_function("numbers_100k", |b| {
        b.iter(|| {
            let v = &data.interventions[0].net_saving_pv;
            let (lo, hi) = value_range([v.as_slice()]);
            let h = Histogram::of(black_box(v), lo, hi, bin_count(v.len()));
            let curve = probability_curve(black_box(v), lo, hi, 600);
            (h, curve)
        })
    });
    group.finish();
}

criterion_group!(benches, charts);
criterion_main!(benches);
