//! `voi.json`, `voi.csv` and the console table of an [`Analysis`].

use serde::Serialize;

use super::numerics::{Estimate, SPLINE_KNOTS};
use super::{Analysis, Budget, Group, Single};
use crate::money::{gbp, percent};

/// Method names, as written in the files.
pub const BLOCKS: &str = "sort-and-block";
pub const SPLINE: &str = "cubic regression spline";
pub const GROUP: &str = "additive cubic spline with interactions";

/// The group whose EVPPI is the most worth spending on evaluating the programme's effect.
pub const EVALUATION_GROUP: &str = "programme effect";

/// What the evaluation figure means, and what it does not.
pub const EVALUATION_CAVEAT: &str = "The most it is worth spending on evaluating this programme's effect before rolling it out: the \
expected gain from knowing the effect exactly before deciding. It is an upper bound. A real \
evaluation learns the effect only partly (a trial of a few hundred families narrows it, it \
does not remove the doubt), takes time in which the programme's savings are deferred, and \
costs money itself; the figure is for this one decision, this population and this horizon, \
not for every council that might use the evidence later.";

fn share(x: f64, of: Option<f64>) -> Option<f64> {
    of.filter(|d| *d > 0.0).map(|d| x / d)
}

#[derive(Serialize)]
struct Evpi {
    value: f64,
    se: f64,
    share_of_programme_cost: Option<f64>,
}

#[derive(Serialize)]
struct CrossCheck {
    method: &'static str,
    value: f64,
    se: f64,
}

#[derive(Serialize)]
struct Entry {
    inputs: Vec<String>,
    name: String,
    kind: &'static str,
    value: f64,
    se: f64,
    method: &'static str,
    share_of_evpi: Option<f64>,
    share_of_programme_cost: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cross_check: Option<CrossCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    methods_disagree: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped_as_dependent: Option<Vec<String>>,
}

#[derive(Serialize)]
struct VarianceShare {
    input: String,
    share: f64,
}

#[derive(Serialize)]
struct Evaluation {
    group: &'static str,
    value: f64,
    se: f64,
    share_of_programme_cost: Option<f64>,
    meaning: &'static str,
}

#[derive(Serialize)]
struct AgencyJson {
    agency: String,
    expected_net_saving: Vec<f64>,
    evpi: Evpi,
    evppi: Vec<Entry>,
}

#[derive(Serialize)]
struct ProgrammeCost {
    intervention: String,
    mean_pv: f64,
}

#[derive(Serialize)]
struct Settings {
    blocks: usize,
    bootstrap_replicates: usize,
    spline_knots: usize,
    methods_disagree_when: &'static str,
}

#[derive(Serialize)]
struct VoiJson {
    scenario: String,
    title: Option<String>,
    iterations: usize,
    seed: u64,
    iterations_csv_sha256: String,
    valued_by: String,
    decision: Vec<String>,
    expected_net_saving: Vec<f64>,
    prob_best: Vec<f64>,
    adopt_on_current_evidence: String,
    programme_cost: Option<ProgrammeCost>,
    evpi: Evpi,
    evppi: Vec<Entry>,
    variance_share_of: String,
    variance_share: Vec<VarianceShare>,
    evaluation: Option<Evaluation>,
    constant_inputs: Vec<String>,
    agencies: Vec<AgencyJson>,
    settings: Settings,
}

fn evpi(b: &Budget, cost: Option<f64>) -> Evpi {
    Evpi {
        value: b.evpi.value,
        se: b.evpi.se,
        share_of_programme_cost: share(b.evpi.value, cost),
    }
}

fn single_entry(s: &Single, b: &Budget, cost: Option<f64>) -> Entry {
    Entry {
        inputs: vec![s.input.clone()],
        name: s.input.clone(),
        kind: "input",
        value: s.blocks.value,
        se: s.blocks.se,
        method: BLOCKS,
        share_of_evpi: share(s.blocks.value, Some(b.evpi.value)),
        share_of_programme_cost: share(s.blocks.value, cost),
        cross_check: s.spline.map(|spline| CrossCheck {
            method: SPLINE,
            value: spline.value,
            se: spline.se,
        }),
        methods_disagree: s.spline.map(|_| s.methods_disagree(b.evpi.value)),
        dropped_as_dependent: None,
    }
}

