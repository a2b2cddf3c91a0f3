//! Result folders under concurrency, hostile folders and crafted files (issue 13): one test or
//! more per defect.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::prevsim;
use prevsim::export::manifest::{Manifest, is_result_file};
use prevsim::pipeline::{self, FileCheck};
use prevsim::scenario::{Scenario, sha256_hex};

/// A scratch folder, on a memory file system where there is one (writes are flushed to disk
/// file by file, which is slow on a real disk and free there).
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(d) = tempfile::tempdir_in(shm)
    {
        return d;
    }
    tempfile::tempdir().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run(scenario: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", s(scenario), "--out", s(out)];
    args.extend_from_slice(extra);
    prevsim(&args, None)
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every file the manifest lists is present with the manifest's hash; returns the hashes.
fn complete_set(folder: &Path) -> BTreeMap<String, String> {
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(folder.join("manifest.json")).expect("manifest"))
            .expect("manifest parses");
    assert_eq!(manifest.files.len(), 5, "{:?}", manifest.files);
    for (name, hash) in &manifest.files {
        let bytes = fs::read(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            &sha256_hex(&bytes),
            hash,
            "{name} does not match its manifest"
        );
    }
    manifest.files
}

fn verify_ok(folder: &Path) -> bool {
    let v = pipeline::verify(folder, &|| {}).unwrap_or_else(|e| panic!("{e}"));
    v.ok()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A scenario file in `dir` from a test scenario, with its `name` line replaced.
fn renamed(dir: &Path, file: &str, name: &str) -> PathBuf {
    let text = fs::read_to_string(common::test_file("tiny.toml")).unwrap();
    let text = text.replace("name = \"tiny\"", &format!("name = \"{name}\""));
    let path = dir.join(file);
    fs::write(&path, text).unwrap();
    path
}

// 1. Two writers, one folder.

#[test]
fn concurrent_writers_always_leave_a_complete_verifiable_folder() {
    // On the real disk: flushing each file there keeps a staging folder alive long enough for
    // the race to show (before the lock: 11 incomplete folders in 40 pairs here, none on a
    // memory file system).
    let root = tempfile::tempdir().unwrap();
    let good = root.path().join("good");
    let tiny = common::test_file("tiny.toml");
    ok(&run(&tiny, &good, &["-n", "2", "--seed", "1"]));
    let good = good.join("tiny");
    let from_seed = |seed: &str| {
        let dir = root.path().join(format!("seed{seed}"));
        ok(&run(&tiny, &dir, &["-n", "2", "--seed", seed]));
        complete_set(&dir.join("tiny"))
    };
    let (a, b) = (from_seed("2"), from_seed("3"));
    // 50 pairs: five output folders at once, ten pairs each, one after the other.
    std::thread::scope(|scope| {
        for lane in 0..5 {
            let (root, good, tiny, a, b) = (root.path(), &good, &tiny, &a, &b);
            scope.spawn(move || {
                let out = root.join(format!("o{lane}"));
                for round in 0..10 {
                    let pair = format!("lane {lane}, pair {round}");
                    let _ = fs::remove_dir_all(&out);
                    copy_dir(good, &out.join("tiny"));
                    fs::write(out.join("tiny/notes.txt"), "mine").unwrap();
                    let spawn = |seed: &str| {
                        Command::new(env!("CARGO_BIN_EXE_prevsim"))
                            .args(["run", s(tiny), "--out", s(&out), "-n", "2", "--seed", seed])
                            .stdout(Stdio::null())
                            .stderr(Stdio::piped())
                            .spawn()
                            .unwrap()
                    };
                    let (x, y) = (spawn("2"), spawn("3"));
                    for child in [x, y] {
                        let o = child.wait_with_output().unwrap();
                        assert!(o.status.success(), "{pair}: {}", stderr(&o));
                    }
                    let folder = out.join("tiny");
                    let set = complete_set(&folder);
                    assert!(set == *a || set == *b, "{pair}: a mix of two runs");
                    assert_eq!(fs::read(folder.join("notes.txt")).unwrap(), b"mine");
                    assert!(verify_ok(&folder), "{pair}: not verifiable");
                    // Nothing left beside the folder: no staging folder, no lock file.
                    assert_eq!(names(&out), ["tiny"], "{pair}");
                }
            });
        }
    });
}

#[test]
fn a_scenario_named_like_a_staging_folder_leaves_the_other_alone() {
    let root = scratch();
    let out = root.path().join("o");
    let a = renamed(root.path(), "a.toml", "s");
    let b = renamed(root.path(), "b.toml", "s.new-1");
    for _ in 0..5 {
        ok(&run(&a, &out, &["-n", "2"]));
        let o = prevsim(
            &["run", s(&a), s(&b), "--out", s(&out), "-n", "2"],
            Some("2"),
        );
        ok(&o);
        complete_set(&out.join("s"));
        complete_set(&out.join("s.new-1"));
    }
}

#[test]
fn a_killed_lock_holder_never_blocks_the_next_run() {
    let root = scratch();
    let out = root.path().join("o");
    fs::create_dir_all(&out).unwrap();
    // Another process holds the folder's lock, and is killed (SIGKILL) holding it.
    // (`-o`: flock(1) itself holds the lock, not the command it runs; both are in a process
    // group of their own, killed together.)
    let mut holder = Command::new("flock")
        .args(["-o", s(&out.join(".tiny.lock")), "sleep", "60"])
        .process_group(0)
        .spawn()
        .expect("flock(1) runs");
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: signalling the process group of our own child.
    unsafe {
        libc::kill(-(holder.id() as i32), libc::SIGKILL);
    }
    holder.wait().unwrap();
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    complete_set(&out.join("tiny"));
    assert_eq!(names(&out), ["tiny"]);
}

// 2. The user's own entries in a result folder.

#[test]
fn a_users_entries_keep_mode_owner_links_and_dates_after_a_rerun() {
    let root = scratch();
    let out = root.path().join("o");
    let tiny = common::test_file("tiny.toml");
    ok(&run(&tiny, &out, &["-n", "2"]));
    let folder = out.join("tiny");
    // The result folder and a private subfolder, a file of someone else's, links, a FIFO.
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o700)).unwrap();
    let private = folder.join("private");
    fs::create_dir(&private).unwrap();
    fs::write(private.join("key"), "secret").unwrap();
    fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
    let theirs = folder.join("theirs.txt");
    fs::write(&theirs, "theirs").unwrap();
    let root_user = unsafe { libc::geteuid() } == 0;
    if root_user {
        std::os::unix::fs::chown(&theirs, Some(4321), Some(4321)).unwrap();
        std::os::unix::fs::chown(&private, Some(4321), Some(4321)).unwrap();
    }
    std::os::unix::fs::symlink("private/key", folder.join("link")).unwrap();
    std::os::unix::fs::symlink("/no/such/file", folder.join("dangling")).unwrap();
    let fifo = std::ffi::CString::new(s(&folder.join("pipe"))).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(private.join("key"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let before = |p: &Path| fs::symlink_metadata(p).unwrap();
    let (key_before, private_before, theirs_before) = (
        before(&private.join("key")),
        before(&private),
        before(&theirs),
    );

    for _ in 0..2 {
        ok(&run(&tiny, &out, &["-n", "3"]));
    }
    let meta = |p: &Path| fs::symlink_metadata(p).unwrap();
    assert_eq!(
        meta(&folder).mode() & 0o777,
        0o700,
        "the result folder's mode"
    );
    let private_after = meta(&private);
    assert_eq!(private_after.mode() & 0o777, 0o700);
    assert_eq!(
        private_after.ino(),
        private_before.ino(),
        "moved, not copied"
    );
    assert_eq!(private_after.mtime(), private_before.mtime());
    let key = meta(&private.join("key"));
    assert_eq!(key.ino(), key_before.ino());
    assert_eq!(key.mtime(), key_before.mtime());
    assert_eq!(key.mtime(), 1_000_000_000);
    let theirs_after = meta(&theirs);
    assert_eq!(theirs_after.ino(), theirs_before.ino());
    assert_eq!(theirs_after.mtime(), theirs_before.mtime());
    if root_user {
        assert_eq!((theirs_after.uid(), theirs_after.gid()), (4321, 4321));
        assert_eq!(private_after.uid(), 4321);
    }
    assert!(meta(&folder.join("link")).file_type().is_symlink());
    assert_eq!(
        fs::read_link(folder.join("dangling")).unwrap(),
        Path::new("/no/such/file")
    );
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &meta(&folder.join("pipe")).file_type()
    ));
    complete_set(&folder);
    assert!(verify_ok(&folder));
}

