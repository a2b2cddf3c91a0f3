//! A run's results held as columns: one vector per figure, filled in iteration order.
//!
//! Every iteration's [`IterationResult`] is pushed into the columns and dropped, so memory
//! follows what the outputs need: each metric, each agency's metrics, and per year and arm the
//! measures of `yearly.csv` that cannot be derived from others (the net and cumulative saving
//! are computed from the gross saving and programme cost when the bands are made). Counts are
//! held as 32-bit integers while they are whole numbers that fit (always, in Monte Carlo), as
//! `f64` otherwise (fixed mode's expected counts).

use super::{IterationResult, metrics::Metrics};
use crate::scenario::Scenario;
use crate::vocab::{AgencyMetric, Metric};

/// A column of figures that are often whole numbers: held as `u32` until a value is not (or
/// does not fit), then as `f64`. Values read back bit for bit as they were pushed.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Whole(Vec<u32>),
    Real(Vec<f64>),
}

impl Default for Column {
    fn default() -> Column {
        Column::Whole(Vec::new())
    }
}

impl Column {
    /// Appends a value.
    pub fn push(&mut self, x: f64) {
        match self {
            Column::Whole(v) => {
                let w = x as u32;
                // Bit-exact round trip only (so -0.0 and 0.5 are not whole).
                if f64::from(w).to_bits() == x.to_bits() {
                    v.push(w);
                } else {
                    let mut real: Vec<f64> = Vec::with_capacity(v.capacity().max(v.len() + 1));
                    real.extend(v.iter().map(|&w| f64::from(w)));
                    real.push(x);
                    *self = Column::Real(real);
                }
            }
            Column::Real(v) => v.push(x),
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::Whole(v) => v.len(),
            Column::Real(v) => v.len(),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th value.
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Column::Whole(v) => f64::from(v[i]),
            Column::Real(v) => v[i],
        }
    }

    /// The values as `f64`, in order (a copy).
    pub fn to_vec(&self) -> Vec<f64> {
        match self {
            Column::Whole(v) => v.iter().map(|&w| f64::from(w)).collect(),
            Column::Real(v) => v.clone(),
        }
    }

    /// Appends another column's values.
    pub fn append(&mut self, other: &Column) {
        match (&mut *self, other) {
            (Column::Whole(a), Column::Whole(b)) => a.extend_from_slice(b),
            (Column::Real(a), Column::Real(b)) => a.extend_from_slice(b),
            _ => {
                for i in 0..other.len() {
                    self.push(other.get(i));
                }
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        match self {
            Column::Whole(v) => v.capacity() * 4,
            Column::Real(v) => v.capacity() * 8,
        }
    }

    fn reserve(&mut self, n: usize) {
        match self {
            Column::Whole(v) => v.reserve(n),
            Column::Real(v) => v.reserve(n),
        }
    }
}

/// The measures of one arm in one year that every arm has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearColumns {
    pub children_in_care: Column,
    /// By state, worst first.
    pub families: [Column; 4],
    /// Cost of services, undiscounted.
    pub cost: Vec<f64>,
}

/// What only an intervention's arm has in one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgrammeYearColumns {
    /// Families ever reached, in any state.
    pub families_treated: Column,
    /// Families reached this year.
    pub families_reached: Column,
    /// Programme cost, undiscounted.
    pub programme_cost: Column,
    /// Services saved against the baseline, undiscounted.
    pub gross_saving: Vec<f64>,
}

/// One intervention's columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InterventionColumns {
    /// Per year.
    pub years: Vec<YearColumns>,
    /// Per year.
    pub programme: Vec<ProgrammeYearColumns>,
    /// Per metric, in [`Metric::ALL`] order; a ratio that is undefined is NaN.
    pub metrics: Vec<Vec<f64>>,
    /// The payback year (from 0), `None` if not within the horizon.
    pub payback: Vec<Option<u32>>,
    /// Per agency (only when the scenario names agencies), per metric in
    /// [`AgencyMetric::ALL`] order.
    pub agencies: Vec<Vec<Vec<f64>>>,
    /// Per year and agency (year by year, agencies within a year; only when the scenario
    /// names agencies): sums over the iterations held of the agency's share of the baseline's
    /// service costs and of its gross saving, undiscounted, for the agencies' yearly means.
    /// Held as [`ExactSum`]s, so that shards add up to exactly the sums of a single run.
    pub agency_years: Vec<[ExactSum; 2]>,
}

