//! `summary.md`: tables a person can paste into a report.

use std::fmt::Write;

use crate::money::{gbp, percent, ratio};
use crate::report::Report;
use crate::scenario::Scenario;
use crate::vocab::{AgencyMetric, Metric, Unit};

/// Rows of the table: label and metric.
const ROWS: [(&str, Metric); 10] = [
    (
        "Gross saving, first year (undiscounted)",
        Metric::GrossSavingYear0,
    ),
    ("Gross saving (present value)", Metric::GrossSavingPv),
    ("Programme cost (present value)", Metric::ProgrammeCostPv),
    ("Net saving (present value)", Metric::NetSavingPv),
    (
        "Gross saving (undiscounted)",
        Metric::GrossSavingUndiscounted,
    ),
    ("Net saving (undiscounted)", Metric::NetSavingUndiscounted),
    ("Baseline cost (present value)", Metric::BaselineCostPv),
    (
        "Intervention cost incl. programme (present value)",
        Metric::InterventionCostPv,
    ),
    ("Benefit-cost ratio", Metric::Bcr),
    ("Return on investment", Metric::Roi),
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
    if !report.fixed {
        let _ = writeln!(
            md,
            "Means are shown \u{b1} their Monte Carlo standard error (the error from running a finite number of iterations, not the uncertainty of the inputs).\n"
        );
        for w in crate::report::precision_warnings(report) {
            let _ = writeln!(md, "**Warning:** {w}.\n");
        }
    }
    for (name, s) in &report.interventions {
        let _ = writeln!(md, "## {name}\n");
        if !report.fixed {
            let _ = writeln!(
                md,
                "Probability the net saving is positive: **{}** (\u{b1} {:.1} points Monte Carlo error)\n",
                percent(s.prob_net_saving_positive),
                s.prob_net_saving_positive_se * 100.0
            );
        }
        // A fixed base case has one value per figure: one column, not four equal ones.
        let _ = if report.fixed {
            writeln!(md, "| Figure | Base case |\n|---|---:|")
        } else {
            writeln!(
                md,
                "| Figure | Mean | P5 | Median | P95 |\n|---|---:|---:|---:|---:|"
            )
        };
        for (label, metric) in ROWS {
            let Some(m) = s.metric(metric) else {
                continue;
            };
            let f = |x: f64| {
                if metric.unit() == Unit::Money {
                    gbp(x)
                } else {
                    ratio(x)
                }
            };
            let _ = if report.fixed {
                writeln!(md, "| {label} | {} |", f(m.mean))
            } else {
                writeln!(
                    md,
                    "| {label} | {} \u{b1} {} | {} | {} | {} |",
                    f(m.mean),
                    f(m.se),
                    f(m.p5),
                    f(m.p50),
                    f(m.p95)
                )
            };
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
                "### Who pays, who benefits (present values{})\n\n| Agency | Gross saving | Programme cost paid | Net saving | {} |\n|---|---:|---:|---:|---:|",
                if report.fixed { "" } else { ", means" },
                if report.fixed {
                    "Saves money"
                } else {
                    "P(agency saves)"
                }
            );
            for (agency, a) in agencies {
                let mean = |k| a.metric(k).map_or(0.0, |m| m.mean);
                let _ = writeln!(
                    md,
                    "| {agency} | {} | {} | {} | {} |",
                    gbp(mean(AgencyMetric::GrossSavingPv)),
                    gbp(mean(AgencyMetric::ProgrammeCostPv)),
                    gbp(mean(AgencyMetric::NetSavingPv)),
                    if report.fixed {
                        if mean(AgencyMetric::NetSavingPv) > 0.0 {
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
    options_md(&mut md, report);
    let converted = crate::scenario::converted_figures(scenario);
    if !converted.is_empty() {
        let _ = writeln!(md, "## Money figures as written\n");
        for line in converted {
            let _ = writeln!(md, "- {line}");
        }
        md.push('\n');
    }
    md
}

/// The options compared, for two or more interventions.
fn options_md(md: &mut String, report: &Report) {
    let (Some(pairs), Some(best)) = (&report.comparisons, &report.prob_best) else {
        return;
    };
    if report.fixed {
        // One value each: the difference, and which saves more; no chances.
        let _ = writeln!(
            md,
            "## Options compared\n\nDifference in net saving (present value), first minus second, fixed base case:\n\n| Options | Difference | First saves more |\n|---|---:|---:|"
        );
        for c in pairs {
            let d = c.difference_net_saving_pv.mean;
            let more = if d > 0.0 {
                "yes"
            } else if d < 0.0 {
                "no"
            } else {
                "equal"
            };
            let _ = writeln!(md, "| {} minus {} | {} | {more} |", c.a, c.b, gbp(d));
        }
        md.push('\n');
        return;
    }
    let _ = writeln!(
        md,
        "## Options compared\n\nDifference in net saving (present value), first minus second, iteration by iteration:\n\n| Options | Mean | P5 | P95 | P(first saves more) |\n|---|---:|---:|---:|---:|"
    );
    for c in pairs {
        let d = &c.difference_net_saving_pv;
        let _ = writeln!(
            md,
            "| {} minus {} | {} | {} | {} | {} |",
            c.a,
            c.b,
            gbp(d.mean),
            gbp(d.p5),
            gbp(d.p95),
            percent(c.prob_a_saves_more)
        );
    }
    let best: Vec<String> = best
        .iter()
        .map(|(name, p)| format!("{name} {}", percent(*p)))
        .collect();
    let _ = writeln!(
        md,
        "\nChance of saving the most (ties share the iteration): {}.\n",
        best.join(", ")
    );
}
