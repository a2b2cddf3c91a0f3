//! Published figures for English councils, regions, England and named groups of councils.
//!
//! The Department for Education's statistics on children looked after (Open Government
//! Licence v3.0; see `data/dfe/README.md` for provenance) are compiled into prevsim, so it needs
//! no network and no data folder. [`Areas::published`] reads them once; [`Areas::find`] finds
//! an area by name, suggesting near names when there is no exact match. Every area has a
//! series of [`Figures`] by year ending 31 March: 2020-2024 for councils and regions (and 2010,
//! the year of the Total Place reports), 1994-2024 for England; a group's figure is the sum of
//! its members', and missing when any member's is.

pub mod data;
pub mod starter;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

pub use data::{DataError, Figures, Outturn};
use data::{Place, Unit2010};

/// The DfE files compiled into prevsim, by name (as in `data/dfe/`).
pub const FILES: [(&str, &str); 7] = [
    (
        RECENT_FILE,
        include_str!("../../data/dfe/cla_number_and_rate_per_10k_children_2020_2024.csv"),
    ),
    (
        ENGLAND_FILE,
        include_str!("../../data/dfe/cla_time_series_england_1994_2024.csv"),
    ),
    (
        MARCH_2010_FILE,
        include_str!("../../data/dfe/SFR27_2010_March.csv"),
    ),
    (
        STARTED_2010_FILE,
        include_str!("../../data/dfe/SFR27_2010_Started.csv"),
    ),
    (
        CEASED_2010_FILE,
        include_str!("../../data/dfe/SFR27_2010_Ceased.csv"),
    ),
    (
        OUTTURN_FILE,
        include_str!("../../data/dfe/s52_outturn_2009_10.csv"),
    ),
    (GROUPS_FILE, include_str!("../../data/dfe/groups.csv")),
];

pub const RECENT_FILE: &str = "cla_number_and_rate_per_10k_children_2020_2024.csv";
pub const ENGLAND_FILE: &str = "cla_time_series_england_1994_2024.csv";
pub const MARCH_2010_FILE: &str = "SFR27_2010_March.csv";
pub const STARTED_2010_FILE: &str = "SFR27_2010_Started.csv";
pub const CEASED_2010_FILE: &str = "SFR27_2010_Ceased.csv";
pub const OUTTURN_FILE: &str = "s52_outturn_2009_10.csv";
pub const GROUPS_FILE: &str = "groups.csv";

/// The publisher's words, for sources and reports.
pub const ATTRIBUTION: &str = "Department for Education, Children looked after in England including adoptions (Open Government Licence v3.0)";

/// What kind of area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    England,
    Region,
    Group,
    Council,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::England => "country",
            Kind::Region => "region",
            Kind::Group => "group of councils",
            Kind::Council => "council",
        }
    }
}

/// One area and its published series.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub name: String,
    pub kind: Kind,
    /// The council's region (councils only).
    pub region: Option<String>,
    /// A group's member councils.
    pub members: Vec<String>,
    /// Figures by year ending 31 March.
    pub series: BTreeMap<i32, Figures>,
    /// Spending on children looked after, 2009-10 (councils and complete groups).
    pub outturn_2010: Option<Outturn>,
    /// Which file each year's figures come from.
    pub files: BTreeMap<i32, &'static str>,
    /// Gaps a reader should know of (a group member missing a year).
    pub notes: Vec<String>,
}

impl Area {
    /// The years with at least one published figure.
    pub fn years(&self) -> Vec<i32> {
        self.series
            .iter()
            .filter(|(_, f)| f.looked_after.is_some() || f.started.is_some() || f.ceased.is_some())
            .map(|(y, _)| *y)
            .collect()
    }

    /// The figures of one year (all missing when none are published).
    pub fn figures(&self, year: i32) -> Figures {
        self.series.get(&year).copied().unwrap_or_default()
    }

    /// The file a year's figures come from.
    pub fn file(&self, year: i32) -> &'static str {
        self.files.get(&year).copied().unwrap_or(RECENT_FILE)
    }

    /// The latest year with children looked after, started and ceased all published.
    pub fn latest_complete_year(&self) -> Option<i32> {
        self.series
            .iter()
            .rev()
            .find(|(_, f)| f.looked_after.is_some() && f.started.is_some() && f.ceased.is_some())
            .map(|(y, _)| *y)
    }
}

