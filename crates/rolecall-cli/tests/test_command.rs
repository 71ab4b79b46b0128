//! `rolecall test`: one line per failing case, exactly `N passed, N failed` at the end, non-zero
//! exit when a case fails or a file does not load.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

#[test]
fn the_example_policy_tests_all_pass() {
    let examples = common::repo().join("examples/policies");
    let mut files: Vec<String> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path().join("tests.yaml"))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    let mut args = vec!["test"];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{out}{err}");
    let last = last_line(&out);
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 159, "{out}");
    assert_eq!(
        out.lines().count(),
        1,
        "only the summary when everything passes: {out}"
    );
}

#[test]
fn a_passing_file_prints_only_the_summary_and_exits_0() {
    let (code, out, err) = run(&["test", "tests/passing.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "3 passed, 0 failed\n");
}

#[test]
fn a_failing_case_prints_file_line_name_expected_and_got_and_exits_1() {
    let (code, out, _) = run(&["test", "tests/failing.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "tests/failing.yaml:7: this expectation is wrong on purpose: expected allow, \
         got deny (out_of_scope): Requires Manage on Refunds in org\n1 passed, 1 failed\n"
    );
}

#[test]
fn counts_add_up_across_files() {
    let (code, out, _) = run(&["test", "tests/passing.yaml", "tests/failing.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(last_line(&out), "4 passed, 1 failed");
}

#[test]
fn a_directory_argument_runs_every_test_file_under_it_and_skips_other_yaml() {
    // tests/ holds passing.yaml, failing.yaml and notes.yaml (no `cases`).
    let (code, out, err) = run(&["test", "tests"]);
    assert_eq!(code, 1);
    assert_eq!(last_line(&out), "4 passed, 1 failed", "{out}{err}");
    assert!(!err.contains("notes.yaml"), "{err}");
}

#[test]
fn a_directory_without_test_files_is_an_error() {
    let (code, out, err) = run(&["test", "invalid"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no policy test files in this directory"),
        "{err}"
    );
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn a_missing_policy_file_is_a_diagnostic_at_the_policy_field_and_counts_as_failed() {
    let (code, out, err) = run(&["test", "broken/missing-policy.yaml", "tests/passing.yaml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[io]: cannot read `./no-such-policy.yaml`"),
        "{err}"
    );
    assert!(err.contains("broken/missing-policy.yaml:1:9"), "{err}");
    assert_eq!(
        last_line(&out),
        "3 passed, 1 failed",
        "the other file still runs"
    );
}

#[test]
fn an_error_in_a_referenced_directory_shows_that_file_and_line() {
    let (code, out, err) = run(&["test", "broken/invalid-directory.yaml"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
    assert_eq!(last_line(&out), "0 passed, 1 failed");
}

#[test]
fn an_error_in_an_inline_policy_points_into_the_test_file() {
    let (code, _, err) = run(&["test", "broken/inline-policy-error.yaml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[unknown_resource]: unknown resource `refundz`"),
        "{err}"
    );
    assert!(err.contains("broken/inline-policy-error.yaml:5:"), "{err}");
    assert!(
        err.contains("at `policy.roles.operations.grants.refundz`"),
        "{err}"
    );
}

#[test]
fn a_missing_test_file_is_an_error_and_counts_as_failed() {
    let (code, out, err) = run(&["test", "tests/no-such-file.yaml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("error[io]: cannot read `tests/no-such-file.yaml`"),
        "{err}"
    );
    assert_eq!(out, "0 passed, 1 failed\n");
}

#[test]
fn paths_in_a_test_file_are_relative_to_it_not_to_the_working_directory() {
    let file = common::fixtures().join("tests/passing.yaml");
    let out = common::rolecall(&["test", file.to_str().unwrap()])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn no_file_argument_is_a_usage_error() {
    let (code, _, err) = run(&["test"]);
    assert_eq!(code, 1);
    assert!(err.contains("<FILE>..."), "{err}");
}
