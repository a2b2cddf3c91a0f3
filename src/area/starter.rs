//! A starter scenario fitted to one area's published figures (`prevsim new NAME --area AREA`).
//!
//! The scenario is commented line by line and every figure says where it comes from: the DfE
//! file and year, or "assumption:" with why. What comes from the data: children in care (the
//! latest year's count at 31 March), the child population, the exit rate (a beta fitted to the
//! years' ceased / looked-after ratios) and the level of the entry rates (scaled so that the
//! baseline's first year brings in the average number of children who started to be looked
//! after). What does not (the split of families across the ladder, the transitions, the shape of
//! the entry rates across states, costs) is marked as an assumption.

use std::fmt::Write as _;

use super::{Area, count};
use crate::model::STATES;

/// Mean children per family: an assumption shared with the shipped scenarios.
pub const CHILDREN_PER_FAMILY: f64 = 1.8;

/// The shipped scenarios' yearly transitions between states (rows: from; columns: to).
pub const TRANSITIONS: [[f64; 4]; 4] = [
    [0.70, 0.22, 0.07, 0.01],
    [0.06, 0.74, 0.17, 0.03],
    [0.01, 0.05, 0.84, 0.10],
    [0.00, 0.01, 0.09, 0.90],
];

/// The shipped scenarios' entry rates by state, whose shape (not level) the starter keeps.
pub const ENTRY_SHAPE: [f64; 4] = [0.075, 0.006, 0.0005, 0.0001];

/// Why a starter scenario cannot be written for an area.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct StarterError(pub String);

/// The shares of families in each state that the transitions leave unchanged from year to year
/// (the stationary distribution, by power iteration).
pub fn stationary(rows: &[[f64; 4]; 4]) -> [f64; 4] {
    let mut p = [0.25; 4];
    for _ in 0..10_000 {
        let mut next = [0.0; 4];
        for (from, row) in rows.iter().enumerate() {
            for (to, q) in row.iter().enumerate() {
                next[to] += p[from] * q;
            }
        }
        let change: f64 = next.iter().zip(&p).map(|(a, b)| (a - b).abs()).sum();
        p = next;
        if change < 1e-15 {
            break;
        }
    }
    p
}

/// A number with `digits` significant figures, written plainly.
fn sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Whole numbers with `_` separators, as TOML allows.
fn toml_int(x: f64) -> String {
    count(Some(x)).replace(',', "_")
}

/// What the starter scenario is fitted from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub latest: i32,
    pub years: Vec<i32>,
    pub looked_after: f64,
    pub population: f64,
    pub ratios: Vec<(i32, f64)>,
    pub exit_mean: f64,
    pub exit_sd: f64,
    pub mean_started: f64,
    pub families: [f64; 4],
    pub entry_rate: [f64; 4],
}

/// The figures a starter scenario for `area` would use.
///
/// # Errors
/// The area publishes no year with children looked after, started, ceased and child population.
pub fn fit(area: &Area) -> Result<Fit, StarterError> {
    let complete: Vec<i32> = area
        .series
        .iter()
        .filter(|(_, f)| {
            f.looked_after.is_some_and(|l| l > 0.0)
                && f.started.is_some()
                && f.ceased.is_some()
                && f.population.is_some()
        })
        .map(|(y, _)| *y)
        .collect();
    let Some(&latest) = complete.last() else {
        return Err(StarterError(format!(
            "{} has no year with children looked after, started, ceased and child population all published, so there is nothing to fit a scenario to; try its region or a group it belongs to",
            area.name
        )));
    };
    // The recent years (2020 on) describe today's rates; 2010 only when nothing else is there.
    let recent: Vec<i32> = complete.iter().copied().filter(|y| *y >= 2020).collect();
    let years = if recent.is_empty() {
        complete.clone()
    } else {
        recent
    };
    let f = area.figures(latest);
    let looked_after = f.looked_after.unwrap_or(0.0);
    let population = f.population.unwrap_or(0.0);
    let ratios: Vec<(i32, f64)> = years
        .iter()
        .map(|y| {
            let f = area.figures(*y);
            (*y, f.ceased.unwrap_or(0.0) / f.looked_after.unwrap_or(1.0))
        })
        .collect();
    let n = ratios.len() as f64;
    let exit_mean = ratios.iter().map(|r| r.1).sum::<f64>() / n;
    let sample_sd = if ratios.len() > 1 {
        (ratios
            .iter()
            .map(|r| (r.1 - exit_mean).powi(2))
            .sum::<f64>()
            / (n - 1.0))
            .sqrt()
    } else {
        0.0
    };
    // Never narrower than 0.01: five years say little about next year's rate.
    let exit_sd = sample_sd
        .max(0.01)
        .min(0.5 * (exit_mean * (1.0 - exit_mean)).sqrt());
    let mean_started = years
        .iter()
        .map(|y| area.figures(*y).started.unwrap_or(0.0))
        .sum::<f64>()
        / n;
    let shares = stationary(&TRANSITIONS);
    let total_families = (population / CHILDREN_PER_FAMILY).round();
    let mut families = shares.map(|s| (total_families * s).round());
    // Whole families adding up to the total: the largest state absorbs the rounding.
    let diff = total_families - families.iter().sum::<f64>();
    families[3] += diff;
    let expected: f64 = (0..4)
        .map(|s| (families[s] * CHILDREN_PER_FAMILY).round() * ENTRY_SHAPE[s])
        .sum();
    let scale = if expected > 0.0 {
        mean_started / expected
    } else {
        0.0
    };
    let entry_rate = ENTRY_SHAPE.map(|r| sig((r * scale).min(1.0), 4));
    Ok(Fit {
        latest,
        years,
        looked_after,
        population,
        ratios,
        exit_mean: sig(exit_mean, 4),
        exit_sd: sig(exit_sd, 3),
        mean_started,
        families,
        entry_rate,
    })
}