/// A sum of money in fixed point (units of 2^-20 pounds, about a millionth of a penny), exact
/// and so independent of the order in which values are added: a run split into shards sums to
/// the same bits as the whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactSum(pub i128);

impl ExactSum {
    const SCALE: f64 = 1_048_576.0;

    /// Adds a value (rounded to the nearest 2^-20 pound).
    pub fn add(&mut self, x: f64) {
        self.0 = self.0.saturating_add((x * Self::SCALE).round() as i128);
    }

    /// The mean of `n` values summed.
    pub fn mean(self, n: usize) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        self.0 as f64 / Self::SCALE / n as f64 + 0.0
    }
}

impl InterventionColumns {
    /// Means across the iterations held, per agency and year: (the agency's share of the
    /// baseline's service costs, its gross saving), both undiscounted.
    pub fn agency_year_means(&self, agencies: usize, n: usize) -> Vec<Vec<(f64, f64)>> {
        (0..agencies)
            .map(|a| {
                self.agency_years
                    .iter()
                    .skip(a)
                    .step_by(agencies.max(1))
                    .map(|[base, gross]| (base.mean(n), gross.mean(n)))
                    .collect()
            })
            .collect()
    }
}

impl InterventionColumns {
    /// One metric's column.
    pub fn metric(&self, m: Metric) -> &[f64] {
        &self.metrics[m as usize]
    }

    /// One agency's metric column.
    pub fn agency(&self, a: usize, m: AgencyMetric) -> &[f64] {
        &self.agencies[a][m as usize]
    }
}

/// Every iteration of a run (or of one shard of it), as columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// Index of the first iteration held.
    pub first: u64,
    /// Where each column of `draws` is in an iteration's parameter values.
    draw_index: Vec<usize>,
    /// Per uncertain parameter column (see `ParamSet::uncertain_columns`), the drawn values.
    pub draws: Vec<Vec<f64>>,
    /// The baseline, per year.
    pub baseline: Vec<YearColumns>,
    /// In the scenario's order.
    pub interventions: Vec<InterventionColumns>,
}

impl Columns {
    /// Empty columns shaped for a scenario, starting at iteration `first`.
    pub fn new(scenario: &Scenario, first: u64) -> Columns {
        let years = scenario.years as usize;
        let agencies = if scenario.has_agencies {
            scenario.agencies.names.len()
        } else {
            0
        };
        let draw_index: Vec<usize> = scenario
            .params
            .uncertain_columns()
            .iter()
            .map(|c| c.index)
            .collect();
        Columns {
            first,
            draws: vec![Vec::new(); draw_index.len()],
            draw_index,
            baseline: vec![YearColumns::default(); years],
            interventions: scenario
                .interventions
                .iter()
                .map(|_| InterventionColumns {
                    years: vec![YearColumns::default(); years],
                    programme: vec![ProgrammeYearColumns::default(); years],
                    metrics: vec![Vec::new(); Metric::ALL.len()],
                    payback: Vec::new(),
                    agencies: vec![vec![Vec::new(); AgencyMetric::ALL.len()]; agencies],
                    agency_years: vec![[ExactSum::default(); 2]; years * agencies],
                })
                .collect(),
        }
    }

    /// Number of iterations held.
    pub fn len(&self) -> usize {
        match self.interventions.first() {
            Some(k) => k.payback.len(),
            None => self.baseline.first().map_or(0, |y| y.cost.len()),
        }
    }

    /// Frees the per-year columns (each arm's yearly counts and costs, the programmes' years),
    /// keeping the draws and each intervention's metrics, payback years and agency metrics:
    /// all that `iterations.csv` and the deliverables need once the yearly bands are made. A
    /// run does this before it makes its workbook, so the two are not in memory together.
    /// Without interventions nothing is freed (the baseline's years count the iterations).
    pub fn drop_years(&mut self) {
        if self.interventions.is_empty() {
            return;
        }
        self.baseline = Vec::new();
        for k in &mut self.interventions {
            k.years = Vec::new();
            k.programme = Vec::new();
        }
    }

