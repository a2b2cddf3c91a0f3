//! Bad input: each kind of error gives a clear message naming the line, the field and the fix.

mod common;

use std::path::Path;

use prevsim::scenario::{Problem, Scenario};

fn tiny() -> String {
    std::fs::read_to_string(common::test_file("tiny.toml")).unwrap()
}

/// The problems of tiny.toml with `from` replaced by `to` (which must occur once).
fn problems(from: &str, to: &str) -> Vec<Problem> {
    let text = tiny();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in tiny.toml"
    );
    let text = text.replacen(from, to, 1);
    match Scenario::parse(&text, Path::new("tiny.toml")) {
        Ok(_) => panic!("accepted a bad scenario: {from} -> {to}"),
        Err(e) => {
            let rendered = e.to_string();
            assert!(
                rendered.contains("tiny.toml:"),
                "message names the file: {rendered}"
            );
            e.problems().to_vec()
        }
    }
}

/// (what, from, to, line, field, words the message must contain)
const CASES: &[(&str, &str, &str, usize, &str, &str)] = &[
    (
        "typo in a key",
        "exit_rate = 0.5",
        "exit_rat = 0.5",
        23,
        "care.exit_rat",
        "did you mean `exit_rate`",
    ),
    (
        "wrong type",
        "years = 2",
        "years = \"two\"",
        5,
        "run.years",
        "invalid type",
    ),
    (
        "probability above 1",
        "exit_rate = 0.5",
        "exit_rate = 1.5",
        23,
        "care.exit_rate",
        "between 0 and 1",
    ),
    (
        "row not summing to 1",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = [0.5, 0.4, 0.0, 0.0]",
        16,
        "transitions.chaotic",
        "sums to 0.9",
    ),
    (
        "negative cost",
        "cost = 50_000",
        "cost = -50_000",
        24,
        "care.cost",
        "at least 0",
    ),
    (
        "NaN",
        "coping = 100",
        "coping = nan",
        27,
        "unit_costs.coping",
        "finite",
    ),
    (
        "infinite cost",
        "cost = 50_000",
        "cost = inf",
        24,
        "care.cost",
        "finite",
    ),
    (
        "min above max",
        "cost = 50_000",
        "cost = { distribution = \"uniform\", min = 100_000, max = 70_000 }",
        24,
        "care.cost",
        "min (100000) must be less than max (70000)",
    ),
    (
        "unknown distribution",
        "cost = 50_000",
        "cost = { distribution = \"unifrom\", min = 1, max = 2 }",
        24,
        "care.cost",
        "did you mean `uniform`",
    ),
    (
        "typo in a distribution key",
        "cost = 50_000",
        "cost = { distribution = \"uniform\", min = 1, maxx = 2 }",
        24,
        "care.cost",
        "did you mean `max`",
    ),
    (
        "impossible beta",
        "exit_rate = 0.5",
        "exit_rate = { distribution = \"beta\", mean = 0.5, sd = 0.6 }",
        23,
        "care.exit_rate",
        "beta distribution",
    ),
    (
        "sd not positive",
        "cost = 50_000",
        "cost = { distribution = \"normal\", mean = 80_000, sd = 0 }",
        24,
        "care.cost",
        "sd must be greater than 0",
    ),
    (
        "probability distribution above 1",
        "exit_rate = 0.5",
        "exit_rate = { distribution = \"uniform\", min = 0.5, max = 1.5 }",
        23,
        "care.exit_rate",
        "between 0 and 1",
    ),
    (
        "number in quotes",
        "cost = 50_000",
        "cost = \"50000\"",
        24,
        "care.cost",
        "without quotes",
    ),
    (
        "horizon too long",
        "years = 2",
        "years = 500",
        5,
        "run.years",
        "from 1 to 200",
    ),
    (
        "absurd population",
        "children_in_care = 10",
        "children_in_care = 5e12",
        13,
        "population.children_in_care",
        "between 0 and 1000000000",
    ),
    (
        "unknown state for home cost",
        "home_cost = \"barely_coping\"",
        "home_cost = \"barely_copin\"",
        32,
        "interventions[shift, divert and pay].keep_out_of_care.home_cost",
        "did you mean `barely_coping`",
    ),
    (
        "cannot shift up from thriving",
        "shift_up = { chaotic = 0.2 }",
        "shift_up = { thriving = 0.2 }",
        33,
        "interventions.shift_up.thriving",
        "unknown field `thriving`",
    ),
    (
        "row with three entries",
        "thriving      = [0.0, 0.0, 0.0, 1.0]",
        "thriving      = [0.0, 0.0, 1.0]",
        19,
        "transitions.thriving",
        "4 entries",
    ),
    (
        "bad discount",
        "discount = 0.10",
        "discount = \"greenbook\"",
        8,
        "run.discount",
        "green_book",
    ),
    (
        "duplicated key",
        "seed = 7",
        "seed = 7\nseed = 8",
        8,
        "run.seed",
        "duplicate key",
    ),
    (
        "broken TOML",
        "iterations = 400",
        "iterations = ",
        6,
        "run.iterations",
        "",
    ),
    (
        "bad scenario name",
        "name = \"tiny\"",
        "name = \"my scenario/1\"",
        2,
        "name",
        "folder name",
    ),
    (
        "missing section key",
        "exit_rate = 0.5\n",
        "",
        21,
        "care.exit_rate",
        "missing field `exit_rate`",
    ),
];

#[test]
fn each_kind_of_bad_input_names_line_field_and_fix() {
    for (what, from, to, line, field, words) in CASES {
        let found = problems(from, to);
        let p = found
            .iter()
            .find(|p| p.field == *field)
            .unwrap_or_else(|| panic!("{what}: no problem for `{field}` in {found:#?}"));
        assert_eq!(p.line, *line, "{what}: {p:?}");
        assert!(p.column >= 1);
        assert!(
            p.message.contains(words),
            "{what}: message `{}` lacks `{words}`",
            p.message
        );
    }
}

#[test]
fn several_problems_are_reported_together_in_file_order() {
    let text = tiny()
        .replacen("exit_rate = 0.5", "exit_rate = 1.5", 1)
        .replacen("cost = 50_000", "cost = -1", 1)
        .replacen("coping = 100", "coping = nan", 1);
    let err = Scenario::parse(&text, Path::new("tiny.toml")).unwrap_err();
    let lines: Vec<usize> = err.problems().iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![23, 24, 27]);
    assert!(err.to_string().contains("3 problems"));
}

#[test]
fn duplicate_intervention_names_are_refused() {
    let text = format!(
        "{}\n[[interventions]]\nname = \"shift, divert and pay\"\n",
        tiny()
    );
    let err = Scenario::parse(&text, Path::new("tiny.toml")).unwrap_err();
    assert!(
        err.problems()[0]
            .message
            .contains("two interventions are called")
    );
}

#[test]
fn arbitrary_text_never_panics() {
    // A quick sweep: every prefix of a valid file is either valid or refused with problems.
    let text = tiny();
    for cut in (0..text.len()).step_by(7) {
        if let Some(prefix) = text.get(..cut)
            && let Err(e) = Scenario::parse(prefix, Path::new("cut.toml"))
        {
            assert!(!e.problems().is_empty());
        }
    }
}

#[test]
fn the_readme_example_scenario_is_valid() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("```toml\n").expect("README has a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let s = Scenario::parse(&readme[start..end], Path::new("README.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "gm-family-ladder");
    assert_eq!(s.interventions.len(), 1);
}
