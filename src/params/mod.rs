//! Uncertain inputs: each scenario parameter is a fixed value or a distribution.
//!
//! A [`ParamSet`] registers every parameter of a scenario under the name the analyst knows it
//! by (`care.cost`, `transitions.chaotic`). The model refers to parameters by id; each Monte
//! Carlo iteration draws one [`Values`] (every parameter, in registration order, from the
//! iteration's own stream), and fixed mode uses [`ParamSet::means`].

mod dist;
mod row;

pub use dist::{Dist, DistError, Domain, Spec};
pub use row::{ROW_SUM_TOLERANCE, RowDist, RowError};

use rand::Rng;

use crate::model::STATES;

/// One named parameter of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Dotted path in the scenario file, such as `care.exit_rate`.
    pub name: String,
    /// Where the figure comes from: a document, or `assumption: why`.
    pub source: Option<String>,
    pub value: ParamValue,
    /// The assumptions register's entries beside `source` (owner, evidence, sign-off...).
    pub meta: crate::scenario::ParamMeta,
    /// For money: the period it was written for and its price year (the value is per year).
    pub written: Written,
}

impl Parameter {
    /// True when the parameter is a known value, not a distribution.
    pub fn is_fixed(&self) -> bool {
        self.value.is_fixed()
    }
}

/// The period a money figure was written for; the model always works per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Per {
    Week,
    Month,
    #[default]
    Year,
}

impl Per {
    /// How many of these periods make a year: 365.25 / 7 weeks, 12 months, 1 year.
    pub fn per_year(self) -> f64 {
        match self {
            Per::Week => 365.25 / 7.0,
            Per::Month => 12.0,
            Per::Year => 1.0,
        }
    }

    /// "week", "month" or "year", as written in a scenario file.
    pub fn word(self) -> &'static str {
        match self {
            Per::Week => "week",
            Per::Month => "month",
            Per::Year => "year",
        }
    }

    /// The period named by a scenario file's `per`.
    pub fn from_word(word: &str) -> Option<Per> {
        match word {
            "week" => Some(Per::Week),
            "month" => Some(Per::Month),
            "year" => Some(Per::Year),
            _ => None,
        }
    }
}

/// How a money figure was written: its period and, if stated, its price year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    pub per: Per,
    pub price_year: Option<i64>,
    /// True when the file leaves the parameter out and its default stands.
    pub by_default: bool,
}

/// A scalar or a transition row.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Scalar(Dist),
    Row(RowDist),
}

impl ParamValue {
    fn width(&self) -> usize {
        match self {
            ParamValue::Scalar(_) => 1,
            ParamValue::Row(_) => 4,
        }
    }

    fn is_fixed(&self) -> bool {
        match self {
            ParamValue::Scalar(d) => d.is_fixed(),
            ParamValue::Row(r) => r.is_fixed(),
        }
    }
}

/// Where a scalar parameter's value sits in [`Values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalarId(usize);

/// Where a row parameter's four values sit in [`Values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowId(usize);

/// All parameters of a scenario, in the order they are drawn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamSet {
    params: Vec<Parameter>,
    offsets: Vec<usize>,
    width: usize,
}

/// One value for every parameter: a Monte Carlo draw or the means.
#[derive(Debug, Clone, PartialEq)]
pub struct Values(Vec<f64>);

impl Values {
    pub fn get(&self, id: ScalarId) -> f64 {
        self.0[id.0]
    }

    pub fn row(&self, id: RowId) -> [f64; 4] {
        let mut row = [0.0; 4];
        row.copy_from_slice(&self.0[id.0..id.0 + 4]);
        row
    }

    /// Sets one scalar parameter, for a run with that parameter overridden (see
    /// `check::fixed_with`).
    pub fn set(&mut self, id: ScalarId, value: f64) {
        self.0[id.0] = value;
    }

    /// Sets one row parameter's four values (a sensitivity run with that row overridden).
    pub fn set_row(&mut self, id: RowId, row: [f64; 4]) {
        self.0[id.0..id.0 + 4].copy_from_slice(&row);
    }

    /// The raw values, in [`ParamSet::columns`] order.
    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }
}

/// A column of drawn values, for the per-iteration export.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub index: usize,
}

impl ParamSet {
    fn push(&mut self, parameter: Parameter) -> usize {
        let offset = self.width;
        self.width += parameter.value.width();
        self.offsets.push(offset);
        self.params.push(parameter);
        offset
    }

    /// Registers a scalar parameter.
    pub fn add_scalar(&mut self, name: String, source: Option<String>, dist: Dist) -> ScalarId {
        ScalarId(self.push(Parameter {
            name,
            source,
            value: ParamValue::Scalar(dist),
            meta: crate::scenario::ParamMeta::default(),
            written: Written::default(),
        }))
    }