/// The TOML text of a starter scenario named `name` for `area`, fitted to its published figures.
///
/// # Errors
/// As [`fit`].
pub fn scenario(area: &Area, name: &str) -> Result<String, StarterError> {
    let fit = fit(area)?;
    let file = area.file(fit.latest);
    let span = crate::scenario::calibration::describe_years(&fit.years);
    let (first, last) = (fit.years[0], *fit.years.last().unwrap_or(&fit.latest));
    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(
        w,
        "# {}: a starter scenario fitted to the council's published figures.",
        area.name
    );
    let _ = writeln!(w, "#");
    let _ = writeln!(
        w,
        "# Written by `prevsim new {name} --area \"{}\"` from the Department for Education's",
        area.name
    );
    let _ = writeln!(
        w,
        "# statistics on children looked after (Open Government Licence v3.0; prevsim's data/dfe/)."
    );
    let _ = writeln!(
        w,
        "# Figures from the data say which file and year; the rest are marked \"assumption:\"."
    );
    let _ = writeln!(
        w,
        "# Next steps: `prevsim run {name}.toml`; `prevsim calibrate {name}.toml` to fit the"
    );
    let _ = writeln!(
        w,
        "# care rates to {span}; replace the assumptions and the example intervention with your own."
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "name = \"{name}\"");
    let _ = writeln!(
        w,
        "title = \"{}: children in care, fitted to DfE figures\"",
        area.name
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "[run]");
    let _ = writeln!(
        w,
        "years = 10                 # horizon: year 0 starts on 1 April {}",
        fit.latest
    );
    let _ = writeln!(w, "iterations = 10000");
    let _ = writeln!(w, "seed = {}", fit.latest);
    let _ = writeln!(w, "discount = \"green_book\"");
    let _ = writeln!(w);
    let _ = writeln!(w, "[population]");
    let _ = writeln!(
        w,
        "# {} children aged 0-17 ({file}, year ending 31 March {}), in families of",
        count(Some(fit.population)),
        fit.latest
    );
    let _ = writeln!(
        w,
        "# {CHILDREN_PER_FAMILY} children. assumption: the split across the ladder is the one the transitions below"
    );
    let _ = writeln!(
        w,
        "# keep steady from year to year (no source gives it); replace with local figures."
    );
    let _ = writeln!(
        w,
        "children_per_family = {{ chaotic = 1.8, barely_coping = 1.8, coping = 1.8, thriving = 1.8 }}   # assumption: the same in every state, as in the shipped scenarios"
    );
    let _ = writeln!(
        w,
        "children_in_care = {{ value = {}, source = \"DfE, {file}: children looked after at 31 March {}\" }}",
        toml_int(fit.looked_after),
        fit.latest
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "[population.families]");
    for (s, state) in STATES.iter().enumerate() {
        let _ = writeln!(
            w,
            "{:<13} = {{ value = {}, source = \"DfE, {file}: {} children aged 0-17, year ending 31 March {}, / {CHILDREN_PER_FAMILY} children per family; share in this state: assumption\" }}",
            state,
            toml_int(fit.families[s]),
            count(Some(fit.population)),
            fit.latest
        );
    }
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# Where a family in each state is one year later: [chaotic, barely_coping, coping, thriving]."
    );
    let _ = writeln!(
        w,
        "# assumption: the shipped scenarios' illustrative rows; replace with local case-record counts."
    );
    let _ = writeln!(w, "[transitions]");
    for (s, row) in TRANSITIONS.iter().enumerate() {
        let _ = writeln!(
            w,
            "{:<13} = [{:.2}, {:.2}, {:.2}, {:.2}]",
            STATES[s], row[0], row[1], row[2], row[3]
        );
    }
    let _ = writeln!(w);
    let _ = writeln!(w, "[care]");
    let ratios: Vec<String> = fit
        .ratios
        .iter()
        .map(|(y, r)| format!("{y} {r:.3}"))
        .collect();
    let _ = writeln!(
        w,
        "# Children ceasing to be looked after / looked after at 31 March, {span}: {}.",
        ratios.join(", ")
    );
    let _ = writeln!(
        w,
        "exit_rate = {{ distribution = \"beta\", mean = {}, sd = {}, source = \"DfE, {file}: ceased / looked after, years ending 31 March {span} (mean and spread of the years' ratios; sd at least 0.01)\" }}",
        fit.exit_mean, fit.exit_sd
    );
    let _ = writeln!(
        w,
        "# The shape across states is the shipped scenarios' (assumption); the level is scaled so that the"
    );
    let _ = writeln!(
        w,
        "# first year brings in {} children, the average who started to be looked after in {span}.",
        count(Some(fit.mean_started))
    );
    let _ = writeln!(
        w,
        "# One factor on every entry rate: 1 keeps them as above. Its spread is the prior `prevsim calibrate` starts from."
    );
    let _ = writeln!(
        w,
        "entry_scale = {{ distribution = \"lognormal\", mean = 1, sd = 0.1, source = \"assumption: the entry rates are right to within about 10%\" }}"
    );
    let _ = writeln!(
        w,
        "cost = {{ distribution = \"uniform\", min = 70_000, max = 100_000, source = \"assumption: the Total Place documents' £70,000-£100,000 per looked-after child a year (AGMA report); replace with your council's own figure\" }}"
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "[care.entry_rate]");
    for (s, state) in STATES.iter().enumerate() {
        let _ = writeln!(
            w,
            "{:<13} = {{ value = {}, source = \"DfE, {file}: scaled so the first year brings in {} children, the mean who started to be looked after in the years ending 31 March {span}; shape across states: assumption\" }}",
            state,
            fit.entry_rate[s],
            count(Some(fit.mean_started))
        );
    }
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "[unit_costs]                  # per child living at home, per year"
    );
    let _ = writeln!(
        w,
        "coping = {{ distribution = \"triangular\", min = 50, mode = 100, max = 200, source = \"assumption: replace with local spend data\" }}"
    );
    let _ = writeln!(
        w,
        "barely_coping_multiplier = {{ value = 10, source = \"AGMA report: Peterborough, barely coping costs 10x coping\" }}"
    );
    let _ = writeln!(
        w,
        "chaotic_multiplier = {{ value = 7, source = \"AGMA report: Peterborough, chaotic costs 7x barely coping\" }}"
    );
    let _ = writeln!(
        w,
        "thriving_multiplier = {{ value = 0.5, source = \"assumption: a thriving family's child needs about half the services of a coping one\" }}"
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# An example lever to replace with your own: the AGMA report's \"keep 1% out of care\"."
    );
    let _ = writeln!(w, "[[interventions]]");
    let _ = writeln!(w, "name = \"keep 1% out of care\"");
    let _ = writeln!(
        w,
        "keep_out_of_care = {{ share = 0.01, home_cost = \"chaotic\" }}"
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The published figures the model is fitted to by `prevsim calibrate`, and checked against on"
    );
    let _ = writeln!(
        w,
        "# every run. Years end on 31 March; children_in_care above is the count at 31 March {}.",
        fit.latest
    );
    let _ = writeln!(w, "[calibration]");
    let _ = writeln!(w, "area = \"{}\"", area.name);
    let _ = writeln!(w, "first_year = {}", fit.latest);
    let _ = writeln!(w, "years = [{first}, {last}]");
    let _ = writeln!(
        w,
        "series = [\"started\", \"ceased\"]   # fitted; the count looked after follows from them and is shown as a check"
    );
    let _ = writeln!(w, "fit = [\"care.exit_rate\", \"care.entry_scale\"]");
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stationary_shares_do_not_move() {
        let p = stationary(&TRANSITIONS);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for to in 0..4 {
            let next: f64 = (0..4).map(|s| p[s] * TRANSITIONS[s][to]).sum();
            assert!((next - p[to]).abs() < 1e-12);
        }
    }
}