    /// True when no iteration is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes room for `n` more iterations.
    pub fn reserve(&mut self, n: usize) {
        for d in &mut self.draws {
            d.reserve(n);
        }
        let year = |y: &mut YearColumns| {
            y.children_in_care.reserve(n);
            y.families.iter_mut().for_each(|f| f.reserve(n));
            y.cost.reserve(n);
        };
        self.baseline.iter_mut().for_each(year);
        for k in &mut self.interventions {
            k.years.iter_mut().for_each(year);
            for p in &mut k.programme {
                p.families_treated.reserve(n);
                p.families_reached.reserve(n);
                p.programme_cost.reserve(n);
                p.gross_saving.reserve(n);
            }
            k.metrics.iter_mut().for_each(|m| m.reserve(n));
            k.payback.reserve(n);
            k.agencies.iter_mut().flatten().for_each(|m| m.reserve(n));
        }
    }

    /// Appends one iteration (the next in order).
    pub fn push(&mut self, it: &IterationResult) {
        let values = it.values.as_slice();
        for (column, &i) in self.draws.iter_mut().zip(&self.draw_index) {
            column.push(values[i]);
        }
        for (cols, r) in self.baseline.iter_mut().zip(&it.baseline) {
            push_year(cols, r);
        }
        for (cols, out) in self.interventions.iter_mut().zip(&it.interventions) {
            for (t, r) in out.years.iter().enumerate() {
                push_year(&mut cols.years[t], r);
                let p = &mut cols.programme[t];
                // + 0.0: an empty sum is -0.0, and -0 is not a count.
                p.families_treated.push(r.treated() + 0.0);
                p.families_reached.push(r.families_reached);
                p.programme_cost.push(out.programme_cost[t]);
                p.gross_saving.push(r.saving_against(&it.baseline[t]));
            }
            push_metrics(cols, &out.metrics);
        }
        // The agencies' yearly figures, as the metrics worked them out (empty sums without
        // agencies).
        for (cols, out) in self.interventions.iter_mut().zip(&it.interventions) {
            for ([b, g], [cost, saving]) in
                cols.agency_years.iter_mut().zip(&out.metrics.agency_years)
            {
                b.add(*cost);
                g.add(*saving);
            }
        }
    }

    /// Appends the iterations of `other`, which must start where these end.
    pub fn append(&mut self, other: &Columns) {
        for (a, b) in self.draws.iter_mut().zip(&other.draws) {
            a.extend_from_slice(b);
        }
        let year = |a: &mut YearColumns, b: &YearColumns| {
            a.children_in_care.append(&b.children_in_care);
            for (x, y) in a.families.iter_mut().zip(&b.families) {
                x.append(y);
            }
            a.cost.extend_from_slice(&b.cost);
        };
        for (a, b) in self.baseline.iter_mut().zip(&other.baseline) {
            year(a, b);
        }
        for (a, b) in self.interventions.iter_mut().zip(&other.interventions) {
            for (x, y) in a.years.iter_mut().zip(&b.years) {
                year(x, y);
            }
            for (x, y) in a.programme.iter_mut().zip(&b.programme) {
                x.families_treated.append(&y.families_treated);
                x.families_reached.append(&y.families_reached);
                x.programme_cost.append(&y.programme_cost);
                x.gross_saving.extend_from_slice(&y.gross_saving);
            }
            for (x, y) in a.metrics.iter_mut().zip(&b.metrics) {
                x.extend_from_slice(y);
            }
            a.payback.extend_from_slice(&b.payback);
            for (x, y) in a.agencies.iter_mut().zip(&b.agencies) {
                for (p, q) in x.iter_mut().zip(y) {
                    p.extend_from_slice(q);
                }
            }
            for (x, y) in a.agency_years.iter_mut().zip(&b.agency_years) {
                for (p, q) in x.iter_mut().zip(y) {
                    p.0 = p.0.saturating_add(q.0);
                }
            }
        }
    }

