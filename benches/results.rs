//! Post-processing benchmarks: what a run does after the engine, on 20,000 iterations of
//! benches/gm-sized.toml held as columns.
//!
//! - `post/summarise`: summary.json's figures (11 metrics, their percentile errors);
//! - `post/yearly_bands`: the 180 yearly bands (net and cumulative saving derived);
//! - `post/iterations_csv`: writing iterations.csv into memory;
//! - `post/encode_columns`: a shard's columns.bin.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

use prevsim::engine::{self, RunOptions};
use prevsim::export;
use prevsim::report;
use prevsim::scenario::Scenario;

const ITERATIONS: u64 = 20_000;

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gm-sized.toml");
    let s = Scenario::load(&path).expect("bench scenario is valid");
    let options = RunOptions {
        iterations: ITERATIONS,
        seed: 1,
        fixed: false,
    };
    let columns = engine::run_columns(&s, options, 0..ITERATIONS, &|| {});
    let mut g = c.benchmark_group("post");
    g.sample_size(10);
    g.bench_function("summarise", |b| {
        b.iter(|| black_box(report::summarise(&s, &columns, options)))
    });
    g.bench_function("yearly_bands", |b| {
        b.iter(|| black_box(report::yearly_bands(&s, &columns)))
    });
    g.bench_function("iterations_csv", |b| {
        b.iter(|| black_box(export::iterations_csv(&s, &columns)))
    });
    g.bench_function("encode_columns", |b| b.iter(|| black_box(columns.encode())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
