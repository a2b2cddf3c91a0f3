//! The appraisal figures of one intervention in one iteration (docs/model.md, "Results").

use super::arm::YearRecord;
use crate::vocab::{AgencyMetric, Metric};

/// Figures of one agency (a budget) for one intervention in one iteration; money in pounds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AgencyMetrics {
    /// Present value of the agency's share of the baseline's service costs.
    pub baseline_cost_pv: f64,
    /// Present value of its share of the intervention arm's costs, programme included if it
    /// funds the programme.
    pub intervention_cost_pv: f64,
    /// Present value of its services saved, before programme cost.
    pub gross_saving_pv: f64,
    /// Present value of the programme cost it pays.
    pub programme_cost_pv: f64,
    /// Gross saving minus the programme cost it pays, present value.
    pub net_saving_pv: f64,
    /// Gross saving over the horizon, undiscounted.
    pub gross_saving_undiscounted: f64,
    /// Net saving over the horizon, undiscounted.
    pub net_saving_undiscounted: f64,
}

impl AgencyMetrics {
    /// One figure.
    pub fn get(&self, m: AgencyMetric) -> f64 {
        match m {
            AgencyMetric::BaselineCostPv => self.baseline_cost_pv,
            AgencyMetric::InterventionCostPv => self.intervention_cost_pv,
            AgencyMetric::GrossSavingPv => self.gross_saving_pv,
            AgencyMetric::ProgrammeCostPv => self.programme_cost_pv,
            AgencyMetric::NetSavingPv => self.net_saving_pv,
            AgencyMetric::GrossSavingUndiscounted => self.gross_saving_undiscounted,
            AgencyMetric::NetSavingUndiscounted => self.net_saving_undiscounted,
        }
    }
}

/// Each agency's share of every cost component of one intervention (all shares sum to 1 per
/// component).
#[derive(Debug, Clone, PartialEq)]
pub struct CostSplit {
    /// `home[s][a]`: agency `a`'s share of the cost of children at home in state `s`.
    pub home: [Vec<f64>; 4],
    pub care: Vec<f64>,
    /// Shares of the cost at home of children kept out of care.
    pub kept_out: Vec<f64>,
    /// Shares of the programme's cost (1 for the funder).
    pub programme: Vec<f64>,
}

impl CostSplit {
    /// One budget paying for everything.
    pub fn single() -> CostSplit {
        CostSplit {
            home: std::array::from_fn(|_| vec![1.0]),
            care: vec![1.0],
            kept_out: vec![1.0],
            programme: vec![1.0],
        }
    }

    fn agencies(&self) -> usize {
        self.care.len()
    }

    /// Agency `a`'s share of a year's service costs.
    fn cost(&self, a: usize, r: &YearRecord) -> f64 {
        let home: f64 = (0..4).map(|s| self.home[s][a] * r.cost_at_home[s]).sum();
        home + self.care[a] * r.cost_in_care + self.kept_out[a] * r.cost_kept_out
    }

    /// Agency `a`'s services saved in a year, component by component (identical components
    /// cancel exactly).
    fn saving(&self, a: usize, base: &YearRecord, arm: &YearRecord) -> f64 {
        let home: f64 = (0..4)
            .map(|s| self.home[s][a] * (base.cost_at_home[s] - arm.cost_at_home[s]))
            .sum();
        home + self.care[a] * (base.cost_in_care - arm.cost_in_care)
            + self.kept_out[a] * (base.cost_kept_out - arm.cost_kept_out)
    }
}

/// One intervention's figures in one iteration. All money in pounds.
///
/// Every total is the sum of the agencies' figures, in the order the scenario names them, so
/// the per-agency figures add up to the totals exactly. Without `[agencies]` there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Present value of the baseline arm's service costs over the horizon.
    pub baseline_cost_pv: f64,
    /// Present value of the intervention arm's costs: services plus the programme.
    pub intervention_cost_pv: f64,
    /// Present value of the services saved: baseline minus intervention, before programme cost.
    pub gross_saving_pv: f64,
    /// Present value of the programme's cost, optimism bias included.
    pub programme_cost_pv: f64,
    /// Net present value: gross saving minus programme cost.
    pub net_saving_pv: f64,
    /// Gross saving summed over the horizon without discounting.
    pub gross_saving_undiscounted: f64,
    /// Net saving summed over the horizon without discounting.
    pub net_saving_undiscounted: f64,
    /// Gross saving in the first year, undiscounted: the figure the documents quote.
    pub gross_saving_year0: f64,
    /// Benefit-cost ratio, gross saving PV / programme cost PV; `None` without programme cost.
    pub bcr: Option<f64>,
    /// Return on investment, net saving PV / programme cost PV; `None` without programme cost.
    pub roi: Option<f64>,
    /// Cost of the baseline's looked-after children in the first year, undiscounted: the
    /// documents' "children in care x cost per child" (costs of children at home not included).
    pub baseline_care_cost_year0: f64,
    /// The first year (from 0) at the end of which the cumulative net saving, undiscounted, is
    /// above zero; `None` if it never is within the horizon.
    pub payback_year: Option<u32>,
    /// Per agency, in the scenario's order.
    pub agencies: Vec<AgencyMetrics>,
    /// Per year, agencies within a year: the agency's share of the baseline's service costs
    /// and its gross saving, undiscounted (for the agencies' yearly means).
    pub agency_years: Vec<[f64; 2]>,
}

