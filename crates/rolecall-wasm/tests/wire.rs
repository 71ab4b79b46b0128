//! The wire types (`src/wire.rs`) against the core's values: each mirror reads the core's JSON of
//! real values (it refuses unknown fields) and writes it back unchanged, so a field added,
//! renamed or retyped on either side fails here. The codes match the core's one list.
#![allow(clippy::unwrap_used, clippy::panic)]

use rolecall_wasm::{ffi, wire};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn evaluator(example: &str) -> rolecall::Evaluator {
    let dir = examples().join(example);
    let policy = Arc::new(ffi::parse_policy(&read(&dir.join("policy.yaml"))).unwrap());
    ffi::new_evaluator(&policy, &read(&dir.join("directory.yaml"))).unwrap()
}

/// `core`'s JSON read into the mirror `M` and written back: the same JSON.
fn mirrors<M: DeserializeOwned + Serialize>(core: impl Serialize) {
    let original = serde_json::to_value(core).unwrap();
    let wire: M = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{}: {e}\n{original:#}", std::any::type_name::<M>()));
    assert_eq!(serde_json::to_value(wire).unwrap(), original);
}

const EXAMPLES: [&str; 5] = [
    "payments",
    "payouts",
    "planning",
    "admin-console",
    "role-allocation",
];

#[test]
fn the_reason_and_error_unions_are_the_cores_lists() {
    let reasons: Vec<Value> = rolecall::Reason::ALL
        .iter()
        .map(|r| json!(r.as_str()))
        .collect();
    for r in &reasons {
        let w: wire::Reason = serde_json::from_value(r.clone()).unwrap();
        assert_eq!(&serde_json::to_value(w).unwrap(), r);
    }
    for c in rolecall::ErrorCode::ALL {
        let w: wire::ErrorCode = serde_json::from_value(json!(c.as_str())).unwrap();
        assert_eq!(serde_json::to_value(w).unwrap(), json!(c.as_str()));
    }
}

#[test]
fn directories_snapshots_prepared_snapshots_and_effective_reports_mirror_the_cores() {
    for example in EXAMPLES {
        let eval = evaluator(example);
        mirrors::<wire::DirectoryDocument>(ffi::directory(&eval));
        mirrors::<Vec<wire::EffectiveEntry>>(ffi::effective_permissions(&eval));
        let doc = ffi::directory(&eval);
        let subjects = doc
            .assignments
            .iter()
            .map(|a| a.subject.0.clone())
            .chain(doc.api_keys.iter().map(|k| k.id.0.clone()));
        for subject in subjects {
            mirrors::<wire::Snapshot>(ffi::snapshot(&eval, &subject));
            let prepared: Value =
                serde_json::from_str(&ffi::prepared_snapshot(&eval, &subject).unwrap()).unwrap();
            assert!(prepared.get("decisions").is_some());
            mirrors::<wire::Snapshot>(prepared);
        }
    }
}

#[test]
fn decisions_mirror_the_cores_with_both_lists_always_present() {
    let eval = evaluator("payments");
    for q in [
        json!({ "subject": "oscar", "action": "refunds.create", "scope": "acme-cl" }),
        json!({ "subject": "nobody", "action": "refunds.create", "scope": "acme-cl" }),
    ] {
        let core = eval
            .check_doc(&serde_json::from_value(q.clone()).unwrap())
            .unwrap();
        let expected = serde_json::to_value(&core).unwrap();
        assert!(expected["sources"].is_array() && expected["missing"].is_array());
        let wire = ffi::check(&eval, &q.to_string()).unwrap();
        assert_eq!(serde_json::to_value(&wire).unwrap(), expected);
        mirrors::<wire::Decision>(wire);
    }
}

#[test]
fn test_reports_and_diffs_mirror_the_cores() {
    let dir = examples().join("payments");
    let mut load = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let report = ffi::run_test_file(&read(&dir.join("tests.yaml")), &mut load).unwrap();
    assert!(!report.cases.is_empty());
    mirrors::<wire::TestReport>(report);
    let before = evaluator("payments");
    let mut after = evaluator("payments");
    let zoe = json!({ "subject": "zoe", "role": "operations", "scope": "acme-cl" });
    ffi::add_assignment(&mut after, &zoe.to_string()).unwrap();
    let diff = ffi::diff(&before, &after);
    assert!(!diff.changes.is_empty());
    mirrors::<wire::AccessDiff>(diff);
}

#[test]
fn requests_mirror_the_cores() {
    mirrors::<wire::AssignRequest>(rolecall::model::AssignDoc {
        actor: rolecall::model::Text("alice".into()),
        subject: rolecall::model::Text("bob".into()),
        role: "operations".into(),
        scope: rolecall::model::Text("org".into()),
        ..Default::default()
    });
    mirrors::<wire::CopyRequest>(rolecall::model::CopyDoc::default());
}

#[test]
fn custom_roles_mirror_the_cores() {
    let policy = Arc::new(
        ffi::parse_policy(
            "rolecall: 1\nresources: { refunds: {} }\nroles: { viewer: { grants: { refunds: [view] } } }\n",
        )
        .unwrap(),
    );
    let eval = ffi::new_evaluator(
        &policy,
        r#"{ "scopes": [{ "id": "org" }, { "id": "acme", "parent": "org" }],
             "roles": [{ "id": "clerk", "label": "Clerk", "scope": "acme", "includes": ["viewer"],
                         "grants": { "refunds": ["manage"] }, "actions": [], "assignable": true },
                       { "id": "unused", "scope": "org" }],
             "assignments": [{ "subject": "carl", "role": "clerk", "scope": "acme" }] }"#,
    )
    .unwrap();
    let doc = ffi::directory(&eval);
    assert_eq!(doc.roles.len(), 2);
    mirrors::<wire::DirectoryDocument>(doc);
    let snap = ffi::snapshot(&eval, "carl");
    assert_eq!(snap.roles.len(), 1);
    mirrors::<wire::Snapshot>(snap);
    mirrors::<wire::DefineRequest>(rolecall::model::DefineDoc {
        actor: rolecall::model::Text("alice".into()),
        role: doc_role(),
    });
    mirrors::<wire::CustomRole>(doc_role());
}

