//! The reality check on every run of a scenario that names an area: the model's first year
//! beside the area's published figures, with a warning when a published figure falls outside
//! the model's P5-P95, and the 2009-10 spending outturn per looked-after child beside the
//! scenario's care cost.
//!
//! The model's figures are the run's own baseline arm: [`baseline_draws`] gives each
//! iteration's inputs as the run drew them, and the first year is replayed on the same random
//! streams, counting the children who start and cease to be looked after (which the results do
//! not keep), so the figures are those of the run draw for draw.

use rayon::prelude::*;

use super::{Counting, series_value};
use crate::area::{Area, Areas, Outturn, count};
use crate::engine::{ArmInputs, Expected, RunOptions, Sampled, simulate};
use crate::money::gbp;
use crate::params::Values;
use crate::rng::{self, Event, SETUP_YEAR};
use crate::scenario::Scenario;
use crate::stats::{quantile_sorted, sorted};

/// Each iteration's number and inputs, as the run drew them (the engine draws an iteration's
/// inputs from its own stream, so they are drawn again here, identically): the one place the
/// reality check depends on how the run was made.
pub fn baseline_draws(scenario: &Scenario, run: RunOptions) -> Vec<(u64, Values)> {
    if run.fixed {
        return vec![(0, scenario.params.means())];
    }
    (0..run.iterations)
        .map(|i| {
            let mut stream = rng::stream(run.seed, i, SETUP_YEAR, Event::Parameters);
            (i, scenario.params.draw(&mut stream))
        })
        .collect()
}

/// How far a figure the scenario fixes may be from the published one before the check warns.
pub const FIXED_TOLERANCE: f64 = 0.05;

/// One series: the published figure and the model's.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub series: &'static str,
    pub published: Option<f64>,
    pub mean: f64,
    pub p5: f64,
    pub p95: f64,
}

impl Line {
    /// True when the published figure lies outside the model's P5-P95. A figure the scenario
    /// fixes (the same in every iteration, such as a starting count) is outside only when it
    /// is more than [`FIXED_TOLERANCE`] away: a round figure from a document is not a slip.
    pub fn outside(&self) -> bool {
        self.published.is_some_and(|x| {
            if self.is_fixed() {
                (self.mean - x).abs() > FIXED_TOLERANCE * x.abs()
            } else {
                x < self.p5 || x > self.p95
            }
        })
    }

    /// True when the model's figure is the same in every iteration.
    pub fn is_fixed(&self) -> bool {
        self.p5 == self.p95
    }

    /// How far the model's figure is from the published one, as "1.7% above" (None without
    /// a published figure).
    fn relative(&self) -> Option<String> {
        let x = self.published.filter(|x| *x != 0.0)?;
        let d = (self.mean - x) / x;
        let side = if d >= 0.0 { "above" } else { "below" };
        Some(format!("{:.1}% {side}", d.abs() * 100.0))
    }
}

/// The reality check of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RealityCheck {
    pub area: String,
    /// The published year compared (ending 31 March).
    pub year: i32,
    /// How the model's first year lines up with it, in words.
    pub alignment: String,
    pub lines: Vec<Line>,
    /// Fixed mode: the model's figures are expected values, without a band.
    pub fixed: bool,
    /// 2009-10 outturn on children looked after and the count it is divided by.
    pub outturn: Option<(Outturn, f64)>,
    /// The scenario's care cost per looked-after child: mean, P5, P95 of the run's draws.
    pub care_cost: (f64, f64, f64),
}

/// The reality check of a run, when the scenario names an area (`None` otherwise).
pub fn reality_check(scenario: &Scenario, run: RunOptions) -> Option<RealityCheck> {
    let cal = scenario.calibration.as_ref()?;
    let area = Areas::published().ok()?.find(&cal.area).ok()?;
    Some(check_against(scenario, run, area, cal.first_year))
}

/// The reality check against a given area (tests give a synthetic one).
pub fn check_against(
    scenario: &Scenario,
    run: RunOptions,
    area: &Area,
    first_year: i32,
) -> RealityCheck {
    let next = area.figures(first_year + 1);
    let use_next = next.looked_after.is_some() || next.started.is_some();
    let (year, alignment) = if use_next {
        (
            first_year + 1,
            format!(
                "the model's first year (1 April {first_year} to 31 March {}) beside the year DfE published for the same dates",
                first_year + 1
            ),
        )
    } else {
        (
            first_year,
            format!(
                "children in care at the start (31 March {first_year}) beside the published count of that date; the model's starts and ceases in its first year beside those published for the year before (to 31 March {first_year})"
            ),
        )
    };
    let fixed = run.fixed;
    let draws = baseline_draws(scenario, run);
    let figures: Vec<[f64; 3]> = draws
        .par_iter()
        .map(|(i, values)| {
            let arm = ArmInputs::baseline(&scenario.baseline, values);
            let (records, started, ceased) = if fixed {
                let mut e = Expected;
                let mut c = Counting::new(&mut e, 2);
                let r = simulate(&arm, 2, &mut c);
                (r, c.started[0], c.ceased[0])
            } else {
                let mut s = Sampled::new(run.seed, *i);
                let mut c = Counting::new(&mut s, 2);
                let r = simulate(&arm, 2, &mut c);
                (r, c.started[0], c.ceased[0])
            };
            let stock = if use_next { records[1] } else { records[0] };
            [stock.children_in_care, started, ceased]
        })
        .collect();
    let published = area.figures(year);
    let lines = crate::scenario::calibration::SERIES
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let v: Vec<f64> = figures.iter().map(|f| f[k]).collect();
            let sv = sorted(&v);
            Line {
                series: s,
                published: series_value(&published, s),
                mean: v.iter().sum::<f64>() / v.len().max(1) as f64,
                p5: quantile_sorted(&sv, 0.05),
                p95: quantile_sorted(&sv, 0.95),
            }
        })
        .collect();
    let costs: Vec<f64> = draws
        .iter()
        .map(|(_, v)| v.get(scenario.baseline.care_cost))
        .collect();
    let sc = sorted(&costs);
    RealityCheck {
        area: area.name.clone(),
        year,
        alignment,
        lines,
        fixed,
        outturn: area.outturn_2010.zip(area.figures(2010).looked_after),
        care_cost: (
            costs.iter().sum::<f64>() / costs.len().max(1) as f64,
            quantile_sorted(&sc, 0.05),
            quantile_sorted(&sc, 0.95),
        ),
    }
}

