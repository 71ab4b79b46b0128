//! Hostile input where text and queries enter the core (issue 20): names over their documented
//! length are refused by their length before any "did you mean" work, hint work is bounded for
//! every name within it, unpaired surrogates are `invalid_value` in JSON and YAML alike (never
//! U+FFFD), and adding an assignment the directory already holds changes nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rolecall::limits::{MAX_ID_LEN, MAX_NAME_LEN};
use rolecall::model::AssignmentDoc;
use rolecall::{from_json, Directory, ErrorCode, Evaluator, Policy, Query};
use std::time::{Duration, Instant};

const POLICY: &str = "rolecall: 1
resources: { refunds: {} }
dimensions: [country]
actions:
  refunds.create: { requires: refunds:manage }
roles:
  support: { grants: { refunds: [manage] } }
";
const DIRECTORY: &str = "scopes: [{ id: org }, { id: acme-cl, parent: org }]
assignments: [{ subject: alice, role: support, scope: org }]
";

fn evaluator() -> Evaluator {
    Evaluator::from_text(POLICY, DIRECTORY).unwrap()
}

/// A budget loose enough for a debug build on a busy machine; a release build takes microseconds.
const QUICK: Duration = Duration::from_millis(500);

#[test]
fn a_megabyte_name_in_a_query_is_refused_by_its_length_without_a_hint() {
    let e = evaluator();
    let huge = "x".repeat(1 << 20);
    let permission = format!("refunds:{huge}");
    let queries = [
        ("action", Query::action("alice", &huge, "org")),
        ("scope", Query::action("alice", "refunds.create", &huge)),
        ("subject", Query::action(&huge, "refunds.create", "org")),
        ("permission", Query::permission("alice", &permission, "org")),
    ];
    for (what, q) in queries {
        let started = Instant::now();
        let err = e.check(&q).expect_err(what);
        assert!(started.elapsed() < QUICK, "{what}: {:?}", started.elapsed());
        assert_eq!(err.code, ErrorCode::LimitExceeded, "{what}: {err}");
        assert_eq!(err.path, what);
        assert!(
            err.help.is_none(),
            "{what}: no hint for a name that cannot be a typo"
        );
        assert!(
            err.message.len() < 200,
            "the name is not quoted: {}",
            err.message
        );
    }
    let ctx = [(huge.as_str(), "CL")];
    let err = e
        .check(&Query::action("alice", "refunds.create", "org").context(&ctx))
        .expect_err("dimension");
    assert_eq!(err.code, ErrorCode::LimitExceeded);
    let err = e
        .allowed_actions("alice", &huge, &[], None)
        .expect_err("bulk");
    assert_eq!(err.code, ErrorCode::LimitExceeded);
}

#[test]
fn names_at_the_limit_are_still_looked_up_and_hinted() {
    let e = evaluator();
    let err = e
        .check(&Query::action("alice", "refunds.creat", "org"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownAction);
    assert!(err.help.is_some());
    let long_action = format!("{}.{}", "a".repeat(MAX_NAME_LEN), "b".repeat(MAX_NAME_LEN));
    let err = e
        .check(&Query::action("alice", &long_action, "org"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownAction, "{err}");
    let scope = "s".repeat(MAX_ID_LEN);
    let err = e
        .check(&Query::action("alice", "refunds.create", &scope))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownScope, "{err}");
    // A subject at the limit is just unknown: it holds nothing.
    let subject = "u".repeat(MAX_ID_LEN);
    assert!(!e
        .can(&Query::action(&subject, "refunds.create", "org"))
        .unwrap());
}

#[test]
fn hint_work_is_bounded_for_a_name_within_the_limit_among_many_names() {
    // 200,000 scopes of 200 bytes each: a hint for a 256-byte unknown scope compared with every
    // one of them was 10^10 character pairs; the budget stops it after a few million.
    let mut dir = String::from("{\"scopes\":[{\"id\":\"org\"}");
    for i in 0..200_000 {
        dir.push_str(&format!(
            ",{{\"id\":\"{}{i:06}\",\"parent\":\"org\"}}",
            "s".repeat(194)
        ));
    }
    dir.push_str("]}");
    let e = Evaluator::from_text(POLICY, &dir).unwrap();
    let unknown = "z".repeat(MAX_ID_LEN);
    let started = Instant::now();
    let err = e
        .check(&Query::action("alice", "refunds.create", &unknown))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownScope);
    assert!(started.elapsed() < QUICK, "{:?}", started.elapsed());
}

