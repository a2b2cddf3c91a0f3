//! Post-processing benchmarks: what a run does after the engine, on 20,000 iterations of
//! benches/gm-sized.toml held as columns.
//!
//! - `post/summarise`: summary.json's figures (11 metrics, their percentile errors);
//! - `post/yearly_bands`: the 180 yearly bands (net and cumulative saving derived);
//! - `post/iterations_csv`: writing iterations.csv into memory;
//! - `post/encode_columns`: a shard's columns.bin;
//! - `post/workbook`: results.xlsx from the results in memory (its Iterations sheet: 20,000
//!   rows of 32 columns, written and deflated in pieces in parallel);
//! - `post/workbook_reference`: the same workbook made by rust_xlsxwriter alone (the sheet
//!   streamed through a temporary file, the archive deflated on one core), as before;
//! - `post/charts`: every chart of the run, PNG and SVG;
//! - `post/after_summaries`: all a run does after its summaries but writing the files: the
//!   manifest, the charts and the deliverables, in parallel where they can be
//!   (`pipeline::complete`), starting from the files `pipeline::produce_from` makes;
//! - `post/produce_from`: the summaries and the data files (summary.json, iterations.csv,
//!   yearly.csv, summary.md).

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use prevsim::charts::{self, ChartData};
use prevsim::deliver;
use prevsim::engine::{self, RunOptions};
use prevsim::export;
use prevsim::pipeline::{self, Invocation};
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
    g.bench_function("produce_from", |b| {
        b.iter_batched(
            || columns.clone(),
            |c| black_box(pipeline::produce_from(s.clone(), c, options).unwrap()),
            BatchSize::LargeInput,
        )
    });
    let produced = pipeline::produce_from(s.clone(), columns.clone(), options).unwrap();
    let folder = Path::new("output/gm-sized");
    let invocation = Invocation::default();
    g.bench_function("after_summaries", |b| {
        b.iter_batched(
            || produced.clone(),
            |mut p| {
                pipeline::complete(&mut p, None, options, folder, &invocation).unwrap();
                black_box(p)
            },
            BatchSize::LargeInput,
        )
    });
    let mut done = produced.clone();
    pipeline::complete(&mut done, None, options, folder, &invocation).unwrap();
    let net = vec![(
        s.interventions[0].name.clone(),
        columns.interventions[0]
            .metric(prevsim::vocab::Metric::NetSavingPv)
            .to_vec(),
    )];
    let data = ChartData::new(&produced.report, &produced.bands, net).unwrap();
    g.bench_function("charts", |b| {
        b.iter(|| black_box(charts::scenario_charts(&data, &charts::Style::default()).unwrap()))
    });
    let source = deliver::Source::of_run(&done.files, data.clone(), &s, &columns).unwrap();
    let entries = deliver::register::register(&source);
    let claims = deliver::claims::judge(&source);
    g.bench_function("workbook", |b| {
        b.iter(|| black_box(deliver::workbook::workbook(&source, &entries, &claims).unwrap()))
    });
    g.bench_function("workbook_reference", |b| {
        b.iter(|| {
            black_box(deliver::workbook::reference_workbook(&source, &entries, &claims).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
