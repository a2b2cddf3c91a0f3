//! What results are made of: the names of states, metrics, agency metrics and yearly measures,
//! and the unit each is in.
//!
//! Every figure a run reports is one of these types; code picks a figure by its variant, never
//! by a string or a position. Names as strings exist only here (one `name()` each), where
//! results are written (`summary.json`, `iterations.csv`, `yearly.csv`) and read back.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a figure is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Pounds.
    Money,
    /// A ratio (benefit-cost ratio, return on investment).
    Ratio,
    /// Families or children.
    Count,
    /// A year of the horizon.
    Year,
    /// A share between 0 and 1.
    Probability,
}

/// Implements `name()`, `ALL`, `Display`, `FromStr` and serde (as the name) for a plain enum.
macro_rules! named {
    ($(#[$meta:meta])* $vis:vis enum $ty:ident { $($(#[$vmeta:meta])* $variant:ident => $name:expr,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $ty { $($(#[$vmeta])* $variant,)* }

        impl $ty {
            /// Every variant, in export order.
            pub const ALL: [$ty; [$($name),*].len()] = [$($ty::$variant),*];

            /// The name used in result files.
            pub const fn name(self) -> &'static str {
                match self { $($ty::$variant => $name,)* }
            }

            /// The variant of a name used in result files.
            pub fn from_name(name: &str) -> Option<$ty> {
                Self::ALL.into_iter().find(|v| v.name() == name)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
                $ty::from_name(&name).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} \"{name}\" (this version knows {})",
                        stringify!($ty).to_lowercase(),
                        Self::ALL.map(|v| v.name()).join(", ")
                    ))
                })
            }
        }
    };
}

named! {
    /// A family's state, worst to best (docs/model.md, "States and counts").
    pub enum State {
        Chaotic => "chaotic",
        BarelyCoping => "barely_coping",
        Coping => "coping",
        Thriving => "thriving",
    }
}

impl State {
    /// Position of the state, worst first (index into per-state arrays).
    pub fn index(self) -> usize {
        self as usize
    }
}

named! {
    /// One intervention's appraisal figures (the metrics of `summary.json` and columns of
    /// `iterations.csv`); see [`crate::engine::Metrics`] for what each means.
    pub enum Metric {
        BaselineCostPv => "baseline_cost_pv",
        InterventionCostPv => "intervention_cost_pv",
        GrossSavingPv => "gross_saving_pv",
        ProgrammeCostPv => "programme_cost_pv",
        NetSavingPv => "net_saving_pv",
        GrossSavingUndiscounted => "gross_saving_undiscounted",
        NetSavingUndiscounted => "net_saving_undiscounted",
        GrossSavingYear0 => "gross_saving_year0",
        Bcr => "bcr",
        Roi => "roi",
        BaselineCareCostYear0 => "baseline_care_cost_year0",
    }
}

impl Metric {
    /// What the metric is measured in.
    pub fn unit(self) -> Unit {
        match self {
            Metric::Bcr | Metric::Roi => Unit::Ratio,
            _ => Unit::Money,
        }
    }

    /// True for the ratios to the programme's cost, undefined where that cost is not positive.
    pub fn is_ratio_to_programme_cost(self) -> bool {
        self.unit() == Unit::Ratio
    }
}

named! {
    /// One agency's (budget's) figures for one intervention.
    /// Named as the intervention's metric of the same meaning.
    pub enum AgencyMetric {
        BaselineCostPv => Metric::BaselineCostPv.name(),
        InterventionCostPv => Metric::InterventionCostPv.name(),
        GrossSavingPv => Metric::GrossSavingPv.name(),
        ProgrammeCostPv => Metric::ProgrammeCostPv.name(),
        NetSavingPv => Metric::NetSavingPv.name(),
        GrossSavingUndiscounted => Metric::GrossSavingUndiscounted.name(),
        NetSavingUndiscounted => Metric::NetSavingUndiscounted.name(),
    }
}

impl AgencyMetric {
    /// Every agency figure is money.
    pub fn unit(self) -> Unit {
        Unit::Money
    }

    /// The agency figures `iterations.csv` gives per iteration, as `<agency>: <figure>`.
    pub const IN_ITERATIONS: [AgencyMetric; 3] = [
        AgencyMetric::GrossSavingPv,
        AgencyMetric::ProgrammeCostPv,
        AgencyMetric::NetSavingPv,
    ];
}