#[test]
fn a_users_own_folder_of_the_scenarios_name_is_refused_untouched() {
    let root = scratch();
    let out = root.path().join("o");
    let ssh = out.join("home/alice/.ssh");
    fs::create_dir_all(&ssh).unwrap();
    fs::write(ssh.join("id"), "key").unwrap();
    fs::set_permissions(&ssh, fs::Permissions::from_mode(0o700)).unwrap();
    let scenario = renamed(root.path(), "home.toml", "home");
    let o = run(&scenario, &out, &["-n", "2"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("not a result folder") && e.contains("alice"),
        "{e}"
    );
    assert_eq!(names(&out), ["home"]);
    assert_eq!(names(&out.join("home")), ["alice"]);
    assert_eq!(fs::read(ssh.join("id")).unwrap(), b"key");
    assert_eq!(fs::metadata(&ssh).unwrap().mode() & 0o777, 0o700);
}

#[test]
fn plot_of_dot_with_out_writes_into_a_folder_of_its_name() {
    let root = scratch();
    let out = root.path().join("o");
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    let report = root.path().join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .args(["plot", ".", "--out", s(&report)])
        .current_dir(out.join("tiny"))
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(names(&report), ["tiny"]);
    assert!(
        names(&report.join("tiny"))
            .iter()
            .all(|n| n.starts_with("chart-"))
    );
}

// 3. verify cannot be fooled by editing the manifest.

fn edit_manifest(folder: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let path = folder.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    f(&mut m);
    fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

fn verify_output(folder: &Path) -> (bool, String) {
    let o = prevsim(&["verify", s(folder)], None);
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    (o.status.success(), text)
}

#[test]
fn verify_checks_every_file_from_the_code_not_the_manifest() {
    let root = scratch();
    let out = root.path().join("o");
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    let folder = out.join("tiny");
    assert!(verify_output(&folder).0);
    // An empty file list and every data file replaced.
    edit_manifest(&folder, |m| m["files"] = serde_json::json!({}));
    for f in ["summary.json", "iterations.csv", "yearly.csv", "summary.md"] {
        fs::write(folder.join(f), "forged\n").unwrap();
    }
    let (passed, text) = verify_output(&folder);
    assert!(!passed, "{text}");
    assert!(text.contains("summary.json: NOT IN THE MANIFEST"), "{text}");
}

#[test]
fn verify_refuses_paths_outside_the_folder_and_a_swapped_scenario() {
    let root = scratch();
    let out = root.path().join("o");
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    let folder = out.join("tiny");
    let hostname = sha256_hex(&fs::read("/etc/hostname").unwrap_or_default());
    edit_manifest(&folder, |m| {
        m["files"]["../x"] = "00".into();
        m["files"]["/etc/hostname"] = hostname.clone().into();
    });
    let (passed, text) = verify_output(&folder);
    assert!(!passed);
    assert!(
        text.contains("\"/etc/hostname\", which prevsim does not write"),
        "{text}"
    );
    assert!(text.contains("\"../x\""), "{text}");
    // Nothing tells whether /etc/hostname exists or matches.
    assert!(!text.contains("/etc/hostname: "), "{text}");

    // The scenario copy is not the file the manifest names.
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    let copy = folder.join("scenario.toml");
    let text = fs::read_to_string(&copy).unwrap() + "\n# edited\n";
    fs::write(&copy, text).unwrap();
    let (passed, text) = verify_output(&folder);
    assert!(!passed);
    assert!(text.contains("SHA-256 differs"), "{text}");

    // Another scenario's name and another version in the manifest.
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    edit_manifest(&folder, |m| {
        m["scenario"] = "other".into();
        m["prevsim_version"] = "9.9.9".into();
    });
    let (passed, text) = verify_output(&folder);
    assert!(!passed);
    assert!(text.contains("names the scenario \"other\""), "{text}");
    assert!(text.contains("written by prevsim 9.9.9"), "{text}");
}

#[test]
fn verify_reports_missing_and_left_over_files() {
    let root = scratch();
    let out = root.path().join("o");
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    let folder = out.join("tiny");
    fs::remove_file(folder.join("yearly.csv")).unwrap();
    fs::remove_file(folder.join("chart-family-ladder.svg")).unwrap();
    fs::write(folder.join("chart-who-pays.png"), "old").unwrap();
    fs::write(folder.join("notes.txt"), "mine").unwrap();
    let v = pipeline::verify(&folder, &|| {}).unwrap();
    let check = |n: &str| v.checks.iter().find(|(f, _)| f == n).map(|(_, c)| *c);
    assert_eq!(check("yearly.csv"), Some(FileCheck::Missing));
    assert_eq!(check("chart-family-ladder.svg"), Some(FileCheck::Missing));
    assert_eq!(check("chart-who-pays.png"), Some(FileCheck::LeftOver));
    assert_eq!(check("summary.json"), Some(FileCheck::Identical));
    assert_eq!(v.others, ["notes.txt"]);
    assert!(!v.ok());
}

// 4. A file where the result folder goes.

#[test]
fn a_file_where_the_folder_goes_is_refused_before_any_work() {
    let root = scratch();
    let out = root.path().join("o");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("tiny"), "a file").unwrap();
    let o = run(&common::test_file("tiny.toml"), &out, &["-n", "2"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is a file, not a result folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(names(&out), ["tiny"]);
    assert_eq!(fs::read(out.join("tiny")).unwrap(), b"a file");
    // A symbolic link where the folder goes, too.
    fs::remove_file(out.join("tiny")).unwrap();
    fs::create_dir(root.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(root.path().join("elsewhere"), out.join("tiny")).unwrap();
    let o = run(&common::test_file("tiny.toml"), &out, &["-n", "2"]);
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(names(&root.path().join("elsewhere")).is_empty());
}

#[test]
fn a_scenario_named_like_the_comparison_chart_is_refused() {
    let root = scratch();
    let file = renamed(root.path(), "c.toml", "comparison.png");
    let o = prevsim(&["validate", s(&file)], None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("comparison chart"), "{}", stderr(&o));
}

#[test]
fn a_read_only_result_folder_is_refused_when_permissions_apply() {
    if unsafe { libc::geteuid() } == 0 {
        return; // root may write anywhere: nothing to refuse
    }
    let root = scratch();
    let out = root.path().join("o");
    ok(&run(&common::test_file("tiny.toml"), &out, &["-n", "2"]));
    let folder = out.join("tiny");
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let o = run(&common::test_file("tiny.toml"), &out, &["-n", "3"]);
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    assert_eq!(names(&out), ["tiny"]);
}

// 5. Limits on valid-looking input.

fn problems_of(text: &str, file: &str) -> String {
    match Scenario::parse(text, Path::new(file)) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

fn tiny_text() -> String {
    fs::read_to_string(common::test_file("tiny.toml")).unwrap()
}

#[test]
fn limits_are_checked_in_validate() {
    let base = tiny_text();
    assert_eq!(problems_of(&base, "tiny.toml"), "");
    // Thirteen interventions.
    let one = "\n[[interventions]]\nname = \"x{}\"\ncare_entry_relative_risk = 0.9\n";
    let many: String = (0..13).map(|i| one.replace("{}", &i.to_string())).collect();
    let e = problems_of(&format!("{base}{many}"), "tiny.toml");
    assert!(e.contains("at most 12 are allowed"), "{e}");
    // A name of 300 characters, a title of 10,000 and a file over 1 MB.
    let long = "a".repeat(300);
    let e = problems_of(
        &base.replace("name = \"tiny\"", &format!("name = \"{long}\"")),
        "t.toml",
    );
    assert!(e.contains("at most 100"), "{e}");
    let e = problems_of(
        &base.replace(
            "name = \"tiny\"",
            &format!("name = \"tiny\"\ntitle = \"{}\"", "t".repeat(10_000)),
        ),
        "t.toml",
    );
    assert!(e.contains("at most 200"), "{e}");
    let e = problems_of(&format!("{base}\n# {}\n", "x".repeat(2 << 20)), "t.toml");
    assert!(e.contains("a scenario may be at most"), "{e}");
    // An intervention named "baseline".
    let first = base.find("[[interventions]]").unwrap();
    let named = base[first..].find("name = \"").unwrap() + first;
    let end = base[named + 8..].find('"').unwrap() + named + 8;
    let e = problems_of(
        &format!("{}name = \"baseline\"{}", &base[..named], &base[end + 1..]),
        "t.toml",
    );
    assert!(e.contains("\"baseline\" is the name of the arm"), "{e}");
}

#[test]
fn names_taken_from_file_names_are_checked_too() {
    let base = tiny_text().replace("name = \"tiny\"\n", "");
    for file in [
        "..toml",
        "a\nb.toml",
        "a\u{7}.toml",
        &format!("{}.toml", "n".repeat(150)),
    ] {
        let e = problems_of(&base, file);
        assert!(e.contains("`name`"), "{file:?}: {e}");
        assert!(e.contains("rename the file or add a line"), "{file:?}: {e}");
    }
    assert_eq!(problems_of(&base, "fine-name.toml"), "");
}

#[test]
fn a_claim_with_probability_zero_is_refused() {
    let text = fs::read_to_string(common::test_file("claims.toml")).unwrap();
    let zeroed = text.replacen("probability = 0.", "probability = 0.0 # was 0.", 1);
    assert_ne!(
        text, zeroed,
        "the test scenario states a claim with a probability"
    );
    let e = problems_of(&zeroed, "claims.toml");
    assert!(e.contains("holds whatever the model says"), "{e}");
}

#[test]
fn the_memory_check_counts_charts() {
    let tiny = common::load(&common::test_file("tiny.toml"));
    let options = prevsim::engine::RunOptions {
        iterations: 1,
        seed: 1,
        fixed: true,
    };
    // One iteration of a tiny scenario needs little for its results: the charts dominate.
    let needed = pipeline::memory_needed(&tiny, options);
    assert!(needed > 1600 * 1000 * 3, "{needed}");
}

// 7. Accepted but wrong.

#[test]
fn charts_of_an_earlier_run_do_not_survive() {
    let root = scratch();
    let out = root.path().join("o");
    let with = common::test_file("programme.toml");
    ok(&run(&with, &out, &["-n", "2"]));
    let folder = out.join("programme");
    assert!(folder.join("chart-who-pays.png").exists());
    // The same scenario without [agencies].
    let text = fs::read_to_string(&with).unwrap();
    let start = text.find("[agencies]").unwrap();
    let end = text[start..].find("[[interventions]]").unwrap() + start;
    let without = root.path().join("programme.toml");
    fs::write(&without, format!("{}{}", &text[..start], &text[end..])).unwrap();
    ok(&run(&without, &out, &["-n", "2"]));
    assert!(!folder.join("chart-who-pays.png").exists());
    assert!(!folder.join("chart-who-pays.svg").exists());
    assert!(
        names(&folder).iter().all(|n| is_result_file(n)),
        "{:?}",
        names(&folder)
    );
    assert!(verify_ok(&folder));
}

#[test]
fn rates_print_as_typed_and_the_green_book_steps_are_named() {
    let root = scratch();
    let out = root.path().join("o");
    let text = tiny_text().replace("discount = 0.10", "discount = 0.035");
    let file = root.path().join("tiny.toml");
    fs::write(&file, &text).unwrap();
    ok(&run(&file, &out, &["-n", "2"]));
    let summary = fs::read_to_string(out.join("tiny/summary.json")).unwrap();
    let md = fs::read_to_string(out.join("tiny/summary.md")).unwrap();
    let svg = fs::read_to_string(out.join("tiny/chart-savings-distribution.svg")).unwrap();
    assert!(
        summary.contains("\"discount\": \"3.5% a year\""),
        "{summary}"
    );
    assert!(md.contains("3.5% a year"), "{md}");
    assert!(svg.contains("3.5% a year"));
    for t in [&summary, &md, &svg] {
        assert!(!t.contains("3.5000"), "a rate printed with float noise");
    }
    let green = tiny_text().replace("discount = 0.10", "discount = \"green_book\"");
    fs::write(&file, &green).unwrap();
    ok(&run(&file, &out, &["-n", "2"]));
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("tiny/summary.json")).unwrap()).unwrap();
    let discount = summary["discount"].as_str().unwrap();
    for step in ["3.5%", "3%", "2.5%", "2%"] {
        assert!(discount.contains(&format!("{step} ")), "{step}: {discount}");
    }
}
