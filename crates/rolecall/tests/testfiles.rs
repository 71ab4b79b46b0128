//! Every shared policy test file passes through the library runner: the five seed examples
//! (`examples/policies/*/tests.yaml`, which name their policy and directory by path) and the
//! SPEC conformance vectors (`tests/spec/*.yaml`, inline).
#![allow(clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Runs `files`, returning the number of cases and one line per failing case.
fn run(files: &[PathBuf]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut total = 0;
    for file in files {
        let text = std::fs::read_to_string(file).expect("readable");
        let dir = file.parent().expect("has a parent").to_path_buf();
        let mut load = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        let report = rolecall::testfile::run_test_file(&text, &mut load)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        total += report.cases.len();
        for c in report.cases.iter().filter(|c| !c.passed) {
            failures.push(format!(
                "{}:{}: {}: expected {}, got {}",
                file.display(),
                c.line,
                c.name,
                c.expected,
                c.actual
            ));
        }
    }
    (total, failures)
}

fn files(dir: &str, pick: impl Fn(PathBuf) -> Option<PathBuf>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(repo(dir))
        .expect("the folder exists")
        .filter_map(|e| e.ok().and_then(|e| pick(e.path())))
        .collect();
    out.sort();
    out
}

#[test]
fn every_example_test_file_passes() {
    let files = files("examples/policies", |p| {
        Some(p.join("tests.yaml")).filter(|t| t.exists())
    });
    assert!(
        files.len() >= 5,
        "expected the five seed examples, found {files:?}"
    );
    let (total, failures) = run(&files);
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_spec_vector_passes() {
    let files = files("tests/spec", |p| {
        (p.extension().is_some_and(|x| x == "yaml")).then_some(p)
    });
    let (total, failures) = run(&files);
    assert!(total > 50, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
