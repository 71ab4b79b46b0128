//! Every example policy test file under `examples/policies` passes through the library runner.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn example_test_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/policies exists")
        .filter_map(|e| e.ok().map(|e| e.path().join("tests.yaml")))
        .filter(|p| p.exists())
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_test_file_passes() {
    let files = example_test_files();
    assert!(
        files.len() >= 5,
        "expected the five seed examples, found {files:?}"
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for file in &files {
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
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
