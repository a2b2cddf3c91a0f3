//! Reading the DfE files: every council, region and England, a series per area.
//!
//! Each reader takes a file's text and name (so tests can give their own) and returns
//! figures keyed by area. Suppressed or unavailable values (`x`, `c`, `z`, `..`, `:`, empty)
//! are `None`, never 0. A file that begins with a UTF-8 byte-order mark reads like one that
//! does not.

use std::collections::BTreeMap;

/// Published figures of one year ending 31 March; `None` where not published.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Children looked after at 31 March.
    pub looked_after: Option<f64>,
    /// Children starting to be looked after during the year.
    pub started: Option<f64>,
    /// Children ceasing to be looked after during the year.
    pub ceased: Option<f64>,
    /// Children aged 0-17 (the population estimate DfE divides by).
    pub population: Option<f64>,
}

/// A problem in a data file: which file, line and column, and what was found.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// One row of a DfE file: its line number and fields by header name.
pub struct Row<'a> {
    pub line: usize,
    headers: &'a [String],
    fields: Vec<String>,
}

impl Row<'_> {
    /// The field under this header ("" when the row is short).
    pub fn get(&self, header: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == header)
            .and_then(|i| self.fields.get(i))
            .map_or("", |s| s.as_str())
    }
}

/// A CSV file's header, rows and each row's line number.
pub type Csv = (Vec<String>, Vec<Vec<String>>, Vec<usize>);

/// Reads a CSV file's text (with or without a byte-order mark) into its header and rows.
///
/// # Errors
/// The text is not CSV, or a header the reader needs is missing.
pub fn read_csv(text: &str, file: &str, needed: &[&str]) -> Result<Csv, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let err = |line: usize, message: String| DataError {
        file: file.to_string(),
        line,
        message,
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| err(1, format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    for want in needed {
        if !headers.iter().any(|h| h == want) {
            return Err(err(
                1,
                format!(
                    "no column `{want}` in the header row (found: {}); is this the right file?",
                    headers.join(", ")
                ),
            ));
        }
    }
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            err(line, format!("not a valid CSV row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push(record.iter().map(|f| f.trim().to_string()).collect());
        lines.push(line);
    }
    Ok((headers, rows, lines))
}

/// Iterates the rows of a CSV text as [`Row`]s, calling `f` on each.
///
/// # Errors
/// As [`read_csv`], or whatever `f` returns.
pub fn for_each_row(
    text: &str,
    file: &str,
    needed: &[&str],
    mut f: impl FnMut(&Row) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let (headers, rows, lines) = read_csv(text, file, needed)?;
    for (fields, line) in rows.into_iter().zip(lines) {
        f(&Row {
            line,
            headers: &headers,
            fields,
        })?;
    }
    Ok(())
}

/// A published number: `None` for the suppression and "not applicable" marks DfE uses.
///
/// # Errors
/// Text that is neither a number nor one of those marks.
pub fn value(text: &str, file: &str, line: usize, column: &str) -> Result<Option<f64>, DataError> {
    let t = text.trim();
    if matches!(t, "" | "x" | "c" | "z" | ".." | ":" | "u" | "low") {
        return Ok(None);
    }
    let cleaned = t.replace(',', "");
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(DataError {
            file: file.to_string(),
            line,
            message: format!(
                "column `{column}` holds \"{t}\", which is neither a number nor a suppression mark (x, c, z, ..)"
            ),
        }),
    }
}

/// A geographic unit as the 2020-2024 file names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    England,
    Region(String),
    /// A council: its name, its old three-digit code, its region.
    Council {
        name: String,
        code: String,
        region: String,
    },
}

/// Figures by place and year.
pub type Table = BTreeMap<Place, BTreeMap<i32, Figures>>;

