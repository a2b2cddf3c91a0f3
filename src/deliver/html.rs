//! `report.html`: one self-contained file per result folder, from the `minijinja` template
//! `templates/report.html` (compiled in). Charts are inline SVG; there are no scripts, no
//! external fonts, images or styles, so the file opens offline and prints to A4.

use minijinja::Environment;
use minijinja::value::Serde;
use serde::Serialize;
use serde_json::json;

use super::claims::ClaimRow;
use super::register::Entry;
use super::source::Source;
use super::words;
use crate::money::{gbp, percent};

const TEMPLATE: &str = include_str!("../../templates/report.html");

/// Why the report could not be rendered (a template error: a bug, not bad input).
#[derive(Debug, thiserror::Error)]
#[error("cannot render report.html: {0}")]
pub struct HtmlError(#[from] minijinja::Error);

#[derive(Serialize)]
struct Row {
    name: String,
    net: String,
    net_range: String,
    chance: String,
    gross: String,
    programme: String,
    bcr: String,
    payback: String,
    /// Raw figures as summary.json has them, for tests and tools (data attributes).
    net_mean: String,
    prob: String,
}

#[derive(Serialize)]
struct Chart {
    title: String,
    svg: String,
}

#[derive(Serialize)]
struct AgencyRow {
    name: String,
    gross: String,
    programme: String,
    net: String,
    net_range: String,
    chance: String,
}

#[derive(Serialize)]
struct WhoPays {
    intervention: String,
    agencies: Vec<AgencyRow>,
}

#[derive(Serialize)]
struct PaybackRow {
    name: String,
    p5: String,
    p50: String,
    p95: String,
    never: String,
}

/// Chart titles for readers, by file stem.
fn chart_title(file: &str) -> String {
    let stem = file.trim_start_matches("chart-").trim_end_matches(".svg");
    match stem {
        "savings-distribution" => "How much it may save: the spread of net savings".into(),
        "probability-curve" => "The chance of saving at least each amount".into(),
        "savings-over-time" => "Net saving year by year, and when it pays back".into(),
        "care-population" => "Children in care".into(),
        "family-ladder" => "Families on the ladder".into(),
        "who-pays" => "Who pays, who saves".into(),
        other => other.replace('-', " "),
    }
}

/// An SVG file made to fit the page: no XML prolog, width following the page.
fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    match body.find('>') {
        Some(end) => {
            let open = &body[..end];
            let mut attrs: Vec<&str> = open
                .split_whitespace()
                .filter(|a| !a.starts_with("width=") && !a.starts_with("height="))
                .collect();
            attrs.push("width=\"100%\" role=\"img\"");
            format!("{}{}", attrs.join(" "), &body[end..])
        }
        None => body.to_string(),
    }
}

fn range(s: Option<super::source::Stat>) -> String {
    s.map_or_else(String::new, |s| format!("{} to {}", gbp(s.p5), gbp(s.p95)))
}

