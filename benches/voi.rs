//! Value-of-information benchmarks on the draws of the shipped GM scenario
//! (`scenarios/gm-family-ladder.toml`, 29 uncertain inputs, five agencies), as `prevsim voi`
//! computes them (all agencies together and each agency, 100 bootstrap replicates):
//! - `voi/singles_gm_10k`: every single-input EVPPI, sort-and-block and cubic spline, with SEs;
//! - `voi/group4_gm_10k` and `voi/group4_gm_100k`: one group of four inputs (the programme's
//!   relative risks and drop-off) with its bootstrap SE;
//! - `voi/whole_gm_10k`: the whole analysis (singles, the three built-in groups, EVPI).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use prevsim::pipeline::{self, Overrides};
use prevsim::scenario::Scenario;
use prevsim::voi::numerics::{self, Bootstrap};
use prevsim::voi::{self, Draws, Settings};

fn draws(iterations: u64) -> Draws {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/gm-family-ladder.toml");
    let scenario = Scenario::load(&path).expect("the shipped scenario loads");
    let options = pipeline::options_for(
        &scenario,
        Overrides {
            iterations: Some(iterations),
            seed: None,
            fixed: false,
        },
    );
    let produced = pipeline::produce(scenario, options, &|| {}).expect("the run succeeds");
    let file = |name: &str| {
        produced
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .expect("the run writes the file")
    };
    voi::load::from_bytes(
        &file("summary.json"),
        &file("iterations.csv"),
        Path::new("gm"),
    )
    .expect("the draws read back")
}

const BOOT: Bootstrap = Bootstrap {
    replicates: 100,
    seed: 2010,
};

const GROUP: [&str; 4] = [
    "up_relative_risk",
    "down_relative_risk",
    "care_entry_relative_risk",
    "drop_off",
];

fn group_columns(d: &Draws) -> Vec<&[f64]> {
    GROUP
        .iter()
        .map(|g| {
            d.inputs
                .iter()
                .find(|(n, _)| n.ends_with(g))
                .map(|(_, v)| v.as_slice())
                .expect("the GM scenario has the input")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("voi");
    g.sample_size(10);
    let d = draws(10_000);
    let problems = voi::problems(&d, None);
    g.bench_function("singles_gm_10k", |b| {
        b.iter(|| {
            use rayon::prelude::*;
            let out: Vec<_> = d
                .inputs
                .par_iter()
                .map(|(_, x)| {
                    (
                        numerics::blocks(x, &problems, numerics::default_blocks(x.len()), BOOT),
                        numerics::spline(x, &problems[..1], BOOT),
                    )
                })
                .collect();
            black_box(out)
        })
    });
    let cols = group_columns(&d);
    g.bench_function("group4_gm_10k", |b| {
        b.iter(|| black_box(numerics::group(&cols, &problems, BOOT)))
    });
    g.bench_function("whole_gm_10k", |b| {
        b.iter(|| black_box(voi::analyse(&d, &Settings::default()).expect("analyses")))
    });
    let d = draws(100_000);
    let problems = voi::problems(&d, None);
    let cols = group_columns(&d);
    g.bench_function("group4_gm_100k", |b| {
        b.iter(|| black_box(numerics::group(&cols, &problems, BOOT)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
