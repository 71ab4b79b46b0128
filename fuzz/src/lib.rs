//! The fuzz harness: one function per cargo-fuzz target (`fuzz_targets/*.rs` are one line
//! each), taking the raw input bytes. It does not depend on libFuzzer, so
//! `crates/rolecall/tests/regressions.rs` replays every reproducer in `tests/regressions/`
//! through exactly this code in `cargo test`.
//!
//! A target "crashes" when rolecall panics or when an invariant of [`check`] breaks: every
//! invariant is a promise of SPEC.md, docs/semantics.md or SECURITY.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::result_large_err
)]

pub mod check;
pub mod evaluate;

use rolecall::testfile::run_test_file;
use rolecall::{Directory, ErrorCode, Evaluator, Policy, Query, Snapshot, Target, Timestamp};
use std::sync::{Arc, OnceLock};

/// The example policies, as text: the fixed policies of the `directory` and `snapshot_json`
/// targets (each seed directory or snapshot was made for one of them). The JSON one is the one
/// a JSON-only build (no `yaml` feature) reads.
pub const EXAMPLE_POLICIES: [&str; 6] = [
    include_str!("../../examples/policies/payments/policy.json"),
    include_str!("../../examples/policies/payments/policy.yaml"),
    include_str!("../../examples/policies/admin-console/policy.yaml"),
    include_str!("../../examples/policies/planning/policy.yaml"),
    include_str!("../../examples/policies/role-allocation/policy.yaml"),
    include_str!("../../examples/policies/payouts/policy.yaml"),
];

/// The example policies this build reads, compiled once, each policy once (by hash).
pub fn examples() -> &'static [Arc<Policy>] {
    static CELL: OnceLock<Vec<Arc<Policy>>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut out: Vec<Arc<Policy>> = Vec::new();
        for text in EXAMPLE_POLICIES {
            match Policy::parse(text) {
                Ok(p) if out.iter().all(|o| o.hash() != p.hash()) => out.push(Arc::new(p)),
                Ok(_) => {}
                // Without YAML only the JSON example reads; with it, every example must.
                Err(e) if cfg!(feature = "yaml") => panic!("example policy: {e}"),
                Err(_) => {}
            }
        }
        assert!(!out.is_empty(), "at least the JSON example policy reads");
        out
    })
}

/// `policy`: any text as a policy. Errors, never panics; an accepted policy hashes the same
/// when written back as JSON, and denies everything to a subject the directory does not know.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let p = match Policy::parse_all(text) {
        Ok(p) => p,
        Err(errs) => {
            assert!(
                !errs.is_empty(),
                "a refused policy names at least one error"
            );
            for e in &errs {
                let _ = rolecall::locate(text, &e.path);
                let _ = e.to_string();
            }
            let first = Policy::parse(text).err().map(|e| e.code);
            assert_eq!(
                first,
                errs.first().map(|e| e.code),
                "parse fails as parse_all"
            );
            return;
        }
    };
    let json = serde_json::to_string(p.doc()).unwrap();
    match Policy::parse(&json) {
        Ok(again) => assert_eq!(
            again.hash(),
            p.hash(),
            "the same policy as JSON hashes the same"
        ),
        Err(e) => panic!("an accepted policy written as JSON reads back: {e}\n{json}"),
    }
    let root = "scopes: [{ id: org }]";
    let Ok(dir) = Directory::parse(&p, root) else {
        return; // a forbid rule names a scope this directory lacks
    };
    let p = Arc::new(p);
    let eval = Evaluator::new(p.clone(), dir).unwrap();
    for action in p.action_names().take(64) {
        let q = Query::action("nobody", action, "org").resource(&[]);
        if let Ok(d) = check::query(&eval, &q, false) {
            assert!(!d.allowed, "deny by default: {action} with no assignment");
        }
    }
}

/// `directory`: any text as a directory for each example policy. Errors, never panics; an
/// accepted directory passes the invariants of [`exercise`].
pub fn directory(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for p in examples() {
        match Directory::parse_all(p, text) {
            Ok(dir) => {
                let first = Directory::parse(p, text).map(|_| ());
                assert_eq!(first, Ok(()), "parse accepts what parse_all accepts");
                exercise(&Evaluator::new(p.clone(), dir).unwrap());
            }
            Err(errs) => {
                assert!(
                    !errs.is_empty(),
                    "a refused directory names at least one error"
                );
                for e in &errs {
                    let _ = rolecall::locate(text, &e.path);
                }
            }
        }
    }
}

/// `testfile`: any text as a policy test file, with a loader that finds no file. Errors,
/// never panics.
pub fn testfile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut load = |path: &str| Err(format!("no file `{path}` in the fuzzer"));
    if let Ok(report) = run_test_file(text, &mut load) {
        assert_eq!(report.passed() + report.failed(), report.cases.len());
    }
}

