//! Every input the fuzzer found that crashed rolecall or broke an invariant, replayed through
//! the same harness the fuzz targets use (`fuzz/src/`), so a fixed bug stays fixed. Reproducers
//! live in `tests/regressions/<target>/` at the repository root; a new one dropped there is
//! replayed by `every_reproducer_replays_cleanly` without further code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use rolecall::model::{ApiKeyDoc, AssignDoc, OneOrMany, Text};
use rolecall::{Directory, Evaluator, Policy};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/regressions")
}

/// Runs one reproducer through its target's harness function.
fn replay(target: &str, file: &Path) {
    let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    match target {
        "policy" => harness::policy(&data),
        "directory" => harness::directory(&data),
        "testfile" => harness::testfile(&data),
        "snapshot_json" => harness::snapshot_json(&data),
        "evaluate" => harness::evaluate(&data),
        other => panic!("unknown fuzz target `{other}` in tests/regressions"),
    }
}

/// Replays `tests/regressions/<target>/<name>`.
fn reproducer(target: &str, name: &str) {
    replay(target, &root().join(target).join(name));
}

#[test]
fn every_reproducer_replays_cleanly() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut targets: Vec<_> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    targets.sort();
    for dir in targets {
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            count += 1;
            let outcome = std::panic::catch_unwind(|| replay(&target, &file));
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{}: {message}", file.display()));
            }
        }
    }
    assert!(count > 0, "no reproducer found under {}", root().display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- Findings, each as the fuzzer's reproducer and as a readable case ----------------------

const POLICY: &str = "rolecall: 1
resources: { refunds: {}, users: {} }
roles:
  viewer: { grants: { refunds: [view] } }
  admin: { grants: { \"*\": [\"*\"] } }
dimensions: [country]
administration: { assign_requires: users:manage }
";

const DIRECTORY: &str = "scopes: [{ id: org }]
assignments:
  - { subject: boss, role: admin, scope: org }
  - { subject: clerk, role: viewer, scope: org }
api_keys:
  - { id: key_1, owner: owner_1, scope: org, permissions: [refunds:view] }
";

fn eval() -> Evaluator {
    let p = Arc::new(Policy::parse(POLICY).unwrap());
    let d = Directory::parse(&p, DIRECTORY).unwrap();
    Evaluator::new(p, d).unwrap()
}

fn assign(actor: &str, subject: &str, role: &str, context: &[(&str, &[&str])]) -> AssignDoc {
    AssignDoc {
        actor: Text(actor.into()),
        subject: Text(subject.into()),
        role: role.into(),
        scope: Text("org".into()),
        context: context
            .iter()
            .map(|(d, vs)| {
                (
                    (*d).to_owned(),
                    OneOrMany(vs.iter().map(|v| (*v).to_owned()).collect()),
                )
            })
            .collect(),
    }
}

/// Refused: a denial, or the request rejected as malformed (`invalid_value`); never an allow.
fn refused(r: &rolecall::Result<rolecall::Decision>) -> bool {
    match r {
        Ok(d) => !d.allowed,
        Err(e) => e.code == rolecall::ErrorCode::InvalidValue,
    }
}

#[test]
fn can_assign_never_allows_giving_a_role_to_an_api_key() {
    // Keys hold only their own `permissions`: the directory refuses such an assignment.
    let r = eval().can_assign(&assign("boss", "key_1", "viewer", &[]));
    assert!(refused(&r), "{r:?}");
    reproducer("evaluate", "can_assign-gives-a-role-to-an-api-key");
}

#[test]
fn can_assign_with_an_empty_context_list_still_checks_permission_and_escalation() {
    // `clerk` holds neither `users:manage` nor what `admin` grants; an empty value list must
    // not make the checks vacuous.
    let e = eval();
    let plain = e
        .can_assign(&assign("clerk", "newcomer", "admin", &[]))
        .unwrap();
    assert!(!plain.allowed, "{plain:?}");
    let empty = e.can_assign(&assign("clerk", "newcomer", "admin", &[("country", &[])]));
    assert!(refused(&empty), "{empty:?}");
    reproducer("evaluate", "can_assign-empty-context-list-skips-escalation");
}

#[test]
fn add_api_key_refuses_an_id_that_owns_another_key() {
    // Loading refuses a key whose owner is a key; a live update must not create one.
    let mut e = eval();
    let k = ApiKeyDoc {
        id: Text("owner_1".into()),
        owner: Text("boss".into()),
        scope: Text("org".into()),
        permissions: vec!["refunds:view".into()],
        expires_at: None,
    };
    let mut doc = e.directory().doc().clone();
    doc.api_keys.push(k.clone());
    assert!(
        Directory::from_doc(e.policy(), doc).is_err(),
        "loading refuses it"
    );
    assert!(e.add_api_key(k).is_err(), "so must a live update");
    reproducer("evaluate", "add_api_key-id-owns-another-key");
}

#[test]
fn add_api_key_refuses_a_key_that_owns_itself() {
    // Loading refuses it (its owner is a key). Accepted live, it makes `can_assign` with the key
    // as actor, `effective_permissions` and `diff` recurse from the key to its owner forever
    // and overflow the stack, which in WebAssembly kills the instance.
    let mut e = eval();
    let k = ApiKeyDoc {
        id: Text("loop".into()),
        owner: Text("loop".into()),
        scope: Text("org".into()),
        permissions: vec!["refunds:view".into()],
        expires_at: None,
    };
    assert!(e.add_api_key(k).is_err());
    reproducer("evaluate", "add_api_key-key-owns-itself");
}
