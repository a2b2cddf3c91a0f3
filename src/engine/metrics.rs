//! The appraisal figures of one intervention in one iteration (MODEL.md section 6).

use super::arm::YearRecord;

/// Names of the metrics, in export order; `summary.json` and `iterations.csv` use them.
pub const METRIC_NAMES: [&str; 11] = [
    "baseline_cost_pv",
    "intervention_cost_pv",
    "gross_saving_pv",
    "programme_cost_pv",
    "net_saving_pv",
    "gross_saving_undiscounted",
    "net_saving_undiscounted",
    "gross_saving_year0",
    "bcr",
    "roi",
    "baseline_care_cost_year0",
];

/// One intervention's figures in one iteration. All money in pounds.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// documents' "children in care x cost per child" (homes of children at home not included).
    pub baseline_care_cost_year0: f64,
}

impl Metrics {
    /// The figures from both arms' yearly records, programme costs and discount factors.
    pub fn new(
        baseline: &[YearRecord],
        intervention: &[YearRecord],
        programme_cost: &[f64],
        discount: &[f64],
    ) -> Metrics {
        let mut m = Metrics {
            baseline_cost_pv: 0.0,
            intervention_cost_pv: 0.0,
            gross_saving_pv: 0.0,
            programme_cost_pv: 0.0,
            net_saving_pv: 0.0,
            gross_saving_undiscounted: 0.0,
            net_saving_undiscounted: 0.0,
            gross_saving_year0: 0.0,
            bcr: None,
            roi: None,
            baseline_care_cost_year0: baseline.first().map_or(0.0, |b| b.cost_in_care),
        };
        for (t, ((b, i), (&prog, &d))) in baseline
            .iter()
            .zip(intervention)
            .zip(programme_cost.iter().zip(discount))
            .enumerate()
        {
            let saving = i.saving_against(b);
            if t == 0 {
                m.gross_saving_year0 = saving;
            }
            m.baseline_cost_pv += d * b.cost();
            m.intervention_cost_pv += d * (i.cost() + prog);
            m.gross_saving_pv += d * saving;
            m.programme_cost_pv += d * prog;
            m.gross_saving_undiscounted += saving;
            m.net_saving_undiscounted += saving - prog;
        }
        m.net_saving_pv = m.gross_saving_pv - m.programme_cost_pv;
        if m.programme_cost_pv > 0.0 {
            m.bcr = Some(m.gross_saving_pv / m.programme_cost_pv);
            m.roi = Some(m.net_saving_pv / m.programme_cost_pv);
        }
        m
    }

    /// The figures in [`METRIC_NAMES`] order.
    pub fn values(&self) -> [Option<f64>; 11] {
        [
            Some(self.baseline_cost_pv),
            Some(self.intervention_cost_pv),
            Some(self.gross_saving_pv),
            Some(self.programme_cost_pv),
            Some(self.net_saving_pv),
            Some(self.gross_saving_undiscounted),
            Some(self.net_saving_undiscounted),
            Some(self.gross_saving_year0),
            self.bcr,
            self.roi,
            Some(self.baseline_care_cost_year0),
        ]
    }

    /// One figure by its name in [`METRIC_NAMES`].
    pub fn get(&self, name: &str) -> Option<f64> {
        let i = METRIC_NAMES.iter().position(|n| *n == name)?;
        self.values()[i]
    }
}