    /// Bytes the columns hold (their capacity).
    pub fn bytes(&self) -> usize {
        let year = |y: &YearColumns| {
            y.children_in_care.bytes()
                + y.families.iter().map(Column::bytes).sum::<usize>()
                + y.cost.capacity() * 8
        };
        let mut total: usize = self.draws.iter().map(|d| d.capacity() * 8).sum();
        total += self.baseline.iter().map(year).sum::<usize>();
        for k in &self.interventions {
            total += k.years.iter().map(year).sum::<usize>();
            total += k
                .programme
                .iter()
                .map(|p| {
                    p.families_treated.bytes()
                        + p.families_reached.bytes()
                        + p.programme_cost.bytes()
                        + p.gross_saving.capacity() * 8
                })
                .sum::<usize>();
            total += k.metrics.iter().map(|m| m.capacity() * 8).sum::<usize>();
            total += k.payback.capacity() * std::mem::size_of::<Option<u32>>();
            total += k
                .agencies
                .iter()
                .flatten()
                .map(|m| m.capacity() * 8)
                .sum::<usize>();
            total += k.agency_years.len() * 32;
        }
        total
    }
}

/// The binary form of columns (a shard's `columns.bin`): a magic line, the number of
/// iterations, then every column in a fixed order, each as a tag (0: `u32`, 1: `f64`), its
/// length and its values, little-endian. Values read back bit for bit.
/// Each intervention's agency sums ([`ExactSum`]) follow its agency metrics, as 16-byte
/// integers.
const MAGIC: &[u8] = b"prevsim columns 2\n";

/// A payback year of "never" in the binary form.
const NEVER: u32 = u32::MAX;

impl Columns {
    /// The columns as bytes (see [`MAGIC`]).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes() + 4096);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.first.to_le_bytes());
        let reals = |out: &mut Vec<u8>, v: &[f64]| {
            out.push(1);
            out.extend_from_slice(&(v.len() as u64).to_le_bytes());
            for x in v {
                out.extend_from_slice(&x.to_le_bytes());
            }
        };
        let column = |out: &mut Vec<u8>, c: &Column| match c {
            Column::Whole(v) => {
                out.push(0);
                out.extend_from_slice(&(v.len() as u64).to_le_bytes());
                for x in v {
                    out.extend_from_slice(&x.to_le_bytes());
                }
            }
            Column::Real(v) => reals(out, v),
        };
        let year = |out: &mut Vec<u8>, y: &YearColumns| {
            column(out, &y.children_in_care);
            y.families.iter().for_each(|f| column(out, f));
            reals(out, &y.cost);
        };
        self.draws.iter().for_each(|d| reals(&mut out, d));
        self.baseline.iter().for_each(|y| year(&mut out, y));
        for k in &self.interventions {
            k.years.iter().for_each(|y| year(&mut out, y));
            for p in &k.programme {
                column(&mut out, &p.families_treated);
                column(&mut out, &p.families_reached);
                column(&mut out, &p.programme_cost);
                reals(&mut out, &p.gross_saving);
            }
            k.metrics.iter().for_each(|m| reals(&mut out, m));
            let payback = Column::Whole(k.payback.iter().map(|p| p.unwrap_or(NEVER)).collect());
            column(&mut out, &payback);
            k.agencies.iter().flatten().for_each(|m| reals(&mut out, m));
            for sum in k.agency_years.iter().flatten() {
                out.extend_from_slice(&sum.0.to_le_bytes());
            }
        }
        out
    }

    /// Reads columns written by [`Columns::encode`] for the same scenario.
    ///
    /// # Errors
    /// The bytes are not columns of this scenario's shape (a message says what is wrong).
    pub fn decode(scenario: &Scenario, bytes: &[u8]) -> Result<Columns, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err("not a prevsim columns file".to_string());
        }
        let n = r.u64()? as usize;
        let first = r.u64()?;
        let mut c = Columns::new(scenario, first);
        for d in &mut c.draws {
            *d = r.reals(n)?;
        }
        let year = |r: &mut Reader, y: &mut YearColumns| -> Result<(), String> {
            y.children_in_care = r.column(n)?;
            for f in &mut y.families {
                *f = r.column(n)?;
            }
            y.cost = r.reals(n)?;
            Ok(())
        };
        for y in &mut c.baseline {
            year(&mut r, y)?;
        }
        for k in &mut c.interventions {
            for y in &mut k.years {
                year(&mut r, y)?;
            }
            for p in &mut k.programme {
                p.families_treated = r.column(n)?;
                p.families_reached = r.column(n)?;
                p.programme_cost = r.column(n)?;
                p.gross_saving = r.reals(n)?;
            }
            for m in &mut k.metrics {
                *m = r.reals(n)?;
            }
            k.payback = match r.column(n)? {
                Column::Whole(v) => v.into_iter().map(|y| (y != NEVER).then_some(y)).collect(),
                Column::Real(_) => return Err("payback years are not whole numbers".into()),
            };
            for m in k.agencies.iter_mut().flatten() {
                *m = r.reals(n)?;
            }
            for sum in k.agency_years.iter_mut().flatten() {
                let b = r.take(16)?;
                sum.0 = i128::from_le_bytes(b.try_into().map_err(|_| "short")?);
            }
        }
        if r.at != bytes.len() {
            return Err("more data than the scenario's columns".to_string());
        }
        Ok(c)
    }
}