fn words(series: &str) -> &'static str {
    match series {
        "looked_after" => "looked after at 31 March",
        "started" => "started to be looked after",
        _ => "ceased to be looked after",
    }
}

impl RealityCheck {
    /// The check as console lines (warnings start with "warning:").
    pub fn render(&self) -> String {
        let mut out = format!(
            "  reality check against {} (DfE, year to 31 March {}): {}\n",
            self.area, self.year, self.alignment
        );
        for l in &self.lines {
            let model = if self.fixed {
                format!("model {} (fixed base case)", count(Some(l.mean)))
            } else if l.is_fixed() {
                let off = l.relative().map(|r| format!(", {r}")).unwrap_or_default();
                format!("model {} in every iteration{off}", count(Some(l.mean)))
            } else {
                format!(
                    "model {} (P5-P95 {} to {})",
                    count(Some(l.mean)),
                    count(Some(l.p5)),
                    count(Some(l.p95))
                )
            };
            out.push_str(&format!(
                "    {:<28} published {:>7}   {model}\n",
                words(l.series),
                count(l.published)
            ));
        }
        if !self.fixed {
            for l in self.lines.iter().filter(|l| l.outside() && l.is_fixed()) {
                out.push_str(&format!(
                    "    warning: the scenario's {} ({}) is {} the published {} figure ({}): check that they count the same children\n",
                    words(l.series),
                    count(Some(l.mean)),
                    l.relative().unwrap_or_default(),
                    self.year,
                    count(l.published)
                ));
            }
            for l in self.lines.iter().filter(|l| l.outside() && !l.is_fixed()) {
                out.push_str(&format!(
                    "    warning: the published {} {} ({}) is outside the model's P5-P95 ({} to {}); `prevsim calibrate` fits the care rates to the published series\n",
                    self.year,
                    words(l.series),
                    count(l.published),
                    count(Some(l.p5)),
                    count(Some(l.p95))
                ));
            }
        }
        if let Some((o, children)) = self.outturn {
            out.push_str(&format!(
                "    2009-10 outturn on children looked after: {} gross ({} net) for {} children looked after at 31 March 2010 = {} gross per child ({} net); the scenario's care cost: {} a child{}\n",
                gbp(o.gross),
                gbp(o.net),
                count(Some(children)),
                gbp(o.gross / children),
                gbp(o.net / children),
                gbp(self.care_cost.0),
                // One value (a fixed base case, or a known cost): no range to give.
                if self.care_cost.1 == self.care_cost.2 {
                    String::new()
                } else {
                    format!(
                        " (P5-P95 {} to {})",
                        gbp(self.care_cost.1),
                        gbp(self.care_cost.2)
                    )
                }
            ));
            out.push_str("    (outturn is what the service spent in the year divided by the children looked after at its end: an average over every placement and the service's overheads, not the cost of one more placement, and not a cost a council saves when one child stays out of care)\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(published: f64, mean: f64, p5: f64, p95: f64) -> Line {
        Line {
            series: "looked_after",
            published: Some(published),
            mean,
            p5,
            p95,
        }
    }

    #[test]
    fn a_figure_the_scenario_fixes_is_outside_only_beyond_the_tolerance() {
        // AGMA's round 5,000 against DfE's 4,915: 1.7% above, no warning.
        let agma = line(4_915.0, 5_000.0, 5_000.0, 5_000.0);
        assert!(agma.is_fixed() && !agma.outside());
        assert_eq!(agma.relative().unwrap(), "1.7% above");
        // 10% below is a warning.
        let far = line(5_000.0, 4_500.0, 4_500.0, 4_500.0);
        assert!(far.outside());
        assert_eq!(far.relative().unwrap(), "10.0% below");
        // A figure that varies is judged by its P5-P95, however close its mean.
        let varies = line(1_795.0, 1_800.0, 1_798.0, 1_900.0);
        assert!(!varies.is_fixed() && varies.outside());
    }

    #[test]
    fn the_warning_for_a_fixed_figure_names_the_scenario_and_the_gap() {
        let check = RealityCheck {
            area: "Somewhere".to_string(),
            year: 2010,
            alignment: String::new(),
            lines: vec![line(5_000.0, 4_500.0, 4_500.0, 4_500.0)],
            fixed: false,
            outturn: None,
            care_cost: (0.0, 0.0, 0.0),
        };
        let text = check.render();
        assert!(
            text.contains("model 4,500 in every iteration, 10.0% below"),
            "{text}"
        );
        assert!(
            text.contains("warning: the scenario's looked after at 31 March (4,500) is 10.0% below the published 2010 figure (5,000)"),
            "{text}"
        );
        assert!(!text.contains("P5-P95 (4,500 to 4,500)"), "{text}");
    }
}
