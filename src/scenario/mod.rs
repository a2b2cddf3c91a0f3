//! Scenario files: the TOML an analyst edits, and the validated [`Scenario`] built from it.
//!
//! Loading is two-stage, as in ripgrep's low/high args: [`raw`] mirrors the file with serde and
//! refuses unknown keys; [`validate`] turns the mirror into a [`Scenario`], collecting every
//! problem with its line and column. The engine only ever sees a valid `Scenario`.

pub mod calibration;
mod claims;
mod error;
mod explain;
mod hints;
pub mod limits;
pub mod meta;
mod raw;
pub mod schema;
mod starter;
mod toml_errors;
mod validate;
mod values;
mod warnings;

pub use claims::{Claim, Input, Quantity, Requirement, Test, is_money_parameter};
pub use error::{Problem, ScenarioError, line_column};
pub use explain::{converted_figures, explain};
pub use meta::ParamMeta;
pub use starter::{starter_scenario, valid_name};

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::{Agencies, Baseline, Intervention};
use crate::params::ParamSet;

/// Most years a scenario may run.
pub const MAX_YEARS: i64 = 200;
/// Most Monte Carlo iterations a scenario may ask for.
pub const MAX_ITERATIONS: i64 = 10_000_000;
/// Most families (or children in care) a state may hold.
pub const MAX_COUNT: f64 = 1e9;
/// Iterations when the file does not say.
pub const DEFAULT_ITERATIONS: u64 = 10_000;
/// Seed when the file does not say.
pub const DEFAULT_SEED: u64 = 20_100_301;

/// How future costs are discounted to present values.
#[derive(Debug, Clone, PartialEq)]
pub enum Discount {
    /// HM Treasury Green Book: 3.5% a year to year 30, 3.0% to 75, 2.5% to 125, 2.0% to 200.
    GreenBook,
    /// One rate every year.
    Constant(f64),
    /// No discounting.
    None,
}

impl Discount {
    /// The rate that discounts year `t` relative to year `t - 1`.
    pub fn rate(&self, t: u32) -> f64 {
        match self {
            Discount::GreenBook => match t {
                0..=30 => 0.035,
                31..=75 => 0.030,
                76..=125 => 0.025,
                _ => 0.020,
            },
            Discount::Constant(r) => *r,
            Discount::None => 0.0,
        }
    }

    /// Discount factors for years `0..years`: year 0 is 1, then the cumulative product of
    /// `1 / (1 + rate(t))`.
    pub fn factors(&self, years: u32) -> Vec<f64> {
        let mut factor = 1.0;
        (0..years)
            .map(|t| {
                if t > 0 {
                    factor /= 1.0 + self.rate(t);
                }
                factor
            })
            .collect()
    }

    /// A short description for reports.
    pub fn describe(&self) -> String {
        match self {
            Discount::GreenBook => {
                // Every step of `rate`, with the years it applies to, as the Green Book's table
                // gives them (years counted from 0, as in yearly.csv).
                let step = |t: u32| crate::money::rate(Discount::GreenBook.rate(t));
                format!(
                    "Green Book: {} a year for years 0-30, {} for 31-75, {} for 76-125, {} for 126-200",
                    step(30),
                    step(75),
                    step(125),
                    step(126)
                )
            }
            Discount::Constant(r) => format!("{} a year", crate::money::rate(*r)),
            Discount::None => "none".into(),
        }
    }
}

/// A validated scenario: everything the engine needs, nothing it must check.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name, used as the output folder name.
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The file it was read from.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The file's text, copied into each result folder for the audit trail.
    pub source_text: String,
    pub years: u32,
    pub iterations: u64,
    pub seed: u64,
    pub discount: Discount,
    pub params: ParamSet,
    pub baseline: Baseline,
    /// Who pays for each cost; a single "all services" agency when the file names none.
    pub agencies: Agencies,
    /// True when the file has an `[agencies]` table.
    pub has_agencies: bool,
    pub interventions: Vec<Intervention>,
    /// Claims from documents, for `prevsim check`; empty when the file states none.
    pub claims: Vec<Claim>,
    /// Values accepted but that look like slips, in file order (see [`Scenario::warning_lines`]).
    pub warnings: Vec<Problem>,
    /// The area the model is fitted to (`[calibration]`), if the file names one.
    pub calibration: Option<calibration::Calibration>,
}

