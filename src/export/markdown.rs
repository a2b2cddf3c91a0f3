//! `summary.md`: tables a person can paste into a report.

use std::fmt::Write;

use crate::money::{gbp, percent, ratio};
use crate::report::Report;
use crate::scenario::Scenario;

/// Rows of the table: label, metric name, whether it is money.
const ROWS: [(&str, &str, bool); 10] = [
    (
        "Gross saving, first year (undiscounted)",
        "gross_saving_year0",
        true,
    ),
    ("Gross saving (present value)", "gross_saving_pv", true),
    ("Programme cost (present value)", "programme_cost_pv", true),
    ("Net saving (present value)", "net_saving_pv", true),
    (
        "Gross saving (undiscounted)",
        "gross_saving_undiscounted",
        true,
    ),
    ("Net saving (undiscounted)", "net_saving_undiscounted", true),
    ("Baseline cost (present value)", "baseline_cost_pv", true),
    (
        "Intervention cost incl. programme (present value)",
        "intervention_cost_pv",
        true,
    ),
    ("Benefit-cost ratio", "bcr", false),
    ("Return on investment", "roi", false),
];

/// The report tables, one per intervention.
pub fn summary_md(scenario: &Scenario, report: &Report) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", scenario.display_name());
    if let Some(d) = &scenario.description {
        let _ = writeln!(md, "{}\n", d.trim());
    }
    let mode = if report.fixed {
        "Fixed base case: every parameter at its mean, expected counts.".to_string()
    } else {
        format!(
            "{} Monte Carlo iterations, seed {}.",
            report.iterations, report.seed
        )
    };
    let _ = writeln!(
        md,
        "{mode} Horizon {} year{}; discounting: {}.\n",
        report.years,
        if report.years == 1 { "" } else { "s" },
        report.discount
    );
    for (name, s) in &report.interventions.0 {
        let _ = writeln!(md, "## {name}\n");
        if !report.fixed {
            let _ = writeln!(
                md,
                "Probability the net saving is positive: **{}**\n",
                percent(s.prob_net_saving_positive)
            );
        }
        let _ = writeln!(
            md,
            "| Figure | Mean | P5 | Median | P95 |\n|---|---:|---:|---:|---:|"
        );
        for (label, metric, money) in ROWS {
            let Some(m) = s.metrics.get(metric) else {
                continue;
            };
            let f = |x: f64| if money { gbp(x) } else { ratio(x) };
            let _ = writeln!(
                md,
                "| {label} | {} | {} | {} | {} |",
                f(m.mean),
                f(m.p5),
                f(m.p50),
                f(m.p95)
            );
        }
        md.push('\n');
        let p = &s.payback;
        if report.fixed {
            let _ = writeln!(
                md,
                "Payback (cumulative net saving above zero, undiscounted): {}.\n",
                p.p50
            );
        } else {
            let _ = writeln!(
                md,
                "Payback (cumulative net saving above zero, undiscounted): median {}, 90% range {} to {}; never within the horizon in {} of iterations.\n",
                p.p50,
                p.p5,
                p.p95,
                percent(p.never)
            );
        }
        if let Some(agencies) = &s.agencies {
            let _ = writeln!(
                md,
                "### Who pays, who benefits (present values, means)\n\n| Agency | Gross saving | Programme cost paid | Net saving | P(agency saves) |\n|---|---:|---:|---:|---:|"
            );
            for (agency, a) in &agencies.0 {
                let mean = |k: &str| a.metrics.get(k).map_or(0.0, |m| m.mean);
                let _ = writeln!(
                    md,
                    "| {agency} | {} | {} | {} | {} |",
                    gbp(mean("gross_saving_pv")),
                    gbp(mean("programme_cost_pv")),
                    gbp(mean("net_saving_pv")),
                    if report.fixed {
                        if mean("net_saving_pv") > 0.0 {
                            "yes"
                        } else {
                            "no"
                        }
                        .to_string()
                    } else {
                        percent(a.prob_saves)
                    }
                );
            }
            md.push('\n');
        }
    }
    md
}
