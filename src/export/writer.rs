//! The one place that writes result files: all of a folder at once, or nothing.
//!
//! A write to the result folder `OUT/<name>` goes like this:
//!
//! 1. **Lock.** It takes an exclusive `flock` on `OUT/.<name>.lock`, so two processes (or two
//!    threads) writing the same folder take turns: the second waits until the first has
//!    finished, then writes its own complete folder. The kernel releases the lock when its
//!    holder exits, however it exits (SIGKILL included), so a lock never goes stale; the lock
//!    file is removed when the write is done.
//! 2. **Recover.** Leftovers of a killed earlier write (`OUT/.<name>.new-<pid>` and
//!    `OUT/.<name>.old-<pid>`, matched exactly, of processes no longer running) are undone: an
//!    old folder moved aside is put back, and entries of the user's that were moved into a
//!    staging folder go back into the result folder, before the leftover is removed.
//! 3. **Stage.** Every file of the new results is written in full, and flushed to disk, into a
//!    hidden staging folder beside the destination (`OUT/.<name>.new-<pid>`), made with the
//!    destination's mode (and owner, where allowed) before anything is written into it.
//! 4. **Keep the user's entries.** Entries of the destination that prevsim did not write (an
//!    analyst's notes, a subfolder, a symbolic link) are never copied: files, links, FIFOs are
//!    hard-linked into the staging folder (the same file, so its mode, owner and dates are
//!    kept), and subfolders are moved into it whole, by rename. Files prevsim writes that this
//!    write does not produce (the who-pays chart of a run that had agencies, say) are dropped.
//! 5. **Swap.** The two folders are exchanged: on Linux in one atomic step (`renameat2` with
//!    `RENAME_EXCHANGE`); elsewhere by two renames, with the old folder kept as
//!    `OUT/.<name>.old-<pid>` until the new one is in place. Then the old folder is removed.
//!
//! So a run that fails or is killed at any point leaves the previous results complete and
//! unchanged: before the swap nothing in the destination has changed but for the user's
//! subfolders, which a kill in that short step leaves in the staging folder until the next
//! write to the same folder puts them back; after the swap, everything has changed.
//!
//! Before any work, [`check_destination`] refuses a destination that cannot hold results: a
//! file, a symbolic link, a read-only folder, or a folder of someone else's files.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

fn hidden(parent: &Path, name: &str, kind: &str) -> PathBuf {
    parent.join(format!(".{name}.{kind}-{}", std::process::id()))
}

/// The folder a path is in (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn name_of(path: &Path) -> io::Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path names no folder (it ends in `..` or is the root); give a folder's name",
            )
        })
}

fn refused(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// True when the current user may write into `path` (always true where it cannot be asked).
fn writable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: a valid NUL-terminated path that outlives the call.
        unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        !fs::metadata(path).is_ok_and(|m| m.permissions().readonly())
    }
}

/// Refuses, before any work, a destination that cannot become a result folder: a file or a
/// symbolic link where the folder goes, a read-only folder (or parent), or a folder that holds
/// entries but none that prevsim writes (`owns` says which names prevsim writes there), such
/// as a user's own folder that happens to have the scenario's name.
///
/// # Errors
/// Why the destination is refused, and what to do, in the message.
pub fn check_destination(dest: &Path, owns: &dyn Fn(&str) -> bool) -> io::Result<()> {
    name_of(dest)?;
    let parent = parent_of(dest);
    match fs::metadata(&parent) {
        Ok(m) if !m.is_dir() => {
            return Err(refused(format!(
                "{} is a file, not a folder; choose another --out",
                parent.display()
            )));
        }
        Ok(_) if !writable(&parent) => {
            return Err(refused(format!(
                "the folder {} is read-only; make it writable or choose another --out",
                parent.display()
            )));
        }
        _ => {}
    }
    let meta = match fs::symlink_metadata(dest) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.file_type().is_symlink() {
        return Err(refused(format!(
            "{} is a symbolic link; prevsim writes results only into a real folder: give the folder it points to, or remove the link",
            dest.display()
        )));
    }
    if !meta.is_dir() {
        return Err(refused(format!(
            "{} is a file, not a result folder; move it away, or choose another --out (or, for a run, another scenario name)",
            dest.display()
        )));
    }
    if !writable(dest) {
        return Err(refused(format!(
            "the result folder {} is read-only; make it writable (chmod u+w) or choose another --out",
            dest.display()
        )));
    }
    let names: Vec<String> = fs::read_dir(dest)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if !names.is_empty() && !names.iter().any(|n| owns(n)) {
        let mut shown: Vec<&str> = names.iter().map(String::as_str).take(5).collect();
        shown.sort_unstable();
        let more = if names.len() > shown.len() {
            ", ..."
        } else {
            ""
        };
        return Err(refused(format!(
            "{} holds files prevsim did not write ({}{more}) and none of its results, so it is not a result folder; prevsim will not write into it: choose another --out (or, for a run, another scenario name)",
            dest.display(),
            shown.join(", ")
        )));
    }
    Ok(())
}

