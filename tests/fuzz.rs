//! A mutation fuzzer for the scenario loader and the engine (proptest, bounded, runs in CI).
//!
//! It takes the shipped and test scenarios, applies random edits of the kinds analysts make
//! (deleted or duplicated lines, a number replaced by text, NaN, a huge value, a stray bracket,
//! a truncated file), and checks that loading never panics, that every refusal points at a line
//! of the file, and that every accepted scenario runs, in fixed and Monte Carlo mode, to finite
//! figures. Inputs that once exposed a problem, or that reach an unusual error, are kept in
//! `tests/fuzz-corpus/` and replayed by `corpus_inputs_never_panic`. `grow_corpus` (ignored;
//! run with `cargo test --test fuzz -- --ignored`) adds new interesting inputs to it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use prevsim::engine::{self, RunOptions};
use prevsim::scenario::Scenario;

const TOKENS: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e400",
    "1e300",
    "2e9",
    "1e-320",
    "9999999999999999999",
    "\"x\"",
    "[]",
    "{}",
    "[1, 2]",
    "[0.25, 0.25, 0.25, 0.25]",
    "{ distribution = \"uniform\" }",
    "{ distribution = \"beta\", mean = 0.5, sd = 0.5 }",
    "{ distribution = \"lognormal\", mean = 1, sd = 1e9 }",
    "{ distribution = \"gamma\", shape = 1e-300, scale = 1 }",
    "{ mean = [1, 0, 0, 0], concentration = 1e-300 }",
    "{ counts = [1e300, 1e300, 0, 0] }",
    "true",
    "=",
    "[[interventions]]",
    "[run]",
    "\n",
    "é",
    "\"chaotic\"",
    "0.9999999999",
    "1",
    "200",
    "201",
];

fn seeds() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["scenarios", "tests/scenarios"] {
        for e in fs::read_dir(root.join(dir)).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "toml") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Replace the n-th number in the file by a token.
    ReplaceNumber(usize, usize),
    Insert(usize, usize),
    Truncate(usize),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, b)| Edit::ReplaceNumber(a, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, b)| Edit::Insert(a, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Byte ranges of the numbers in a text.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b"._eE-".contains(&b[i])) {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let n = lines.len().max(1);
    match *edit {
        Edit::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
            lines.join("\n")
        }
        Edit::DuplicateLine(i) => {
            if !lines.is_empty() {
                let l = lines[i % n];
                lines.insert(i % n, l);
            }
            lines.join("\n")
        }
        Edit::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
            lines.join("\n")
        }
        Edit::ReplaceNumber(k, t) => {
            let nums = numbers(text);
            if nums.is_empty() {
                return text.to_string();
            }
            let (s, e) = nums[k % nums.len()];
            format!("{}{}{}", &text[..s], TOKENS[t], &text[e..])
        }
        Edit::Insert(at, t) => {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            format!("{}{}{}", &text[..at], TOKENS[t], &text[at..])
        }
        Edit::Truncate(at) => {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text[..at].to_string()
        }
    }
}

/// What one input does: `Err(first problem's message)` or `Ok(())` after running it.
fn exercise(text: &str) -> Result<(), String> {
    let lines = text.lines().count() + 1;
    match Scenario::parse(text, Path::new("fuzz.toml")) {
        Err(e) => {
            assert!(!e.problems().is_empty(), "an error with no problem");
            for p in e.problems() {
                assert!(
                    p.line >= 1 && p.line <= lines,
                    "line {} of {lines}: {p:?}",
                    p.line
                );
                assert!(!p.message.is_empty() && !p.field.is_empty(), "{p:?}");
            }
            Err(e.problems()[0].message.clone())
        }
        Ok(mut s) => {
            s.years = s.years.min(30);
            let fixed = engine::run(
                &s,
                RunOptions {
                    iterations: 1,
                    seed: 1,
                    fixed: true,
                },
                &|| {},
            );
            let mc = engine::run(
                &s,
                RunOptions {
                    iterations: 2,
                    seed: 1,
                    fixed: false,
                },
                &|| {},
            );
            for it in fixed.iterations.iter().chain(&mc.iterations) {
                for out in &it.interventions {
                    for v in prevsim::vocab::Metric::ALL
                        .iter()
                        .filter_map(|m| out.metrics.get(*m))
                    {
                        assert!(
                            v.is_finite(),
                            "a non-finite figure from an accepted scenario"
                        );
                    }
                }
            }
            Ok(())
        }
    }
}

fn mutate(seed: usize, edits: &[Edit]) -> String {
    let all = seeds();
    let mut text = all[seed % all.len()].1.clone();
    for e in edits {
        text = apply(&text, e);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(seed in any::<usize>(), edits in prop::collection::vec(edit_strategy(), 1..4)) {
        let _ = exercise(&mutate(seed, &edits));
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus")
}

#[test]
fn corpus_inputs_never_panic() {
    let mut n = 0;
    for e in fs::read_dir(corpus_dir()).unwrap().flatten() {
        let text = fs::read_to_string(e.path()).unwrap_or_default();
        let _ = exercise(&text);
        n += 1;
    }
    assert!(n > 0, "the corpus is empty");
}

/// Adds inputs whose first error message is of a kind not yet in the corpus.
#[test]
#[ignore]
fn grow_corpus() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    // The kind of an error: its first three words without figures or names.
    let kind = |m: &str| {
        m.split_whitespace()
            .filter(|w| !w.contains(|c: char| c.is_ascii_digit() || c == '`' || c == '"'))
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut seen: BTreeSet<String> = fs::read_dir(corpus_dir())
        .unwrap()
        .flatten()
        .filter_map(|e| exercise(&fs::read_to_string(e.path()).ok()?).err())
        .map(|m| kind(&m))
        .collect();
    let mut runner = TestRunner::deterministic();
    let strategy = (any::<usize>(), prop::collection::vec(edit_strategy(), 1..4));
    for _ in 0..5_000 {
        let (seed, edits) = strategy.new_tree(&mut runner).unwrap().current();
        let text = mutate(seed, &edits);
        if let Err(m) = exercise(&text)
            && seen.insert(kind(&m))
        {
            let name = format!("{:03}.toml", seen.len());
            fs::write(corpus_dir().join(name), text).unwrap();
        }
    }
}
