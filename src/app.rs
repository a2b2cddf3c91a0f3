//! What each command does at the console: progress, summaries, errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use prevsim::charts::Style;
use prevsim::check::{self, Verdict, format::Format};
use prevsim::money::{gbp, percent};
use prevsim::pipeline::{self, FileCheck, Finished, Invocation, Overrides};
use prevsim::plot;
use prevsim::scenario::Scenario;
use prevsim::vocab::Metric;

use crate::cli::CheckFormat;

/// Iterations below which no progress bar is shown.
const QUIET_BELOW: u64 = 20_000;

/// The precision targets of `run`, refused with the options they cannot go with.
pub fn precision_targets(
    mean: Option<f64>,
    prob: Option<f64>,
    max_iterations: Option<u64>,
    overrides: Overrides,
    shard: bool,
) -> Result<Option<prevsim::precision::Targets>> {
    let targets =
        prevsim::precision::Targets::new(mean, prob, max_iterations).map_err(anyhow::Error::msg)?;
    if targets.is_some() {
        prevsim::precision::refuse_with(overrides.fixed, overrides.iterations, shard)
            .map_err(anyhow::Error::msg)?;
    }
    Ok(targets)
}

pub fn run(
    files: Vec<PathBuf>,
    overrides: Overrides,
    out: &Path,
    scenarios_dir: &Path,
    deny_warnings: bool,
    voi: bool,
    precision: Option<prevsim::precision::Targets>,
) -> Result<()> {
    let files = if files.is_empty() {
        pipeline::scenario_files(scenarios_dir)?
    } else {
        files
    };
    let scenarios = pipeline::load_all(&files)?;
    let mut warnings: Vec<String> = scenarios.iter().flat_map(Scenario::warning_lines).collect();
    warnings.extend(
        scenarios
            .iter()
            .filter_map(|s| pipeline::other_scenario_in_folder(s, out))
            .map(|w| format!("warning: {w}")),
    );
    print_warnings(&warnings, deny_warnings)?;
    // A precision run may take up to its cap.
    let at_most = Overrides {
        iterations: precision.map(|t| t.max_iterations).or(overrides.iterations),
        ..overrides
    };
    pipeline::check_memory(&scenarios, at_most).map_err(|e| match precision {
        Some(t) => anyhow::anyhow!(
            "{e} (a precision run may take up to its cap of {} iterations: lower --max-iterations)",
            prevsim::precision::count(t.max_iterations)
        ),
        None => e.into(),
    })?;
    pipeline::check_destinations(&scenarios, out)?;
    // Big files are said before the run (not a problem of the scenario: --deny-warnings does
    // not refuse them).
    for s in &scenarios {
        if let Some(w) = pipeline::big_output_warning(s, pipeline::options_for(s, overrides)) {
            eprintln!("warning: {w}");
        }
    }
    stop_cleanly_on_ctrl_c();
    let total: u64 = scenarios
        .iter()
        .map(|s| {
            if overrides.fixed {
                1
            } else {
                pipeline::options_for(s, overrides).iterations
            }
        })
        .sum();
    let bar = match precision {
        Some(_) => precision_bar(),
        None => progress_bar(total),
    };
    let tick = || bar.inc(1);
    let results = match precision {
        Some(targets) => pipeline::run_all_precise(
            scenarios,
            overrides.seed,
            targets,
            out,
            &invocation(),
            &tick,
        ),
        None => pipeline::run_all(scenarios, overrides, out, &invocation(), &tick),
    };
    bar.finish_and_clear();
    let mut failures = 0;
    let mut folders = Vec::new();
    for result in results {
        match result {
            Ok(done) => {
                print_finished(&done);
                print_precision_warnings(&done);
                folders.push(done.folder.clone());
            }
            Err(e) => {
                failures += 1;
                eprintln!("Error: {e}");
            }
        }
    }
    if voi {
        if overrides.fixed {
            eprintln!(
                "--voi: the fixed base case has no uncertainty to value; run without --fixed"
            );
        } else {
            for folder in &folders {
                match prevsim::voi::run(folder, &prevsim::voi::Settings::default()) {
                    Ok(w) => print!("{}", prevsim::voi::output::console(&w.analysis, &w.folder)),
                    Err(e) => {
                        failures += 1;
                        eprintln!("Error: value of information for {}: {e}", folder.display());
                    }
                }
            }
        }
    }
    if folders.len() > 1 {
        let data = plot::load_all(&folders)?;
        let written = plot::comparison(&data, out, &Style::default())?;
        print_written("comparison of the scenarios", &written);
    }
    if failures > 0 {
        bail!("{failures} scenario(s) failed; their earlier results, if any, are unchanged");
    }
    Ok(())
}

