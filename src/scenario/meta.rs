//! The assumptions register's fields on a parameter, beside `source` (Aqua Book practice):
//! `evidence`, `price_year`, `owner`, `signed_off = { by, date }` and `review_by`.
//!
//! They are read from a parameter's table (`{ value = 85_000, source = "...", owner = "..." }`)
//! and kept on the [`crate::params::Parameter`]; they never change a figure. `validate` warns
//! about inputs past their `review_by` date ([`review_warnings`]) and, with `--register`, about
//! uncertain inputs without a source ([`register_warnings`]).

use toml::Value;
use toml::map::Map;

use super::Scenario;

/// Keys a parameter's table may carry besides its figure and `source`.
pub const META_KEYS: [&str; 5] = ["evidence", "price_year", "owner", "signed_off", "review_by"];

/// A calendar date, as written in the scenario (`2026-03-31`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Today's date, UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::of_timestamp(&crate::export::manifest::utc_timestamp(secs)).unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        })
    }

    /// The date at the start of `YYYY-MM-DD...` (a manifest's `created_utc`, say).
    pub fn of_timestamp(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let date = Date {
            year: text.get(0..4)?.parse().ok()?,
            month: text.get(5..7)?.parse().ok()?,
            day: text.get(8..10)?.parse().ok()?,
        };
        ((1..=12).contains(&date.month) && (1..=31).contains(&date.day)).then_some(date)
    }
}

/// Who signed a figure off, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    pub by: String,
    pub date: Option<Date>,
}

/// A parameter's register entries (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParamMeta {
    /// The kind of evidence: "RCT", "quasi-experimental", "expert judgement", "assumption"...
    pub evidence: Option<String>,
    /// The year whose prices a money figure is in.
    pub price_year: Option<i64>,
    /// Who answers for the figure.
    pub owner: Option<String>,
    pub signed_off: Option<SignOff>,
    /// When the figure must be looked at again.
    pub review_by: Option<Date>,
}

fn date_of(value: &Value, key: &str) -> Result<Date, String> {
    let bad = || {
        format!("`{key}` must be a date such as 2027-03-31 (a TOML date, or that text in quotes)")
    };
    let text = match value {
        Value::Datetime(d) => {
            let date = d.date.ok_or_else(bad)?;
            return Ok(Date {
                year: date.year,
                month: date.month,
                day: date.day,
            });
        }
        Value::String(s) => s.as_str(),
        _ => return Err(bad()),
    };
    match Date::of_timestamp(text) {
        Some(d) if text.len() == 10 => Ok(d),
        _ => Err(bad()),
    }
}

fn text_of(table: &Map<String, Value>, key: &str, example: &str) -> Result<Option<String>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be text in quotes, such as {example}")),
    }
}

/// Reads the register keys of a parameter given as a table; a plain number or list has none.
///
/// # Errors
/// A register key of the wrong type, with what to write instead.
pub fn parse(value: &Value) -> Result<ParamMeta, String> {
    let Value::Table(t) = value else {
        return Ok(ParamMeta::default());
    };
    let price_year = match t.get("price_year") {
        None => None,
        Some(Value::Integer(y)) if (1900..=2200).contains(y) => Some(*y),
        Some(_) => {
            return Err(
                "`price_year` must be a year such as 2024 (the year whose prices the figure is in)"
                    .to_string(),
            );
        }
    };
    let signed_off = match t.get("signed_off") {
        None => None,
        Some(Value::Table(s)) => {
            if let Some(key) = s.keys().find(|k| !["by", "date"].contains(&k.as_str())) {
                return Err(format!(
                    "unknown key `{key}` in `signed_off`; write signed_off = {{ by = \"name, role\", date = 2026-03-31 }}"
                ));
            }
            let by = text_of(s, "by", "\"J. Smith, finance\"")?.ok_or_else(|| {
                "`signed_off` needs `by`: signed_off = { by = \"name, role\", date = 2026-03-31 }"
                    .to_string()
            })?;
            let date = s
                .get("date")
                .map(|d| date_of(d, "signed_off.date"))
                .transpose()?;
            Some(SignOff { by, date })
        }
        Some(Value::String(by)) => Some(SignOff {
            by: by.clone(),
            date: None,
        }),
        Some(_) => {
            return Err(
                "`signed_off` must be { by = \"name, role\", date = 2026-03-31 } or a name in quotes"
                    .to_string(),
            );
        }
    };
    Ok(ParamMeta {
        evidence: text_of(t, "evidence", "\"RCT\" or \"expert judgement\"")?,
        price_year,
        owner: text_of(t, "owner", "\"Head of finance, children's services\"")?,
        signed_off,
        review_by: t
            .get("review_by")
            .map(|d| date_of(d, "review_by"))
            .transpose()?,
    })
}

/// One warning line per input whose `review_by` date is before `today`.
pub fn review_warnings(scenario: &Scenario, today: Date) -> Vec<String> {
    scenario
        .params
        .parameters()
        .iter()
        .filter_map(|p| {
            let due = p.meta.review_by?;
            (due < today).then(|| {
                format!(
                    "`{}` was due for review by {due} (today is {today}); check the figure and its source, then move `review_by` on",
                    p.name
                )
            })
        })
        .collect()
}

/// One warning line per uncertain input (a distribution) without a `source`.
pub fn register_warnings(scenario: &Scenario) -> Vec<String> {
    scenario
        .params
        .parameters()
        .iter()
        .filter(|p| !p.is_fixed() && p.source.is_none())
        .map(|p| {
            format!(
                "`{}` is uncertain but has no `source`; add source = \"document, page\" or \"assumption: why\"",
                p.name
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Value {
        toml::from_str::<Map<String, Value>>(&format!("x = {text}")).unwrap()["x"].clone()
    }

    #[test]
    fn reads_every_register_field() {
        let m = parse(&table(
            r#"{ value = 1, evidence = "RCT", price_year = 2024, owner = "A", signed_off = { by = "B", date = 2026-01-02 }, review_by = "2027-03-31" }"#,
        ))
        .unwrap();
        assert_eq!(m.evidence.as_deref(), Some("RCT"));
        assert_eq!(m.price_year, Some(2024));
        assert_eq!(m.owner.as_deref(), Some("A"));
        let s = m.signed_off.unwrap();
        assert_eq!(
            (s.by.as_str(), s.date.unwrap().to_string()),
            ("B", "2026-01-02".into())
        );
        assert_eq!(m.review_by.unwrap().to_string(), "2027-03-31");
        assert_eq!(parse(&Value::Float(1.0)).unwrap(), ParamMeta::default());
    }

    #[test]
    fn refuses_wrong_types_saying_what_to_write() {
        let e = parse(&table(r#"{ value = 1, review_by = "next year" }"#)).unwrap_err();
        assert!(e.contains("2027-03-31"), "{e}");
        let e = parse(&table(r#"{ value = 1, price_year = "2024" }"#)).unwrap_err();
        assert!(e.contains("a year such as 2024"), "{e}");
        let e = parse(&table(r#"{ value = 1, signed_off = { who = "x" } }"#)).unwrap_err();
        assert!(e.contains("unknown key `who`"), "{e}");
    }

    #[test]
    fn dates_compare_in_calendar_order() {
        let d = |s| Date::of_timestamp(s).unwrap();
        assert!(d("2026-12-31") < d("2027-01-01"));
        assert!(d("2027-02-01") > d("2027-01-31"));
        assert_eq!(d("2026-11-27T07:00:00Z").to_string(), "2026-11-27");
        assert_eq!(Date::of_timestamp("2026-13-01"), None);
    }
}
