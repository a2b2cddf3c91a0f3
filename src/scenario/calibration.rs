//! `[calibration]`: the area whose published figures a scenario is fitted to, and how.
//!
//! ```toml
//! [calibration]
//! area = "Greater Manchester"        # a council, region, England or group (`prevsim area`)
//! first_year = 2024                  # population.children_in_care is the count at 31 March of this year
//! years = [2020, 2024]               # published years (ending 31 March) to fit
//! series = ["started", "ceased"]   # in the likelihood (default); looked_after is shown as a check
//! fit = ["care.exit_rate", "care.entry_scale"]   # inputs fitted, by their iterations.csv names
//! ```
//!
//! The scenario's distribution of each fitted input is its prior. [`validate`] checks the block
//! against the scenario's parameters and the published figures.

use serde::Deserialize;
use toml::Spanned;

use super::error::{Problem, line_column};
use super::values::suggest;
use crate::area::Areas;
use crate::model::STATES;
use crate::params::ParamSet;

/// The published series a calibration can fit, as `fit.csv` names them.
pub const SERIES: [&str; 3] = ["looked_after", "started", "ceased"];

/// The series in the likelihood when the block does not say: the year's flows. The count
/// looked after at 31 March follows from them (last year's count plus starts less ceases), so
/// fitting it as well would count the same information twice; it is still shown beside the
/// calibrated model in fit.csv and the chart.
pub const DEFAULT_SERIES: [&str; 2] = ["started", "ceased"];

/// Particles drawn from the prior when the file does not say.
pub const DEFAULT_PARTICLES: i64 = 20_000;
/// Simulations of each particle, averaged for its likelihood.
pub const DEFAULT_REPLICATES: i64 = 4;
/// Posterior draws kept (resampled) when the file does not say.
pub const DEFAULT_DRAWS: i64 = 1_000;

/// `[calibration]` as written: the area whose published figures the model is fitted to, and
/// how (`prevsim calibrate`).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    /// The area, as `prevsim area` spells it (a council, region, group or England).
    #[schemars(with = "String")]
    pub area: Spanned<String>,
    /// The published year (ending 31 March) whose count is the model's starting stock.
    #[schemars(with = "i64")]
    pub first_year: Spanned<i64>,
    /// First and last published years fitted.
    #[schemars(with = "Option<Vec<i64>>")]
    pub years: Option<Spanned<Vec<i64>>>,
    /// Series fitted: `looked_after`, `started`, `ceased`.
    #[schemars(with = "Option<Vec<String>>")]
    pub series: Option<Spanned<Vec<String>>>,
    /// Inputs fitted, by their iterations.csv names (e.g. `care.exit_rate`, `care.entry_scale`).
    #[schemars(with = "Option<Vec<String>>")]
    pub fit: Option<Spanned<Vec<String>>>,
    /// Particles drawn from the prior.
    #[schemars(with = "Option<i64>")]
    pub particles: Option<Spanned<i64>>,
    /// Simulations per particle.
    #[schemars(with = "Option<i64>")]
    pub replicates: Option<Spanned<i64>>,
    /// Posterior draws kept.
    #[schemars(with = "Option<i64>")]
    pub draws: Option<Spanned<i64>>,
    /// Negative binomial size of the count likelihood (fitted when not given).
    #[schemars(with = "Option<f64>")]
    pub dispersion: Option<Spanned<f64>>,
    /// Seed of the calibration.
    #[schemars(with = "Option<i64>")]
    pub seed: Option<Spanned<i64>>,
}

/// A validated `[calibration]` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The area's name as the data spell it.
    pub area: String,
    /// The year (ending 31 March) whose count at 31 March is `population.children_in_care`:
    /// the model's year 0 starts the next day.
    pub first_year: i32,
    /// First and last published year fitted, both included.
    pub years: (i32, i32),
    /// Which series are fitted, names from [`SERIES`].
    pub series: Vec<&'static str>,
    /// The fitted inputs by their iterations.csv names (`care.entry_rate.*` expanded).
    pub fit: Vec<String>,
    pub particles: usize,
    pub replicates: usize,
    pub draws: usize,
    /// Negative binomial size of the count likelihood: published counts vary around the
    /// model's by a share of about `1 / sqrt(dispersion)` beyond Poisson noise. `None`: fitted.
    pub dispersion: Option<f64>,
    /// Seed of the calibration (the scenario's `run.seed` when not given).
    pub seed: Option<u64>,
}