/// `voi`: the value of information of each result folder.
pub fn voi(
    folders: &[PathBuf],
    groups: Vec<prevsim::voi::GroupSpec>,
    agency: Option<String>,
) -> Result<()> {
    let settings = prevsim::voi::Settings {
        groups,
        agency,
        ..prevsim::voi::Settings::default()
    };
    let mut failed = 0;
    for folder in folders {
        match prevsim::voi::run(folder, &settings) {
            Ok(w) => print!("{}", prevsim::voi::output::console(&w.analysis, &w.folder)),
            Err(e) => {
                failed += 1;
                eprintln!("Error: {e}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} result folder(s) could not be analysed");
    }
    Ok(())
}

/// `run --shard K/N`: part K of each scenario's iterations into OUT/<name>.part-K-of-N.
pub fn run_shard(
    files: Vec<PathBuf>,
    overrides: Overrides,
    shard: prevsim::shard::Shard,
    out: &Path,
    scenarios_dir: &Path,
) -> Result<()> {
    if overrides.fixed {
        bail!(
            "--shard splits Monte Carlo iterations; the fixed base case (--fixed) is one calculation: run it without --shard"
        );
    }
    let files = if files.is_empty() {
        pipeline::scenario_files(scenarios_dir)?
    } else {
        files
    };
    let scenarios = pipeline::load_all(&files)?;
    // Memory is needed for the part's iterations only.
    for scenario in &scenarios {
        let range = shard.range(pipeline::options_for(scenario, overrides).iterations);
        let part = Overrides {
            iterations: Some((range.end - range.start).max(1)),
            ..overrides
        };
        pipeline::check_memory(std::slice::from_ref(scenario), part)?;
    }
    stop_cleanly_on_ctrl_c();
    for scenario in &scenarios {
        let options = pipeline::options_for(scenario, overrides);
        let range = shard.range(options.iterations);
        let bar = progress_bar(range.end - range.start);
        let tick = || bar.inc(1);
        let (folder, info) = prevsim::shard::run_part(scenario, options, shard, out, &tick)?;
        bar.finish_and_clear();
        println!(
            "{}: part {} of the {} iterations (seed {}; iterations {} to {}) -> {}",
            scenario.display_name(),
            info.shard,
            options.iterations,
            options.seed,
            info.first,
            info.end.saturating_sub(1),
            folder.display()
        );
    }
    println!("When every part is done: prevsim merge <the part folders> --out DIR");
    Ok(())
}

/// `merge`: the parts of a sharded run into one result folder.
pub fn merge(parts: &[PathBuf], out: &Path) -> Result<()> {
    let done = pipeline::merge(parts, out, &invocation())?;
    print_finished(&done);
    Ok(())
}

pub fn plot(folders: &[PathBuf], out: Option<&Path>, style: &Style) -> Result<()> {
    let mut data = Vec::new();
    for folder in folders {
        let done = plot::plot_folder(folder, out, style)?;
        println!(
            "{}: {} chart files -> {}",
            folder.display(),
            done.files.len(),
            done.dest.display()
        );
        data.push(done.data);
    }
    if data.len() > 1 {
        let root = match out {
            Some(o) => o.to_path_buf(),
            None => folders[0]
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let written = plot::comparison(&data, &root, style)?;
        print_written("comparison", &written);
    }
    Ok(())
}

/// Warnings of the assumptions register: review dates passed, and with `--register` uncertain
/// inputs without a source.
fn register_warnings(path: &Path, s: &Scenario, register: bool) {
    use prevsim::scenario::meta;
    let mut warnings = meta::review_warnings(s, meta::Date::today());
    if register {
        warnings.extend(meta::register_warnings(s));
    }
    for w in warnings {
        eprintln!("warning: {}: {w}", path.display());
    }
}

/// `prevsim report`: rewrites each folder's report, workbook and register.
pub fn report(folders: &[PathBuf]) -> Result<()> {
    for folder in folders {
        let written = prevsim::deliver::rewrite(folder)?;
        println!("{}: {}", folder.display(), written.join(", "));
    }
    Ok(())
}

fn print_written(what: &str, files: &[PathBuf]) {
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    println!("{what} -> {}", names.join(", "));
}

/// Prints warnings to stderr; with `deny`, any warning is an error.
fn print_warnings(warnings: &[String], deny: bool) -> Result<()> {
    for w in warnings {
        eprintln!("{w}");
    }
    if deny && !warnings.is_empty() {
        bail!(
            "{} refused because of --deny-warnings: fix them, or run without the option",
            plural(warnings.len(), "warning")
        );
    }
    Ok(())
}

pub fn validate(
    files: &[PathBuf],
    explain: bool,
    deny_warnings: bool,
    register: bool,
) -> Result<()> {
    let mut bad = 0;
    for path in files {
        match Scenario::load_checked(path, deny_warnings) {
            Ok(s) => {
                for w in s.warning_lines() {
                    eprintln!("{w}");
                }
                println!(
                    "ok  {} ({}, {}{})",
                    path.display(),
                    plural(s.interventions.len(), "intervention"),
                    plural(s.years as usize, "year"),
                    if s.warnings.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", plural(s.warnings.len(), "warning"))
                    }
                );
                register_warnings(path, &s, register);
                if explain {
                    println!("\n{}", prevsim::scenario::explain(&s));
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        bail!("{bad} of {} scenario file(s) are invalid", files.len());
    }
    Ok(())
}

/// `new`: writes a starter scenario, never over an existing file.
pub fn new(name: &str) -> Result<()> {
    let (path, name) = match name.strip_suffix(".toml") {
        Some(stem) => {
            let path = PathBuf::from(name);
            let stem = Path::new(stem)
                .file_name()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            (path, stem)
        }
        None => (PathBuf::from(format!("{name}.toml")), name.to_string()),
    };
    if !prevsim::scenario::valid_name(&name) {
        bail!(
            "\"{name}\" cannot be a scenario name: use letters, digits, '-', '_' and '.' only (for example \"my-area\")"
        );
    }
    let text = prevsim::scenario::starter_scenario(&name);
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists and is left as it is: choose another name, or move it away first",
            path.display()
        ),
        Err(e) => bail!("cannot create {}: {e}", path.display()),
    };
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    println!(
        "wrote {p}: replace each \"assumption: replace\", read it back with `prevsim validate --explain {p}`, then `prevsim run {p}`",
        p = path.display()
    );
    Ok(())
}

/// `check`: exit 0 when no claim is refuted, 1 when one does not hold (or, with `strict`, holds
/// only partly), 2 on an error.
pub fn check(
    files: Vec<PathBuf>,
    overrides: Overrides,
    format: CheckFormat,
    strict: bool,
    scenarios_dir: &Path,
) -> ExitCode {
    let format = match format {
        CheckFormat::Console => Format::Console,
        CheckFormat::Markdown => Format::Markdown,
        CheckFormat::Csv => Format::Csv,
        CheckFormat::Json => Format::Json,
    };
    let run = || -> Result<Verdict> {
        let scenarios = check::scenarios_with_claims(files, scenarios_dir)?;
        // A claim checked on inputs that look like slips deserves the same word as a run.
        let warnings: Vec<String> = scenarios.iter().flat_map(Scenario::warning_lines).collect();
        print_warnings(&warnings, false)?;
        pipeline::check_memory(&scenarios, overrides)?;
        let checks: Vec<_> = scenarios
            .iter()
            .map(|s| check::check_scenario(s, pipeline::options_for(s, overrides)))
            .collect();
        print!("{}", check::format::render(&checks, format)?);
        Ok(check::worst(checks.iter().map(check::ScenarioCheck::worst)))
    };
    match run() {
        Ok(Verdict::DoesNotHold) => ExitCode::from(1),
        Ok(Verdict::HoldsPartly) if strict => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::from(2)
        }
    }
}

pub fn verify(folders: &[PathBuf]) -> Result<()> {
    let mut failed = 0;
    for folder in folders {
        let v = pipeline::verify(folder, &|| {})?;
        let m = &v.manifest;
        println!(
            "{}: scenario {} (sha256 {}), seed {}, {}, written {} by prevsim {}",
            folder.display(),
            m.scenario,
            &m.scenario_sha256[..12.min(m.scenario_sha256.len())],
            m.seed,
            if m.fixed {
                "fixed base case".to_string()
            } else {
                format!("{} iterations", m.iterations)
            },
            m.created_utc,
            m.prevsim_version
        );
        for (file, check) in &v.checks {
            let status = match check {
                FileCheck::Identical => "identical",
                FileCheck::Present => "present (drawn from the data, not compared)",
                FileCheck::EditedOnDisk => "CHANGED since the run wrote it",
                FileCheck::Missing => "MISSING (or not an ordinary file)",
                FileCheck::NotReproduced => "NOT REPRODUCED: re-running gives different content",
                FileCheck::NotInManifest => "NOT IN THE MANIFEST: the manifest was edited",
                FileCheck::LeftOver => "LEFT OVER: prevsim does not write it for these results",
                FileCheck::NotRerun => "not compared (not re-run)",
            };
            println!("  {file}: {status}");
        }
        for problem in &v.problems {
            println!("  problem: {problem}");
        }
        if !v.others.is_empty() {
            println!("  not prevsim's, not checked: {}", v.others.join(", "));
        }
        if v.ok() {
            println!(
                "  verified: re-running the scenario reproduces every file exactly (this shows the results follow from the scenario; it does not show who wrote them)"
            );
        } else {
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} result folder(s) could not be verified");
    }
    Ok(())
}

/// "1 year", "2 years".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn invocation() -> Invocation {
    Invocation {
        command_line: std::env::args().collect(),
        // SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes the recorded time, so
        // two runs can give byte-identical folders, manifest, report and workbook included.
        unix_time: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            }),
    }
}

