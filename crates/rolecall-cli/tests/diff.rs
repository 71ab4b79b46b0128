//! `rolecall diff`: permissions gained and lost per subject and scope, for an access review.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;
use serde_json::Value;

const CHANGE: [&str; 7] = [
    "diff",
    "--before",
    "policy.yaml",
    "directory.yaml",
    "--after",
    "policy.yaml",
    "directory-after.yaml",
];

#[test]
fn the_text_diff_groups_gains_and_losses_by_subject_then_scope() {
    let (code, out, err) = run(&CHANGE);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_permission_held_under_a_context_is_listed_with_it() {
    let (_, out, _) = run(&CHANGE);
    assert!(
        out.contains("carla\n  at acme-cl\n    - refunds:manage [country: CL]\n"),
        "{out}"
    );
}

#[test]
fn the_json_diff_has_subject_scope_gained_and_lost() {
    let mut args = CHANGE.to_vec();
    args.push("--json");
    let (code, out, _) = run(&args);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let changes = v["changes"].as_array().unwrap();
    let dave = changes
        .iter()
        .find(|c| c["subject"] == "dave" && c["scope"] == "acme-cl")
        .expect(&out);
    assert_eq!(dave["gained"][0], "refunds:view");
    assert_eq!(dave["lost"].as_array().unwrap().len(), 0);
    assert!(changes
        .iter()
        .all(|c| c["subject"] != "alice" || c["lost"][0] == "users:manage"));
    assert!(
        !changes.iter().any(|c| c["subject"] == "pedro"),
        "unchanged subjects are absent"
    );
}

#[test]
fn identical_inputs_have_no_changes() {
    let (code, out, _) = run(&[
        "diff",
        "--before",
        "policy.yaml",
        "directory.yaml",
        "--after",
        "policy.yaml",
        "directory.yaml",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out, "no access changes\n");
    let (_, out, _) = run(&[
        "diff",
        "--before",
        "policy.yaml",
        "directory.yaml",
        "--after",
        "policy.yaml",
        "directory.yaml",
        "--json",
    ]);
    assert_eq!(out.trim(), "{\n  \"changes\": []\n}");
}

#[test]
fn an_invalid_after_directory_is_an_error_and_exits_1() {
    let (code, out, err) = run(&[
        "diff",
        "--before",
        "policy.yaml",
        "directory.yaml",
        "--after",
        "policy.yaml",
        "invalid/directory-unknown-scope.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("invalid/directory-unknown-scope.yaml:5:48"),
        "{err}"
    );
}

#[test]
fn an_invalid_input_with_json_is_a_json_error() {
    let (code, out, _) = run(&[
        "diff",
        "--before",
        "invalid/policy-unknown-role.yaml",
        "directory.yaml",
        "--after",
        "policy.yaml",
        "directory.yaml",
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "unknown_role");
    assert_eq!(v["error"]["line"], 6);
}

#[test]
fn before_and_after_each_take_a_policy_and_a_directory() {
    let (code, _, err) = run(&[
        "diff",
        "--before",
        "policy.yaml",
        "--after",
        "policy.yaml",
        "directory.yaml",
    ]);
    assert_eq!(code, 1, "{err}");
}
