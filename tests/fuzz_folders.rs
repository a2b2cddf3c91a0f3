//! A mutation fuzzer for result folders (bounded, runs in CI): crafted `manifest.json`,
//! `summary.json`, `yearly.csv` and `iterations.csv` given to `prevsim verify` and
//! `prevsim plot`.
//!
//! A valid folder is written once; each case copies it, edits one file the way a hostile or
//! careless hand would (a number replaced by `inf`, `1e308` or a huge count, a line deleted or
//! repeated, a path outside the folder, a truncated file), and runs both commands as separate
//! processes, each with 1 GB of address space (`RLIMIT_AS`) and a time limit. Each must end by
//! itself, within the limit, with exit code 0 or 1 and no panic: a hang, a panic, or an
//! allocation beyond the limit (an abort) fails the case. `verify` must also fail whenever a
//! data file's bytes were changed. Hand-written cases cover what random edits rarely reach: a
//! FIFO or a link to `/dev/zero` as a data file, a manifest asking for 10^8 iterations, amounts
//! of +-1e308, an all-`inf` `yearly.csv`, 100,000 intervention names.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;

/// Longest a command may take on a crafted folder (a normal one takes about a second in a
/// debug build; the limit leaves room for a loaded machine).
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Address space each command may use.
const MEMORY_LIMIT: u64 = 1 << 30;

const FILES: [&str; 4] = [
    "manifest.json",
    "summary.json",
    "yearly.csv",
    "iterations.csv",
];

const TOKENS: &[&str] = &[
    "1e308",
    "-1e308",
    "inf",
    "-inf",
    "NaN",
    "1e400",
    "100000000",
    "18446744073709551615",
    "4294967295",
    "-1",
    "0",
    "201",
    "null",
    "[]",
    "{}",
    "\"never\"",
    "\"../x\"",
    "\"/etc/hostname\"",
    "\"/dev/zero\"",
    ",",
    "\"",
    "\n",
    "true",
];

fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(d) = tempfile::tempdir_in(shm)
    {
        return d;
    }
    tempfile::tempdir().unwrap()
}

/// A valid result folder of a small scenario with agencies, written once.
fn base() -> &'static Path {
    static BASE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, folder) = BASE.get_or_init(|| {
        let dir = scratch();
        let scenario = common::test_file("programme.toml");
        let o = common::prevsim(
            &[
                "run",
                scenario.to_str().unwrap(),
                "-n",
                "3",
                "--out",
                dir.path().to_str().unwrap(),
            ],
            None,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let folder = dir.path().join("programme");
        (dir, folder)
    });
    folder
}

/// A copy of the base folder in `dir`.
fn copy_base(dir: &Path) -> PathBuf {
    let folder = dir.join("programme");
    fs::create_dir(&folder).unwrap();
    for e in fs::read_dir(base()).unwrap().flatten() {
        fs::copy(e.path(), folder.join(e.file_name())).unwrap();
    }
    folder
}

/// How a command on a crafted folder ended.
struct Ended {
    code: i32,
    stderr: String,
}