    /// Registers a transition-row parameter.
    pub fn add_row(&mut self, name: String, source: Option<String>, row: RowDist) -> RowId {
        RowId(self.push(Parameter {
            name,
            source,
            value: ParamValue::Row(row),
            meta: crate::scenario::ParamMeta::default(),
            written: Written::default(),
        }))
    }

    /// Sets the register entries of the parameter registered last.
    pub fn set_last_meta(&mut self, meta: crate::scenario::ParamMeta) {
        if let Some(p) = self.params.last_mut() {
            p.meta = meta;
        }
    }

    /// How a scalar parameter was written (its period and price year).
    pub fn written(&self, id: ScalarId) -> Written {
        self.offsets
            .binary_search(&id.0)
            .map_or_else(|_| Written::default(), |i| self.params[i].written)
    }

    /// Records how a scalar parameter was written (its period and price year).
    pub fn set_written(&mut self, id: ScalarId, written: Written) {
        if let Ok(i) = self.offsets.binary_search(&id.0) {
            self.params[i].written = written;
        }
    }

    /// The distribution of a scalar parameter.
    pub fn scalar(&self, id: ScalarId) -> Option<&Dist> {
        let i = self.offsets.binary_search(&id.0).ok()?;
        match &self.params[i].value {
            ParamValue::Scalar(d) => Some(d),
            ParamValue::Row(_) => None,
        }
    }

    /// The mean of a transition-row parameter.
    pub fn row_mean(&self, id: RowId) -> Option<[f64; 4]> {
        let i = self.offsets.binary_search(&id.0).ok()?;
        match &self.params[i].value {
            ParamValue::Row(r) => Some(r.mean()),
            ParamValue::Scalar(_) => None,
        }
    }

    pub fn parameters(&self) -> &[Parameter] {
        &self.params
    }

    /// A scalar parameter by its name in the scenario file, with its distribution.
    pub fn scalar_by_name(&self, name: &str) -> Option<(ScalarId, &Dist)> {
        self.params
            .iter()
            .zip(&self.offsets)
            .find_map(|(p, &offset)| match &p.value {
                ParamValue::Scalar(d) if p.name == name => Some((ScalarId(offset), d)),
                _ => None,
            })
    }

    /// Every scalar parameter with its id and distribution, in registration order.
    pub fn scalars(&self) -> impl Iterator<Item = (&str, ScalarId, &Dist)> {
        self.params
            .iter()
            .zip(&self.offsets)
            .filter_map(|(p, &offset)| match &p.value {
                ParamValue::Scalar(d) => Some((p.name.as_str(), ScalarId(offset), d)),
                ParamValue::Row(_) => None,
            })
    }

    /// Every transition-row parameter with its id and distribution, in registration order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, RowId, &RowDist)> {
        self.params
            .iter()
            .zip(&self.offsets)
            .filter_map(|(p, &offset)| match &p.value {
                ParamValue::Row(r) => Some((p.name.as_str(), RowId(offset), r)),
                ParamValue::Scalar(_) => None,
            })
    }

    /// Every parameter at its mean: the fixed-mode base case.
    pub fn means(&self) -> Values {
        let mut v = Vec::with_capacity(self.width);
        for p in &self.params {
            match &p.value {
                ParamValue::Scalar(d) => v.push(d.mean()),
                ParamValue::Row(r) => v.extend(r.mean()),
            }
        }
        Values(v)
    }

    /// One draw of every parameter, in registration order.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Values {
        let mut v = Vec::with_capacity(self.width);
        for p in &self.params {
            match &p.value {
                ParamValue::Scalar(d) => v.push(d.sample(rng)),
                ParamValue::Row(r) => v.extend(r.sample(rng)),
            }
        }
        Values(v)
    }

    /// The uncertain parameters' columns (a row gives one column per destination state).
    pub fn uncertain_columns(&self) -> Vec<Column> {
        let mut cols = Vec::new();
        for (p, &offset) in self.params.iter().zip(&self.offsets) {
            if p.value.is_fixed() {
                continue;
            }
            match p.value {
                ParamValue::Scalar(_) => cols.push(Column {
                    name: p.name.clone(),
                    index: offset,
                }),
                ParamValue::Row(_) => {
                    for (j, state) in STATES.iter().enumerate() {
                        cols.push(Column {
                            name: format!("{}.to_{state}", p.name),
                            index: offset + j,
                        });
                    }
                }
            }
        }
        cols
    }
}
