//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use prevsim::engine::{self, RunOptions, RunResult};
use prevsim::scenario::Scenario;

/// A test scenario file in tests/scenarios/.
pub fn test_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// A shipped scenario file in scenarios/.
pub fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

pub fn load(path: &Path) -> Scenario {
    Scenario::load(path).unwrap_or_else(|e| panic!("{e}"))
}

pub fn run_fixed(s: &Scenario) -> RunResult {
    engine::run(
        s,
        RunOptions {
            iterations: 1,
            seed: 0,
            fixed: true,
        },
        &|| {},
    )
}

pub fn run_mc(s: &Scenario, iterations: u64, seed: u64) -> RunResult {
    engine::run(
        s,
        RunOptions {
            iterations,
            seed,
            fixed: false,
        },
        &|| {},
    )
}

/// Mean and standard error of the mean.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Runs the prevsim binary with these arguments, on `threads` rayon threads if given.
pub fn prevsim(args: &[&str], threads: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prevsim"));
    cmd.args(args);
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    cmd.output().expect("prevsim runs")
}
