//! Engine benchmarks on a Greater Manchester-sized scenario (benches/gm-sized.toml).
//!
//! - `run/gm_2000`: 2,000 iterations of both arms on all threads;
//! - `run/gm_2000_one_thread`: the same on one thread (parallel speed-up);
//! - `run/families_1e4`, `run/families_1e7`: cost independent of population size;
//! - `run/gm_programme_2000`: the shipped `scenarios/gm-family-ladder.toml` (a three-year
//!   programme, so four groups of families, each drawn with its own binomials; five agencies), against
//!   `run/gm_2000`: what a targeted programme costs per iteration;
//! - `floor/binomial_draws_of_one_iteration`: the binomial draws one iteration makes, drawn from
//!   one generator with no engine around them: the floor an iteration cannot beat.
//!
//! Compare `run/gm_2000 / 2000` with the floor per iteration, and with the numpy peer (a
//! vectorised re-implementation kept outside this repository; see the README's Performance).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use prevsim::rng::Stream;
use rand::SeedableRng;
use rand_distr::{Binomial, Distribution};

use prevsim::engine::binomial::binomial;
use prevsim::engine::{self, ArmInputs, Draws, RunOptions, Sampled};
use prevsim::rng::Event;
use prevsim::scenario::Scenario;

const ITERATIONS: u64 = 2000;

fn scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gm-sized.toml");
    Scenario::load(&path).expect("bench scenario is valid")
}

fn scaled(total_families: f64) -> Scenario {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gm-sized.toml"),
    )
    .unwrap();
    let k = total_families / 350_000.0;
    let families = format!(
        "families = {{ chaotic = {}, barely_coping = {}, coping = {}, thriving = {} }}",
        (10_500.0 * k).round(),
        (42_000.0 * k).round(),
        (122_500.0 * k).round(),
        (175_000.0 * k).round()
    );
    let text = text.replace(
        "families = { chaotic = 10_500, barely_coping = 42_000, coping = 122_500, thriving = 175_000 }",
        &families,
    );
    Scenario::parse(&text, Path::new("scaled.toml")).expect("scaled scenario is valid")
}

fn options(iterations: u64) -> RunOptions {
    RunOptions {
        iterations,
        seed: 1,
        fixed: false,
    }
}

/// Records every binomial an iteration asks for (as the engine would draw it).
struct Recorder(Vec<(f64, f64)>, Sampled);

impl Draws for Recorder {
    fn binomial(&mut self, n: f64, p: f64, year: u32, event: Event) -> f64 {
        if n > 0.0 && p > 0.0 && p < 1.0 {
            self.0.push((n, p));
        }
        self.1.binomial(n, p, year, event)
    }

    fn count(&mut self, x: f64, year: u32, event: Event) -> f64 {
        self.1.count(x, year, event)
    }

    fn apportion(&mut self, total: f64, weights: &[f64], out: &mut [f64], year: u32, event: Event) {
        self.1.apportion(total, weights, out, year, event)
    }

    fn whole(&self) -> bool {
        true
    }

    fn split(&mut self, k: f64, sizes: &[f64], year: u32, event: Event) -> Vec<f64> {
        self.1.split(k, sizes, year, event)
    }

    fn binomial_split(
        &mut self,
        n: f64,
        p: f64,
        sizes: &[f64],
        out: &mut [f64],
        year: u32,
        event: Event,
    ) -> f64 {
        if n > 0.0 && p > 0.0 && p < 1.0 {
            self.0.push((n, p));
        }
        self.1.binomial_split(n, p, sizes, out, year, event)
    }
}

fn bench(c: &mut Criterion) {
    let s = scenario();
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.bench_function("gm_2000", |b| {
        b.iter(|| black_box(engine::run(&s, options(ITERATIONS), &|| {})))
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    group.bench_function("gm_2000_one_thread", |b| {
        b.iter(|| one.install(|| black_box(engine::run(&s, options(ITERATIONS), &|| {}))))
    });
    for (label, families) in [("families_1e4", 1e4), ("families_1e7", 1e7)] {
        let scaled = scaled(families);
        group.bench_function(label, |b| {
            b.iter(|| black_box(engine::run(&scaled, options(ITERATIONS), &|| {})))
        });
    }
    let programme = Scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/gm-family-ladder.toml"),
    )
    .expect("shipped scenario is valid");
    group.bench_function("gm_programme_2000", |b| {
        b.iter(|| black_box(engine::run(&programme, options(ITERATIONS), &|| {})))
    });
    group.finish();

    // The draws one iteration makes (both arms), recorded once, then drawn bare.
    let mut stream = prevsim::rng::stream(1, 0, prevsim::rng::SETUP_YEAR, Event::Parameters);
    let values = s.params.draw(&mut stream);
    let mut recorder = Recorder(Vec::new(), Sampled::new(1, 0));
    let base = ArmInputs::baseline(&s.baseline, &values);
    let arm = ArmInputs::intervention(&base, &s.interventions[0], &values);
    engine::simulate(&base, s.years, &mut recorder);
    engine::simulate(&arm, s.years, &mut recorder);
    let draws = recorder.0;
    eprintln!("one iteration makes {} binomial draws", draws.len());
    let mut floor = c.benchmark_group("floor");
    // One generator that keeps running across samples, so every sample draws new numbers (a
    // generator re-seeded per sample would replay identical branches and flatter the floor).
    let mut rng = Stream::seed_from_u64(5);
    floor.bench_function("binomial_draws_of_one_iteration", |b| {
        b.iter(|| {
            let mut total = 0u64;
            for &(n, p) in &draws {
                total += binomial(n as u64, p, &mut rng);
            }
            black_box(total)
        })
    });
    let mut rng = Stream::seed_from_u64(6);
    floor.bench_function("same_draws_with_rand_distr_btpe", |b| {
        b.iter(|| {
            let mut total = 0u64;
            for &(n, p) in &draws {
                total += Binomial::new(n as u64, p).unwrap().sample(&mut rng);
            }
            black_box(total)
        })
    });
    let mut sample = 0u64;
    floor.bench_function("same_draws_each_from_a_fresh_stream", |b| {
        b.iter(|| {
            sample += 1;
            let mut total = 0u64;
            for (k, &(n, p)) in draws.iter().enumerate() {
                let mut rng = prevsim::rng::stream(5, sample, k as u32, Event::CareExit);
                total += binomial(n as u64, p, &mut rng);
            }
            black_box(total)
        })
    });
    floor.bench_function("simulate_both_arms_of_one_iteration", |b| {
        let mut iteration = 0;
        b.iter(|| {
            iteration += 1;
            let mut draws = Sampled::new(1, iteration);
            let x = engine::simulate(&base, s.years, &mut draws);
            let y = engine::simulate(&arm, s.years, &mut draws);
            black_box((x, y))
        })
    });
    floor.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