/// Why an area could not be found.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AreaError {
    #[error("{0}")]
    Data(#[from] DataError),
    #[error("no area is called \"{name}\"{}; `prevsim area` lists every council, region and group", did_you_mean(.suggestions))]
    Unknown {
        name: String,
        suggestions: Vec<String>,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean \"{one}\"?)"),
        many => format!(
            " (did you mean {}?)",
            many.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Every area with published figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Areas {
    pub list: Vec<Area>,
}

/// The texts of the files an [`Areas`] is built from (tests give their own).
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub recent: &'a str,
    pub england: &'a str,
    pub march_2010: &'a str,
    pub started_2010: &'a str,
    pub ceased_2010: &'a str,
    pub outturn: &'a str,
    pub groups: &'a str,
}

impl Sources<'static> {
    /// The files compiled into prevsim.
    pub fn published() -> Sources<'static> {
        let text = |name: &str| {
            FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, t)| *t)
        };
        Sources {
            recent: text(RECENT_FILE),
            england: text(ENGLAND_FILE),
            march_2010: text(MARCH_2010_FILE),
            started_2010: text(STARTED_2010_FILE),
            ceased_2010: text(CEASED_2010_FILE),
            outturn: text(OUTTURN_FILE),
            groups: text(GROUPS_FILE),
        }
    }
}

