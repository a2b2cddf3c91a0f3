//! The one place that writes result files: all of a folder at once, or nothing.
//!
//! A run's files are first written in full, and flushed to disk, into a hidden staging folder
//! beside the destination (`OUT/.<name>.new-<pid>`). Files already in the destination that the
//! run does not produce (an analyst's notes, say) are linked into the staging folder too. Then
//! the two folders are swapped: on Linux in one atomic step (`renameat2` with
//! `RENAME_EXCHANGE`); elsewhere by two renames, with the old folder kept as
//! `OUT/.<name>.old-<pid>` until the new one is in place. Finally the old folder is removed.
//!
//! So a run that fails or is killed at any point leaves the previous results complete and
//! unchanged: before the swap nothing in the destination has changed; after it, everything has.
//! Leftovers of a killed run (a staging folder, or with the two-rename fallback an old folder
//! that was moved aside) are cleaned up, or put back, by the next write to the same folder.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

fn hidden(parent: &Path, name: &str, kind: &str) -> PathBuf {
    parent.join(format!(".{name}.{kind}-{}", std::process::id()))
}

/// Puts back an old folder moved aside by an interrupted swap and removes stale staging folders.
fn recover(parent: &Path, name: &str, dest: &Path) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let mut old = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!(".{name}.new-")) {
            fs::remove_dir_all(entry.path())?;
        } else if file.starts_with(&format!(".{name}.old-")) {
            old.push(entry.path());
        }
    }
    for path in old {
        if dest.exists() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::rename(&path, dest)?;
        }
    }
    Ok(())
}

/// Writes and flushes every file into a new folder.
fn stage(staging: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    fs::create_dir(staging)?;
    for (name, bytes) in files {
        let mut f = File::create(staging.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    Ok(())
}

/// Links (or copies) into `staging` the files of `dest` that this write does not replace.
fn keep_others(dest: &Path, staging: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(dest) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if files.iter().any(|(n, _)| name == n.as_str()) {
            continue;
        }
        let target = staging.join(&name);
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)?.flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Swaps two existing folders in one atomic step, where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

/// Puts `staging` in place of `dest`; afterwards `staging` holds the old folder, if any.
fn swap(staging: &Path, dest: &Path, aside: &Path) -> io::Result<()> {
    if !dest.exists() {
        return fs::rename(staging, dest);
    }
    if exchange(staging, dest).is_ok() {
        return Ok(());
    }
    // Two renames: the old folder waits at `aside` until the new one is in place.
    fs::rename(dest, aside)?;
    fs::rename(staging, dest)?;
    fs::rename(aside, staging)
}

/// Replaces the result folder `dest` with `files` (plus any other files it already held).
///
/// # Errors
/// Any I/O failure. Until the final swap nothing in `dest` has changed; the swap itself is
/// atomic on Linux.
pub fn write_atomically(dest: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    let name = dest
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "result folder has no name"))?
        .to_string_lossy()
        .into_owned();
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    recover(&parent, &name, dest)?;
    let staging = hidden(&parent, &name, "new");
    let aside = hidden(&parent, &name, "old");
    let result = stage(&staging, files)
        .and_then(|()| keep_others(dest, &staging, files))
        .and_then(|()| swap(&staging, dest, &aside));
    // Whatever `staging` holds now is either the unfinished new folder or the replaced old one.
    let _ = fs::remove_dir_all(&staging);
    if let Ok(d) = File::open(&parent) {
        let _ = d.sync_all();
    }
    result
}

/// Replaces one file (such as `OUT/comparison.png`) atomically: the bytes go to a hidden
/// temporary file beside it, are flushed, and the file is renamed into place.
///
/// # Errors
/// Any I/O failure; the previous file is then unchanged.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "file has no name"))?
        .to_string_lossy()
        .into_owned();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let temp = hidden(&parent, &name, "tmp");
    let result = File::create(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_own_files_keeps_others_and_leaves_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("scenario");
        write_atomically(
            &dest,
            &[
                ("a.csv".into(), b"1".to_vec()),
                ("b.csv".into(), b"1".to_vec()),
            ],
        )
        .unwrap();
        fs::write(dest.join("notes.txt"), "mine").unwrap();
        write_atomically(&dest, &[("a.csv".into(), b"2".to_vec())]).unwrap();
        assert_eq!(fs::read(dest.join("a.csv")).unwrap(), b"2");
        assert_eq!(fs::read(dest.join("notes.txt")).unwrap(), b"mine");
        // b.csv was written by an earlier run and not by this one: it is kept, not deleted.
        assert_eq!(names(&dest), vec!["a.csv", "b.csv", "notes.txt"]);
        assert_eq!(names(root.path()), vec!["scenario"]);
    }

    #[test]
    fn an_interrupted_two_rename_swap_is_put_back() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("s");
        write_atomically(&dest, &[("a.csv".into(), b"old".to_vec())]).unwrap();
        // Simulate a kill between the two renames, and a stale staging folder.
        fs::rename(&dest, root.path().join(".s.old-999")).unwrap();
        fs::create_dir(root.path().join(".s.new-999")).unwrap();
        recover(root.path(), "s", &dest).unwrap();
        assert_eq!(fs::read(dest.join("a.csv")).unwrap(), b"old");
        assert_eq!(names(root.path()), vec!["s"]);
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("s");
        write_atomically(&dest, &[("a.csv".into(), b"old".to_vec())]).unwrap();
        // A file name that cannot be created makes staging fail.
        let bad = write_atomically(
            &dest,
            &[
                ("a.csv".into(), b"new".to_vec()),
                ("no/such/dir".into(), vec![]),
            ],
        );
        assert!(bad.is_err());
        assert_eq!(fs::read(dest.join("a.csv")).unwrap(), b"old");
        assert_eq!(names(root.path()), vec!["s"]);
    }
}
