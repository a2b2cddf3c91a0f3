//! `iterations.csv` and `yearly.csv`, written straight from the columns into one buffer:
//! numbers through [`super::number`], names quoted once, no string per cell.

use super::ExportError;
use super::number::{write_f64, write_int};
use crate::engine::Columns;
use crate::report::YearlyBand;
use crate::scenario::Scenario;
use crate::vocab::{AgencyMetric, Metric};

/// A field as the `csv` crate would write it (quoted where needed), without the line end.
fn field(text: &str) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record([text, ""])?;
    let mut bytes = w.into_inner()?;
    // Drop the ",\n" of the empty second field.
    bytes.truncate(bytes.len().saturating_sub(2));
    Ok(bytes)
}

/// A header line as the `csv` crate writes it.
fn header_line(names: &[String]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(names)?;
    Ok(w.into_inner()?)
}

/// The header of `iterations.csv`: iteration, intervention, each uncertain parameter's drawn
/// value (a transition row gives one column per destination), every metric, the payback year
/// and, where the scenario names agencies, each agency's gross saving, programme cost and net
/// saving (present values).
pub fn iterations_header(scenario: &Scenario) -> Vec<String> {
    let mut header = vec!["iteration".to_string(), "intervention".to_string()];
    header.extend(
        scenario
            .params
            .uncertain_columns()
            .into_iter()
            .map(|c| c.name),
    );
    header.extend(Metric::ALL.map(|m| m.name().to_string()));
    header.push("payback_year".to_string());
    for name in agencies(scenario) {
        for m in AgencyMetric::IN_ITERATIONS {
            header.push(format!("{name}: {m}"));
        }
    }
    header
}

fn agencies(scenario: &Scenario) -> &[String] {
    if scenario.has_agencies {
        &scenario.agencies.names
    } else {
        &[]
    }
}

/// A cell of `iterations.csv`, as [`iterations_csv`] writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IterationCell {
    Number(f64),
    /// The intervention's name.
    Name,
    /// A payback year not within the horizon.
    Never,
    /// An undefined ratio (no programme cost), or a column the file does not have.
    Blank,
}

/// The cell of iteration `i` (counted from the columns' first) and intervention `j` in column
/// `col` of [`iterations_header`].
pub fn iteration_cell(
    scenario: &Scenario,
    columns: &Columns,
    i: usize,
    j: usize,
    col: usize,
) -> IterationCell {
    let cols = &columns.interventions[j];
    let draws = columns.draws.len();
    let metrics = Metric::ALL.len();
    let number = |x: f64| IterationCell::Number(x);
    match col {
        0 => number((columns.first + i as u64) as f64),
        1 => IterationCell::Name,
        c if c < 2 + draws => number(columns.draws[c - 2][i]),
        c if c < 2 + draws + metrics => {
            let m = Metric::ALL[c - 2 - draws];
            let x = cols.metric(m)[i];
            if m.is_ratio_to_programme_cost() && x.is_nan() {
                IterationCell::Blank
            } else {
                number(x)
            }
        }
        c if c == 2 + draws + metrics => {
            cols.payback[i].map_or(IterationCell::Never, |y| number(f64::from(y)))
        }
        c => {
            let k = c - 3 - draws - metrics;
            let per = AgencyMetric::IN_ITERATIONS.len();
            if k / per < agencies(scenario).len() {
                number(cols.agency(k / per, AgencyMetric::IN_ITERATIONS[k % per])[i])
            } else {
                IterationCell::Blank
            }
        }
    }
}

/// One row per iteration and intervention, with the columns of [`iterations_header`] (a
/// metric is empty where undefined, the payback year `never` if not within the horizon).
///
/// # Errors
/// A CSV writer failure (not expected when writing to memory).
pub fn iterations_csv(scenario: &Scenario, columns: &Columns) -> Result<Vec<u8>, ExportError> {
    let header = iterations_header(scenario);
    let agencies = agencies(scenario);
    let names = scenario
        .interventions
        .iter()
        .map(|lever| field(&lever.name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = header_line(&header)?;
    let n = columns.len();
    // About 20 bytes a number.
    out.reserve(n * scenario.interventions.len() * header.len() * 20);
    for i in 0..n {
        for (name, cols) in names.iter().zip(&columns.interventions) {
            write_int(&mut out, columns.first + i as u64);
            out.push(b',');
            out.extend_from_slice(name);
            for d in &columns.draws {
                out.push(b',');
                write_f64(&mut out, d[i]);
            }
            for m in Metric::ALL {
                out.push(b',');
                let x = cols.metric(m)[i];
                if !(m.is_ratio_to_programme_cost() && x.is_nan()) {
                    write_f64(&mut out, x);
                }
            }
            out.push(b',');
            match cols.payback[i] {
                Some(y) => write_int(&mut out, y),
                None => out.extend_from_slice(b"never"),
            }
            for a in 0..agencies.len() {
                for m in AgencyMetric::IN_ITERATIONS {
                    out.push(b',');
                    write_f64(&mut out, cols.agency(a, m)[i]);
                }
            }
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// Per year, arm and measure: mean, sd and percentiles across iterations (tidy, long format).
///
/// # Errors
/// A CSV writer failure (not expected when writing to memory).
pub fn yearly_csv(bands: &[YearlyBand]) -> Result<Vec<u8>, ExportError> {
    let header = [
        "year", "arm", "measure", "mean", "sd", "p5", "p25", "p50", "p75", "p95",
    ]
    .map(String::from);
    let mut out = header_line(&header)?;
    let mut arm = (String::new(), Vec::new());
    for b in bands {
        if arm.0 != b.arm || arm.1.is_empty() {
            arm = (b.arm.clone(), field(&b.arm)?);
        }
        write_int(&mut out, b.year);
        out.push(b',');
        out.extend_from_slice(&arm.1);
        out.push(b',');
        out.extend_from_slice(b.measure.name().as_bytes());
        for x in [b.mean, b.sd, b.p5, b.p25, b.p50, b.p75, b.p95] {
            out.push(b',');
            write_f64(&mut out, x);
        }
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        for text in ["plain", "a, b", "say \"hi\"", "two\nlines", "£3.5m", " x "] {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([text, "1"]).unwrap();
            let want = w.into_inner().unwrap();
            let mut got = field(text).unwrap();
            got.extend_from_slice(b",1\n");
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }
}