/// An exclusive lock on a result folder, held until dropped (or the process ends).
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    _file: File,
}

impl FolderLock {
    /// Waits for and takes the lock of the result folder `dest` (`OUT/.<name>.lock`).
    ///
    /// # Errors
    /// The lock file cannot be created.
    pub fn acquire(dest: &Path) -> io::Result<FolderLock> {
        let parent = parent_of(dest);
        let path = parent.join(format!(".{}.lock", name_of(dest)?));
        loop {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            flock_exclusive(&file)?;
            // The holder before us removes the file before unlocking it: if the path no longer
            // names the file we locked, the lock is on a removed file; take the new one.
            if same_file(&file, &path) {
                return Ok(FolderLock { path, _file: file });
            }
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Removed while still locked, so the next writer never locks a file that is gone.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn flock_exclusive(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: a valid open file descriptor.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(unix))]
fn flock_exclusive(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// True when a process of this id may still be running (ours counts as not: with the lock
/// held, a leftover of our own id is from an earlier process that had it).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = i32::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return true;
        }
        io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// The kind (`new`, `old` or `tmp`) and process id of a leftover of a write to `name`, matched
/// exactly: `.<name>.new-<pid>`, `.<name>.old-<pid>` or `.<name>.tmp-<pid>`.
fn leftover(file: &str, name: &str) -> Option<(&'static str, u32)> {
    let rest = file.strip_prefix('.')?.strip_prefix(name)?;
    for kind in ["new", "old", "tmp"] {
        if let Some(pid) = rest.strip_prefix(&format!(".{kind}-"))
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
        {
            return pid.parse().ok().map(|p| (kind, p));
        }
    }
    None
}

/// Moves back into `dest` the user's entries that a killed write left in `from` (those `dest`
/// lacks and prevsim does not write), then removes `from`.
fn put_back_and_remove(from: &Path, dest: &Path, owns: &dyn Fn(&str) -> bool) -> io::Result<()> {
    if fs::symlink_metadata(dest).is_ok_and(|m| m.is_dir()) {
        for entry in fs::read_dir(from)?.flatten() {
            let name = entry.file_name();
            let target = dest.join(&name);
            if !owns(&name.to_string_lossy()) && fs::symlink_metadata(&target).is_err() {
                fs::rename(entry.path(), target)?;
            }
        }
    }
    fs::remove_dir_all(from)
}

/// Undoes what killed writes to `dest` left behind (called with the folder's lock held).
fn recover(parent: &Path, name: &str, dest: &Path, owns: &dyn Fn(&str) -> bool) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let mut found: Vec<(&'static str, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let (kind, pid) = leftover(&file, name)?;
            (kind != "tmp" && !alive(pid)).then(|| (kind, e.path()))
        })
        .collect();
    // An old folder moved aside goes back first, if the new one never arrived.
    found.sort_by_key(|(kind, _)| *kind != "old");
    for (kind, path) in found {
        if kind == "old" && fs::symlink_metadata(dest).is_err() {
            fs::rename(&path, dest)?;
        } else {
            put_back_and_remove(&path, dest, owns)?;
        }
    }
    Ok(())
}