/// Ctrl-C ends the run at once: results are swapped into place atomically, so whatever had not
/// been written is simply not there, and every earlier result folder is complete.
fn stop_cleanly_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        eprintln!(
            "\nInterrupted. Every result folder holds either its earlier results or the complete new ones, never a mix; scenarios that had not finished wrote nothing."
        );
        std::process::exit(130);
    });
}

fn progress_bar(total: u64) -> ProgressBar {
    if total < QUIET_BELOW {
        return ProgressBar::hidden();
    }
    // Draws only when stderr is a terminal.
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} iterations ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// The progress of precision runs, whose length is not known in advance: iterations done so
/// far, drawn only when stderr is a terminal.
fn precision_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {human_pos} iterations so far, until the precision is reached ({elapsed})",
    ) {
        bar.set_style(style);
    }
    bar
}

fn print_finished(done: &Finished) {
    let r = &done.report;
    let mode = if r.fixed {
        "fixed base case".to_string()
    } else {
        format!("{} iterations, seed {}", r.iterations, r.seed)
    };
    println!(
        "{} ({mode}) -> {}",
        done.scenario.display_name(),
        done.folder.display()
    );
    let options = prevsim::engine::RunOptions {
        iterations: r.iterations,
        seed: r.seed,
        fixed: r.fixed,
    };
    for (name, s) in &r.interventions {
        let m = |k| s.metric(k);
        if let (Some(net), Some(y0)) = (m(Metric::NetSavingPv), m(Metric::GrossSavingYear0)) {
            if r.fixed {
                println!(
                    "  {name}: net saving {} (PV); first-year gross saving {}",
                    gbp(net.mean),
                    gbp(y0.mean)
                );
            } else {
                println!(
                    "  {name}: net saving {} \u{b1} {} (PV, 90% interval {} to {}), P(net saving > 0) = {} \u{b1} {:.1} points; first-year gross saving {}",
                    gbp(net.mean),
                    gbp(net.se),
                    gbp(net.p5),
                    gbp(net.p95),
                    percent(s.prob_net_saving_positive),
                    s.prob_net_saving_positive_se * 100.0,
                    gbp(y0.mean)
                );
            }
            let programme = m(Metric::ProgrammeCostPv).is_some_and(|p| p.mean > 0.0);
            if programme && r.years > 1 {
                println!("    payback: {}", payback_line(&s.payback, r.fixed));
            }
        }
    }
    print_options(r);
    // After the headline: the inputs beside the published figures.
    if let Some(check) = prevsim::calibrate::reality::reality_check(&done.scenario, options) {
        print!("{}", check.render());
    }
}

