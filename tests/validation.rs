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
        "invalid type: string \"two\", expected a whole number",
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
    (
        "negative families",
        "families = { chaotic = 100,",
        "families = { chaotic = -100,",
        11,
        "population.families.chaotic",
        "between 0 and 1000000000",
    ),
    (
        "more than 10^9 families",
        "families = { chaotic = 100,",
        "families = { chaotic = 2e9,",
        11,
        "population.families.chaotic",
        "between 0 and 1000000000",
    ),
    (
        "absurd children per family",
        "children_per_family = { chaotic = 2,",
        "children_per_family = { chaotic = 50,",
        12,
        "population.children_per_family.chaotic",
        "between 0 and 20",
    ),
    (
        "zero iterations",
        "iterations = 400",
        "iterations = 0",
        6,
        "run.iterations",
        "from 1 to 10000000",
    ),
    (
        "negative seed",
        "seed = 7",
        "seed = -7",
        7,
        "run.seed",
        "from 0",
    ),
    (
        "negative discount rate",
        "discount = 0.10",
        "discount = -0.1",
        8,
        "run.discount",
        "yearly rate from 0 to 1",
    ),
    (
        "discount rate above 1",
        "discount = 0.10",
        "discount = 3.5",
        8,
        "run.discount",
        "3.5% is 0.035",
    ),
    (
        "entry rate above 1",
        "entry_rate = { chaotic = 0.1,",
        "entry_rate = { chaotic = 1.1,",
        22,
        "care.entry_rate.chaotic",
        "between 0 and 1",
    ),
    (
        "true/false for a number",
        "cost = 50_000",
        "cost = true",
        24,
        "care.cost",
        "true/false",
    ),
    (
        "triangular mode outside",
        "cost = 50_000",
        "cost = { distribution = \"triangular\", min = 1, mode = 5, max = 3 }",
        24,
        "care.cost",
        "mode (5) must lie between",
    ),
    (
        "pert min above max",
        "cost = 50_000",
        "cost = { distribution = \"pert\", min = 9, mode = 5, max = 3 }",
        24,
        "care.cost",
        "min (9) must be less than max (3)",
    ),
    (
        "lognormal negative mean",
        "cost = 50_000",
        "cost = { distribution = \"lognormal\", mean = -5, sd = 1 }",
        24,
        "care.cost",
        "mean must be greater than 0",
    ),
    (
        "gamma negative shape",
        "cost = 50_000",
        "cost = { distribution = \"gamma\", shape = -2, scale = 1 }",
        24,
        "care.cost",
        "shape must be greater than 0",
    ),
    (
        "beta zero alpha",
        "exit_rate = 0.5",
        "exit_rate = { distribution = \"beta\", alpha = 0, beta = 2 }",
        23,
        "care.exit_rate",
        "alpha must be greater than 0",
    ),
    (
        "beta mean outside (0, 1)",
        "exit_rate = 0.5",
        "exit_rate = { distribution = \"beta\", mean = 1.2, sd = 0.1 }",
        23,
        "care.exit_rate",
        "mean must lie in (0, 1)",
    ),
    (
        "missing distribution parameter",
        "cost = 50_000",
        "cost = { distribution = \"uniform\", min = 1 }",
        24,
        "care.cost",
        "needs `max`",
    ),
    (
        "distribution name not text",
        "cost = 50_000",
        "cost = { distribution = 3, min = 1, max = 2 }",
        24,
        "care.cost",
        "name in quotes",
    ),
    (
        "source not text",
        "cost = 50_000",
        "cost = { value = 50_000, source = 3 }",
        24,
        "care.cost",
        "`source` must be text",
    ),
    (
        "table without value",
        "cost = 50_000",
        "cost = { source = \"assumption\" }",
        24,
        "care.cost",
        "needs `value`",
    ),
    (
        "row with a negative entry",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = [1.5, -0.5, 0.0, 0.0]",
        16,
        "transitions.chaotic",
        "entry 0 (1.5)",
    ),
    (
        "Dirichlet without concentration",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = { mean = [0.5, 0.5, 0.0, 0.0] }",
        16,
        "transitions.chaotic",
        "needs `concentration`",
    ),
    (
        "Dirichlet concentration zero",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = { mean = [0.5, 0.5, 0.0, 0.0], concentration = 0 }",
        16,
        "transitions.chaotic",
        "concentration must be",
    ),
    (
        "Dirichlet counts all zero",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = { counts = [0, 0, 0, 0] }",
        16,
        "transitions.chaotic",
        "counts sum to 0",
    ),
    (
        "row given twice",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = { value = [0.5, 0.5, 0.0, 0.0], counts = [1, 1, 0, 0] }",
        16,
        "transitions.chaotic",
        "exactly one of",
    ),
    (
        "row as text",
        "chaotic       = [0.5, 0.5, 0.0, 0.0]",
        "chaotic       = \"0.5, 0.5, 0, 0\"",
        16,
        "transitions.chaotic",
        "list of four probabilities",
    ),
    (
        "negative relative risk",
        "shift_up = { chaotic = 0.2 }",
        "shift_up = { chaotic = 0.2 }\ncare_entry_relative_risk = -1",
        34,
        "interventions[shift, divert and pay].care_entry_relative_risk",
        "at least 0",
    ),
    (
        "shift share above 1",
        "shift_up = { chaotic = 0.2 }",
        "shift_up = { chaotic = 1.2 }",
        33,
        "interventions[shift, divert and pay].shift_up.chaotic",
        "between 0 and 1",
    ),
    (
        "keep-out share above 1",
        "share = 0.2",
        "share = 20",
        32,
        "interventions[shift, divert and pay].keep_out_of_care.share",
        "between 0 and 1",
    ),
    (
        "negative programme years",
        "years = 1,",
        "years = -1,",
        34,
        "interventions[shift, divert and pay].programme_cost.years",
        "from 0 to 200",
    ),
    (
        "negative optimism bias",
        "optimism_bias = 0.5",
        "optimism_bias = -0.5",
        34,
        "interventions[shift, divert and pay].programme_cost.optimism_bias",
        "at least 0",
    ),
    (
        "misspelt section",
        "[unit_costs]",
        "[unit_cost]",
        26,
        "unit_cost",
        "did you mean `unit_costs`",
    ),
    (
        "misspelt programme key",
        "setup = 100_000",
        "set_up = 100_000",
        34,
        "interventions.programme_cost.set_up",
        "did you mean `setup`",
    ),
    (
        "empty intervention name",
        "name = \"shift, divert and pay\"",
        "name = \" \"",
        31,
        "interventions.name",
        "needs a name",
    ),
    (
        "missing required multiplier",
        "thriving_multiplier = 0.5\n",
        "",
        26,
        "unit_costs.thriving_multiplier",
        "missing field `thriving_multiplier`",
    ),
    (
        "fractional horizon",
        "years = 2",
        "years = 2.5",
        5,
        "run.years",
        "invalid type",
    ),
    // Found by tests/fuzz.rs: a key-less line once gave a problem with an empty field name.
    (
        "line with no key",
        "seed = 7",
        "= 7",
        7,
        "run",
        "unquoted keys cannot be empty",
    ),
    (
        "implausibly large cost",
        "cost = 50_000",
        "cost = 5e12",
        24,
        "care.cost",
        "implausibly large",
    ),
    (
        "intervention name not text",
        "name = \"shift, divert and pay\"",
        "name = 3",
        31,
        "interventions.name",
        "invalid type",
    ),
];

#[test]
fn each_kind_of_bad_input_names_line_field_and_fix() {
    assert!(
        CASES.len() >= 40,
        "the table covers at least 40 distinct bad scenarios"
    );
    let mut failures = Vec::new();
    for case in CASES {
        if let Err(e) = std::panic::catch_unwind(|| check_case(case)) {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

fn check_case(&(what, from, to, line, field, words): &(&str, &str, &str, usize, &str, &str)) {
    let found = problems(from, to);
    let p = found
        .iter()
        .find(|p| p.field == field)
        .unwrap_or_else(|| panic!("{what}: no problem for `{field}` in {found:#?}"));
    assert_eq!(p.line, line, "{what}: {p:?}");
    assert!(p.column >= 1);
    assert!(
        p.message.contains(words),
        "{what}: message `{}` lacks `{words}`",
        p.message
    );
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
    assert_eq!(s.interventions.len(), 2);
    assert!(s.interventions[0].programme.is_some());
    assert_eq!(s.agencies.names.len(), 5);
}
