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

/// One row per iteration and intervention: iteration, intervention, each uncertain parameter's
/// drawn value (a transition row gives one column per destination), every metric (empty where
/// undefined), the payback year (`never` if not within the horizon), and, where the scenario
/// names agencies, each agency's gross saving, programme cost and net saving (present values).
///
/// # Errors
/// A CSV writer failure (not expected when writing to memory).
pub fn iterations_csv(scenario: &Scenario, columns: &Columns) -> Result<Vec<u8>, ExportError> {
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
    let agencies: &[String] = if scenario.has_agencies {
        &scenario.agencies.names
    } else {
        &[]
    };
    for name in agencies {
        for m in AgencyMetric::IN_ITERATIONS {
            header.push(format!("{name}: {m}"));
        }
    }
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
