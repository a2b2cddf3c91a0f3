//! Runs split across processes or machines: `prevsim run FILE --shard K/N` runs one part of the
//! iterations into a partial folder, and `prevsim merge PARTS... --out DIR` combines the parts
//! into the result folder a single run would have written, byte for byte.
//!
//! Iteration `i` draws only from streams of (seed, `i`), so the iterations `[K*n/N,
//! (K+1)*n/N)` of part K are exactly those of a single run; the merge appends the parts'
//! columns in order and writes them as a run does.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::{self, Columns, RunOptions};
use crate::export::manifest::SCENARIO_COPY;
use crate::export::writer;
use crate::scenario::{Scenario, sha256_hex};

/// Name of a part's description in its folder.
pub const PART: &str = "part.json";
/// Name of a part's columns in its folder.
pub const COLUMNS: &str = "columns.bin";

/// Part `index` of `count` (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = || {
            format!(
                "--shard takes K/N, part K (from 0) of N, such as 0/4 or 3/4; \"{s}\" is not that"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let index: u64 = k.trim().parse().map_err(|_| usage())?;
        let count: u64 = n.trim().parse().map_err(|_| usage())?;
        if count == 0 || index >= count {
            return Err(format!(
                "--shard {s}: K must be from 0 to N-1 (parts are counted from 0), and N at least 1"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The iterations of this part of a run of `iterations`: `[K*n/N, (K+1)*n/N)`.
    pub fn range(self, iterations: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(iterations) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// The folder name of this part of a scenario's run.
    pub fn folder_name(self, scenario: &str) -> String {
        format!("{scenario}.part-{}-of-{}", self.index, self.count)
    }
}

/// What a part is: enough to refuse parts that do not belong together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartInfo {
    pub prevsim_version: String,
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub seed: u64,
    /// Iterations of the whole run.
    pub iterations: u64,
    /// This part's iterations: from `first` (included) to `end` (excluded).
    pub first: u64,
    pub end: u64,
    pub shard: String,
    /// SHA-256 of `columns.bin`.
    pub columns_sha256: String,
}

/// Why a part could not be written, read or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("{path}: {message}")]
    Part { path: PathBuf, message: String },
    #[error("{0}")]
    Mismatch(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Runs part `shard` of a scenario's Monte Carlo run and writes it to `out/<name>.part-K-of-N`.
///
/// # Errors
/// The part cannot be written.
pub fn run_part(
    scenario: &Scenario,
    options: RunOptions,
    shard: Shard,
    out: &Path,
    progress: &(dyn Fn() + Sync),
) -> Result<(PathBuf, PartInfo), ShardError> {
    let range = shard.range(options.iterations);
    let columns = engine::run_columns(scenario, options, range.clone(), progress);
    let bytes = columns.encode();
    let info = PartInfo {
        prevsim_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.name.clone(),
        scenario_file: scenario.path.display().to_string(),
        scenario_sha256: scenario.sha256.clone(),
        seed: options.seed,
        iterations: options.iterations,
        first: range.start,
        end: range.end,
        shard: format!("{}/{}", shard.index, shard.count),
        columns_sha256: sha256_hex(&bytes),
    };
    let mut json = serde_json::to_vec_pretty(&info).unwrap_or_default();
    json.push(b'\n');
    let folder = out.join(shard.folder_name(&scenario.name));
    let files = vec![
        (PART.to_string(), json),
        (COLUMNS.to_string(), bytes),
        (
            SCENARIO_COPY.to_string(),
            scenario.source_text.clone().into_bytes(),
        ),
    ];
    writer::write_atomically(&folder, &files).map_err(|source| ShardError::Write {
        path: folder.clone(),
        source,
    })?;
    Ok((folder, info))
}

/// One part read from its folder.
struct Part {
    folder: PathBuf,
    info: PartInfo,
    columns: Columns,
}

fn part_error(folder: &Path, file: &str, message: String) -> ShardError {
    ShardError::Part {
        path: folder.join(file),
        message,
    }
}

fn read_info(folder: &Path) -> Result<PartInfo, ShardError> {
    let text = std::fs::read(folder.join(PART)).map_err(|e| {
        part_error(
            folder,
            PART,
            format!("{e}: is this a part written by `prevsim run --shard K/N`?"),
        )
    })?;
    serde_json::from_slice(&text).map_err(|e| part_error(folder, PART, e.to_string()))
}

fn read_scenario(folder: &Path, info: &PartInfo) -> Result<Scenario, ShardError> {
    let copy = std::fs::read_to_string(folder.join(SCENARIO_COPY))
        .map_err(|e| part_error(folder, SCENARIO_COPY, e.to_string()))?;
    Scenario::parse(&copy, Path::new(&info.scenario_file))
        .map_err(|e| part_error(folder, SCENARIO_COPY, e.to_string()))
}

fn read_columns(
    folder: &Path,
    info: &PartInfo,
    scenario: &Scenario,
) -> Result<Columns, ShardError> {
    let bad = |message: String| part_error(folder, COLUMNS, message);
    let bytes = std::fs::read(folder.join(COLUMNS)).map_err(|e| bad(e.to_string()))?;
    if sha256_hex(&bytes) != info.columns_sha256 {
        return Err(bad(
            "changed or damaged since the part was written (its SHA-256 differs from part.json's); run that part again".into(),
        ));
    }
    let columns = Columns::decode(scenario, &bytes).map_err(bad)?;
    if columns.first != info.first || columns.first + columns.len() as u64 != info.end {
        return Err(bad("holds other iterations than part.json says".into()));
    }
    Ok(columns)
}

/// Reads parts and joins their columns into those of the whole run, refusing parts of
/// different scenarios, seeds, run sizes or prevsim versions, overlapping parts and missing
/// iterations.
///
/// # Errors
/// A part cannot be read, or the parts do not make one whole run (the message says which).
pub fn join(folders: &[PathBuf]) -> Result<(Scenario, Columns, RunOptions), ShardError> {
    let Some(first) = folders.first() else {
        return Err(ShardError::Mismatch(
            "name the parts to merge (the folders written by `prevsim run --shard K/N`)".into(),
        ));
    };
    let infos = folders
        .iter()
        .map(|f| read_info(f).map(|info| (f.clone(), info)))
        .collect::<Result<Vec<_>, _>>()?;
    let a = &infos[0];
    for b in &infos[1..] {
        let differ = |what: &str, x: &dyn std::fmt::Display, y: &dyn std::fmt::Display| {
            ShardError::Mismatch(format!(
                "{} and {} are parts of different runs ({what} {x} and {y}); merge only the parts of one run",
                a.0.display(),
                b.0.display()
            ))
        };
        let (x, y) = (&a.1, &b.1);
        if x.scenario_sha256 != y.scenario_sha256 {
            return Err(differ(
                "scenario files",
                &format!(
                    "{} ({})",
                    x.scenario,
                    &x.scenario_sha256[..12.min(x.scenario_sha256.len())]
                ),
                &format!(
                    "{} ({})",
                    y.scenario,
                    &y.scenario_sha256[..12.min(y.scenario_sha256.len())]
                ),
            ));
        }
        if x.seed != y.seed {
            return Err(differ("seeds", &x.seed, &y.seed));
        }
        if x.iterations != y.iterations {
            return Err(differ("iterations", &x.iterations, &y.iterations));
        }
        if x.prevsim_version != y.prevsim_version {
            return Err(differ(
                "prevsim versions",
                &x.prevsim_version,
                &y.prevsim_version,
            ));
        }
    }
    let scenario = read_scenario(first, &infos[0].1)?;
    let mut parts = infos
        .into_iter()
        .map(|(folder, info)| {
            let columns = read_columns(&folder, &info, &scenario)?;
            Ok(Part {
                folder,
                info,
                columns,
            })
        })
        .collect::<Result<Vec<_>, ShardError>>()?;
    parts.sort_by_key(|p| (p.info.first, p.info.end));
    let total = parts[0].info.iterations;
    let mut next = 0;
    for (i, p) in parts.iter().enumerate() {
        if p.info.first < next {
            let before = &parts[i - 1];
            return Err(ShardError::Mismatch(format!(
                "{} (iterations {} to {}) and {} (iterations {} to {}) overlap; merge each part once",
                before.folder.display(),
                before.info.first,
                before.info.end.saturating_sub(1),
                p.folder.display(),
                p.info.first,
                p.info.end.saturating_sub(1)
            )));
        }
        if p.info.first > next {
            return Err(ShardError::Mismatch(format!(
                "iterations {next} to {} of {total} are in no part given; add the missing part(s)",
                p.info.first - 1
            )));
        }
        next = p.info.end;
    }
    if next != total {
        return Err(ShardError::Mismatch(format!(
            "iterations {next} to {} of {total} are in no part given; add the missing part(s)",
            total - 1
        )));
    }
    let options = RunOptions {
        iterations: total,
        seed: parts[0].info.seed,
        fixed: false,
    };
    let mut parts = parts.into_iter();
    let mut columns = parts
        .next()
        .map(|p| p.columns)
        .unwrap_or_else(|| Columns::new(&scenario, 0));
    for p in parts {
        if p.info.first == p.info.end {
            continue;
        }
        columns.append(&p.columns);
    }
    Ok((scenario, columns, options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_run_exactly_once() {
        for n in [0u64, 1, 5, 7, 100, 1001] {
            for count in [1u64, 2, 3, 7, 9] {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.range(n);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, n);
            }
        }
        assert_eq!("2/7".parse::<Shard>(), Ok(Shard { index: 2, count: 7 }));
        assert!("7/7".parse::<Shard>().unwrap_err().contains("0 to N-1"));
        assert!("x".parse::<Shard>().unwrap_err().contains("K/N"));
    }
}