/// Reads the binary form of columns.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or("the file ends early (cut off, or of another scenario)")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| "short")?))
    }

    fn header(&mut self, n: usize) -> Result<u8, String> {
        let tag = self.take(1)?[0];
        let len = self.u64()?;
        if len != n as u64 || tag > 1 {
            return Err(format!(
                "a column holds {len} values where {n} were expected (of another scenario?)"
            ));
        }
        Ok(tag)
    }

    fn reals(&mut self, n: usize) -> Result<Vec<f64>, String> {
        if self.header(n)? != 1 {
            return Err("a column of numbers is stored as whole numbers".to_string());
        }
        let b = self.take(n.checked_mul(8).ok_or("too long")?)?;
        Ok(b.chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect())
    }

    fn column(&mut self, n: usize) -> Result<Column, String> {
        match self.header(n)? {
            0 => {
                let b = self.take(n.checked_mul(4).ok_or("too long")?)?;
                Ok(Column::Whole(
                    b.chunks_exact(4)
                        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
                        .collect(),
                ))
            }
            _ => {
                let b = self.take(n.checked_mul(8).ok_or("too long")?)?;
                Ok(Column::Real(
                    b.chunks_exact(8)
                        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                        .collect(),
                ))
            }
        }
    }
}

fn push_year(cols: &mut YearColumns, r: &super::YearRecord) {
    cols.children_in_care.push(r.children_in_care);
    for (c, f) in cols.families.iter_mut().zip(r.families) {
        c.push(f);
    }
    cols.cost.push(r.cost());
}

fn push_metrics(cols: &mut InterventionColumns, m: &Metrics) {
    for metric in Metric::ALL {
        cols.metrics[metric as usize].push(m.get(metric).unwrap_or(f64::NAN));
    }
    cols.payback.push(m.payback_year);
    for (a, agency) in cols.agencies.iter_mut().enumerate() {
        for metric in AgencyMetric::ALL {
            agency[metric as usize].push(m.agencies[a].get(metric));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_gives_back_every_value_bit_for_bit() {
        let values = [3.0, 0.0, 7.0, -0.0, 2.5, 4e9, 5e9, 1.0];
        let mut c = Column::default();
        for (i, &x) in values.iter().enumerate() {
            c.push(x);
            if i < 3 {
                assert!(matches!(c, Column::Whole(_)));
            }
        }
        assert!(matches!(c, Column::Real(_)));
        for (i, &x) in values.iter().enumerate() {
            assert_eq!(c.get(i).to_bits(), x.to_bits());
        }
        let mut a = Column::default();
        a.push(1.0);
        a.append(&c);
        assert_eq!(a.len(), values.len() + 1);
        assert_eq!(a.get(4).to_bits(), (-0.0f64).to_bits());
    }
}
