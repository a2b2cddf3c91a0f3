//! Interrupted runs: SIGKILL at any moment and Ctrl-C leave earlier results complete.

#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use prevsim::export::manifest::Manifest;
use prevsim::scenario::sha256_hex;

fn spawn_run(out: &Path, iterations: &str) -> std::process::Child {
    let scenario = common::test_file("uncertain.toml");
    Command::new(env!("CARGO_BIN_EXE_prevsim"))
        .args([
            "run",
            scenario.to_str().unwrap(),
            "-n",
            iterations,
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prevsim starts")
}

/// Every file the manifest lists is present with the manifest's hash: a complete result set.
/// Returns the set's file hashes.
fn complete_set(folder: &Path) -> BTreeMap<String, String> {
    let manifest: Manifest =
        serde_json::from_slice(&fs::read(folder.join("manifest.json")).expect("manifest readable"))
            .expect("manifest parses");
    for (name, hash) in &manifest.files {
        let bytes = fs::read(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            &sha256_hex(&bytes),
            hash,
            "{name} does not match its manifest"
        );
    }
    serde_json::from_slice::<serde_json::Value>(&fs::read(folder.join("summary.json")).unwrap())
        .expect("summary.json parses");
    manifest.files
}

#[test]
fn sigkill_at_any_moment_leaves_a_complete_result_set() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("uncertain");
    assert!(spawn_run(out.path(), "50").wait().unwrap().success());
    let first = complete_set(&folder);

    // How long a full run takes, then kills spread over that time (writing included).
    let start = Instant::now();
    assert!(spawn_run(out.path(), "5000").wait().unwrap().success());
    let full = start.elapsed();
    let second = complete_set(&folder);
    assert_ne!(first, second);

    let mut saw_old = false;
    for k in 0..12u32 {
        let before = complete_set(&folder);
        let mut child = spawn_run(out.path(), &format!("{}", 5_000 + k));
        std::thread::sleep(full * k / 11);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let after = complete_set(&folder);
        saw_old |= after == before;
        // No staging or set-aside folders are left visible as results.
        let names: Vec<String> = fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        assert_eq!(names, vec!["uncertain"]);
    }
    assert!(
        saw_old,
        "at least the early kills must leave the earlier results in place"
    );
    // The next run cleans up whatever a kill left behind.
    assert!(spawn_run(out.path(), "50").wait().unwrap().success());
    assert_eq!(fs::read_dir(out.path()).unwrap().count(), 1);
    assert_eq!(complete_set(&folder), first);
}

#[test]
fn ctrl_c_stops_with_a_message_and_changes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("uncertain");
    assert!(spawn_run(out.path(), "50").wait().unwrap().success());
    let before = complete_set(&folder);
    let child = spawn_run(out.path(), "2000000");
    std::thread::sleep(Duration::from_millis(400));
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Interrupted"), "{stderr}");
    // It does not claim what it cannot know (new results may already be in place).
    assert!(
        !stderr.contains("earlier results are unchanged"),
        "{stderr}"
    );
    assert_eq!(complete_set(&folder), before);
}