/// Writes and flushes every file into a new folder, which has the mode and owner of the folder
/// it will replace from the start (results in a private folder are never readable by others).
///
/// The files are written and flushed each on its own thread, so that the file system commits
/// their flushes together rather than one after another.
fn stage(staging: &Path, dest: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    fs::create_dir(staging)?;
    same_mode_and_owner(dest, staging)?;
    let write = |name: &str, bytes: &[u8]| -> io::Result<()> {
        let mut f = File::create(staging.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    std::thread::scope(|scope| {
        let writers: Vec<_> = files
            .iter()
            .map(|(name, bytes)| scope.spawn(|| write(name, bytes)))
            .collect();
        // Every thread is joined; the first failure (in file order) is the answer.
        let mut result = Ok(());
        for w in writers {
            let r = w
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a writer panicked")));
            if result.is_ok() {
                result = r;
            }
        }
        result
    })
}

/// Brings into `staging` the entries of `dest` to keep: everything but the files this write
/// produces and the files prevsim writes (`replaces`) that it does not produce. Nothing is
/// copied: non-folders are hard-linked (the same file), folders moved whole.
fn keep_others(
    dest: &Path,
    staging: &Path,
    files: &[(String, Vec<u8>)],
    replaces: &dyn Fn(&str) -> bool,
) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(dest) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if files.iter().any(|(n, _)| *n == text) || replaces(&text) {
            continue;
        }
        let target = staging.join(&name);
        if entry.file_type()?.is_dir() || fs::hard_link(entry.path(), &target).is_err() {
            fs::rename(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Gives `staging` the mode and owner of the folder it replaces.
fn same_mode_and_owner(dest: &Path, staging: &Path) -> io::Result<()> {
    let Ok(meta) = fs::metadata(dest) else {
        return Ok(());
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = fs::metadata(staging)?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            // Allowed for root, or a change of group among the user's own; otherwise the
            // folder stays the writer's.
            let _ = std::os::unix::fs::chown(staging, Some(meta.uid()), Some(meta.gid()));
        }
    }
    fs::set_permissions(staging, meta.permissions())
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
    if fs::symlink_metadata(dest).is_err() {
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

/// Replaces the result folder `dest` with `files`, keeping every other entry it held.
///
/// # Errors
/// Any I/O failure, or a destination [`check_destination`] refuses. Until the final swap
/// nothing in `dest` has changed; the swap itself is atomic on Linux.
pub fn write_atomically(dest: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    write_replacing(dest, files, &|_| false)
}

/// Replaces the result folder `dest` with `files`. Entries whose names `replaces` accepts (the
/// files prevsim writes there) and that `files` does not include are dropped; every other
/// entry is kept, untouched (see the module's documentation). Takes the folder's lock for the
/// whole write.
///
/// # Errors
/// Any I/O failure, or a destination [`check_destination`] refuses. Until the final swap
/// nothing in `dest` has changed; the swap itself is atomic on Linux.
pub fn write_replacing(
    dest: &Path,
    files: &[(String, Vec<u8>)],
    replaces: &dyn Fn(&str) -> bool,
) -> io::Result<()> {
    let name = name_of(dest)?;
    let parent = parent_of(dest);
    fs::create_dir_all(&parent)?;
    // What prevsim writes here: a folder holding none of it is not a result folder.
    let owns =
        |n: &str| replaces(n) || super::manifest::is_owned(n) || files.iter().any(|(f, _)| f == n);
    let _lock = FolderLock::acquire(dest)?;
    recover(&parent, &name, dest, &owns)?;
    check_destination(dest, &owns)?;
    let staging = hidden(&parent, &name, "new");
    let aside = hidden(&parent, &name, "old");
    let result = stage(&staging, dest, files)
        .and_then(|()| keep_others(dest, &staging, files, replaces))
        .and_then(|()| swap(&staging, dest, &aside));
    // `staging` now holds the unfinished new folder (the user's folders go back to `dest`),
    // or the replaced old one.
    let cleanup = if fs::symlink_metadata(&staging).is_ok() {
        put_back_and_remove(&staging, dest, &owns)
    } else {
        Ok(())
    };
    if let Ok(d) = File::open(&parent) {
        let _ = d.sync_all();
    }
    result.and(cleanup)
}

/// Replaces one file (such as `OUT/comparison.png`) atomically: the bytes go to a hidden
/// temporary file beside it, are flushed, and the file is renamed into place.
///
/// # Errors
/// Any I/O failure; the previous file is then unchanged.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = name_of(path)?;
    let parent = parent_of(path);
    fs::create_dir_all(&parent)?;
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(refused(format!(
            "{} is a folder; move it away or choose another --out",
            path.display()
        )));
    }
    // Temporary files of killed writers of this file.
    if let Ok(entries) = fs::read_dir(&parent) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(("tmp", pid)) = leftover(&file, &name)
                && !alive(pid)
            {
                let _ = fs::remove_file(e.path());
            }
        }
    }
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

    /// A process id above Linux's largest (4,194,304): never running.
    const DEAD: u32 = 4_194_305;

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
        // Unless the write says it is one of its own: then it is dropped.
        write_replacing(&dest, &[("a.csv".into(), b"3".to_vec())], &|n| {
            n.ends_with(".csv")
        })
        .unwrap();
        assert_eq!(names(&dest), vec!["a.csv", "notes.txt"]);
    }

    #[test]
    fn an_interrupted_two_rename_swap_is_put_back() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("s");
        write_atomically(&dest, &[("a.csv".into(), b"old".to_vec())]).unwrap();
        // Simulate a kill between the two renames, and a stale staging folder.
        fs::rename(&dest, root.path().join(format!(".s.old-{DEAD}"))).unwrap();
        fs::create_dir(root.path().join(format!(".s.new-{DEAD}"))).unwrap();
        recover(root.path(), "s", &dest, &|_| false).unwrap();
        assert_eq!(fs::read(dest.join("a.csv")).unwrap(), b"old");
        assert_eq!(names(root.path()), vec!["s"]);
    }

    #[test]
    fn recovery_touches_only_its_own_leftovers_of_dead_processes() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("s");
        write_atomically(&dest, &[("a.csv".into(), b"old".to_vec())]).unwrap();
        let live = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let keep = [
            format!(".s.new-{}", live.id()), // a live writer's staging folder
            format!(".s.new-1.new-{DEAD}"),  // scenario "s.new-1"'s leftover
            format!(".s.new-{DEAD}x"),       // not the pattern
            "s.new-1".to_string(),           // another scenario's results
        ];
        for k in &keep {
            fs::create_dir(root.path().join(k)).unwrap();
        }
        fs::create_dir(root.path().join(format!(".s.new-{DEAD}"))).unwrap();
        recover(root.path(), "s", &dest, &|_| false).unwrap();
        let mut expected: Vec<String> = keep.to_vec();
        expected.push("s".into());
        expected.sort();
        assert_eq!(names(root.path()), expected);
        let mut live = live;
        let _ = live.kill();
        let _ = live.wait();
    }

    #[test]
    fn a_single_file_write_removes_dead_writers_temporary_files() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("comparison.png");
        fs::write(root.path().join(format!(".comparison.png.tmp-{DEAD}")), "x").unwrap();
        write_file_atomically(&path, b"png").unwrap();
        assert_eq!(names(root.path()), vec!["comparison.png"]);
    }

    #[test]
    fn a_killed_write_gives_back_the_users_folders() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("s");
        write_atomically(&dest, &[("a.csv".into(), b"old".to_vec())]).unwrap();
        // Killed after moving the user's folder into staging, before the swap.
        let staging = root.path().join(format!(".s.new-{DEAD}"));
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("a.csv"), b"new").unwrap();
        fs::create_dir(staging.join("mine")).unwrap();
        fs::write(staging.join("mine/x"), b"x").unwrap();
        write_atomically(&dest, &[("a.csv".into(), b"newer".to_vec())]).unwrap();
        assert_eq!(fs::read(dest.join("mine/x")).unwrap(), b"x");
        assert_eq!(fs::read(dest.join("a.csv")).unwrap(), b"newer");
        assert_eq!(names(root.path()), vec!["s"]);
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("s");
        write_atomically(&dest, &[("a.csv".into(), b"old".to_vec())]).unwrap();
        fs::create_dir(dest.join("sub")).unwrap();
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
        assert_eq!(names(&dest), vec!["a.csv", "sub"]);
        assert_eq!(names(root.path()), vec!["s"]);
    }

    #[test]
    fn refuses_what_is_not_a_result_folder() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        fs::write(&file, "x").unwrap();
        let e = write_atomically(&file, &[("a.csv".into(), vec![])]).unwrap_err();
        assert!(e.to_string().contains("is a file"), "{e}");
        assert_eq!(fs::read(&file).unwrap(), b"x");
        let theirs = root.path().join("home");
        fs::create_dir_all(theirs.join("alice")).unwrap();
        let e = write_atomically(&theirs, &[("a.csv".into(), vec![])]).unwrap_err();
        assert!(e.to_string().contains("alice"), "{e}");
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&theirs, &link).unwrap();
        let e = write_atomically(&link, &[("a.csv".into(), vec![])]).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(names(root.path()), vec!["f", "home", "link"]);
        assert_eq!(names(&theirs), vec!["alice"]);
    }
}
