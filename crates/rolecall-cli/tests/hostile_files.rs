//! Files the CLI should not trust (issue 20): an endless or oversized file is refused after
//! reading at most the input limit, a file that is no document is never quoted, and errors cost
//! time linear in the input however many share a line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{fixtures, rolecall, run};
use std::path::Path;
use std::time::{Duration, Instant};

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// Peak resident memory of `rolecall ARGS` in kilobytes (GNU time), with its stderr.
fn peak_kb(dir: &Path, args: &[&str]) -> Option<(u64, String)> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("rolecall");
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("peak %M")
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    let err = text(&out.stderr);
    let kb = err
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak "))?
        .trim()
        .parse()
        .ok()?;
    Some((kb, err))
}

/// A temporary folder holding `name` with `content`, and that file's path.
fn file_in_temp(name: &str, content: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, content).unwrap();
    (dir, file)
}

#[test]
fn a_test_file_naming_dev_zero_is_refused_at_the_size_limit_in_bounded_memory() {
    let (dir, file) = file_in_temp(
        "zero.yaml",
        "policy: /dev/zero\ndirectory: /dev/zero\ncases: []\n",
    );
    let started = Instant::now();
    let out = rolecall(&["test", file.to_str().unwrap()])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("larger than the limit"), "{err}");
    assert!(text(&out.stdout).ends_with("0 passed, 1 failed\n"));
    assert!(started.elapsed() < Duration::from_secs(60));
    if let Some((kb, err)) = peak_kb(dir.path(), &["test", "zero.yaml"]) {
        assert!(kb < 400 * 1024, "peak {kb} KB: {err}");
    }
}

#[test]
fn every_command_refuses_an_endless_file_without_reading_it_whole() {
    for args in [
        vec!["lint", "/dev/zero"],
        vec!["lint", "policy.yaml", "--directory", "/dev/zero"],
        vec!["test", "/dev/zero"],
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("larger than the limit"), "{args:?}: {err}");
        assert!(err.contains("limit_exceeded"), "{args:?}: {err}");
    }
}

#[test]
fn a_file_over_the_limit_is_refused_by_its_size_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let f = std::fs::File::create(&big).unwrap();
    // Sparse: no disk used, and the CLI must not read it to know it is too large.
    f.set_len(rolecall::limits::MAX_INPUT_BYTES as u64 + 1)
        .unwrap();
    let started = Instant::now();
    let out = rolecall(&["lint", big.to_str().unwrap()]).output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("larger than the limit"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "{err}");
}

#[test]
fn a_file_named_by_a_test_file_that_is_no_document_is_never_quoted() {
    let (dir, _) = file_in_temp(
        "passwd",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    );
    let file = dir.path().join("t.yaml");
    for named in ["policy: ./passwd\ndirectory: ./passwd", "policy: ./passwd"] {
        std::fs::write(&file, format!("{named}\ncases: []\n")).unwrap();
        let out = rolecall(&["test", file.to_str().unwrap()])
            .output()
            .unwrap();
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(!all.contains("root:x"), "quotes the file: {all}");
        assert!(!all.contains("/bin/bash"), "quotes the file: {all}");
        assert!(all.contains("passwd"), "names the file: {all}");
    }
}

#[test]
fn twenty_thousand_errors_on_one_line_are_reported_in_linear_time_with_cropped_lines() {
    let n = 20_000;
    let assignments: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"subject":"u{i}","role":"ghost{i}","scope":"org"}}"#))
        .collect();
    let json = format!(
        r#"{{"scopes":[{{"id":"org"}}],"assignments":[{}]}}"#,
        assignments.join(",")
    );
    let (_dir, directory) = file_in_temp("directory.json", &json);
    let policy = fixtures().join("policy.yaml");
    let started = Instant::now();
    let out = rolecall(&[
        "lint",
        policy.to_str().unwrap(),
        "--directory",
        directory.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    let elapsed = started.elapsed();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        err.matches("unknown role").count(),
        n,
        "every error is reported"
    );
    // Each error shows a window of the line around its column, not the whole line.
    assert!(err.len() < n * 1000, "{} bytes of output", err.len());
    assert!(err.contains("ghost19999"), "the last error names its role");
    assert!(err.contains("near `…"), "{}", &err[..err.len().min(2000)]);
    // Before: past 60 s in release. A debug build on a shared machine is far slower than release.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}
