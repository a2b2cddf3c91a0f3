//! Results as typed columns: what a run writes reads back into the same types and the same
//! bytes, the columns agree with the engine's iteration-by-iteration records, and folders
//! written before the columns still draw.

mod common;

use std::fs;

use prevsim::engine::{self, RunOptions};
use prevsim::export;
use prevsim::report::{self, BASELINE, read};
use prevsim::stats::quantile_sorted;
use prevsim::vocab::{Measure, Metric, State};

fn options(iterations: u64, seed: u64) -> RunOptions {
    RunOptions {
        iterations,
        seed,
        fixed: false,
    }
}

/// Every file a run writes from typed results reads back into the same types, and writing
/// those again gives the same bytes.
#[test]
fn summary_and_yearly_read_back_into_the_same_types_and_bytes() {
    for (name, fixed) in [("programme.toml", false), ("uncertain.toml", true)] {
        let s = common::load(&common::test_file(name));
        let o = RunOptions {
            fixed,
            ..options(120, 4)
        };
        let columns = engine::run_columns(&s, o, 0..o.iterations, &|| {});
        let summary = report::summarise(&s, &columns, o);
        let bands = report::yearly_bands(&s, &columns);
        let json = export::summary_json(&summary).unwrap();
        let back = read::summary(&json).unwrap();
        assert_eq!(back, summary, "{name}");
        assert_eq!(export::summary_json(&back).unwrap(), json);
        let csv = export::yearly_csv(&bands).unwrap();
        let rows = read::yearly(&csv).unwrap();
        assert_eq!(rows, bands, "{name}");
        assert_eq!(export::yearly_csv(&rows).unwrap(), csv);
        let iterations = export::iterations_csv(&s, &columns).unwrap();
        let net = read::metric_by_intervention(&iterations, Metric::NetSavingPv).unwrap();
        assert_eq!(net.len(), s.interventions.len());
        for ((n, values), k) in net.iter().zip(&columns.interventions) {
            let want = k.metric(Metric::NetSavingPv);
            assert_eq!(values.len(), want.len(), "{n}");
            for (a, b) in values.iter().zip(want) {
                assert_eq!(a.to_bits(), b.to_bits(), "{n}");
            }
        }
    }
}

/// Type-7 quantile of a plain sorted copy: the reference for the columns' bands.
fn reference_band(values: &[f64]) -> [f64; 6] {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |p| quantile_sorted(&sorted, p);
    [mean, q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)]
}

/// The bands of `yearly.csv`, computed from columns (net saving derived, cumulative as a
/// running sum, percentiles after one sort per column), equal a plain reference computed
/// from the engine's per-iteration records: the cumulative saving re-summed from year 0 each
/// year, every column sorted with `partial_cmp`.
#[test]
fn yearly_bands_from_columns_equal_a_record_by_record_reference() {
    let s = common::load(&common::test_file("programme.toml"));
    let o = options(150, 9);
    let columns = engine::run_columns(&s, o, 0..o.iterations, &|| {});
    let records = engine::run(&s, o, &|| {});
    let bands = report::yearly_bands(&s, &columns);
    let mut checked = 0;
    for b in &bands {
        let t = b.year as usize;
        let values: Vec<f64> = records
            .iterations
            .iter()
            .map(|it| {
                let (arm, out) = if b.arm == BASELINE {
                    (&it.baseline[t], None)
                } else {
                    let k = s
                        .interventions
                        .iter()
                        .position(|l| l.name == b.arm)
                        .unwrap();
                    (&it.interventions[k].years[t], Some(&it.interventions[k]))
                };
                let net = |u: usize| {
                    let o = out.unwrap();
                    o.years[u].saving_against(&it.baseline[u]) - o.programme_cost[u]
                };
                match b.measure {
                    Measure::ChildrenInCare => arm.children_in_care,
                    Measure::Families(st) => arm.families[st.index()],
                    Measure::Cost => arm.cost(),
                    Measure::FamiliesTreated => arm.treated(),
                    Measure::FamiliesReached => arm.families_reached,
                    Measure::ProgrammeCost => out.unwrap().programme_cost[t],
                    Measure::GrossSaving => arm.saving_against(&it.baseline[t]),
                    Measure::NetSaving => net(t),
                    Measure::CumulativeNetSaving => (0..=t).map(net).sum(),
                }
            })
            .collect();
        let got = [b.mean, b.p5, b.p25, b.p50, b.p75, b.p95];
        let want = reference_band(&values);
        for (g, w) in got.iter().zip(want) {
            assert_eq!(
                g.to_bits(),
                w.to_bits(),
                "{} {} year {}",
                b.arm,
                b.measure,
                b.year
            );
        }
        checked += 1;
    }
    // Baseline 6 measures and the intervention 12, every year.
    assert_eq!(checked, s.years as usize * 18);
    assert!(
        bands
            .iter()
            .any(|b| b.measure == Measure::Families(State::Thriving))
    );
}

/// Percentiles after the columns' one sort equal a plain sort's on random columns with many
/// ties (no NaN).
#[test]
fn percentiles_equal_a_sort_based_reference_on_random_columns() {
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    for n in [1usize, 2, 3, 7, 20, 101, 1000] {
        for ties in [2u64, 10, 1 << 30] {
            let values: Vec<f64> = (0..n).map(|_| (next() % ties) as f64 - 3.5).collect();
            let s = prevsim::stats::Summary::of(&values).unwrap();
            let want = reference_band(&values);
            assert_eq!([s.mean, s.p5, s.p25, s.p50, s.p75, s.p95], want, "n {n}");
        }
    }
}

/// A folder written by prevsim before results were held as columns (tests/fixtures, written
/// by commit c7c3589) still draws, and draws the same picture that version drew (with the
/// caption's plain words of issue 17: the only change, the fixture's SVG updated for it).
#[test]
fn plot_draws_a_folder_written_before_the_columns() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/written-before-columns");
    let out = tempfile::tempdir().unwrap();
    let work = out.path().join("programme");
    fs::create_dir_all(&work).unwrap();
    for f in [
        "summary.json",
        "iterations.csv",
        "yearly.csv",
        "scenario.toml",
    ] {
        fs::copy(fixture.join(f), work.join(f)).unwrap();
    }
    let result = common::prevsim(&["plot", work.to_str().unwrap()], None);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let drawn = fs::read(work.join("chart-savings-distribution.svg")).unwrap();
    let then = fs::read(fixture.join("chart-savings-distribution.svg")).unwrap();
    assert!(
        drawn == then,
        "the redrawn chart differs from the one written then"
    );
}

/// A summary.json that is not one (a field missing) is refused, naming the file and the field.
#[test]
fn plot_says_why_it_cannot_read_a_folder() {
    let out = tempfile::tempdir().unwrap();
    let s = common::test_file("tiny.toml");
    let run = common::prevsim(
        &[
            "run",
            s.to_str().unwrap(),
            "-n",
            "20",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(run.status.success());
    let folder = out.path().join("tiny");
    let text = fs::read_to_string(folder.join("summary.json")).unwrap();
    fs::write(
        folder.join("summary.json"),
        text.replace("\"prob_net_saving_positive\"", "\"renamed\""),
    )
    .unwrap();
    let plot = common::prevsim(&["plot", folder.to_str().unwrap()], None);
    assert!(!plot.status.success());
    let err = String::from_utf8_lossy(&plot.stderr);
    assert!(
        err.contains("summary.json") && err.contains("prob_net_saving_positive"),
        "{err}"
    );
}