/// Lower case, single spaces, "&" as "and": how names are compared.
fn key(name: &str) -> String {
    name.replace('&', " and ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Areas {
    /// The published figures compiled into prevsim, read once.
    ///
    /// # Errors
    /// A compiled-in file cannot be read (a fault in prevsim itself).
    pub fn published() -> Result<&'static Areas, DataError> {
        static AREAS: OnceLock<Result<Areas, DataError>> = OnceLock::new();
        AREAS
            .get_or_init(|| Areas::read(&Sources::published()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Builds every area from the files' texts.
    ///
    /// # Errors
    /// A file is not in the layout DfE publishes.
    pub fn read(src: &Sources) -> Result<Areas, DataError> {
        let recent = data::read_recent(src.recent, RECENT_FILE)?;
        let england = data::read_england_series(src.england, ENGLAND_FILE)?;
        let y2010 = data::read_2010(
            (src.march_2010, MARCH_2010_FILE),
            (src.started_2010, STARTED_2010_FILE),
            (src.ceased_2010, CEASED_2010_FILE),
        )?;
        let outturn = data::read_outturn(src.outturn, OUTTURN_FILE)?;
        let groups = data::read_groups(src.groups, GROUPS_FILE)?;
        let mut list: Vec<Area> = Vec::new();
        let mut codes: BTreeMap<String, usize> = BTreeMap::new();
        for (place, series) in recent {
            let files = series.keys().map(|y| (*y, RECENT_FILE)).collect();
            let (name, kind, region, code) = match place {
                Place::England => ("England".to_string(), Kind::England, None, None),
                Place::Region(r) => (r, Kind::Region, None, None),
                Place::Council { name, code, region } => {
                    (name, Kind::Council, Some(region), Some(code))
                }
            };
            if let Some(code) = code {
                codes.insert(code.clone(), list.len());
            }
            list.push(Area {
                outturn_2010: None,
                name,
                kind,
                region,
                members: Vec::new(),
                series,
                files,
                notes: Vec::new(),
            });
        }
        // England's long series fills the years the 2020-2024 file does not cover.
        if let Some(eng) = list.iter_mut().find(|a| a.kind == Kind::England) {
            for (year, f) in england {
                let entry = eng.series.entry(year).or_default();
                if eng.files.contains_key(&year) {
                    continue;
                }
                let population = entry.population;
                *entry = Figures { population, ..f };
                eng.files.insert(year, ENGLAND_FILE);
            }
        }
        // 2010: councils by code, regions by name, England's population.
        for (Unit2010 { level, code, name }, f) in y2010 {
            let index = match level.as_str() {
                "LA" => codes.get(&code).copied(),
                "GOR" => list
                    .iter()
                    .position(|a| a.kind == Kind::Region && key(&a.name) == key(&name)),
                "National" => list.iter().position(|a| a.kind == Kind::England),
                _ => None,
            };
            let index = match index {
                Some(i) => i,
                None if level == "LA" => {
                    // A council that has since merged or been renamed: its 2010 figures only.
                    codes.insert(code.clone(), list.len());
                    list.push(Area {
                        name,
                        kind: Kind::Council,
                        region: None,
                        members: Vec::new(),
                        series: BTreeMap::new(),
                        outturn_2010: None,
                        files: BTreeMap::new(),
                        notes: vec![
                            "published for 2010 only (the council has since merged or been renamed)"
                                .to_string(),
                        ],
                    });
                    list.len() - 1
                }
                None => continue,
            };
            let area = &mut list[index];
            if area.kind == Kind::England {
                // The long series has England's 2010 counts; SFR27 adds the population.
                area.series.entry(2010).or_default().population = f.population;
                continue;
            }
            area.series.insert(2010, f);
            area.files.insert(2010, MARCH_2010_FILE);
        }
        for (code, o) in outturn {
            if let Some(&i) = codes.get(&code) {
                list[i].outturn_2010 = Some(o);
            }
        }
        for (group, members) in groups {
            let area = group_area(&group, &members, &list)?;
            list.push(area);
        }
        list.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        Ok(Areas { list })
    }

    /// The area with this name (any case), or the error naming the nearest names.
    ///
    /// # Errors
    /// No area has this name.
    pub fn find(&self, name: &str) -> Result<&Area, AreaError> {
        let k = key(name);
        if let Some(a) = self.list.iter().find(|a| key(&a.name) == k) {
            return Ok(a);
        }
        Err(AreaError::Unknown {
            name: name.to_string(),
            suggestions: self.suggest(name),
        })
    }

    /// Up to five names near `query`: names containing it first, then names that are close in
    /// spelling.
    pub fn suggest(&self, query: &str) -> Vec<String> {
        let k = key(query);
        let mut out: Vec<String> = self
            .list
            .iter()
            .filter(|a| !k.is_empty() && key(&a.name).contains(&k))
            .map(|a| a.name.clone())
            .collect();
        let mut close: Vec<(f64, &str)> = self
            .list
            .iter()
            .map(|a| (strsim::jaro_winkler(&k, &key(&a.name)), a.name.as_str()))
            .filter(|(score, _)| *score >= 0.85)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        for (_, name) in close {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
        out.truncate(5);
        out
    }

    /// The areas whose names contain `query` or are close to it.
    pub fn matching(&self, query: &str) -> Vec<&Area> {
        let names = self.suggest(query);
        self.list
            .iter()
            .filter(|a| names.contains(&a.name))
            .collect()
    }
}

/// A named group: each year's figure is the members' sum when every member publishes it.
fn group_area(group: &str, members: &[String], list: &[Area]) -> Result<Area, DataError> {
    let mut found: Vec<&Area> = Vec::new();
    for m in members {
        match list
            .iter()
            .find(|a| a.kind == Kind::Council && key(&a.name) == key(m))
        {
            Some(a) => found.push(a),
            None => {
                return Err(DataError {
                    file: GROUPS_FILE.to_string(),
                    line: 0,
                    message: format!(
                        "group \"{group}\" names \"{m}\", which is not a council in the DfE files"
                    ),
                });
            }
        }
    }
    let years: std::collections::BTreeSet<i32> = found
        .iter()
        .flat_map(|a| a.series.keys().copied())
        .collect();
    let mut series = BTreeMap::new();
    let mut files = BTreeMap::new();
    let mut notes = Vec::new();
    for year in years {
        let mut missing: Vec<(&str, &str)> = Vec::new();
        let mut sum = |what: &'static str, get: fn(&Figures) -> Option<f64>| -> Option<f64> {
            let mut total = 0.0;
            let mut complete = true;
            for a in &found {
                match a.series.get(&year).and_then(get) {
                    Some(v) => total += v,
                    None => {
                        complete = false;
                        missing.push((what, a.name.as_str()));
                    }
                }
            }
            complete.then_some(total)
        };
        let f = Figures {
            looked_after: sum("looked after", |f| f.looked_after),
            started: sum("started", |f| f.started),
            ceased: sum("ceased", |f| f.ceased),
            population: sum("child population", |f| f.population),
        };
        for (what, who) in missing {
            notes.push(format!(
                "{year}: {what} not published for {who}, so the group's figure is missing"
            ));
        }
        files.insert(
            year,
            found
                .iter()
                .find_map(|a| a.files.get(&year).copied())
                .unwrap_or(RECENT_FILE),
        );
        series.insert(year, f);
    }
    let outturn_2010 = found
        .iter()
        .map(|a| a.outturn_2010)
        .try_fold((0.0, 0.0), |(g, n), o| o.map(|o| (g + o.gross, n + o.net)))
        .map(|(gross, net)| Outturn { gross, net });
    Ok(Area {
        name: group.to_string(),
        kind: Kind::Group,
        region: None,
        members: found.iter().map(|a| a.name.clone()).collect(),
        series,
        outturn_2010,
        files,
        notes,
    })
}

/// A whole number with thousands separators, or "-" when missing.
pub fn count(x: Option<f64>) -> String {
    match x {
        None => "-".to_string(),
        Some(v) => {
            let n = v.round() as i64;
            let digits = n.abs().to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            if n < 0 { format!("-{out}") } else { out }
        }
    }
}

/// An area's series as a text table: year, looked after, started, ceased, child population,
/// rate per 10,000, ceased / looked after.
pub fn series_table(area: &Area) -> String {
    let header = [
        "year to 31 March",
        "looked after",
        "started",
        "ceased",
        "child population",
        "rate per 10,000",
        "ceased / looked after",
    ];
    let rows: Vec<[String; 7]> = area
        .series
        .iter()
        .filter(|(_, f)| f.looked_after.is_some() || f.started.is_some() || f.ceased.is_some())
        .map(|(year, f)| {
            let rate = match (f.looked_after, f.population) {
                (Some(l), Some(p)) if p > 0.0 => format!("{:.0}", l / p * 10_000.0),
                _ => "-".to_string(),
            };
            let ratio = match (f.ceased, f.looked_after) {
                (Some(c), Some(l)) if l > 0.0 => format!("{:.3}", c / l),
                _ => "-".to_string(),
            };
            [
                year.to_string(),
                count(f.looked_after),
                count(f.started),
                count(f.ceased),
                count(f.population),
                rate,
                ratio,
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..7)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let line = |cells: &[&str]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:>w$}", w = widths[i]))
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(&header));
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greater_manchester_sums_its_ten_councils() {
        let areas = Areas::published().unwrap();
        let gm = areas.find("greater manchester").unwrap();
        assert_eq!(gm.members.len(), 10);
        // The figures worked out by hand in the data README.
        let f = gm.figures(2010);
        assert_eq!(f.looked_after, Some(4915.0));
        assert_eq!(f.started, Some(1795.0));
        assert_eq!(f.ceased, Some(1648.0));
        let f = gm.figures(2024);
        assert_eq!(
            (f.looked_after, f.started, f.ceased),
            (Some(6232.0), Some(2194.0), Some(2085.0))
        );
        assert_eq!(gm.figures(2020).looked_after, Some(5982.0));
        assert!(gm.outturn_2010.is_some());
    }

    #[test]
    fn england_has_the_long_series() {
        let areas = Areas::published().unwrap();
        let e = areas.find("England").unwrap();
        assert_eq!(e.figures(2024).looked_after, Some(83630.0));
        assert_eq!(e.figures(2024).started, Some(33050.0));
        assert!(e.figures(1994).looked_after.is_some());
        assert_eq!(e.file(1994), ENGLAND_FILE);
    }

    #[test]
    fn an_unknown_area_suggests_the_near_names() {
        let areas = Areas::published().unwrap();
        let e = areas.find("Manchster").unwrap_err();
        let AreaError::Unknown { suggestions, .. } = &e else {
            panic!("{e}")
        };
        assert!(suggestions.iter().any(|s| s == "Manchester"), "{e}");
        assert!(e.to_string().contains("did you mean"), "{e}");
        let e = areas.find("Gotham").unwrap_err();
        assert!(e.to_string().contains("prevsim area"), "{e}");
    }

    #[test]
    fn suppressed_council_years_are_missing() {
        let areas = Areas::published().unwrap();
        let n = areas.find("Northamptonshire").unwrap();
        assert_eq!(n.figures(2024).looked_after, None);
    }
}