/// Options compared, for two or more interventions.
fn print_options(r: &prevsim::report::Report) {
    let (Some(pairs), Some(best)) = (&r.comparisons, &r.prob_best) else {
        return;
    };
    if r.fixed {
        // One value each: the differences, no chances.
        println!("  options compared (fixed base case):");
        for c in pairs {
            println!(
                "    {} minus {}: {}",
                c.a,
                c.b,
                gbp(c.difference_net_saving_pv.mean)
            );
        }
        return;
    }
    let best: Vec<String> = best
        .iter()
        .map(|(name, p)| format!("{name} {}", percent(*p)))
        .collect();
    println!(
        "  options compared: chance of saving the most: {}",
        best.join(", ")
    );
    for c in pairs {
        let d = &c.difference_net_saving_pv;
        println!(
            "    {} minus {}: {} (90% interval {} to {}); the first saves more in {} of iterations",
            c.a,
            c.b,
            gbp(d.mean),
            gbp(d.p5),
            gbp(d.p95),
            percent(c.prob_a_saves_more)
        );
    }
}

fn print_precision_warnings(done: &Finished) {
    // A precision run says where it stopped instead: the analyst chose its precision.
    if let Some(record) = &done.report.precision {
        println!("{}", record.console());
        if let Some(w) = record.warning() {
            eprintln!("Warning: {}: {w}", done.scenario.display_name());
        }
        return;
    }
    for w in prevsim::report::precision_warnings(&done.report) {
        eprintln!("Warning: {w}");
    }
}