fn group_entry(g: &Group, b: &Budget, cost: Option<f64>) -> Entry {
    Entry {
        inputs: g.inputs.clone(),
        name: g.name.clone(),
        kind: "group",
        value: g.evppi.value,
        se: g.evppi.se,
        method: GROUP,
        share_of_evpi: share(g.evppi.value, Some(b.evpi.value)),
        share_of_programme_cost: share(g.evppi.value, cost),
        cross_check: None,
        methods_disagree: None,
        dropped_as_dependent: Some(g.dropped.clone()),
    }
}

fn entries(b: &Budget, cost: Option<f64>) -> Vec<Entry> {
    let mut out: Vec<Entry> = b.singles.iter().map(|s| single_entry(s, b, cost)).collect();
    out.extend(b.groups.iter().map(|g| group_entry(g, b, cost)));
    out
}

/// The evaluation figure: the EVPPI of the programme-effect group, if there is one.
pub fn evaluation(b: &Budget) -> Option<&Group> {
    b.groups
        .iter()
        .find(|g| g.built_in && g.name == EVALUATION_GROUP)
}

/// `voi.json`.
pub fn json(a: &Analysis) -> Vec<u8> {
    let cost = a.programme_cost;
    let file = VoiJson {
        scenario: a.scenario.clone(),
        title: a.title.clone(),
        iterations: a.iterations,
        seed: a.seed,
        iterations_csv_sha256: a.iterations_sha256.clone(),
        valued_by: valued_by(&a.main),
        decision: a.options.clone(),
        expected_net_saving: a.main.expected.clone(),
        prob_best: a.main.prob_best.clone(),
        adopt_on_current_evidence: a.options[a.main.adopt].clone(),
        programme_cost: cost.map(|c| ProgrammeCost {
            intervention: a.options[a.focus].clone(),
            mean_pv: c,
        }),
        evpi: evpi(&a.main, cost),
        evppi: entries(&a.main, cost),
        variance_share_of: format!(
            "net saving (PV) of {}, {}",
            a.options[a.focus],
            valued_by(&a.main)
        ),
        variance_share: a
            .main
            .singles
            .iter()
            .map(|s| VarianceShare {
                input: s.input.clone(),
                share: s.variance_share.unwrap_or(0.0),
            })
            .collect(),
        evaluation: evaluation(&a.main).map(|g| Evaluation {
            group: EVALUATION_GROUP,
            value: g.evppi.value,
            se: g.evppi.se,
            share_of_programme_cost: share(g.evppi.value, cost),
            meaning: EVALUATION_CAVEAT,
        }),
        constant_inputs: a.constant_inputs.clone(),
        agencies: a
            .agencies
            .iter()
            .map(|b| AgencyJson {
                agency: b.name.clone(),
                expected_net_saving: b.expected.clone(),
                evpi: evpi(b, cost),
                evppi: entries(b, cost),
            })
            .collect(),
        settings: Settings {
            blocks: a.blocks,
            bootstrap_replicates: a.replicates,
            spline_knots: SPLINE_KNOTS,
            methods_disagree_when: "the two single-input estimates differ by more than the sum of their standard errors and by more than 1% of the EVPI",
        },
    };
    let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
    out.push(b'\n');
    out
}

fn valued_by(b: &Budget) -> String {
    if b.name == "all agencies" {
        "net saving of all agencies together".to_string()
    } else {
        format!("net saving of {}", b.name)
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| format!("{v}"))
}

