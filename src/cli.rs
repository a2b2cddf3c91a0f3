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

Each scenario's folder gets summary.json, iterations.csv, yearly.csv and summary.md, and
charts (chart-*.png and chart-*.svg); a run of several scenarios also writes
OUT/comparison.png and .svg.
Files are replaced only once the whole run has succeeded.")]
    Run {
        /// Scenario files (default: every *.toml in --scenarios)
        files: Vec<PathBuf>,
        /// Monte Carlo iterations (default: the scenario's `run.iterations`)
        #[arg(short = 'n', long)]
        iterations: Option<u64>,
        /// Random seed (default: the scenario's `run.seed`)
        #[arg(short, long)]
        seed: Option<u64>,
        /// Deterministic base case: every parameter at its mean, expected counts, no sampling
        #[arg(long)]
        fixed: bool,
        /// Folder for results
        #[arg(short, long, default_value = "output")]
        out: PathBuf,
        /// Folder searched for scenarios when no file is given
        #[arg(long, default_value = "scenarios")]
        scenarios: PathBuf,
        /// Also write the value of information (as `prevsim voi`) into OUT/<scenario>/voi/
        #[arg(long)]
        voi: bool,
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
    /// Check scenario files without running them
    #[command(after_help = "Example:
  prevsim validate scenarios/*.toml")]
    Validate {
        /// Scenario files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
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