fn payback_line(p: &prevsim::report::Payback, fixed: bool) -> String {
    if fixed {
        return p.p50.to_string();
    }
    format!(
        "median {}, 90% range {} to {}; never within the horizon in {} of iterations",
        p.p50,
        p.p5,
        p.p95,
        percent(p.never)
    )
}

/// `area`: every area, or one area's series.
pub fn area(name: Option<&str>) -> Result<()> {
    use prevsim::area::{Areas, Kind, series_table};
    let areas = Areas::published()?;
    let Some(name) = name else {
        for kind in [Kind::England, Kind::Region, Kind::Group, Kind::Council] {
            let list: Vec<_> = areas.list.iter().filter(|a| a.kind == kind).collect();
            println!("{} ({}):", kind.label(), list.len());
            for a in list {
                let years = prevsim::scenario::calibration::describe_years(&a.years());
                match (&a.region, a.members.is_empty()) {
                    (Some(r), _) if !r.is_empty() => println!("  {} ({r}; {years})", a.name),
                    (_, false) => println!("  {} ({}; {years})", a.name, a.members.join(", ")),
                    _ => println!("  {} ({years})", a.name),
                }
            }
        }
        println!(
            "\n`prevsim area NAME` shows one area's figures. Source: {}.",
            prevsim::area::ATTRIBUTION
        );
        return Ok(());
    };
    let a = areas.find(name)?;
    let what = match (&a.region, a.members.is_empty()) {
        (Some(r), _) if !r.is_empty() => format!("{}, {r}", a.kind.label()),
        (_, false) => format!("{}: {}", a.kind.label(), a.members.join(", ")),
        _ => a.kind.label().to_string(),
    };
    println!("{} ({what})", a.name);
    print!("{}", series_table(a));
    for note in &a.notes {
        println!("note: {note}");
    }
    if let Some(o) = a.outturn_2010 {
        println!(
            "2009-10 outturn on children looked after (s52 line \"Total Children Looked After\"): {} gross, {} net",
            gbp(o.gross),
            gbp(o.net)
        );
    }
    println!(
        "Years end on 31 March; '-' is not published (suppressed or not collected). Source: {}.",
        prevsim::area::ATTRIBUTION
    );
    Ok(())
}