/// What `yearly.csv` measures for one arm in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Children looked after.
    ChildrenInCare,
    /// Families in a state (treated and untreated).
    Families(State),
    /// Cost of services, undiscounted (programme cost not included).
    Cost,
    /// Families the programme has reached so far, in any state (interventions only).
    FamiliesTreated,
    /// Families taken on this year (interventions only).
    FamiliesReached,
    /// Programme cost, undiscounted (interventions only).
    ProgrammeCost,
    /// The year's services saved against the baseline (interventions only).
    GrossSaving,
    /// Gross saving minus programme cost (interventions only).
    NetSaving,
    /// Net saving summed from the first year (interventions only).
    CumulativeNetSaving,
    /// Children kept out of care: children in care under the baseline minus under the
    /// intervention, iteration by iteration (interventions only; negative when the intervention
    /// has more in care). Its bands are percentiles of that difference, not differences of the
    /// arms' percentiles.
    ChildrenKeptOutOfCare,
}

impl Measure {
    /// The measures of every arm, in `yearly.csv` order.
    pub const ARM: [Measure; 6] = [
        Measure::ChildrenInCare,
        Measure::Families(State::Chaotic),
        Measure::Families(State::BarelyCoping),
        Measure::Families(State::Coping),
        Measure::Families(State::Thriving),
        Measure::Cost,
    ];

    /// The measures only interventions have, after [`Measure::ARM`], in `yearly.csv` order.
    pub const INTERVENTION: [Measure; 7] = [
        Measure::FamiliesTreated,
        Measure::FamiliesReached,
        Measure::ProgrammeCost,
        Measure::GrossSaving,
        Measure::NetSaving,
        Measure::CumulativeNetSaving,
        Measure::ChildrenKeptOutOfCare,
    ];

    /// The name used in `yearly.csv`.
    pub const fn name(self) -> &'static str {
        match self {
            Measure::ChildrenInCare => "children_in_care",
            Measure::Families(State::Chaotic) => "families_chaotic",
            Measure::Families(State::BarelyCoping) => "families_barely_coping",
            Measure::Families(State::Coping) => "families_coping",
            Measure::Families(State::Thriving) => "families_thriving",
            Measure::Cost => "cost",
            Measure::FamiliesTreated => "families_treated",
            Measure::FamiliesReached => "families_reached",
            Measure::ProgrammeCost => "programme_cost",
            Measure::GrossSaving => "gross_saving",
            Measure::NetSaving => "net_saving",
            Measure::CumulativeNetSaving => "cumulative_net_saving",
            Measure::ChildrenKeptOutOfCare => "children_kept_out_of_care",
        }
    }

    /// The measure of a name used in `yearly.csv`.
    pub fn from_name(name: &str) -> Option<Measure> {
        Measure::ARM
            .into_iter()
            .chain(Measure::INTERVENTION)
            .find(|m| m.name() == name)
    }

    /// What the measure is in.
    pub fn unit(self) -> Unit {
        match self {
            Measure::ChildrenInCare
            | Measure::ChildrenKeptOutOfCare
            | Measure::Families(_)
            | Measure::FamiliesTreated
            | Measure::FamiliesReached => Unit::Count,
            Measure::Cost
            | Measure::ProgrammeCost
            | Measure::GrossSaving
            | Measure::NetSaving
            | Measure::CumulativeNetSaving => Unit::Money,
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Measure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Measure::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown measure \"{name}\"")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<Metric>(&json).unwrap(), m);
        }
        for a in AgencyMetric::ALL {
            assert_eq!(AgencyMetric::from_name(a.name()), Some(a));
        }
        let measures: Vec<Measure> = Measure::ARM
            .into_iter()
            .chain(Measure::INTERVENTION)
            .collect();
        for m in &measures {
            assert_eq!(Measure::from_name(m.name()), Some(*m));
        }
        let mut names: Vec<&str> = measures.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), measures.len());
        assert_eq!(State::ALL.map(State::index), [0, 1, 2, 3]);
        assert!(serde_json::from_str::<Metric>("\"npv\"").is_err());
    }

    #[test]
    fn only_the_ratios_are_not_money() {
        let not_money: Vec<Metric> = Metric::ALL
            .into_iter()
            .filter(|m| m.unit() != Unit::Money)
            .collect();
        assert_eq!(not_money, [Metric::Bcr, Metric::Roi]);
    }
}