#[test]
fn an_unpaired_surrogate_is_invalid_value_in_json_and_yaml_never_u_fffd() {
    let p = Policy::parse(POLICY).unwrap();
    for escape in ["\\ud800", "\\udc00", "\\ud800\\u0041", "\\udbff\\udbff"] {
        let json = format!(
            r#"{{"scopes":[{{"id":"org"}}],"assignments":[{{"subject":"f{escape}","role":"support","scope":"org"}}]}}"#
        );
        let yaml = format!(
            "scopes: [{{ id: org }}]\nassignments: [{{ subject: \"f{escape}\", role: support, scope: org }}]\n"
        );
        for (what, text) in [("json", &json), ("yaml", &yaml)] {
            let e = Directory::parse(&p, text).expect_err(what);
            assert_eq!(e.code, ErrorCode::InvalidValue, "{what} {escape}: {e}");
            assert!(e.location.is_some(), "{what}: located");
        }
        let query = format!(r#"{{"subject":"f{escape}","action":"refunds.create","scope":"org"}}"#);
        let e = from_json::<rolecall::model::QueryDoc>(&query).expect_err("query");
        assert_eq!(e.code, ErrorCode::InvalidValue, "query {escape}: {e}");
    }
    // A pair is one character, and U+FFFD itself is an ordinary one: they stay distinct ids.
    let ok = r#"{"scopes":[{"id":"org"}],"assignments":[{"subject":"f\ud83d\ude00","role":"support","scope":"org"},{"subject":"f\ufffd","role":"support","scope":"org"}]}"#;
    Directory::parse(&p, ok).unwrap();
}

#[test]
fn adding_an_assignment_the_directory_holds_changes_nothing() {
    let mut e = evaluator();
    let a: AssignmentDoc =
        from_json(r#"{"subject":"bob","role":"support","scope":"acme-cl"}"#).unwrap();
    let first = e.add_assignment(a.clone()).unwrap();
    for _ in 0..20 {
        assert_eq!(e.add_assignment(a.clone()).unwrap(), first);
    }
    assert_eq!(e.directory().doc().assignments.len(), 2);
    // A different one (another scope, or a context) is a new assignment.
    let other: AssignmentDoc =
        from_json(r#"{"subject":"bob","role":"support","scope":"org"}"#).unwrap();
    assert_eq!(e.add_assignment(other).unwrap(), 2);
    let loaded: AssignmentDoc =
        from_json(r#"{"subject":"alice","role":"support","scope":"org"}"#).unwrap();
    assert_eq!(
        e.add_assignment(loaded).unwrap(),
        0,
        "one loaded from text too"
    );
}

#[test]
fn a_snapshot_of_a_subject_over_the_id_limit_is_refused_not_an_evaluator_no_query_can_name() {
    // Found by fuzzing: the evaluator was built, then every query for its subject was refused.
    let e = evaluator();
    let mut snap = e.snapshot("alice");
    snap.subject = "a".repeat(MAX_ID_LEN + 32);
    let err = Evaluator::from_snapshot(e.policy().clone(), &snap)
        .err()
        .unwrap();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::LimitExceeded, "subject")
    );
    snap.subject = "a".repeat(MAX_ID_LEN);
    assert!(Evaluator::from_snapshot(e.policy().clone(), &snap).is_ok());
}