/// Inputs that may be fitted: they shape the baseline's care series.
pub fn fittable(name: &str) -> bool {
    name == "care.exit_rate"
        || name == "care.entry_scale"
        || STATES.iter().any(|s| {
            name == format!("care.entry_rate.{s}")
                || name == format!("population.families.{s}")
                || name == format!("population.children_per_family.{s}")
        })
}

struct V<'a> {
    source: &'a str,
    problems: Vec<Problem>,
}

impl V<'_> {
    fn problem(&mut self, span: std::ops::Range<usize>, field: &str, message: String) {
        let (line, column) = line_column(self.source, span.start);
        self.problems.push(Problem {
            line,
            column,
            field: format!("calibration.{field}"),
            message,
        });
    }

    fn count(&mut self, raw: Option<&Spanned<i64>>, field: &str, default: i64, max: i64) -> usize {
        let Some(raw) = raw else {
            return default as usize;
        };
        let v = *raw.get_ref();
        if !(1..=max).contains(&v) {
            self.problem(
                raw.span(),
                field,
                format!("{v} is out of range: it must be a whole number from 1 to {max}"),
            );
            return default as usize;
        }
        v as usize
    }
}

/// Checks a `[calibration]` block against the scenario's parameters and the published data.
///
/// # Errors
/// Every problem, with line and column.
pub fn validate(
    source: &str,
    raw: &Spanned<RawCalibration>,
    params: &ParamSet,
) -> Result<Calibration, Vec<Problem>> {
    let mut v = V {
        source,
        problems: Vec::new(),
    };
    let c = raw.get_ref();
    let areas = match Areas::published() {
        Ok(a) => a,
        Err(e) => {
            v.problem(
                raw.span(),
                "area",
                format!("cannot read the published figures: {e}"),
            );
            return Err(v.problems);
        }
    };
    let area = match areas.find(c.area.get_ref()) {
        Ok(a) => Some(a),
        Err(e) => {
            v.problem(c.area.span(), "area", e.to_string());
            None
        }
    };
    let first_year = *c.first_year.get_ref();
    if !(1990..=2100).contains(&first_year) {
        v.problem(
            c.first_year.span(),
            "first_year",
            format!("{first_year} is not a year ending 31 March that prevsim can use: give one such as 2024"),
        );
    }
    let latest = area.and_then(|a| a.latest_complete_year()).unwrap_or(2024);
    let years = match &c.years {
        None => (2020.min(latest), latest),
        Some(y) => match y.get_ref().as_slice() {
            [a, b] if a <= b => (*a as i32, *b as i32),
            _ => {
                v.problem(
                    y.span(),
                    "years",
                    "give the first and last published year to fit, such as [2020, 2024]".into(),
                );
                (2020, latest)
            }
        },
    };
    if let (Some(a), Some(y)) = (area, &c.years) {
        let published: Vec<i32> = a
            .years()
            .into_iter()
            .filter(|t| (years.0..=years.1).contains(t))
            .collect();
        if published.is_empty() {
            let all = a.years();
            v.problem(
                y.span(),
                "years",
                format!(
                    "{} publishes no figures from {} to {}; its years are {}",
                    a.name,
                    years.0,
                    years.1,
                    describe_years(&all)
                ),
            );
        }
    }
    let mut series = Vec::new();
    match &c.series {
        None => series.extend(DEFAULT_SERIES),
        Some(list) => {
            for s in list.get_ref() {
                match SERIES.iter().find(|k| **k == s.as_str()) {
                    Some(k) if !series.contains(k) => series.push(*k),
                    Some(_) => {}
                    None => {
                        let hint = suggest(s, SERIES);
                        v.problem(
                            list.span(),
                            "series",
                            format!("unknown series `{s}`{hint}; the series are `looked_after`, `started` and `ceased`"),
                        );
                    }
                }
            }
            if list.get_ref().is_empty() {
                v.problem(
                    list.span(),
                    "series",
                    "name at least one series to fit".into(),
                );
            }
        }
    }
    let mut fit: Vec<String> = Vec::new();
    let empty = Spanned::new(0..0, Vec::new());
    let fit_list = c.fit.as_ref().unwrap_or(&empty);
    for name in fit_list.get_ref() {
        let names: Vec<String> = if name == "care.entry_rate.*" {
            STATES
                .iter()
                .map(|s| format!("care.entry_rate.{s}"))
                .collect()
        } else {
            vec![name.clone()]
        };
        for n in names {
            if !fittable(&n) {
                let known: Vec<&str> = params
                    .scalars()
                    .map(|(n, ..)| n)
                    .filter(|n| fittable(n))
                    .collect();
                let hint = suggest(&n, known.iter().copied());
                v.problem(
                    fit_list.span(),
                    "fit",
                    format!("`{n}` cannot be fitted to published care figures{hint}; fit `care.exit_rate`, `care.entry_scale` (one factor on every entry rate), `care.entry_rate.<state>` or `care.entry_rate.*`"),
                );
                continue;
            }
            match params.scalar_by_name(&n) {
                Some((_, d)) if d.is_fixed() => v.problem(
                    fit_list.span(),
                    "fit",
                    format!("`{n}` is a fixed value ({}); a fitted input needs a distribution to start from (its prior), for example {}", d.mean(), prior_hint(&n, d.mean())),
                ),
                Some(_) if fit.contains(&n) => {}
                Some(_) => fit.push(n),
                None => v.problem(fit_list.span(), "fit", format!("the scenario has no input `{n}`")),
            }
        }
    }
    if c.fit.as_ref().is_some_and(|f| f.get_ref().is_empty()) {
        v.problem(
            fit_list.span(),
            "fit",
            "name at least one input to fit, such as [\"care.exit_rate\", \"care.entry_scale\"]"
                .into(),
        );
    }
    let particles = v.count(
        c.particles.as_ref(),
        "particles",
        DEFAULT_PARTICLES,
        10_000_000,
    );
    let replicates = v.count(
        c.replicates.as_ref(),
        "replicates",
        DEFAULT_REPLICATES,
        1_000,
    );
    let draws = v.count(c.draws.as_ref(), "draws", DEFAULT_DRAWS, 1_000_000);
    let dispersion = match &c.dispersion {
        None => None,
        Some(d) => {
            let x = *d.get_ref();
            if !(x.is_finite() && x > 0.0) {
                v.problem(
                    d.span(),
                    "dispersion",
                    format!("{x} is not allowed: give a positive number (larger is closer to Poisson; 1000 lets counts vary about 3% beyond it), or leave it out to fit it"),
                );
            }
            Some(x)
        }
    };
    let seed = c.seed.as_ref().map(|s| {
        let x = *s.get_ref();
        if x < 0 {
            v.problem(
                s.span(),
                "seed",
                format!("{x} is out of range: a seed is a whole number from 0"),
            );
        }
        x.max(0) as u64
    });
    if !v.problems.is_empty() {
        return Err(v.problems);
    }
    Ok(Calibration {
        area: area.map_or_else(String::new, |a| a.name.clone()),
        first_year: first_year as i32,
        years,
        series,
        fit,
        particles,
        replicates,
        draws,
        dispersion,
        seed,
    })
}

fn prior_hint(name: &str, mean: f64) -> String {
    if name == "care.entry_scale" {
        "{ distribution = \"lognormal\", mean = 1, sd = 0.2 }".to_string()
    } else if name.starts_with("care.") {
        let sd = (mean * 0.25).max(1e-6);
        format!("{{ distribution = \"beta\", mean = {mean}, sd = {sd:.3} }}")
    } else {
        format!(
            "{{ distribution = \"normal\", mean = {mean}, sd = {} }}",
            mean * 0.1
        )
    }
}

/// "2010, 2020-2024".
pub fn describe_years(years: &[i32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}-{}", years[i], years[j])
        } else {
            years[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}