/// Runs prevsim with limits on time and memory; fails the test on a hang, a panic, a signal
/// (an allocation beyond the limit aborts) or an unexpected exit code.
fn limited(args: &[&str], scratch: &Path) -> Ended {
    let err = scratch.join(format!("stderr-{}", args[0]));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prevsim"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(&err).unwrap())
        .env("RAYON_NUM_THREADS", "1");
    // SAFETY: setrlimit is async-signal-safe; it only limits the child.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT as libc::rlim_t,
                rlim_max: MEMORY_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("prevsim {args:?} still running after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = fs::read_to_string(&err).unwrap_or_default();
    let code = status
        .code()
        .unwrap_or_else(|| panic!("prevsim {args:?} ended by a signal: {status:?}\n{stderr}"));
    assert!(
        !stderr.contains("panicked"),
        "prevsim {args:?} panicked:\n{stderr}"
    );
    assert!(
        code == 0 || code == 1,
        "prevsim {args:?} exited {code}:\n{stderr}"
    );
    Ended { code, stderr }
}

/// Runs `verify` and `plot` on a folder; `changed_data` says a data file's bytes differ from
/// what the run wrote, so `verify` must fail.
fn exercise(folder: &Path, dir: &Path, changed_data: bool, plot: bool) -> (Ended, Option<Ended>) {
    let f = folder.to_str().unwrap();
    let verify = limited(&["verify", f], dir);
    if changed_data {
        assert_eq!(verify.code, 1, "verify passed a changed data file");
    }
    let plot = plot.then(|| {
        let out = dir.join("charts");
        limited(&["plot", f, "--out", out.to_str().unwrap()], dir)
    });
    (verify, plot)
}

#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    RepeatLine(usize, usize),
    ReplaceNumber(usize, usize),
    Insert(usize, usize),
    Truncate(usize),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        (any::<usize>(), 1..50usize).prop_map(|(a, n)| Edit::RepeatLine(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::ReplaceNumber(a, t)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::Insert(a, t)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Byte ranges of the numbers in a text.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() || (b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b".eE-+".contains(&b[i])) {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let n = lines.len().max(1);
    match *edit {
        Edit::DeleteLine(i) => {
            let mut l = lines;
            if !l.is_empty() {
                l.remove(i % n);
            }
            l.concat()
        }
        Edit::RepeatLine(i, k) => {
            let mut l = lines;
            if !l.is_empty() {
                let line = l[i % n];
                for _ in 0..k {
                    l.insert(i % n, line);
                }
            }
            l.concat()
        }
        Edit::ReplaceNumber(k, t) => {
            let nums = numbers(text);
            if nums.is_empty() {
                return text.to_string();
            }
            let (s, e) = nums[k % nums.len()];
            format!("{}{}{}", &text[..s], TOKENS[t], &text[e..])
        }
        Edit::Insert(at, t) => {
            let at = boundary(text, at);
            format!("{}{}{}", &text[..at], TOKENS[t], &text[at..])
        }
        Edit::Truncate(at) => text[..boundary(text, at)].to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn crafted_result_files_never_panic_hang_or_overrun(
        which in 0..FILES.len(),
        edits in prop::collection::vec(edit_strategy(), 1..4),
    ) {
        let dir = scratch();
        let folder = copy_base(dir.path());
        let file = FILES[which];
        let original = fs::read_to_string(folder.join(file)).unwrap();
        let mut text = original.clone();
        for e in &edits {
            text = apply(&text, e);
        }
        fs::write(folder.join(file), &text).unwrap();
        let data = file != "manifest.json";
        // The manifest is not read by plot: only crafted data files are plotted.
        exercise(&folder, dir.path(), data && text != original, data);
    }
}

#[test]
fn special_files_never_block_or_fill_memory() {
    for name in FILES {
        // A FIFO: opening it for reading would wait for a writer for ever.
        let dir = scratch();
        let folder = copy_base(dir.path());
        fs::remove_file(folder.join(name)).unwrap();
        let c = std::ffi::CString::new(folder.join(name).to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (verify, plot) = exercise(&folder, dir.path(), false, name != "manifest.json");
        assert_eq!(verify.code, 1);
        if let Some(p) = plot {
            assert_eq!(p.code, 1);
            assert!(p.stderr.contains("not a regular file"), "{}", p.stderr);
        }
        // A link to a device that never ends.
        fs::remove_file(folder.join(name)).unwrap();
        std::os::unix::fs::symlink("/dev/zero", folder.join(name)).unwrap();
        let (verify, plot) = exercise(&folder, dir.path(), false, name != "manifest.json");
        assert_eq!(verify.code, 1);
        if name == "manifest.json" {
            assert!(
                verify.stderr.contains("not a regular file"),
                "{}",
                verify.stderr
            );
        }
        if let Some(p) = plot {
            assert_eq!(p.code, 1);
        }
    }
}

#[test]
fn a_manifest_asking_for_huge_runs_is_refused_at_once() {
    for iterations in ["100000000", "5000000", "18446744073709551615"] {
        let dir = scratch();
        let folder = copy_base(dir.path());
        let path = folder.join("manifest.json");
        let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        m["iterations"] = serde_json::Value::Number(iterations.parse().unwrap());
        fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        let (verify, _) = exercise(&folder, dir.path(), false, false);
        assert_eq!(verify.code, 1);
        assert!(
            verify.stderr.contains("outside what a run can ask for")
                || verify.stderr.contains("could not be verified"),
            "{}",
            verify.stderr
        );
    }
}

/// Replaces a column's values in every data row of a CSV.
fn set_column(csv: &str, column: &str, value: impl Fn(usize) -> String) -> String {
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    let at = header.split(',').position(|h| h == column).unwrap();
    let mut out = format!("{header}\n");
    for (i, line) in lines.enumerate() {
        // Intervention names with commas are quoted: split from the end for later columns.
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let from_end = header.split(',').count() - at;
        let k = cells.len() - from_end;
        cells[k] = value(i);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn non_finite_and_huge_amounts_are_refused_by_plot() {
    let dir = scratch();
    let folder = copy_base(dir.path());
    let csv = fs::read_to_string(folder.join("iterations.csv")).unwrap();
    let huge = set_column(&csv, "net_saving_pv", |i| {
        if i % 2 == 0 { "1e308" } else { "-1e308" }.to_string()
    });
    fs::write(folder.join("iterations.csv"), huge).unwrap();
    let (_, plot) = exercise(&folder, dir.path(), true, true);
    let plot = plot.unwrap();
    assert_eq!(plot.code, 1);
    assert!(
        plot.stderr.contains("not an amount prevsim writes"),
        "{}",
        plot.stderr
    );

    let dir = scratch();
    let folder = copy_base(dir.path());
    let yearly = fs::read_to_string(folder.join("yearly.csv")).unwrap();
    let mut inf = yearly.lines().next().unwrap().to_string() + "\n";
    for line in yearly.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let year_arm_measure = cells[..3].join(",");
        let rest = vec!["inf"; cells.len() - 3].join(",");
        inf.push_str(&format!("{year_arm_measure},{rest}\n"));
    }
    fs::write(folder.join("yearly.csv"), inf).unwrap();
    let (_, plot) = exercise(&folder, dir.path(), true, true);
    let plot = plot.unwrap();
    assert_eq!(plot.code, 1);
    assert!(plot.stderr.contains("inf"), "{}", plot.stderr);
}

#[test]
fn a_hundred_thousand_intervention_names_are_read_quickly_and_refused() {
    let dir = scratch();
    let folder = copy_base(dir.path());
    let csv = fs::read_to_string(folder.join("iterations.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    let row = csv.lines().nth(1).unwrap();
    let rest = &row[row.rfind("programme").unwrap() + "programme".len()..];
    let mut big = format!("{header}\n");
    for i in 0..100_000 {
        big.push_str(&format!("0,name{i}{rest}\n"));
    }
    fs::write(folder.join("iterations.csv"), big).unwrap();
    let (verify, plot) = exercise(&folder, dir.path(), true, true);
    assert_eq!(verify.code, 1);
    let plot = plot.unwrap();
    assert_eq!(plot.code, 1);
    assert!(
        plot.stderr.contains("more than 12 interventions"),
        "{}",
        plot.stderr
    );
}

#[test]
fn an_untouched_folder_passes_within_the_limits() {
    // The control: the limits themselves never make a good folder fail.
    let dir = scratch();
    let folder = copy_base(dir.path());
    let (verify, plot) = exercise(&folder, dir.path(), false, true);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    let plot = plot.unwrap();
    assert_eq!(plot.code, 0, "{}", plot.stderr);
    assert!(
        dir.path()
            .join("charts/programme/chart-who-pays.png")
            .is_file()
    );
}