impl Metrics {
    /// The figures from both arms' yearly records, programme costs, discount factors and who
    /// pays for what.
    pub fn new(
        baseline: &[YearRecord],
        intervention: &[YearRecord],
        programme_cost: &[f64],
        discount: &[f64],
        split: &CostSplit,
    ) -> Metrics {
        let years = baseline
            .len()
            .min(intervention.len())
            .min(programme_cost.len());
        let mut agencies = vec![AgencyMetrics::default(); split.agencies()];
        // Net saving of each year, summed over agencies.
        let mut net_by_year = vec![0.0; years];
        let mut gross_year0 = 0.0;
        let n = split.agencies();
        let mut agency_years = vec![[0.0; 2]; years * n];
        for (a, m) in agencies.iter_mut().enumerate() {
            for t in 0..years {
                let (b, i, d) = (&baseline[t], &intervention[t], discount[t]);
                let prog = split.programme[a] * programme_cost[t];
                let saving = split.saving(a, b, i);
                let base_cost = split.cost(a, b);
                agency_years[t * n + a] = [base_cost, saving];
                if t == 0 {
                    gross_year0 += saving;
                }
                m.baseline_cost_pv += d * base_cost;
                m.intervention_cost_pv += d * (split.cost(a, i) + prog);
                m.gross_saving_pv += d * saving;
                m.programme_cost_pv += d * prog;
                m.gross_saving_undiscounted += saving;
                m.net_saving_undiscounted += saving - prog;
                net_by_year[t] += saving - prog;
            }
            m.net_saving_pv = m.gross_saving_pv - m.programme_cost_pv;
        }
        let total = |f: fn(&AgencyMetrics) -> f64| agencies.iter().map(f).sum::<f64>();
        let mut m = Metrics {
            baseline_cost_pv: total(|a| a.baseline_cost_pv),
            intervention_cost_pv: total(|a| a.intervention_cost_pv),
            gross_saving_pv: total(|a| a.gross_saving_pv),
            programme_cost_pv: total(|a| a.programme_cost_pv),
            net_saving_pv: total(|a| a.net_saving_pv),
            gross_saving_undiscounted: total(|a| a.gross_saving_undiscounted),
            net_saving_undiscounted: total(|a| a.net_saving_undiscounted),
            gross_saving_year0: gross_year0,
            bcr: None,
            roi: None,
            baseline_care_cost_year0: baseline.first().map_or(0.0, |b| b.cost_in_care),
            payback_year: payback_year(&net_by_year),
            agencies,
            agency_years,
        };
        if m.programme_cost_pv > 0.0 {
            // A programme cost so small that the ratio overflows has no meaningful ratio.
            let ratio = |x: f64| Some(x / m.programme_cost_pv).filter(|r| r.is_finite());
            m.bcr = ratio(m.gross_saving_pv);
            m.roi = ratio(m.net_saving_pv);
        }
        m
    }

    /// One figure; `None` where it is undefined (a ratio without programme cost).
    pub fn get(&self, m: Metric) -> Option<f64> {
        match m {
            Metric::BaselineCostPv => Some(self.baseline_cost_pv),
            Metric::InterventionCostPv => Some(self.intervention_cost_pv),
            Metric::GrossSavingPv => Some(self.gross_saving_pv),
            Metric::ProgrammeCostPv => Some(self.programme_cost_pv),
            Metric::NetSavingPv => Some(self.net_saving_pv),
            Metric::GrossSavingUndiscounted => Some(self.gross_saving_undiscounted),
            Metric::NetSavingUndiscounted => Some(self.net_saving_undiscounted),
            Metric::GrossSavingYear0 => Some(self.gross_saving_year0),
            Metric::Bcr => self.bcr,
            Metric::Roi => self.roi,
            Metric::BaselineCareCostYear0 => Some(self.baseline_care_cost_year0),
        }
    }
}

/// The first year at whose end the running total of `net` is above zero.
pub fn payback_year(net: &[f64]) -> Option<u32> {
    let mut cumulative = 0.0;
    for (t, x) in net.iter().enumerate() {
        cumulative += x;
        if cumulative > 0.0 {
            return Some(t as u32);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payback_is_the_first_year_the_running_total_turns_positive() {
        assert_eq!(payback_year(&[5.0]), Some(0));
        assert_eq!(payback_year(&[-10.0, 4.0, 6.0, 1.0]), Some(3));
        assert_eq!(payback_year(&[-10.0, 4.0, 7.0]), Some(2));
        assert_eq!(payback_year(&[-10.0, 4.0]), None);
        assert_eq!(payback_year(&[0.0, 0.0]), None);
        assert_eq!(payback_year(&[]), None);
    }
}
