//! The shared SPEC conformance vectors in `tests/spec/` pass through the library runner.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn every_spec_vector_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/spec");
    let mut failures = Vec::new();
    let mut total = 0;
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/spec exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
    {
        let text = std::fs::read_to_string(file).expect("readable");
        let mut load = |p: &str| Err(format!("no file loading in spec vectors: {p}"));
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
    assert!(total > 50, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