impl Scenario {
    /// Reads and validates a scenario file.
    ///
    /// # Errors
    /// The file cannot be read, or is not a valid scenario (every problem is listed).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let source = limits::read_scenario_file(path)?;
        Scenario::parse(&source, path)
    }

    /// Validates a scenario from its text; `path` names it in messages and gives its default
    /// name.
    ///
    /// # Errors
    /// Every problem found, with line and column.
    pub fn parse(source: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let mut scenario =
            limits::validated(source, path).map_err(|problems| ScenarioError::Invalid {
                path: path.to_path_buf(),
                problems,
            })?;
        scenario.sha256 = sha256_hex(source.as_bytes());
        scenario.source_text = source.to_string();
        Ok(scenario)
    }

    /// Reads and validates a scenario file, refusing it when it has warnings and `deny` is
    /// set (`--deny-warnings`).
    ///
    /// # Errors
    /// As [`Scenario::load`], or its warnings when `deny` is set.
    pub fn load_checked(path: &Path, deny: bool) -> Result<Scenario, ScenarioError> {
        let scenario = Scenario::load(path)?;
        if deny && !scenario.warnings.is_empty() {
            return Err(ScenarioError::Warnings {
                path: path.to_path_buf(),
                warnings: scenario.warnings,
            });
        }
        Ok(scenario)
    }

    /// Each warning as a line for the console: `warning: FILE:LINE:COLUMN: `field`: message`.
    pub fn warning_lines(&self) -> Vec<String> {
        self.warnings
            .iter()
            .map(|w| {
                format!(
                    "warning: {}:{}:{}: `{}`: {}",
                    self.path.display(),
                    w.line,
                    w.column,
                    w.field,
                    w.message
                )
            })
            .collect()
    }

    /// The name to show a reader: the title if there is one.
    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }
}

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn green_book_factors_follow_the_schedule() {
        let f = Discount::GreenBook.factors(40);
        assert_eq!(f[0], 1.0);
        assert!((f[1] - 1.0 / 1.035).abs() < 1e-15);
        assert!((f[30] - 1.035f64.powi(-30)).abs() < 1e-12);
        assert!((f[31] - 1.035f64.powi(-30) / 1.03).abs() < 1e-12);
        assert!((f[39] - 1.035f64.powi(-30) * 1.03f64.powi(-9)).abs() < 1e-12);
        assert_eq!(Discount::None.factors(3), vec![1.0; 3]);
    }

    #[test]
    fn descriptions_name_every_step_and_print_rates_as_typed() {
        let text = Discount::GreenBook.describe();
        for step in ["3.5%", "3%", "2.5%", "2%"] {
            assert!(
                text.contains(&format!("{step} ")),
                "{step} missing from {text}"
            );
        }
        assert!(!text.contains("0000"), "{text}");
        // The years named are the years each rate applies to.
        assert_eq!(
            text,
            "Green Book: 3.5% a year for years 0-30, 3% for 31-75, 2.5% for 76-125, 2% for 126-200"
        );
        for (t, r) in [
            (0, 0.035),
            (30, 0.035),
            (31, 0.03),
            (75, 0.03),
            (76, 0.025),
            (125, 0.025),
            (126, 0.02),
            (200, 0.02),
        ] {
            assert_eq!(Discount::GreenBook.rate(t), r);
        }
        assert_eq!(Discount::Constant(0.035).describe(), "3.5% a year");
    }
}