/// The report's HTML.
///
/// # Errors
/// The template fails to render (a bug).
pub fn render(
    source: &Source,
    register: &[Entry],
    claims: &[ClaimRow],
    folder: &str,
) -> Result<String, HtmlError> {
    let d = &source.data;
    let fixed = d.fixed;
    let rows: Vec<Row> = source
        .interventions()
        .iter()
        .map(|name| {
            let m = |k: &str| source.metric(name, k);
            let net = m("net_saving_pv");
            let prob = source.prob_net_saving_positive(name).unwrap_or(f64::NAN);
            Row {
                name: name.clone(),
                net: net.map_or_else(|| "n/a".into(), |s| gbp(s.mean)),
                net_range: if fixed { String::new() } else { range(net) },
                chance: percent(prob),
                gross: m("gross_saving_pv").map_or_else(String::new, |s| gbp(s.mean)),
                programme: m("programme_cost_pv").map_or_else(String::new, |s| gbp(s.mean)),
                bcr: m("bcr").map_or_else(|| "n/a".into(), |s| format!("{:.2}", s.mean)),
                payback: words::payback_median(source, name),
                net_mean: net.map_or_else(String::new, |s| s.mean.to_string()),
                prob: prob.to_string(),
            }
        })
        .collect();
    // In the order of the story: how much, how sure, when, then why.
    const ORDER: [&str; 6] = [
        "savings-distribution",
        "probability-curve",
        "savings-over-time",
        "who-pays",
        "care-population",
        "family-ladder",
    ];
    let rank = |name: &str| {
        ORDER
            .iter()
            .position(|o| name.contains(o))
            .unwrap_or(ORDER.len())
    };
    let mut svgs: Vec<&(String, String)> = source.svgs.iter().collect();
    svgs.sort_by_key(|(name, _)| (rank(name), name.clone()));
    let charts: Vec<Chart> = svgs
        .into_iter()
        .map(|(name, svg)| Chart {
            title: chart_title(name),
            svg: inline_svg(svg),
        })
        .collect();
    let who_pays: Vec<WhoPays> = d
        .interventions
        .iter()
        .filter(|i| !i.agencies.is_empty())
        .map(|i| WhoPays {
            intervention: i.name.clone(),
            agencies: i
                .agencies
                .iter()
                .map(|a| AgencyRow {
                    name: a.name.clone(),
                    gross: gbp(a.gross_saving.mean),
                    programme: gbp(a.programme_cost.mean),
                    net: gbp(a.net_saving.mean),
                    net_range: if fixed {
                        String::new()
                    } else {
                        format!("{} to {}", gbp(a.net_saving.p5), gbp(a.net_saving.p95))
                    },
                    chance: percent(a.prob_saves),
                })
                .collect(),
        })
        .collect();
    let payback: Vec<PaybackRow> = d
        .interventions
        .iter()
        .filter_map(|i| {
            let p = i.payback?;
            let y =
                |v: Option<u32>| v.map_or_else(|| "never".into(), |y| format!("year {}", y + 1));
            Some(PaybackRow {
                name: i.name.clone(),
                p5: y(p.p5),
                p50: y(p.p50),
                p95: y(p.p95),
                never: percent(p.never),
            })
        })
        .collect();
    let sensitivity = source.sensitivity.as_ref().map(words::sensitivity_rows);
    let voi = source.voi.as_ref().map(words::voi_rows);
    let m = &source.manifest;
    // A precision run says where it stopped and why, as the console did.
    let precision = source
        .summary
        .get("precision")
        .and_then(|v| serde_json::from_value::<crate::precision::Record>(v.clone()).ok())
        .map(|r| r.stop());
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let html = env.get_template("report.html")?.render(Serde(json!({
        "title": d.display_name(),
        "scenario": &d.scenario,
        "description": &source.scenario.description,
        "headline": words::headline(source),
        "run_note": d.run_note(),
        "fixed": fixed,
        "years": d.years,
        "discount": &d.discount,
        "rows": rows,
        "charts": charts,
        "who_pays": who_pays,
        "payback": payback,
        "claims": claims.iter().map(|c| json!({
            "text": &c.text, "source": &c.source, "figure": &c.figure, "document": &c.document,
            "mean": words::figure(c.mean, c.money),
            "range": format!("{} to {}", words::figure(c.p5, c.money), words::figure(c.p95, c.money)),
            "probability": percent(c.probability), "required": &c.required, "verdict": &c.verdict,
        })).collect::<Vec<_>>(),
        "sensitivity": sensitivity,
        "voi": voi,
        "register": register,
        "version": &m.prevsim_version,
        "seed": m.seed,
        "iterations": m.iterations,
        "precision": precision,
        "sha256": &m.scenario_sha256,
        "created": &m.created_utc,
        "command": m.command_line.join(" "),
        "scenario_file": &m.scenario_file,
        "verify": format!("prevsim verify {folder}"),
    })))?;
    Ok(html)
}
