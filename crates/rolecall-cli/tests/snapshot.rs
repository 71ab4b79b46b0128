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

#[test]
fn with_decisions_the_snapshot_carries_the_prepared_decisions() {
    let (code, out, err) = run(&[
        "snapshot",
        "policy.yaml",
        "-d",
        "directory.yaml",
        "-s",
        "sam",
        "--decisions",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["subject"], "sam");
    let d = &v["decisions"];
    assert!(d["targets"].as_array().unwrap().len() > 10);
    assert_eq!(d["complete"], true);
    assert_eq!(d["scopes"][0][0], "acme-mx");
    assert!(
        snapshot("sam").get("decisions").is_none(),
        "only on request"
    );
}

#[test]
fn a_reader_that_closes_the_pipe_ends_the_command_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    // Far more output than a pipe holds (64 KB): the command is still writing when it closes.
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from("scopes:\n  - { id: org }\n");
    for i in 0..3000 {
        yaml.push_str(&format!(
            "  - {{ id: sub-{i}, parent: org, kind: subtenant }}\n"
        ));
    }
    yaml.push_str("assignments:\n  - { subject: alice, role: operations, scope: org }\n");
    let directory = dir.path().join("directory.yaml");
    std::fs::write(&directory, yaml).unwrap();
    #[allow(deprecated)] // cargo_bin: the way assert_cmd finds the binary, as common::rolecall
    let bin = assert_cmd::cargo::cargo_bin("rolecall");
    let mut child = std::process::Command::new(bin)
        .current_dir(common::fixtures())
        .args([
            "snapshot",
            "policy.yaml",
            "-s",
            "alice",
            "--decisions",
            "-d",
        ])
        .arg(&directory)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe is closed
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