/// `snapshot_json`: any text as a client snapshot. Under another policy hash it is refused with
/// `policy_mismatch`; under the right one it loads or is refused with `invalid_value`, and a
/// loaded one passes the single-query invariants at every scope it names.
pub fn snapshot_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut snap) = Snapshot::from_json(text) else {
        return;
    };
    let again = Snapshot::from_json(&snap.to_json()).unwrap();
    assert_eq!(again, snap, "a snapshot survives JSON");
    let policies = examples();
    let policy = match policies.iter().find(|p| p.hash() == snap.policy_hash) {
        Some(p) => p.clone(),
        None => {
            let refused = Evaluator::from_snapshot(policies[0].clone(), &snap);
            assert_eq!(
                refused.err().map(|e| e.code),
                Some(ErrorCode::PolicyMismatch),
                "a snapshot under another policy hash is refused"
            );
            // Go on under a real hash, so the rest of the input is exercised too.
            let p = policies[snap.subject.len() % policies.len()].clone();
            snap.policy_hash = p.hash().to_owned();
            p
        }
    };
    let client = match Evaluator::from_snapshot(policy, &snap) {
        Ok(c) => c,
        Err(e) => {
            // Refused as invalid, or as over a documented limit (an id over MAX_ID_LEN).
            assert!(
                matches!(e.code, ErrorCode::InvalidValue | ErrorCode::LimitExceeded),
                "a bad snapshot is invalid_value or limit_exceeded: {e:?}"
            );
            return;
        }
    };
    let mut scopes: Vec<&str> = snap.scopes.iter().map(|s| s.id.as_str()).take(8).collect();
    scopes.push("nowhere");
    for subject in [snap.subject.as_str(), "nobody"] {
        for scope in &scopes {
            for action in client.policy().action_names().take(12) {
                for now in [None, Some(Timestamp(0))] {
                    let q = Query {
                        subject,
                        target: Target::Action(action),
                        scope,
                        context: &[],
                        resource: &[],
                        now,
                    };
                    if let Err(e) = check::query(&client, &q, false) {
                        assert_ne!(e.code, ErrorCode::UnknownScope, "a snapshot hides scopes");
                    }
                }
            }
            let _ = client.allowed_actions(subject, scope, &[], Some(Timestamp(0)));
        }
    }
    let _ = client.snapshot(&snap.subject);
    let _ = client.effective_permissions();
}

/// `evaluate`: see [`evaluate::run`].
pub fn evaluate(data: &[u8]) {
    evaluate::run(data);
}

/// The invariants of a loaded evaluator over a bounded sample of its subjects, scopes and
/// actions: single queries, bulk forms, snapshots, administration and the effective report.
pub fn exercise(eval: &Evaluator) {
    let mut subjects: Vec<String> = eval
        .directory()
        .subject_ids()
        .take(4)
        .map(str::to_owned)
        .collect();
    subjects.push("nobody".into());
    let mut scopes: Vec<String> = eval
        .directory()
        .scope_ids()
        .take(4)
        .map(str::to_owned)
        .collect();
    scopes.push("nowhere".into());
    let actions: Vec<String> = eval
        .policy()
        .action_names()
        .take(12)
        .map(str::to_owned)
        .collect();
    let now = Some(Timestamp(0));
    let mut targets = Vec::new();
    for subject in &subjects {
        for scope in &scopes {
            for action in &actions {
                let attr = eval
                    .policy()
                    .doc()
                    .actions
                    .get(action)
                    .and_then(|a| a.distinct_from.clone());
                let resource: Vec<(&str, &str)> =
                    attr.iter().map(|a| (a.as_str(), check::OTHER)).collect();
                let q = Query {
                    subject,
                    target: Target::Action(action),
                    scope,
                    context: &[],
                    resource: &resource,
                    now,
                };
                let _ = check::query(eval, &q, true);
                targets.push((action.clone(), scope.clone()));
            }
            if let Some(action) = actions.first() {
                check::bulk(eval, subject, scope, action, &[], now);
            }
            if let (Some(role), Some(actor)) = (eval.policy().role_names().next(), subjects.first())
            {
                check::assign(
                    eval,
                    &rolecall::model::AssignDoc {
                        actor: rolecall::model::Text(actor.clone()),
                        subject: rolecall::model::Text("fuzz_probe".into()),
                        role: role.to_owned(),
                        scope: rolecall::model::Text(scope.clone()),
                        context: Default::default(),
                    },
                );
            }
        }
    }
    targets.truncate(48);
    for subject in &subjects {
        check::snapshot(eval, subject, &targets, &[], now);
    }
    let _ = eval.effective_permissions();
    assert!(rolecall::diff(eval, eval).is_empty(), "diff(a, a) is empty");
}
