//! Command-line definitions (clap) only.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use prevsim::charts::MoneyUnit;

#[derive(Debug, Parser)]
#[command(
    name = "prevsim",
    version,
    about = "How much money does prevention save, and how sure can we be?",
    long_about = "prevsim runs Monte Carlo models of early help for families: families move \
between four states (chaotic, barely coping, coping, thriving) and children into and out of \
care, year by year, with baseline and intervention side by side. It reports the distribution \
of savings, not one number.",
    after_help = "Examples:
  prevsim run                                  run every scenario in scenarios/
  prevsim run scenarios/agma-keep-1pct-out-of-care.toml --fixed
  prevsim run my.toml --iterations 50000 --seed 7 --out results
  prevsim validate scenarios/*.toml
  prevsim check                                check every claim stated in scenarios/
  prevsim plot output/gm-family-ladder --unit m"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write results to OUT/<scenario name>/
    #[command(after_help = "Examples:
  prevsim run                          every scenario in scenarios/, settings from each file
  prevsim run a.toml b.toml --fixed    the deterministic base case of two scenarios
  prevsim run a.toml -n 100000 -s 42   more iterations and another seed
  prevsim run a.toml --precision 100k --precision-prob 0.005
                                       until every intervention's mean net saving is known to
                                       ± £100k and its chance of saving money to ± 0.5 points

Each scenario's folder gets summary.json, iterations.csv, yearly.csv and summary.md, and
charts (chart-*.png and chart-*.svg); a run of several scenarios also writes
OUT/comparison.png and .svg.
Files are replaced only once the whole run has succeeded.")]
    Run {
        /// Scenario files (default: every *.toml in --scenarios)
        files: Vec<PathBuf>,
        /// Monte Carlo iterations (default: the scenario's `run.iterations`)
        #[arg(short = 'n', long, value_parser = parse_iterations)]
        iterations: Option<u64>,
        /// Random seed (default: the scenario's `run.seed`)
        #[arg(short, long)]
        seed: Option<u64>,
        /// Deterministic base case: every parameter at its mean, expected counts, no sampling
        #[arg(long)]
        fixed: bool,
        /// Run only part K (from 0) of N of the iterations, into OUT/<name>.part-K-of-N; combine
        /// the parts with `prevsim merge`
        #[arg(long, value_name = "K/N")]
        shard: Option<prevsim::shard::Shard>,
        /// Folder for results
        #[arg(short, long, default_value = "output")]
        out: PathBuf,
        /// Folder searched for scenarios when no file is given
        #[arg(long, default_value = "scenarios")]
        scenarios: PathBuf,
        /// Refuse to run when a scenario has warnings (values that look like slips)
        #[arg(long)]
        deny_warnings: bool,
        /// Also write the value of information (as `prevsim voi`) into OUT/<scenario>/voi/
        #[arg(long)]
        voi: bool,
        /// Run until the mean net saving (PV) of every intervention is known to ± MONEY (95%),
        /// e.g. 100k, £1.5m, 250000; iterations run in blocks of 1,000 (at least 2,000)
        #[arg(long, value_name = "MONEY", value_parser = prevsim::precision::parse_money, allow_hyphen_values = true)]
        precision: Option<f64>,
        /// Run until P(net saving > 0) of every intervention is known to ± P (95%), e.g. 0.005
        /// (half a percentage point); in (0, 0.5]
        #[arg(long, value_name = "P", value_parser = prevsim::precision::parse_probability, allow_hyphen_values = true)]
        precision_prob: Option<f64>,
        /// The most iterations a --precision/--precision-prob run may take (default 200,000);
        /// reaching it is a warning saying how many would meet the target
        #[arg(long, value_name = "N", value_parser = parse_iterations)]
        max_iterations: Option<u64>,
    },
    /// What more evidence is worth: EVPI, EVPPI and variance shares from a run's stored draws
    #[command(after_help = "Examples:
  prevsim voi output/gm-family-ladder
  prevsim voi output/gm-family-ladder --agency health
  prevsim voi output/gm-family-ladder --group \"risks=programme.up_relative_risk,programme.down_relative_risk\"

Reads iterations.csv (nothing is re-run) and writes OUT/<scenario>/voi/: voi.json, voi.csv and
chart-voi.png/.svg. The decision is between doing nothing and each intervention, valued by the
net saving (present value) of all agencies together, or of one agency with --agency.
EVPI: the most that removing all uncertainty is worth. EVPPI: the most that learning one input,
or a group, is worth. Built-in groups: \"programme effect\", \"care costs\", \"transitions\".")]
    Voi {
        /// Result folders (OUT/<scenario name>)
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// A group of up to 4 inputs learnt together: NAME=PARAM,PARAM (repeatable; inputs as named in iterations.csv)
        #[arg(long, value_parser = parse_group)]
        group: Vec<prevsim::voi::GroupSpec>,
        /// Value the decision by this agency's net saving instead of all agencies' together
        #[arg(long)]
        agency: Option<String>,
    },
    /// Re-run a result folder from its manifest and confirm every file is identical
    #[command(after_help = "Example:
  prevsim verify output/agma-keep-1pct-out-of-care")]
    Verify {
        /// Result folders (OUT/<scenario name>)
        #[arg(required = true)]
        folders: Vec<PathBuf>,
    },
    /// Check the claims stated in scenarios ([[claims]]) against the model
    #[command(after_help = "Examples:
  prevsim check                                every scenario in scenarios/ that states claims
  prevsim check a.toml --format markdown       a report table to paste
  prevsim check --strict -n 5000               fail also when a claim holds only partly

Verdicts: holds when P(holds) >= the claim's probability; does not hold when P(holds) <=
1 - probability and the mean fails too; holds only partly in between.
Exit code: 0 when no claim is refuted, 1 when one does not hold (with --strict, also when
one holds only partly), 2 on an error.")]
    Check {
        /// Scenario files (default: every *.toml in --scenarios that states claims)
        files: Vec<PathBuf>,
        /// Monte Carlo iterations (default: the scenario's `run.iterations`)
        #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..))]
        iterations: Option<u64>,
        /// Random seed (default: the scenario's `run.seed`)
        #[arg(short, long)]
        seed: Option<u64>,
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Console)]
        format: CheckFormat,
        /// Exit 1 also when a claim holds only partly
        #[arg(long)]
        strict: bool,
        /// Folder searched for scenarios when no file is given
        #[arg(long, default_value = "scenarios")]
        scenarios: PathBuf,
    },
    /// Re-draw the charts of result folders from their saved data, optionally restyled
    #[command(after_help = "Examples:
  prevsim plot output/gm-family-ladder              re-draw in place (identical to the run's charts)
  prevsim plot output/gm-family-ladder --title \"Early help: the case\" --unit m --out report
  prevsim plot output/a output/b                    also re-draws output/comparison.png

Charts are drawn from summary.json, iterations.csv and yearly.csv; nothing is re-run. With no
option the files are byte-identical to the ones `prevsim run` wrote. Charts are not listed in
manifest.json (`prevsim verify` checks the data files they are drawn from), so restyled charts,
in the result folder or elsewhere, never make `verify` fail. With --out, each folder's charts
go to OUT/<folder name>/ and the comparison to OUT/; without it, into the folder itself and the
comparison beside the first folder.")]
    Plot {
        /// Result folders (OUT/<scenario name>)
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Write the charts under this folder instead of into each result folder
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// First heading line (default: the scenario's title)
        #[arg(long)]
        title: Option<String>,
        /// Second heading line (default: what each chart shows)
        #[arg(long)]
        subtitle: Option<String>,
        /// Money on axes and labels: auto (£3.5m, £250k), bn, m, k, or £ (whole pounds)
        #[arg(long, default_value = "auto", value_parser = parse_unit)]
        unit: MoneyUnit,
    },
    /// List the areas with published figures, or show one area's series (DfE children looked after)
    #[command(after_help = "Examples:
  prevsim area                          every council, region, group and England
  prevsim area \"Greater Manchester\"     the ten councils' figures, summed, by year
  prevsim area manch                    areas whose names are near this

Figures: Department for Education, Children looked after in England including adoptions
(Open Government Licence v3.0), years ending 31 March; '-' where not published.")]
    Area {
        /// An area's name (any case); without it, every area is listed
        name: Option<String>,
    },
    /// Fit a scenario's care inputs to its area's published figures ([calibration] block)
    #[command(after_help = "Example:
  prevsim calibrate bolton.toml --out output

Writes OUT/<scenario name>/calibration/: fit.csv (year, series, observed, p5, p50, p95),
posterior.csv, diagnostics.json, chart-calibration.png and .svg, and calibrated.toml (the
scenario with the fitted inputs replaced by their posterior; it validates and runs).")]
    Calibrate {
        /// Scenario file with a [calibration] block
        file: PathBuf,
        /// Folder for results
        #[arg(short, long, default_value = "output")]
        out: PathBuf,
    },
    /// What drives the answer and where it breaks even: tornado, spider, switching values,
    /// probabilistic break-even, acceptability against price, and sweeps
    #[command(after_help = "Examples:
  prevsim sensitivity scenarios/gm-family-ladder.toml
  prevsim sensitivity a.toml --agency \"health\" --input care.cost
  prevsim sensitivity a.toml --metric gross_saving_year0 --target 20000000
  prevsim sensitivity a.toml --sweep care.cost=60000..120000:21
  prevsim sensitivity a.toml --sweep care.cost=60000..120000:21 --sweep unit_costs.coping=50..200:21
  prevsim sensitivity a.toml --sweep care.cost=60000..120000:11 --monte-carlo -n 2000

Results go to OUT/<scenario>/sensitivity/: sensitivity.json and .csv, switching-values.csv,
break-even.csv, acceptability.csv and the charts tornado, spider, break-even and
acceptability (PNG and SVG); with --sweep, sweep.csv, sweep.json and the sweep chart instead.
Inputs are named as iterations.csv names its columns (care.cost,
transitions.chaotic.to_coping, interventions[NAME].programme_cost.per_family).")]
    Sensitivity {
        /// Scenario files (default: every *.toml in --scenarios)
        files: Vec<PathBuf>,
        /// The intervention to analyse (default: the scenario's first)
        #[arg(long)]
        intervention: Option<String>,
        /// The figure: a metric of summary.json
        #[arg(long, default_value = "net_saving_pv")]
        metric: String,
        /// One agency's figure instead of the total (a name in [agencies])
        #[arg(long)]
        agency: Option<String>,
        /// The figure's break-even level, in its units (pounds for money)
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        target: f64,
        /// An input for the probabilistic break-even (repeatable; default: the 3 largest swings)
        #[arg(long = "input")]
        inputs: Vec<String>,
        /// Also swing each transition row's entries one at a time
        #[arg(long)]
        entries: bool,
        /// Skip the Monte Carlo outputs (probabilistic break-even, acceptability)
        #[arg(long)]
        no_monte_carlo: bool,
        /// A sweep NAME=LO..HI:STEPS (give two for a two-way grid)
        #[arg(long = "sweep")]
        sweeps: Vec<String>,
        /// Sweeps by Monte Carlo: the mean and P(figure > target) at each grid point
        #[arg(long)]
        monte_carlo: bool,
        /// Monte Carlo iterations (default: the scenario's `run.iterations`)
        #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..))]
        iterations: Option<u64>,
        /// Random seed (default: the scenario's `run.seed`)
        #[arg(short, long)]
        seed: Option<u64>,
        /// Folder for results
        #[arg(short, long, default_value = "output")]
        out: PathBuf,
        /// Folder searched for scenarios when no file is given
        #[arg(long, default_value = "scenarios")]
        scenarios: PathBuf,
    },
    /// Combine the parts of a sharded run into the result folder a single run would write
    #[command(after_help = "Example:
  for k in 0 1 2 3; do prevsim run big.toml -n 1000000 --shard $k/4 --out parts & done; wait
  prevsim merge parts/big.part-*-of-4 --out output

The merged folder is byte-identical to `prevsim run big.toml -n 1000000` (its manifest records
the merge command). Parts of different scenarios, seeds or run sizes, overlapping parts and
missing parts are refused.")]
    Merge {
        /// Part folders written by `prevsim run --shard K/N`
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Folder for results
        #[arg(short, long, default_value = "output")]
        out: PathBuf,
    },
    /// Check scenario files without running them
    #[command(after_help = "Examples:
  prevsim validate scenarios/*.toml
  prevsim validate --explain my-area.toml      every parameter as the model will use it
  prevsim validate --deny-warnings scenarios/*.toml

Errors make a file invalid. Warnings (`warning:` lines) point at values that are allowed but
look like slips, such as an optimism bias of 5 (500%) or a weekly care cost; with
--deny-warnings they count as errors.")]
    Validate {
        /// Scenario files
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print every parameter as the model will use it: distribution, mean, P5-P95, unit,
        /// conversion to a year, source
        #[arg(long)]
        explain: bool,
        /// Treat warnings as errors
        #[arg(long)]
        deny_warnings: bool,
        /// Also warn about uncertain inputs (distributions) without a `source`
        #[arg(long)]
        register: bool,
    },
    /// Write a commented starter scenario NAME.toml, valid as written
    #[command(after_help = "Examples:
  prevsim new my-area                          writes my-area.toml
  prevsim new scenarios/my-area.toml           writes it there
  prevsim new bolton --area Bolton             fitted to Bolton's published DfE figures

Every figure is a placeholder marked \"assumption: replace\". An existing file is never
overwritten.")]
    New {
        /// The scenario's name (letters, digits, '-', '_', '.'), or a path ending in .toml
        name: String,
        /// Fit it to this council's, region's, group's or England's published figures (DfE):
        /// writes NAME.toml in the current folder
        #[arg(long)]
        area: Option<String>,
    },
    /// Rewrite the report (report.html), workbook (results.xlsx) and assumptions register of
    /// result folders from their files
    #[command(after_help = "Examples:
  prevsim report output/gm-family-ladder
  prevsim sensitivity ... ; prevsim report output/gm-family-ladder   add the sensitivity results

Nothing is re-run: the files are made from summary.json, yearly.csv, iterations.csv,
manifest.json, scenario.toml, the charts' SVG files and, when present,
sensitivity/sensitivity.json and voi/voi.json. Every run writes them too.")]
    Report {
        /// Result folders (OUT/<scenario name>)
        #[arg(required = true)]
        folders: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files (for editors: completion and explanations)
    #[command(after_help = "Example:
  prevsim schema > scenario.schema.json

Then put `#:schema ./scenario.schema.json` as the first line of a scenario file (Even
Better TOML in VS Code, or any taplo-based editor). The repository ships the same schema
as schema/scenario.schema.json.")]
    Schema,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A readable table with notes
    Console,
    Markdown,
    Csv,
    Json,
}

fn parse_group(s: &str) -> Result<prevsim::voi::GroupSpec, String> {
    s.parse()
}

fn parse_unit(s: &str) -> Result<MoneyUnit, String> {
    s.parse()
}

fn parse_iterations(s: &str) -> Result<u64, String> {
    let n: u64 =
        s.trim().replace('_', "").parse().map_err(|_| {
            format!("give a whole number of iterations, such as 10000 (not \"{s}\")")
        })?;
    if n == 0 {
        return Err(
            "a run needs at least 1 iteration (0 would have no results); 10,000 is a common choice"
                .to_string(),
        );
    }
    Ok(n)
}
