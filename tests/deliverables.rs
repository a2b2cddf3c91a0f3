//! The deliverables: report.html (in headless Chromium), results.xlsx (read back with calamine;
//! its fixed-mode sheet recalculated by LibreOffice), assumptions.csv, the scenario schema,
//! and byte-identical outputs at 1 and 2 threads.
//!
//! Tests that need Chromium or LibreOffice skip with a note when the tool is missing, and fail
//! when `PREVSIM_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs both).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{prevsim, shipped};
use serde_json::Value;

/// The path of a tool, or `None` (with a note) when it is missing and not required.
fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("PREVSIM_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "{name} is required (PREVSIM_REQUIRE_TOOLS=1) but not installed: apt-get install {name}"
        );
        eprintln!("note: {name} is not installed; skipping this test (.ci/run installs it)");
    }
    found
}

/// Runs shipped scenarios into `out` with few iterations; returns each scenario's folder.
fn run(out: &Path, names: &[&str], extra: &[&str]) -> Vec<PathBuf> {
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(names.iter().map(|n| shipped(n).display().to_string()));
    args.extend(["--out".to_string(), out.display().to_string()]);
    args.extend(extra.iter().map(|s| (*s).to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = prevsim(&refs, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    names
        .iter()
        .map(|n| out.join(n.trim_end_matches(".toml")))
        .collect()
}

fn summary(folder: &Path) -> Value {
    serde_json::from_slice(&fs::read(folder.join("summary.json")).unwrap()).unwrap()
}

fn chromium(args: &[String]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args);
    cmd.output().expect("chromium runs")
}

/// What a page did when Chromium opened it: console messages and requests it made that are
/// not for local files (Chromium's own background requests are told apart by their
/// initiator, "not an origin").
struct PageLoad {
    console: Vec<String>,
    requests: Vec<String>,
    screenshot: Vec<u8>,
}

fn open_page(page: &Path, height: u32) -> PageLoad {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("net.json");
    let shot = dir.path().join("shot.png");
    let o = chromium(&[
        format!("--log-net-log={}", net.display()),
        format!("--screenshot={}", shot.display()),
        format!("--window-size=1240,{height}"),
        format!("file://{}", page.display()),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let text = fs::read_to_string(&net).unwrap_or_default();
    let log: Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .unwrap_or_else(|e| panic!("net log unreadable: {e}"));
    let mut requests = Vec::new();
    for event in log["events"].as_array().into_iter().flatten() {
        let p = &event["params"];
        if let (Some(url), Some(initiator)) = (p["url"].as_str(), p["initiator"].as_str())
            && !url.starts_with("file:")
            && initiator != "not an origin"
        {
            requests.push(url.to_string());
        }
    }
    PageLoad {
        console,
        requests,
        screenshot: fs::read(&shot).unwrap_or_default(),
    }
}

/// Share of pixels that are not white, and the number of distinct colours.
fn ink(png_bytes: &[u8]) -> (f64, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let mut colours = std::collections::BTreeSet::new();
    let mut inked = 0usize;
    let n = pixels.len() / channels;
    for px in pixels.chunks(channels) {
        if px[..3].iter().any(|c| *c < 240) {
            inked += 1;
        }
        colours.insert((px[0] / 16, px[1] / 16, px[2] / 16));
    }
    (inked as f64 / n as f64, colours.len())
}

#[test]
fn report_opens_in_chromium_without_errors_or_requests_and_is_not_blank() {
    if tool("chromium").is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    // The check itself must see what it looks for: a page with a script error and an
    // external image is caught.
    let control = out.path().join("control.html");
    fs::write(
        &control,
        "<html><body><p>x</p><img src=\"http://example.invalid/a.png\"><script>console.error('boom')</script></body></html>",
    )
    .unwrap();
    let c = open_page(&control, 600);
    assert!(!c.console.is_empty(), "the console check sees nothing");
    assert!(
        c.requests.iter().any(|u| u.contains("example.invalid")),
        "the request check sees nothing: {:?}",
        c.requests
    );

    let folder = &run(out.path(), &["gm-family-ladder.toml"], &["-n", "200"])[0];
    let html = fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "the report needs no JavaScript");
    // The GM scenario names no owner or sign-off: no empty columns for them in the register.
    assert!(!html.contains("<th>Owner</th>") && !html.contains("<th>Signed off</th>"));
    let page = open_page(&folder.join("report.html"), 14_000);
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    assert!(page.requests.is_empty(), "requests: {:?}", page.requests);
    // A blank page inks nothing; the report inks a few percent of a 14,000-pixel-tall shot (the
    // share falls as the page gets shorter, e.g. 3.0% once the register lost its empty columns).
    let (share, colours) = ink(&page.screenshot);
    assert!(
        share > 0.015 && colours > 20,
        "the screenshot looks blank: {share:.3} of pixels inked, {colours} colours"
    );
    // The page's last section is drawn too (the screenshot is tall enough to reach it).
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("report.png");
    fs::write(&shot, &page.screenshot).unwrap();
}

#[test]
fn report_figures_equal_summary_json() {
    let out = tempfile::tempdir().unwrap();
    let folders = run(
        out.path(),
        &["gm-family-ladder.toml", "agma-keep-1pct-out-of-care.toml"],
        &["-n", "300"],
    );
    for folder in &folders {
        let s = summary(folder);
        let html = fs::read_to_string(folder.join("report.html")).unwrap();
        for (name, i) in s["interventions"].as_object().unwrap() {
            let net = i["metrics"]["net_saving_pv"]["mean"].as_f64().unwrap();
            let prob = i["prob_net_saving_positive"].as_f64().unwrap();
            let row = format!(
                "data-intervention=\"{name}\" data-net-saving-pv-mean=\"{net}\" data-prob-net-saving-positive=\"{prob}\""
            );
            assert!(html.contains(&row), "{}: no row {row}", folder.display());
            // The headline says the same figures in words.
            let years = s["years"].as_u64().unwrap();
            let words = format!(
                "saves {} net over {years} year{}",
                prevsim::money::gbp(net),
                if years == 1 { "" } else { "s" }
            );
            assert!(html.contains(&words), "headline lacks {words}");
            assert!(html.contains(&format!(
                "{} of iterations save money",
                prevsim::money::percent(prob)
            )));
        }
        // Every chart is inline, and nothing refers outside the file.
        let charts = fs::read_dir(folder)
            .unwrap()
            .filter(|e| {
                let n = e.as_ref().unwrap().file_name();
                let n = n.to_string_lossy();
                n.starts_with("chart-") && n.ends_with(".svg")
            })
            .count();
        assert_eq!(html.matches("<svg").count(), charts);
        for bad in ["src=\"http", "href=\"http", "@import", "url(http"] {
            assert!(!html.contains(bad), "{bad} in report.html");
        }
    }
}

fn cell_f64(d: &Data) -> Option<f64> {
    match d {
        Data::Float(x) => Some(*x),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

#[test]
fn workbook_reads_back_with_every_sheet_and_the_run_s_figures() {
    let out = tempfile::tempdir().unwrap();
    let folder = &run(out.path(), &["gm-family-ladder.toml"], &["-n", "200"])[0];
    let mut wb: Xlsx<_> = open_workbook(folder.join("results.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "Yearly",
            "Agencies",
            "Assumptions",
            "Claims",
            "Iterations",
            "Fixed mode (live)"
        ]
    );
    let s = summary(folder);
    let name = "family intervention programme";
    let metrics = &s["interventions"][name]["metrics"];
    // Summary: every metric's mean, P5 and P95 as in summary.json.
    let sheet = wb.worksheet_range("Summary").unwrap();
    let mut seen = 0;
    for row in sheet.rows() {
        if row.first().map(|d| d.to_string()) == Some(name.to_string()) {
            let metric = row[1].to_string();
            if let Some(m) = metrics.get(&metric).filter(|m| m.is_object()) {
                assert_eq!(cell_f64(&row[2]), m["mean"].as_f64(), "{metric} mean");
                assert_eq!(cell_f64(&row[4]), m["p5"].as_f64(), "{metric} p5");
                assert_eq!(cell_f64(&row[6]), m["p95"].as_f64(), "{metric} p95");
                seen += 1;
            }
        }
    }
    assert!(seen >= 10, "only {seen} metrics in the Summary sheet");
    // Iterations: every row of iterations.csv, the same numbers.
    let csv_text = fs::read_to_string(folder.join("iterations.csv")).unwrap();
    let mut csv_rows = csv::Reader::from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = csv_rows.records().map(Result::unwrap).collect();
    let sheet = wb.worksheet_range("Iterations").unwrap();
    assert_eq!(sheet.height(), records.len() + 1);
    for (r, rec) in records.iter().enumerate().step_by(37) {
        for (c, text) in rec.iter().enumerate() {
            if let Ok(x) = text.parse::<f64>() {
                assert_eq!(
                    cell_f64(sheet.get((r + 1, c)).unwrap()),
                    Some(x),
                    "row {r} col {c}"
                );
            }
        }
    }
    // Assumptions: as assumptions.csv.
    let reg = fs::read_to_string(folder.join("assumptions.csv")).unwrap();
    let sheet = wb.worksheet_range("Assumptions").unwrap();
    assert_eq!(sheet.height(), reg.lines().count());
    let first: Vec<String> = csv::Reader::from_reader(reg.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(sheet.get((1, 0)).unwrap().to_string(), first[0]);
    // Yearly: the net saving row equals yearly.csv's means, year by year.
    let yearly = fs::read_to_string(folder.join("yearly.csv")).unwrap();
    let mut net = BTreeMap::new();
    for rec in csv::Reader::from_reader(yearly.as_bytes()).records() {
        let rec = rec.unwrap();
        if &rec[1] == name && &rec[2] == "net_saving" {
            net.insert(
                rec[0].parse::<usize>().unwrap(),
                rec[3].parse::<f64>().unwrap(),
            );
        }
    }
    let sheet = wb.worksheet_range("Yearly").unwrap();
    let row = sheet
        .rows()
        .find(|r| {
            r[0] == Data::String(name.to_string()) && r[1] == Data::String("net saving".into())
        })
        .expect("a net saving row");
    for (t, v) in &net {
        assert_eq!(cell_f64(&row[2 + t]), Some(*v), "year {t}");
    }
    // Yearly, per agency: its rows equal summary.json's yearly means; discounted and summed
    // they give its net saving (present value) of summary.json, which the engine computes
    // iteration by iteration; and the agencies' gross savings add up to yearly.csv's.
    let mut gross = BTreeMap::new();
    for rec in csv::Reader::from_reader(yearly.as_bytes()).records() {
        let rec = rec.unwrap();
        if &rec[1] == name && &rec[2] == "gross_saving" {
            gross.insert(
                rec[0].parse::<usize>().unwrap(),
                rec[3].parse::<f64>().unwrap(),
            );
        }
    }
    let agencies = s["interventions"][name]["agencies"].as_object().unwrap();
    assert_eq!(agencies.len(), 5);
    let row_of = |label: &str| -> Vec<f64> {
        let row = sheet
            .rows()
            .find(|r| r[0] == Data::String(name.to_string()) && r[1] == Data::String(label.into()))
            .unwrap_or_else(|| panic!("no Yearly row \"{label}\""));
        row[2..].iter().map(|d| cell_f64(d).unwrap()).collect()
    };
    let mut gross_sum = vec![0.0; net.len()];
    for (agency, a) in agencies {
        let json = |field: &str| -> Vec<f64> {
            a["yearly"][field]
                .as_array()
                .unwrap_or_else(|| panic!("{agency}: no yearly {field}"))
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        for (label, field) in [
            ("baseline cost (services)", "baseline_cost"),
            ("intervention cost (services)", "intervention_cost"),
            ("gross saving", "gross_saving"),
            ("programme cost", "programme_cost"),
            ("net saving", "net_saving"),
        ] {
            assert_eq!(
                row_of(&format!("{agency}: {label}")),
                json(field),
                "{agency} {label}"
            );
        }
        let cumulative = row_of(&format!("{agency}: cumulative discounted net saving"));
        let pv = a["metrics"]["net_saving_pv"]["mean"].as_f64().unwrap();
        let last = *cumulative.last().unwrap();
        assert!(
            (last - pv).abs() <= 1e-9 * pv.abs().max(1.0),
            "{agency}: cumulative discounted net saving {last} against net_saving_pv {pv}"
        );
        for (t, g) in json("gross_saving").iter().enumerate() {
            gross_sum[t] += g;
        }
    }
    for (t, g) in &gross {
        assert!(
            (gross_sum[*t] - g).abs() <= 1e-9 * g.abs().max(1.0),
            "year {t}: agencies' gross savings {} against yearly.csv's {g}",
            gross_sum[*t]
        );
    }
    // In the scenario's order of agencies, as the Agencies sheet lists them.
    let yearly_order: Vec<String> = sheet
        .rows()
        .filter(|r| r[0] == Data::String(name.to_string()))
        .filter_map(|r| {
            r[1].to_string()
                .strip_suffix(": baseline cost (services)")
                .map(str::to_string)
        })
        .collect();
    // Agencies: one row per agency.
    let sheet = wb.worksheet_range("Agencies").unwrap();
    assert_eq!(sheet.height(), 1 + 5);
    let listed: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(yearly_order, listed);
    // The fixed-mode sheet holds formulas, with their results stored.
    let formulas = wb.worksheet_formula("Fixed mode (live)").unwrap();
    let sumproducts = formulas
        .rows()
        .flatten()
        .filter(|f| f.contains("SUMPRODUCT"))
        .count();
    assert_eq!(sumproducts, 2, "gross and programme PV formulas");
    let values = wb.worksheet_range("Fixed mode (live)").unwrap();
    let net_pv = values
        .rows()
        .find(|r| r[0] == Data::String("net saving, present value".into()))
        .and_then(|r| cell_f64(&r[1]));
    assert!(
        net_pv.is_some_and(|x| x != 0.0),
        "no cached result: {net_pv:?}"
    );
}

/// The results block of the fixed-mode sheet as LibreOffice computed it: (label, value) rows.
fn libreoffice_results(xlsx: &Path, dir: &Path) -> Vec<(String, String)> {
    let profile = dir.join("profile");
    fs::create_dir_all(profile.join("user")).unwrap();
    // Recalculate every formula on load (LibreOffice otherwise trusts stored results).
    fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        // Comma-separated, double quotes, UTF-8 (76), numbers in full (not as shown); first sheet.
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false",
            "--outdir",
        ])
        .arg(dir)
        .arg(xlsx)
        .output()
        .expect("soffice runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv_path = dir.join(xlsx.with_extension("csv").file_name().unwrap());
    let text = fs::read_to_string(&csv_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; soffice said {}",
            csv_path.display(),
            String::from_utf8_lossy(&o.stdout)
        )
    });
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .filter(|r| r.len() > 1)
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

#[test]
fn fixed_mode_formulas_recalculated_by_libreoffice_equal_run_fixed() {
    if tool("soffice").is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let names = [
        "gm-family-ladder.toml",
        "agma-keep-1pct-out-of-care.toml",
        "agma-keep-5pct-out-of-care.toml",
    ];
    let folders = run(out.path(), &names, &["--fixed"]);
    for folder in &folders {
        // The sheet alone, with no stored results: every number LibreOffice shows, it computed.
        let source = prevsim::deliver::Source::load(folder).unwrap();
        let bytes = prevsim::deliver::workbook::fixed_mode_workbook(&source, false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("fixed.xlsx");
        fs::write(&xlsx, bytes).unwrap();
        let rows = libreoffice_results(&xlsx, dir.path());
        let s = summary(folder);
        let mut checked = 0;
        let mut results = rows.iter().filter(|(label, _)| {
            [
                "gross saving, present value",
                "programme cost, present value",
                "net saving, present value",
                "benefit-cost",
                "payback year",
            ]
            .iter()
            .any(|p| label.starts_with(p))
        });
        for (name, i) in s["interventions"].as_object().unwrap() {
            let m = &i["metrics"];
            let mut next = |what: &str| {
                let (label, value) = results
                    .next()
                    .unwrap_or_else(|| panic!("{name}: no {what}"));
                assert!(label.starts_with(what), "{label} is not {what}");
                value.clone()
            };
            for (what, metric) in [
                ("gross saving, present value", "gross_saving_pv"),
                ("programme cost, present value", "programme_cost_pv"),
                ("net saving, present value", "net_saving_pv"),
            ] {
                let lo: f64 = next(what).parse().unwrap();
                let run = m[metric]["mean"].as_f64().unwrap();
                assert!((lo - run).abs() <= 1.0, "{name}: {what} {lo} against {run}");
            }
            let bcr = next("benefit-cost ratio");
            match m["bcr"]["mean"].as_f64() {
                Some(b) => assert!((bcr.parse::<f64>().unwrap() - b).abs() < 1e-6, "{bcr} {b}"),
                None => assert_eq!(bcr, "n/a"),
            }
            let payback = next("payback year");
            let expected = match &i["payback"]["p50"] {
                Value::Number(y) => (y.as_u64().unwrap() + 1).to_string(),
                _ => "never".to_string(),
            };
            assert_eq!(payback, expected, "{name}: payback");
            checked += 1;
        }
        assert!(checked > 0);
    }
}

/// A scenario file's TOML as JSON, dates as text (as editors see them).
fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn schema_validator() -> jsonschema::Validator {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/scenario.schema.json"),
    )
    .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn as_json(path: &Path) -> Value {
    toml_to_json(&toml::from_str(&fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn committed_schema_is_current() {
    let committed = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/scenario.schema.json"),
    )
    .unwrap();
    assert!(
        committed == prevsim::scenario::schema::scenario_schema(),
        "schema/scenario.schema.json is out of date: run `cargo run -- schema > schema/scenario.schema.json`"
    );
    let o = prevsim(&["schema"], None);
    assert_eq!(String::from_utf8_lossy(&o.stdout), committed);
}

#[test]
fn schema_accepts_every_shipped_scenario_and_refuses_an_unknown_field() {
    let v = schema_validator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let doc = as_json(&path);
            let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            n += 1;
        }
    }
    assert!(n >= 3);
    // A register-complete test scenario is accepted too.
    assert!(v.is_valid(&as_json(&common::test_file("register.toml"))));
    // An unknown key, at the top and inside a parameter, is refused.
    let mut doc = as_json(&shipped("gm-family-ladder.toml"));
    doc["care"]["costs"] = Value::from(1);
    assert!(!v.is_valid(&doc));
    let mut doc = as_json(&shipped("gm-family-ladder.toml"));
    doc["care"]["cost"]["sauce"] = Value::from("x");
    assert!(!v.is_valid(&doc));
}

#[test]
fn register_fields_reach_assumptions_csv_and_validate_warns() {
    let out = tempfile::tempdir().unwrap();
    let file = common::test_file("register.toml");
    let o = prevsim(
        &[
            "run",
            file.to_str().unwrap(),
            "-n",
            "100",
            "--out",
            out.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = fs::read_to_string(out.path().join("register/assumptions.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let cost = r
        .records()
        .map(Result::unwrap)
        .find(|rec| &rec[0] == "care.cost")
        .unwrap();
    assert_eq!(&cost[col("value")], "uniform (min 70000, max 100000)");
    assert_eq!(&cost[col("mean")], "85000");
    assert_eq!(&cost[col("evidence")], "administrative data");
    assert_eq!(&cost[col("price_year")], "2009");
    assert_eq!(&cost[col("owner")], "Head of finance, children's services");
    assert_eq!(&cost[col("signed_off_by")], "A. Director");
    assert_eq!(&cost[col("signed_off_date")], "2010-03-01");
    assert_eq!(&cost[col("review_by")], "2011-03-31");
    assert_eq!(&cost[col("unit")], "£ per child-year");
    let p5: f64 = cost[col("p5")].parse().unwrap();
    let p95: f64 = cost[col("p95")].parse().unwrap();
    assert!(70_000.0 < p5 && p5 < p95 && p95 < 100_000.0);
    // The report's register shows the columns this scenario fills, and names break at dots.
    let html = fs::read_to_string(out.path().join("register/report.html")).unwrap();
    for th in ["Evidence", "Owner", "Signed off", "Review by"] {
        assert!(html.contains(&format!("<th>{th}</th>")), "{th}");
    }
    assert!(html.contains("<code>care.<wbr>cost</code>"));
    // validate: the review date has passed; with --register, the unsourced uncertain input.
    let o = prevsim(&["validate", file.to_str().unwrap()], None);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`care.cost` was due for review by 2011-03-31"),
        "{err}"
    );
    assert!(!err.contains("has no `source`"), "{err}");
    let o = prevsim(&["validate", "--register", file.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`care.exit_rate` is uncertain but has no `source`"),
        "{err}"
    );
    assert!(!err.contains("`care.cost` is uncertain"), "{err}");
}

#[test]
fn report_and_workbook_are_byte_identical_at_one_and_two_threads() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for (dir, threads) in dirs.iter().zip(["1", "2"]) {
        let o = Command::new(env!("CARGO_BIN_EXE_prevsim"))
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args([
                "run",
                shipped("gm-family-ladder.toml").to_str().unwrap(),
                // The Iterations sheet in three pieces deflated apart (468 rows a piece).
                "-n",
                "1000",
                "--out",
                "out",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for file in [
        "report.html",
        "results.xlsx",
        "assumptions.csv",
        "manifest.json",
    ] {
        let read = |d: &tempfile::TempDir| {
            fs::read(d.path().join("out/gm-family-ladder").join(file)).unwrap()
        };
        assert!(
            read(&dirs[0]) == read(&dirs[1]),
            "{file} differs between 1 and 2 threads"
        );
    }
    let html = fs::read_to_string(dirs[0].path().join("out/gm-family-ladder/report.html")).unwrap();
    assert!(html.contains("2023-11-14T22:13:20Z"), "the manifest's time");
    // A run makes its deliverables from its results in memory; `prevsim report` reads the
    // written files back (iterations.csv parsed): the same bytes.
    // (From the run's folder, so the report names the result folder as the run did.)
    let folder = dirs[0].path().join("out/gm-family-ladder");
    let before: Vec<Vec<u8>> = deliverable_files(&folder);
    let o = Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .current_dir(dirs[0].path())
        .args(["report", "out/gm-family-ladder"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        before == deliverable_files(&folder),
        "prevsim report rewrote different deliverables"
    );
}

fn deliverable_files(folder: &Path) -> Vec<Vec<u8>> {
    ["report.html", "results.xlsx", "assumptions.csv"]
        .iter()
        .map(|f| fs::read(folder.join(f)).unwrap())
        .collect()
}

#[test]
fn report_command_rewrites_the_deliverables_from_the_folder() {
    let out = tempfile::tempdir().unwrap();
    let folder = &run(
        out.path(),
        &["agma-keep-1pct-out-of-care.toml"],
        &["-n", "100"],
    )[0];
    let before = fs::read(folder.join("report.html")).unwrap();
    fs::remove_file(folder.join("report.html")).unwrap();
    fs::write(folder.join("results.xlsx"), b"stale").unwrap();
    let o = prevsim(&["report", folder.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read(folder.join("report.html")).unwrap(), before);
    assert!(
        fs::read(folder.join("results.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
    // Sensitivity and VOI results, when present, appear in the report and the register.
    fs::create_dir_all(folder.join("sensitivity")).unwrap();
    fs::write(
        folder.join("sensitivity/sensitivity.json"),
        r#"{"intervention": "keep 1% out of care", "metric": "net_saving_pv", "target": 0, "base": 4250000,
            "tornado": [{"input": "care.cost", "low_value": 71500, "high_value": 98500, "metric_low": 3580000, "metric_high": 4920000, "swing": 1340000}],
            "switching_values": [{"input": "care.cost", "value": null, "method": "exact"}]}"#,
    )
    .unwrap();
    let o = prevsim(&["report", folder.to_str().unwrap()], None);
    assert!(o.status.success());
    let html = fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(html.contains("Sensitivity: which inputs matter"));
    assert!(html.contains("none within its range"));
    let reg = fs::read_to_string(folder.join("assumptions.csv")).unwrap();
    assert!(
        reg.lines()
            .any(|l| l.starts_with("care.cost,") && l.contains(",1340000,")),
        "{reg}"
    );
    // A folder without results is refused, naming the file.
    let empty = out.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let o = prevsim(&["report", empty.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
}

#[test]
fn a_fixed_run_registers_distributions_as_uncertain_without_a_range() {
    let out = tempfile::tempdir().unwrap();
    let folder = &run(out.path(), &["gm-family-ladder.toml"], &["--fixed"])[0];
    let text = fs::read_to_string(folder.join("assumptions.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let get = |name: &str| rows.iter().find(|rec| &rec[0] == name).unwrap().clone();
    for name in ["care.cost", "transitions.chaotic"] {
        let e = get(name);
        assert_eq!(&e[col("uncertain")], "yes", "{name}");
        assert_eq!((&e[col("p5")], &e[col("p95")]), ("", ""), "{name}");
    }
    assert_eq!(&get("population.families.chaotic")[col("uncertain")], "no");
}

/// Every entry of an xlsx archive, uncompressed, in order (the zip crate checks each CRC as it
/// reads the entry to its end).
fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

/// The workbook made with its Iterations sheet written and deflated in pieces, and the one
/// rust_xlsxwriter makes alone (constant-memory mode, as prevsim did before): every entry the
/// same bytes once uncompressed. Returns the Iterations sheet's XML.
fn same_workbook(source: &prevsim::deliver::Source<'_>, per: Option<usize>) -> String {
    use prevsim::deliver::{claims, register, workbook};
    let entries = register::register(source);
    let claim_rows = claims::judge(source);
    let started = match per {
        Some(per) => workbook::start_in_pieces(&source.iterations, per).unwrap(),
        None => workbook::start(&source.iterations).unwrap(),
    };
    let new = workbook::finish(started, source, &entries, &claim_rows).unwrap();
    let old = workbook::reference_workbook(source, &entries, &claim_rows).unwrap();
    let (new, old) = (zip_entries(&new), zip_entries(&old));
    let names = |e: &[(String, Vec<u8>)]| e.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&new), names(&old));
    for ((name, a), (_, b)) in new.iter().zip(&old) {
        assert!(
            a == b,
            "{name} differs:\n new {}\n old {}",
            String::from_utf8_lossy(&a[..a.len().min(3000)]),
            String::from_utf8_lossy(&b[..b.len().min(3000)])
        );
    }
    let sheet = new
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet6.xml")
        .unwrap();
    String::from_utf8(sheet.1.clone()).unwrap()
}

#[test]
fn the_iterations_sheet_is_the_xml_rust_xlsxwriter_writes() {
    use prevsim::deliver::source::{Iterations, Table};
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(common::test_file("programme.toml")).unwrap();
    let text = text.replacen(
        "name = \"programme\"\n\n[interventions",
        "name = \"Tom & Jerry <fast> _x0041_ plan\"\n\n[interventions",
        1,
    );
    assert!(text.contains("Tom & Jerry"));
    let file = dir.path().join("programme.toml");
    fs::write(&file, &text).unwrap();
    let out = dir.path().join("out");
    let o = prevsim(
        &[
            "run",
            file.to_str().unwrap(),
            "-n",
            "40",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut source = prevsim::deliver::Source::load(&out.join("programme")).unwrap();
    // As run, in one piece and in pieces of 7 rows.
    let xml = same_workbook(&source, None);
    assert_eq!(xml, same_workbook(&source, Some(7)));
    assert!(xml.contains("<t>Tom &amp; Jerry &lt;fast&gt; _x005F_x0041_ plan</t>"));
    assert!(xml.contains("<dimension ref=\"A1:"));
    assert!(xml.contains("<c r=\"A1\" s=\"1\" t=\"inlineStr\">"));
    // Cells that need care: non-finite numbers (text), blanks, escapes and white space.
    let Iterations::Parsed(table) = &source.iterations else {
        panic!("a loaded folder's iterations are parsed");
    };
    let mut table: Table = table.clone();
    let edits = [
        (0, 3, "inf"),
        (1, 3, "-inf"),
        (2, 4, "NaN"),
        (3, 1, " leading space"),
        (4, 1, "tab\tand \u{1} control"),
        (5, 2, ""),
        (6, 1, "a < b && c > d _xFFFF_"),
        (7, 1, "trailing\n"),
        (9, 1, "é_x00ab_ü\u{fffe}_x12_ _x_x0041_"),
    ];
    for (r, c, v) in edits {
        table.rows[r][c] = v.to_string();
    }
    // A row of blanks only is left out.
    for cell in &mut table.rows[8] {
        cell.clear();
    }
    source.iterations = Iterations::Parsed(table);
    let xml = same_workbook(&source, Some(3));
    for needle in [
        "<t>inf</t>",
        "<t>-inf</t>",
        "<t>NaN</t>",
        "<t xml:space=\"preserve\"> leading space</t>",
        "_x0001_",
        "a &lt; b &amp;&amp; c &gt; d _x005F_xFFFF_",
        "<t xml:space=\"preserve\">trailing\n</t>",
        "<t>é_x005F_x00ab_ü_xFFFE__x12_ _x_x005F_x0041_</t>",
    ] {
        assert!(xml.contains(needle), "{needle}");
    }
    assert!(!xml.contains("<row r=\"10\">"), "the blank row");
}

/// Past Excel's rows the sheet stops, with a note in the note's style; the same XML as
/// rust_xlsxwriter's (numbers as it writes them, `1048573.0`). Most rows are blank here (so
/// they are left out) to keep the test small.
#[test]
fn an_iterations_sheet_past_excel_s_rows_ends_with_the_note() {
    use prevsim::deliver::source::{Iterations, Table};
    let dir = tempfile::tempdir().unwrap();
    let out = &run(
        dir.path(),
        &["agma-keep-1pct-out-of-care.toml"],
        &["-n", "3"],
    )[0];
    let mut source = prevsim::deliver::Source::load(out).unwrap();
    let rows = 1_048_580;
    let mut table = Table {
        header: vec!["iteration".into(), "intervention".into(), "x".into()],
        rows: vec![Vec::new(); rows],
    };
    for r in (0..rows)
        .step_by(10_000)
        .chain([1_048_573, 1_048_574, 1_048_575])
    {
        table.rows[r] = vec![r.to_string(), "a".into(), format!("{}.5", r)];
    }
    source.iterations = Iterations::Parsed(table);
    let xml = same_workbook(&source, None);
    assert!(
        xml.contains("<dimension ref=\"A1:C1048576\"/>"),
        "{}",
        &xml[..600]
    );
    assert!(xml.contains(
        "<row r=\"1048575\"><c r=\"A1048575\"><v>1048573.0</v></c><c r=\"B1048575\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"C1048575\"><v>1048573.5</v></c></row>"
    ));
    assert!(xml.contains(
        "<row r=\"1048576\"><c r=\"A1048576\" s=\"2\" t=\"inlineStr\"><is><t>6 more rows are in iterations.csv: Excel holds at most 1048575 rows</t></is></c></row></sheetData>"
    ));
}

/// LibreOffice opens the whole results.xlsx (its Iterations sheet written and deflated in
/// pieces, here three): every cell of the Iterations sheet as in iterations.csv (numbers to
/// LibreOffice's 15 significant digits).
#[test]
fn libreoffice_reads_the_iterations_sheet_as_iterations_csv() {
    if tool("soffice").is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let folder = &run(out.path(), &["gm-family-ladder.toml"], &["-n", "1000"])[0];
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("results.xlsx");
    fs::copy(folder.join("results.xlsx"), &xlsx).unwrap();
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        // Comma-separated, double quotes, UTF-8, numbers in full; the sixth sheet.
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,6",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .expect("soffice runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |path: &Path| -> Vec<csv::StringRecord> {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let sheet = read(&dir.path().join("results-Iterations.csv"));
    let file = read(&folder.join("iterations.csv"));
    assert_eq!(sheet.len(), 1001);
    assert_eq!(sheet.len(), file.len());
    for (r, (a, b)) in sheet.iter().zip(&file).enumerate() {
        assert_eq!(a.len(), b.len(), "row {r}");
        for (c, (x, y)) in a.iter().zip(b).enumerate() {
            if x == y {
                continue;
            }
            let (x, y): (f64, f64) = match (x.parse(), y.parse()) {
                (Ok(x), Ok(y)) => (x, y),
                _ => panic!("row {r} column {c}: {x:?} in the sheet, {y:?} in the file"),
            };
            assert!(
                (x - y).abs() <= 1e-14 * y.abs(),
                "row {r} column {c}: {x} in the sheet, {y} in the file"
            );
        }
    }
}