/// `new NAME --area AREA`: writes NAME.toml in the current folder.
pub fn new_for_area(name: &str, area: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        bail!(
            "\"{name}\" cannot be a scenario name: use letters, digits, '-', '_' and '.' only (for example \"bolton-early-help\")"
        );
    }
    let a = prevsim::area::Areas::published()?.find(area)?;
    let text = prevsim::area::starter::scenario(a, name)?;
    let path = PathBuf::from(format!("{name}.toml"));
    if path.exists() {
        bail!(
            "{} already exists; choose another name or move the file away (prevsim never overwrites a scenario)",
            path.display()
        );
    }
    // The text must be a valid scenario: refuse to write one that is not (a fault in prevsim).
    Scenario::parse(&text, &path)?;
    prevsim::export::writer::write_file_atomically(&path, text.as_bytes())?;
    println!(
        "wrote {} for {} (figures from DfE, years to 31 March); next: prevsim run {}, prevsim calibrate {}",
        path.display(),
        a.name,
        path.display(),
        path.display()
    );
    Ok(())
}

/// `calibrate FILE --out DIR`.
pub fn calibrate(file: &Path, out: &Path) -> Result<()> {
    use prevsim::calibrate::{self, output};
    let scenario = Scenario::load(file)?;
    let started = std::time::Instant::now();
    let fit = calibrate::calibrate(&scenario)?;
    let date = prevsim::export::manifest::utc_timestamp(invocation().unix_time);
    let date = date.get(..10).unwrap_or(&date).to_string();
    let dest = output::write(&fit, &scenario, out, &date)?;
    println!(
        "{} calibrated to {} ({} published figures, {} particles, seed {}) in {:.1} s -> {}",
        scenario.display_name(),
        fit.area,
        fit.window.points.len(),
        fit.particles,
        fit.seed,
        started.elapsed().as_secs_f64(),
        dest.display()
    );
    println!(
        "  start: {} children in care, {}",
        prevsim::area::count(Some(fit.window.start_stock)),
        fit.window.start_note
    );
    for (i, name) in fit.inputs.iter().enumerate() {
        let prior: Vec<f64> = fit.prior.iter().map(|p| p[i]).collect();
        let post = fit.posterior(i);
        if let (Some(a), Some(b)) = (
            prevsim::stats::Summary::of(&prior),
            prevsim::stats::Summary::of(&post),
        ) {
            println!(
                "  {name}: prior mean {:.4} (P5-P95 {:.4} to {:.4}) -> posterior mean {:.4} (P5-P95 {:.4} to {:.4})",
                a.mean, a.p5, a.p95, b.mean, b.p5, b.p95
            );
        }
    }
    println!(
        "  effective sample size {:.0} of {} particles; {} distinct particles in {} draws; {:.0}% of published figures inside the calibrated P5-P95",
        fit.ess(),
        fit.particles,
        (fit.acceptance() * fit.resampled.len() as f64).round(),
        fit.resampled.len(),
        fit.coverage() * 100.0
    );
    for w in output::warnings(&fit) {
        eprintln!("warning: {w}");
    }
    Ok(())
}