/// `cla_number_and_rate_per_10k_children_2020_2024.csv`: long format, one measure a row.
///
/// # Errors
/// A missing column or a value that is not a number.
pub fn read_recent(text: &str, file: &str) -> Result<Table, DataError> {
    let mut out = Table::new();
    for_each_row(
        text,
        file,
        &[
            "time_period",
            "geographic_level",
            "region_name",
            "old_la_code",
            "la_name",
            "population_count",
            "population_estimate",
            "number",
        ],
        |row| {
            let year: i32 = row.get("time_period").parse().map_err(|_| DataError {
                file: file.to_string(),
                line: row.line,
                message: format!(
                    "`time_period` is \"{}\", not a year",
                    row.get("time_period")
                ),
            })?;
            let place = match row.get("geographic_level") {
                "National" => Place::England,
                "Regional" => Place::Region(row.get("region_name").to_string()),
                "Local authority" => Place::Council {
                    name: row.get("la_name").to_string(),
                    code: row.get("old_la_code").to_string(),
                    region: row.get("region_name").to_string(),
                },
                _ => return Ok(()),
            };
            let number = value(row.get("number"), file, row.line, "number")?;
            let population = value(
                row.get("population_estimate"),
                file,
                row.line,
                "population_estimate",
            )?;
            let figures = out.entry(place).or_default().entry(year).or_default();
            let measure = row.get("population_count").to_lowercase();
            if measure.contains("31 march") {
                figures.looked_after = number;
            } else if measure.contains("starting") {
                figures.started = number;
            } else if measure.contains("ceasing") {
                figures.ceased = number;
            } else {
                return Ok(());
            }
            if figures.population.is_none() {
                figures.population = population;
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// `cla_time_series_england_1994_2024.csv`: England, one measure a row.
///
/// # Errors
/// A missing column or a value that is not a number.
pub fn read_england_series(text: &str, file: &str) -> Result<BTreeMap<i32, Figures>, DataError> {
    let mut out: BTreeMap<i32, Figures> = BTreeMap::new();
    for_each_row(
        text,
        file,
        &["time_period", "population_count", "number"],
        |row| {
            let Ok(year) = row.get("time_period").parse::<i32>() else {
                return Ok(());
            };
            let measure = row.get("population_count").to_lowercase();
            let number = value(row.get("number"), file, row.line, "number")?;
            let f = out.entry(year).or_default();
            if measure == "children looked after at 31 march" {
                f.looked_after = number;
            } else if measure.starts_with("children starting") {
                f.started = number;
            } else if measure.starts_with("children ceasing") {
                f.ceased = number;
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// A row of the 2010 SFR27 files: level (`National`, `GOR`, `LA`), code, name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit2010 {
    pub level: String,
    pub code: String,
    pub name: String,
}

/// The three SFR27 files of the year ending 31 March 2010, joined by geography code.
///
/// # Errors
/// A missing column or a value that is not a number.
pub fn read_2010(
    march: (&str, &str),
    started: (&str, &str),
    ceased: (&str, &str),
) -> Result<BTreeMap<Unit2010, Figures>, DataError> {
    let mut out: BTreeMap<Unit2010, Figures> = BTreeMap::new();
    let unit = |row: &Row| Unit2010 {
        level: row.get("geog_l").to_string(),
        code: row.get("geog_c").to_string(),
        name: row.get("geog_n").trim().to_string(),
    };
    for_each_row(
        march.0,
        march.1,
        &[
            "geog_l",
            "geog_c",
            "geog_n",
            "MarTotal_2010",
            "Mid2009Pop0-17",
        ],
        |row| {
            let f = out.entry(unit(row)).or_default();
            f.looked_after = value(row.get("MarTotal_2010"), march.1, row.line, "MarTotal_2010")?;
            f.population = value(
                row.get("Mid2009Pop0-17"),
                march.1,
                row.line,
                "Mid2009Pop0-17",
            )?;
            Ok(())
        },
    )?;
    for_each_row(
        started.0,
        started.1,
        &["geog_l", "geog_c", "geog_n", "StartTotal_2010"],
        |row| {
            out.entry(unit(row)).or_default().started = value(
                row.get("StartTotal_2010"),
                started.1,
                row.line,
                "StartTotal_2010",
            )?;
            Ok(())
        },
    )?;
    for_each_row(
        ceased.0,
        ceased.1,
        &["geog_l", "geog_c", "geog_n", "CeasedTotal_2010"],
        |row| {
            out.entry(unit(row)).or_default().ceased = value(
                row.get("CeasedTotal_2010"),
                ceased.1,
                row.line,
                "CeasedTotal_2010",
            )?;
            Ok(())
        },
    )?;
    Ok(out)
}

/// Spending on children looked after in 2009-10 (section 52 outturn, line "Total Children
/// Looked After"), by the council's code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outturn {
    /// Total expenditure, column (k): what the service spent.
    pub gross: f64,
    /// Net current expenditure, column (m): spending less income.
    pub net: f64,
}

/// The section 52 line this reads.
pub const OUTTURN_LINE: &str = "Total Children Looked After";

/// `s52_outturn_2009_10.csv`: the "Total Children Looked After" line of each council.
///
/// # Errors
/// A missing column or a value that is not a number.
pub fn read_outturn(text: &str, file: &str) -> Result<BTreeMap<String, Outturn>, DataError> {
    let gross_col = "Total Expenditure (k)";
    let net_col = "NET Current Expenditure (m)";
    let mut out = BTreeMap::new();
    for_each_row(
        text,
        file,
        &["LEA", "S52 Line Reference", gross_col, net_col],
        |row| {
            if row.get("S52 Line Reference") != OUTTURN_LINE {
                return Ok(());
            }
            let gross = value(row.get(gross_col), file, row.line, gross_col)?;
            let net = value(row.get(net_col), file, row.line, net_col)?;
            if let (Some(gross), Some(net)) = (gross, net) {
                out.insert(row.get("LEA").to_string(), Outturn { gross, net });
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// Named groups of councils: `group,member` rows.
///
/// # Errors
/// A missing column.
pub fn read_groups(text: &str, file: &str) -> Result<Vec<(String, Vec<String>)>, DataError> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for_each_row(text, file, &["group", "member"], |row| {
        let group = row.get("group");
        let member = row.get("member").to_string();
        match out.iter_mut().find(|(g, _)| g == group) {
            Some((_, members)) => members.push(member),
            None => out.push((group.to_string(), vec![member])),
        }
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_marks_are_missing_not_zero() {
        for mark in ["x", "c", "z", "..", ""] {
            assert_eq!(value(mark, "f.csv", 2, "number").unwrap(), None, "{mark}");
        }
        assert_eq!(value("0", "f.csv", 2, "number").unwrap(), Some(0.0));
        assert_eq!(value("1,234", "f.csv", 2, "number").unwrap(), Some(1234.0));
        let e = value("twelve", "f.csv", 7, "number").unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.to_string().contains("f.csv:7"), "{e}");
    }

    const RECENT: &str = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,la_name,new_la_code,population_count,population_estimate,number,rate_per_10000
2024,Reporting year,Local authority,E92000001,England,E12000002,North West,350,Bolton,E08000001,Children looked after at 31 March each year,73832,571,77
2024,Reporting year,Local authority,E92000001,England,E12000002,North West,350,Bolton,E08000001,Children starting to be looked after each year,73832,x,28
2024,Reporting year,Local authority,E92000001,England,E12000002,North West,350,Bolton,E08000001,Children ceasing to be looked after each year,73832,c,27
";

    #[test]
    fn a_byte_order_mark_reads_like_none() {
        let plain = read_recent(RECENT, "f.csv").unwrap();
        let bom = read_recent(&format!("\u{feff}{RECENT}"), "f.csv").unwrap();
        assert_eq!(plain, bom);
        let bolton = plain.values().next().unwrap()[&2024];
        assert_eq!(bolton.looked_after, Some(571.0));
        assert_eq!(bolton.started, None);
        assert_eq!(bolton.ceased, None);
        assert_eq!(bolton.population, Some(73832.0));
    }

    #[test]
    fn a_wrong_file_names_the_missing_column() {
        let e = read_recent("a,b\n1,2\n", "wrong.csv").unwrap_err();
        assert!(e.to_string().contains("wrong.csv:1"), "{e}");
        assert!(e.to_string().contains("time_period"), "{e}");
    }
}