fn doc_role() -> rolecall::model::CustomRoleDoc {
    rolecall::model::CustomRoleDoc {
        id: rolecall::model::Text("clerk".into()),
        label: Some("Clerk".into()),
        scope: rolecall::model::Text("acme".into()),
        includes: vec!["viewer".into()],
        actions: vec!["refunds.create".into()],
        assignable: Some(false),
        ..Default::default()
    }
}

#[test]
fn plans_mirror_the_cores() {
    let mut kinds = std::collections::BTreeSet::new();
    for example in EXAMPLES {
        let eval = evaluator(example);
        let subjects: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
        let actions: Vec<String> = eval.policy().action_names().map(str::to_owned).collect();
        for s in &subjects {
            for a in &actions {
                let request = json!({ "subject": s, "action": a, "now": "2026-01-01T00:00:00Z" });
                let plan = ffi::filter(&eval, &request.to_string()).unwrap();
                let v = serde_json::to_value(&plan).unwrap();
                kinds.insert(v["match"].as_str().unwrap().to_owned());
                mirrors::<wire::Plan>(plan);
            }
        }
    }
    for k in ["none", "all", "where"] {
        assert!(
            kinds.contains(k),
            "no `{k}` plan among the examples: {kinds:?}"
        );
    }
}

#[test]
fn who_can_answers_access_rows_and_references_mirror_the_cores() {
    let now = rolecall::Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
    // Every shape must be met at least once, or the mirror of that part is untested.
    let mut seen = std::collections::BTreeSet::new();
    for example in EXAMPLES {
        let eval = evaluator(example);
        let dir = examples().join(example);
        let policy = ffi::parse_policy(&read(&dir.join("policy.yaml"))).unwrap();
        let reference = policy.reference();
        seen.extend(reference.rules.iter().map(|r| format!("rule {}", r.kind)));
        mirrors::<wire::Reference>(&reference);
        let as_text: Value = serde_json::from_str(&ffi::reference(&policy).unwrap()).unwrap();
        assert_eq!(as_text, serde_json::to_value(&reference).unwrap());

        let rows = eval.access_report();
        seen.extend(rows.iter().map(|r| format!("row {}", r.kind.as_str())));
        mirrors::<Vec<wire::AccessRow>>(&rows);

        let actions: Vec<String> = eval.policy().action_names().map(str::to_owned).collect();
        let scopes: Vec<String> = eval.directory().scope_ids().map(str::to_owned).collect();
        for action in &actions {
            for scope in &scopes {
                let target = rolecall::Target::Action(action);
                let who = eval.who_can(target, scope, &[], &[], Some(now)).unwrap();
                for h in who.allowed.iter().chain(&who.review) {
                    seen.insert(format!("holder {}", h.kind.as_str()));
                    seen.extend(h.denied_by.map(|d| format!("denied_by {d}")));
                    if h.sources.iter().any(|s| s.context.is_some()) {
                        seen.insert("context".to_owned());
                    }
                }
                mirrors::<wire::WhoCan>(who);
            }
        }
    }
    for shape in [
        "holder user",
        "holder api_key",
        "denied_by context_mismatch",
        "denied_by except",
        "context",
        "row user",
        "row api_key",
    ] {
        assert!(
            seen.contains(shape),
            "no `{shape}` among the examples: {seen:?}"
        );
    }
}

#[test]
fn sql_columns_and_sql_mirror_the_cores() {
    let columns: rolecall::Columns = serde_json::from_value(json!({
        "scope": "p.scope_id",
        "context": { "country": "p.country" },
        "resource": { "created_by": "p.created_by" },
        "scope_tree": { "table": "scope_tree", "ancestor": "ancestor", "descendant": "descendant" },
        "offset": 2
    }))
    .unwrap();
    mirrors::<wire::Columns>(&columns);
    mirrors::<wire::Columns>(rolecall::Columns {
        scope: "scope_id".into(),
        ..Default::default()
    });
    let eval = evaluator("payments");
    let subjects: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
    let actions: Vec<String> = eval.policy().action_names().map(str::to_owned).collect();
    let mut with_values = 0;
    for s in &subjects {
        for a in &actions {
            let request = json!({ "subject": s, "action": a, "now": "2026-01-01T00:00:00Z" });
            let sql = ffi::filter(&eval, &request.to_string())
                .unwrap()
                .to_sql(&columns)
                .unwrap();
            with_values += usize::from(!sql.values.is_empty());
            mirrors::<wire::Sql>(sql);
        }
    }
    assert!(
        with_values > 0,
        "no plan with parameters among the payments example's"
    );
}
