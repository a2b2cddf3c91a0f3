//! The one place that writes result files, atomically.
//!
//! All files of a run are first written in full to hidden temporary files in the destination
//! folder and flushed to disk; only then is each renamed over its final name. A run that fails
//! or is killed before that point leaves the previous results untouched (a stray temporary file
//! at most, removed by the next run); the renames themselves take microseconds. Files the run
//! did not produce are never touched.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

fn temp_name(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Removes temporary files left by an earlier, interrupted run of any process.
fn remove_stale_temps(dir: &Path, names: &[&str]) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let ours = names
            .iter()
            .any(|n| file.starts_with(&format!(".{n}.")) && file.ends_with(".tmp"));
        if ours {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes every `(file name, bytes)` into `dir`, creating it if needed.
///
/// # Errors
/// Any I/O failure; on failure before the renames, no existing file has been changed.
pub fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    remove_stale_temps(dir, &names);
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let temp = temp_name(dir, name);
        let result = File::create(&temp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        if let Err(e) = result {
            let _ = fs::remove_file(&temp);
            for (t, _) in &written {
                let _ = fs::remove_file(t);
            }
            return Err(e);
        }
        written.push((temp, dir.join(name)));
    }
    for (temp, dest) in &written {
        fs::rename(temp, dest)?;
    }
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_own_files_and_leaves_others() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        write_atomically(dir.path(), &[("a.csv".into(), b"1".to_vec())]).unwrap();
        write_atomically(dir.path(), &[("a.csv".into(), b"2".to_vec())]).unwrap();
        assert_eq!(fs::read(dir.path().join("a.csv")).unwrap(), b"2");
        assert_eq!(fs::read(dir.path().join("notes.txt")).unwrap(), b"mine");
        let leftovers = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }
}
