//! prevsim's command line: parse arguments, call the library, report errors.

mod app;
mod app_sensitivity;
mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use prevsim::charts::Style;
use prevsim::pipeline::Overrides;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            files,
            iterations,
            seed,
            fixed,
            shard,
            out,
            scenarios,
            deny_warnings,
            voi,
            precision,
            precision_prob,
            max_iterations,
        } => {
            let overrides = Overrides {
                iterations,
                seed,
                fixed,
            };
            match app::precision_targets(
                precision,
                precision_prob,
                max_iterations,
                overrides,
                shard.is_some(),
            ) {
                Err(e) => Err(e),
                Ok(targets) => match shard {
                    Some(shard) => app::run_shard(files, overrides, shard, &out, &scenarios),
                    None => app::run(
                        files,
                        overrides,
                        &out,
                        &scenarios,
                        deny_warnings,
                        voi,
                        targets,
                    ),
                },
            }
        }
        Command::Merge { parts, out } => app::merge(&parts, &out),
        Command::Voi {
            folders,
            group,
            agency,
        } => app::voi(&folders, group, agency),
        Command::Plot {
            folders,
            out,
            title,
            subtitle,
            unit,
        } => app::plot(
            &folders,
            out.as_deref(),
            &Style {
                title,
                subtitle,
                unit,
            },
        ),
        Command::Sensitivity {
            files,
            intervention,
            metric,
            agency,
            target,
            inputs,
            entries,
            no_monte_carlo,
            sweeps,
            monte_carlo,
            iterations,
            seed,
            out,
            scenarios,
        } => app_sensitivity::sensitivity(
            files,
            prevsim::sensitivity::Request {
                intervention,
                metric,
                agency,
                target,
                inputs,
                entries,
                monte_carlo_outputs: !no_monte_carlo,
                sweeps: Vec::new(),
                monte_carlo,
                iterations,
                seed,
            },
            &sweeps,
            &out,
            &scenarios,
        ),
        Command::Validate {
            files,
            explain,
            deny_warnings,
            register,
        } => app::validate(&files, explain, deny_warnings, register),
        Command::New { name, area: None } => app::new(&name),
        Command::New {
            name,
            area: Some(area),
        } => app::new_for_area(&name, &area),
        Command::Area { name } => app::area(name.as_deref()),
        Command::Calibrate { file, out } => app::calibrate(&file, &out),
        Command::Report { folders } => app::report(&folders),
        Command::Schema => {
            print!("{}", prevsim::scenario::schema::scenario_schema());
            Ok(())
        }
        Command::Verify { folders } => app::verify(&folders),
        // `check` has its own exit codes: 0 no claim refuted, 1 refuted, 2 an error.
        Command::Check {
            files,
            iterations,
            seed,
            format,
            strict,
            scenarios,
        } => {
            let overrides = Overrides {
                iterations,
                seed,
                fixed: false,
            };
            return app::check(files, overrides, format, strict, &scenarios);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Dies quietly when the reader of our output goes away (`prevsim check | head`), as command-line
/// tools do, instead of panicking in `println!`. Result folders are staged and renamed into
/// place, so a run stopped this way leaves the previous results as they were.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; it only restores
    // the default action for one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