/// `voi.csv`: one row per budget and figure (EVPI, each input, each group).
pub fn csv(a: &Analysis) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "budget",
        "kind",
        "name",
        "inputs",
        "method",
        "value",
        "se",
        "share_of_evpi",
        "share_of_programme_cost",
        "variance_share",
        "cross_check_method",
        "cross_check_value",
        "cross_check_se",
        "methods_disagree",
    ]);
    let cost = a.programme_cost;
    for b in std::iter::once(&a.main).chain(&a.agencies) {
        let _ = w.write_record([
            b.name.clone(),
            "evpi".into(),
            "EVPI".into(),
            String::new(),
            "mean of the loss of the option best on average".into(),
            format!("{}", b.evpi.value),
            format!("{}", b.evpi.se),
            String::new(),
            opt(share(b.evpi.value, cost)),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for s in &b.singles {
            let _ = w.write_record([
                b.name.clone(),
                "input".into(),
                s.input.clone(),
                s.input.clone(),
                BLOCKS.into(),
                format!("{}", s.blocks.value),
                format!("{}", s.blocks.se),
                opt(share(s.blocks.value, Some(b.evpi.value))),
                opt(share(s.blocks.value, cost)),
                opt(s.variance_share),
                s.spline.map_or_else(String::new, |_| SPLINE.to_string()),
                opt(s.spline.map(|e| e.value)),
                opt(s.spline.map(|e| e.se)),
                s.spline.map_or_else(String::new, |_| {
                    s.methods_disagree(b.evpi.value).to_string()
                }),
            ]);
        }
        for g in &b.groups {
            let _ = w.write_record([
                b.name.clone(),
                "group".into(),
                g.name.clone(),
                g.inputs.join(";"),
                GROUP.into(),
                format!("{}", g.evppi.value),
                format!("{}", g.evppi.se),
                opt(share(g.evppi.value, Some(b.evpi.value))),
                opt(share(g.evppi.value, cost)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}

/// An input's name for people: the `interventions[NAME].` prefix dropped when the scenario has
/// one intervention.
pub fn short_name(input: &str, interventions: usize) -> String {
    if let Some(rest) = input.strip_prefix("interventions[")
        && let Some(pos) = rest.find("].")
    {
        let (iv, tail) = (&rest[..pos], &rest[pos + 2..]);
        return if interventions == 1 {
            tail.to_string()
        } else {
            format!("{iv}: {tail}")
        };
    }
    input.to_string()
}

/// A row of the ranking: label, estimate, single input or not, and that input's variance share.
pub struct Ranked {
    pub label: String,
    pub evppi: Estimate,
    pub group: bool,
    pub variance_share: Option<f64>,
    pub disagree: Option<Estimate>,
}

/// Every input and group of a budget, highest EVPPI first (ties by label).
pub fn ranking(a: &Analysis, b: &Budget) -> Vec<Ranked> {
    let k = a.options.len() - 1;
    let mut rows: Vec<Ranked> = b
        .groups
        .iter()
        .map(|g| Ranked {
            label: format!(
                "{} ({} input{})",
                g.name,
                g.inputs.len(),
                if g.inputs.len() == 1 { "" } else { "s" }
            ),
            evppi: g.evppi,
            group: true,
            variance_share: None,
            disagree: None,
        })
        .collect();
    rows.extend(b.singles.iter().map(|s| Ranked {
        label: short_name(&s.input, k),
        evppi: s.blocks,
        group: false,
        variance_share: s.variance_share,
        disagree: s.spline.filter(|_| s.methods_disagree(b.evpi.value)),
    }));
    rows.sort_by(|x, y| {
        y.evppi
            .value
            .total_cmp(&x.evppi.value)
            .then(x.label.cmp(&y.label))
    });
    rows
}

/// Rows shown at the console before the rest are summarised.
const SHOWN: usize = 12;

/// The console report.
pub fn console(a: &Analysis, folder: &std::path::Path) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let b = &a.main;
    let cost = a.programme_cost;
    let _ = writeln!(
        s,
        "Value of information: {} ({} iterations, seed {}) -> {}",
        a.title.as_deref().unwrap_or(&a.scenario),
        crate::charts::style::thousands(a.iterations as f64),
        a.seed,
        folder.display()
    );
    let _ = writeln!(s, "  valued by the {}, present value", valued_by(b));
    let options: Vec<String> = a
        .options
        .iter()
        .enumerate()
        .map(|(d, o)| {
            format!(
                "{o} ({}, best in {} of iterations)",
                gbp(b.expected[d]),
                percent(b.prob_best[d])
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "  decision: {}; on current evidence: {}",
        options.join(" or "),
        a.options[b.adopt]
    );
    let of_cost = |x: f64| {
        share(x, cost).map_or_else(String::new, |c| {
            format!(", {} of the programme's cost", percent(c))
        })
    };
    let _ = writeln!(
        s,
        "  EVPI (all uncertainty removed): {} (SE {}){}",
        gbp(b.evpi.value),
        gbp(b.evpi.se),
        of_cost(b.evpi.value)
    );
    if let Some(g) = evaluation(b) {
        let _ = writeln!(
            s,
            "  evaluating the programme's effect first is worth at most {} (SE {}){}: an upper bound (see voi.json, evaluation)",
            gbp(g.evppi.value),
            gbp(g.evppi.se),
            of_cost(g.evppi.value)
        );
    }
    if b.evpi.value == 0.0 {
        let _ = writeln!(
            s,
            "  one option is best in every iteration: no information could change the decision, so every EVPPI is 0"
        );
    }
    let rows = ranking(a, b);
    let width = rows
        .iter()
        .take(3.max(SHOWN))
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(10)
        .clamp(10, 60);
    let _ = writeln!(
        s,
        "\n  {:<width$}  {:>10}  {:>9}  {:>9}  {:>10}  {:>12}",
        "what is learnt", "EVPPI", "SE", "% of EVPI", "% of cost", "explains var"
    );
    // Rows worth under 0.5% of the EVPI are counted, not listed (the three largest always are).
    let listed = rows
        .iter()
        .enumerate()
        .take_while(|(i, r)| *i < 3 || r.evppi.value > 0.005 * b.evpi.value)
        .count()
        .min(SHOWN);
    for r in rows.iter().take(listed) {
        let label: String = r.label.chars().take(width).collect();
        let _ = write!(
            s,
            "  {label:<width$}  {:>10}  {:>9}  {:>9}  {:>10}  {:>12}",
            gbp(r.evppi.value),
            gbp(r.evppi.se),
            share(r.evppi.value, Some(b.evpi.value)).map_or("-".into(), percent),
            share(r.evppi.value, cost).map_or("-".into(), percent),
            r.variance_share.map_or(String::new(), percent),
        );
        if let Some(spl) = r.disagree {
            let _ = write!(
                s,
                "  (spline: {} SE {}: methods disagree)",
                gbp(spl.value),
                gbp(spl.se)
            );
        }
        s.push('\n');
    }
    if rows.len() > listed {
        let _ = writeln!(
            s,
            "  ... {} more inputs and groups, each worth less{} (all in voi.csv)",
            rows.len() - listed,
            if listed < SHOWN {
                " than 0.5% of the EVPI"
            } else {
                ""
            }
        );
    }
    let mut shares: Vec<(&str, f64)> = b
        .singles
        .iter()
        .filter_map(|x| x.variance_share.map(|v| (x.input.as_str(), v)))
        .collect();
    shares.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
    if !shares.is_empty() {
        let top: Vec<String> = shares
            .iter()
            .take(5)
            .map(|(n, v)| format!("{} {}", short_name(n, a.options.len() - 1), percent(*v)))
            .collect();
        let _ = writeln!(
            s,
            "  largest shares of the variance of the net saving of {}: {}",
            a.options[a.focus],
            top.join(", ")
        );
    }
    if !a.agencies.is_empty() {
        let _ = writeln!(
            s,
            "\n  per agency (each valuing the decision by its own net saving):"
        );
        for ag in &a.agencies {
            let eval = evaluation(ag).map_or(String::new(), |g| {
                format!("; programme effect {}", gbp(g.evppi.value))
            });
            let _ = writeln!(
                s,
                "    {}: EVPI {} (SE {}), would choose {}{eval}",
                ag.name,
                gbp(ag.evpi.value),
                gbp(ag.evpi.se),
                a.options[ag.adopt]
            );
        }
    }
    let _ = writeln!(
        s,
        "\n  EVPPI: sort-and-block ({} blocks), checked by a cubic regression spline; groups by an additive spline with interactions; SEs from {} bootstrap replicates. \"explains var\": the input's share of the variance of the net saving.",
        a.blocks, a.replicates
    );
    s
}
