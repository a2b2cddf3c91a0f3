//! Plausibility warnings: values the model accepts but that look like slips (a percentage
//! written as a relative risk, a weekly cost given as a yearly one). Each names what looks
//! wrong and what was probably meant; `--deny-warnings` turns them into errors.

use super::hints::toml_number;
use super::raw::{RawIntervention, RawParam, RawScenario};
use super::validate::{Validator, count};
use super::values::round6;
use crate::model::{Baseline, HomeCost, Intervention};
use crate::params::{Per, ScalarId};

/// A yearly care cost below this is almost surely a weekly or monthly figure.
const LOWEST_CARE_COST: f64 = 10_000.0;
/// Relative risks outside these bounds are warned of (above 100 they are refused).
const RELATIVE_RISK_WARN: (f64, f64) = (0.05, 5.0);

/// Whole pounds with thousands separators: £4,500.
fn pounds(x: f64) -> String {
    format!("£{}", count(x.round()))
}

impl Validator<'_> {
    /// Every plausibility warning of the scenario; parameters that could not be read are
    /// skipped (their problem is reported already).
    pub(super) fn plausibility(
        &mut self,
        raw: &RawScenario,
        baseline: &Baseline,
        interventions: &[Intervention],
    ) {
        self.care_cost_warnings(raw, baseline);
        self.children_warning(raw, baseline);
        for (ri, intervention) in raw.interventions.iter().zip(interventions) {
            self.intervention_warnings(ri, intervention, baseline);
        }
    }

    /// A mean, or `None` when the parameter could not be read.
    fn good_mean(&self, id: ScalarId) -> Option<f64> {
        self.all_good(&[id]).then(|| self.mean_of(id))
    }

    /// The cost of a child at home in a chaotic family, with its working.
    fn chaotic_home_cost(&self, b: &Baseline) -> Option<(f64, String)> {
        let u = &b.unit_costs;
        let coping = self.good_mean(u.coping)?;
        let bc = self.good_mean(u.barely_coping_multiplier)?;
        let ch = self.good_mean(u.chaotic_multiplier)?;
        Some((
            coping * bc * ch,
            format!(
                "unit_costs.coping {} x {} x {}",
                pounds(coping),
                round6(bc),
                round6(ch)
            ),
        ))
    }

    fn care_cost_warnings(&mut self, raw: &RawScenario, b: &Baseline) {
        let Some(care) = self.good_mean(b.care_cost) else {
            return;
        };
        let span = raw.care.cost.span();
        let weekly_hint = if self.params.written(b.care_cost).per == Per::Year {
            format!(
                "a weekly figure? write `per = \"week\"` in its table, as in cost = {{ value = {}, per = \"week\" }}",
                toml_number(care)
            )
        } else {
            "check the figure and its `per`".to_string()
        };
        if care < LOWEST_CARE_COST {
            self.warn(
                span,
                "care.cost",
                format!(
                    "a looked-after child costs {} a year here, less than £10,000 (the AGMA report gives £70,000 to £100,000 a year): {weekly_hint}",
                    pounds(care)
                ),
            );
            return;
        }
        if let Some((chaotic, working)) = self.chaotic_home_cost(b)
            && care < chaotic
        {
            self.warn(
                span,
                "care.cost",
                format!(
                    "a looked-after child costs {} a year, less than a child at home in a chaotic family ({} = {working}), so keeping children out of care would cost money: check both figures and their units ({weekly_hint})",
                    pounds(care),
                    pounds(chaotic)
                ),
            );
        }
    }

    fn children_warning(&mut self, raw: &RawScenario, b: &Baseline) {
        let mut ids = b.families.to_vec();
        ids.extend(b.children_per_family);
        ids.push(b.children_in_care);
        if !self.all_good(&ids) {
            return;
        }
        let children: f64 = (0..4)
            .map(|s| self.mean_of(b.families[s]) * self.mean_of(b.children_per_family[s]))
            .sum();
        let in_care = self.mean_of(b.children_in_care);
        if in_care > children {
            self.warn(
                raw.population.children_in_care.span(),
                "population.children_in_care",
                format!(
                    "{} children in care, but the families hold only {} children (families x children_per_family): check that both figures cover the same area, and that `families` counts families",
                    count(in_care.round()),
                    count(children.round())
                ),
            );
        }
    }

    fn intervention_warnings(&mut self, raw: &RawIntervention, i: &Intervention, b: &Baseline) {
        let prefix = format!("interventions[{}]", i.name);
        if let (Some(pc), Some(rpc)) = (&i.programme_cost, &raw.programme_cost)
            && let (Some(bias), Some(span)) = (
                self.good_mean(pc.optimism_bias),
                rpc.optimism_bias.as_ref().map(|r| r.span()),
            )
            && bias > 1.0
        {
            self.warn(
                span,
                &format!("{prefix}.programme_cost.optimism_bias"),
                format!(
                    "an optimism bias of {} adds {}% to the programme's costs; if you meant {}%, write {}",
                    round6(bias),
                    round6(bias * 100.0),
                    round6(bias),
                    round6(bias / 100.0)
                ),
            );
        }
        let mut risks: Vec<(String, &RawParam, ScalarId, &str)> = Vec::new();
        if let (Some(id), Some(r)) = (i.care_entry_relative_risk, &raw.care_entry_relative_risk) {
            risks.push((
                format!("{prefix}.care_entry_relative_risk"),
                r,
                id,
                "entries into care",
            ));
        }
        if let (Some(p), Some(rp)) = (&i.programme, &raw.programme) {
            let fields = [
                (
                    &rp.up_relative_risk,
                    p.up_relative_risk,
                    "up_relative_risk",
                    "moves up the ladder",
                ),
                (
                    &rp.down_relative_risk,
                    p.down_relative_risk,
                    "down_relative_risk",
                    "moves down the ladder",
                ),
                (
                    &rp.care_entry_relative_risk,
                    p.care_entry_relative_risk,
                    "care_entry_relative_risk",
                    "entries into care",
                ),
            ];
            for (r, id, key, what) in fields {
                if let Some(r) = r {
                    risks.push((format!("{prefix}.programme.{key}"), r, id, what));
                }
            }
        }
        for (field, r, id, what) in risks {
            self.relative_risk_warning(&field, r, id, what);
        }
        if let Some(k) = &i.keep_out_of_care
            && let (HomeCost::Amount(id), Some(r)) = (
                &k.home_cost,
                raw.keep_out_of_care
                    .as_ref()
                    .and_then(|k| k.home_cost.as_ref()),
            )
            && let (Some(home), Some(care)) = (self.good_mean(*id), self.good_mean(b.care_cost))
            && home > care
        {
            self.warn(
                r.span(),
                &format!("{prefix}.keep_out_of_care.home_cost"),
                format!(
                    "a child kept out of care costs {} a year at home here, more than the {} a year of care, so keeping children out of care would cost money: check the figure and its units (per child per year)",
                    pounds(home),
                    pounds(care)
                ),
            );
        }
    }

    fn relative_risk_warning(&mut self, field: &str, raw: &RawParam, id: ScalarId, what: &str) {
        let Some(x) = self.good_mean(id) else {
            return;
        };
        let (low, high) = RELATIVE_RISK_WARN;
        let message = if x > high {
            format!(
                "a relative risk of {} makes {what} {} times as likely; if you meant {}% of the usual rate, write {}",
                round6(x),
                round6(x),
                round6(x),
                round6(x / 100.0)
            )
        } else if x > 0.0 && x < low {
            format!(
                "a relative risk of {} leaves {}% of {what} ({}% fewer); if you meant {}% fewer, write {}",
                round6(x),
                round6(x * 100.0),
                round6(100.0 - x * 100.0),
                round6(x * 100.0),
                round6(1.0 - x)
            )
        } else {
            return;
        };
        self.warn(raw.span(), field, message);
    }
}
