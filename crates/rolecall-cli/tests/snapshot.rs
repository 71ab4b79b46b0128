//! `rolecall snapshot`: one subject's client snapshot, and nothing about anyone else.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;
use serde_json::Value;

fn snapshot(subject: &str) -> Value {
    let (code, out, err) = run(&[
        "snapshot",
        "policy.yaml",
        "-d",
        "directory.yaml",
        "-s",
        subject,
    ]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_snapshot_holds_the_subject_its_assignments_and_only_reachable_scopes() {
    let v = snapshot("sam");
    assert_eq!(v["subject"], "sam");
    let scopes: Vec<&str> = v["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["acme-mx"]);
    assert_eq!(v["assignments"].as_array().unwrap().len(), 1);
}

#[test]
fn a_snapshot_never_mentions_other_subjects() {
    let (_, out, _) = run(&[
        "snapshot",
        "policy.yaml",
        "-d",
        "directory.yaml",
        "-s",
        "sam",
    ]);
    for other in [
        "alice", "carla", "priya", "pedro", "ada", "olivia", "key_ci",
    ] {
        let quoted = format!("\"{other}\"");
        assert!(!out.contains(&quoted), "`{other}` leaked:\n{out}");
    }
}

#[test]
fn a_snapshot_carries_the_policy_hash_that_codegen_exports() {
    let v = snapshot("alice");
    let (_, ts, _) = run(&["codegen", "ts", "policy.yaml"]);
    let hash = v["policy_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert!(
        ts.contains(&format!("export const policyHash = '{hash}';")),
        "{ts}"
    );
}

#[test]
fn an_unknown_subject_gets_an_empty_snapshot() {
    let v = snapshot("nobody");
    assert_eq!(v["assignments"].as_array().unwrap().len(), 0);
    assert_eq!(v["scopes"].as_array().unwrap().len(), 0);
}

#[test]
fn an_invalid_directory_is_an_error() {
    let (code, out, err) = run(&[
        "snapshot",
        "policy.yaml",
        "-d",
        "invalid/directory-duplicate-id.yaml",
        "-s",
        "sam",
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("error[duplicate_id]"), "{err}");
}
