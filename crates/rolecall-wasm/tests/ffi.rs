//! The binding's surface, natively: every JS-facing operation is an `ffi` function (text in,
//! wire values out), so its behaviour is pinned here without a JavaScript engine. A value's JSON
//! here is the object serde-wasm-bindgen hands to JavaScript (same serde, maps as objects).
#![allow(clippy::unwrap_used, clippy::panic)]

use rolecall_wasm::ffi;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A returned value as JSON: the shape the JS object has.
fn json_of<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn payments() -> (Arc<rolecall::Policy>, rolecall::Evaluator) {
    let dir = examples().join("payments");
    let policy = Arc::new(ffi::parse_policy(&read(&dir.join("policy.yaml"))).unwrap());
    let eval = ffi::new_evaluator(&policy, &read(&dir.join("directory.yaml"))).unwrap();
    (policy, eval)
}

#[test]
fn every_example_test_file_passes_through_the_binding() {
    let mut total = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let dir = entry.unwrap().path();
        let file = dir.join("tests.yaml");
        if !file.exists() {
            continue;
        }
        let mut load = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        let report: Value = json_of(ffi::run_test_file(&read(&file), &mut load).unwrap());
        assert_eq!(report["failed"], 0, "{}: {report:#}", file.display());
        total += report["passed"].as_u64().unwrap();
    }
    assert!(total >= 159, "only {total} cases ran");
}

#[test]
fn a_decision_crosses_with_reason_message_and_both_lists() {
    let (_, eval) = payments();
    let q = json!({ "subject": "oscar", "action": "refunds.create", "scope": "acme-cl" });
    let d: Value = json_of(ffi::check(&eval, &q.to_string()).unwrap());
    assert_eq!(d["allowed"], true);
    assert_eq!(d["reason"], "granted");
    assert_eq!(d["missing"], json!([]));
    let q = json!({ "subject": "nobody", "action": "refunds.create", "scope": "acme-cl" });
    let d: Value = json_of(ffi::check(&eval, &q.to_string()).unwrap());
    assert_eq!(d["reason"], "missing_permission");
    assert_eq!(d["missing"], json!(["refunds:manage"]));
}

#[test]
fn input_errors_cross_as_data_with_code_path_and_help() {
    let (_, eval) = payments();
    let q = json!({ "subject": "oscar", "action": "refunds.crate", "scope": "org" });
    let e = ffi::check(&eval, &q.to_string()).unwrap_err();
    assert_eq!(e.code, "unknown_action");
    assert_eq!(e.path, "action");
    assert!(e.help.unwrap().contains("refunds.create"));
}

#[test]
fn a_policy_error_names_the_policy_and_its_line() {
    let e = ffi::parse_policy("rolecall: 1\nroles:\n  a: { includes: [b] }\n").unwrap_err();
    assert_eq!(e.code, "unknown_role");
    assert_eq!(e.origin.as_deref(), Some("policy"));
    assert_eq!(e.line, Some(3));
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["code"], "unknown_role");
}

#[test]
fn malformed_json_input_is_a_syntax_error_with_its_location() {
    let (_, eval) = payments();
    let e = ffi::check(&eval, "{\"subject\": \"a\",\n \"scope\": [}\n").unwrap_err();
    assert_eq!(e.code, "syntax");
    assert_eq!(e.origin.as_deref(), Some("query"));
    assert_eq!(e.line, Some(2));
}

#[test]
fn a_snapshot_under_another_policy_is_policy_mismatch() {
    let (_, eval) = payments();
    let snap = ffi::snapshot(&eval, "oscar").to_json();
    let other =
        Arc::new(ffi::parse_policy(&read(&examples().join("payouts/policy.yaml"))).unwrap());
    let e = ffi::from_snapshot(&other, &snap).unwrap_err();
    assert_eq!(e.code, "policy_mismatch");
    assert_eq!(e.origin.as_deref(), Some("snapshot"));
}

/// The fast path gives `check`'s answer wherever the SDK takes it: every subject, every action
/// without `distinct_from`, every scope, with no context or resource.
#[test]
fn the_prepared_path_agrees_with_check_everywhere_it_applies() {
    for name in [
        "payments",
        "payouts",
        "admin-console",
        "planning",
        "role-allocation",
    ] {
        let dir = examples().join(name);
        let policy = Arc::new(ffi::parse_policy(&read(&dir.join("policy.yaml"))).unwrap());
        let eval = ffi::new_evaluator(&policy, &read(&dir.join("directory.yaml"))).unwrap();
        let skip = ffi::actions_needing_resource(&policy);
        let now = "2026-01-01T00:00:00Z";
        let now_ms = rolecall::Timestamp::parse(now).unwrap();
        let subjects: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
        let scopes: Vec<String> = eval.directory().scope_ids().map(str::to_owned).collect();
        for subject in subjects.iter().map(String::as_str).chain(["nobody"]) {
            let s = eval.subject_handle(subject);
            for action in policy.action_names() {
                let a = policy.action_id(action).unwrap();
                if skip.contains(&a) {
                    continue;
                }
                let mut pairs = Vec::new();
                let mut expected = Vec::new();
                for scope in &scopes {
                    let sc = eval.scope_handle(scope).unwrap();
                    let q =
                        json!({ "subject": subject, "action": action, "scope": scope, "now": now });
                    let want = ffi::can(&eval, &q.to_string()).unwrap();
                    assert_eq!(
                        eval.can_prepared(s, a, sc, Some(now_ms)),
                        want,
                        "{name}: {subject} {action} {scope}"
                    );
                    pairs.extend([a, sc]);
                    expected.push(u8::from(want));
                }
                assert_eq!(ffi::can_many(&eval, s, &pairs, Some(now_ms)), expected);
            }
        }
    }
}

#[test]
fn expiring_keys_are_the_only_subjects_that_need_the_clock() {
    let (_, eval) = payments();
    let expiring = ffi::expiring_subjects(&eval);
    assert_eq!(expiring, vec![eval.subject_handle("key_legacy")]);
}

#[test]
fn bulk_forms_take_a_json_request() {
    let (_, eval) = payments();
    let r = json!({ "subject": "oscar", "scope": "acme-cl" });
    let actions: Vec<String> = ffi::allowed_actions(&eval, &r.to_string()).unwrap();
    assert!(actions.iter().any(|a| a == "refunds.create"));
    // sam holds support at acme-mx only: downward inheritance, never up or sideways.
    let r = json!({ "subject": "sam", "action": "links.view_section" });
    let scopes: Vec<String> = ffi::scopes_where(&eval, &r.to_string()).unwrap();
    assert_eq!(scopes, ["acme-mx"]);
    let e = ffi::allowed_actions(
        &eval,
        &json!({ "subject": "a", "scope": "nowhere" }).to_string(),
    )
    .unwrap_err();
    assert_eq!(e.code, "unknown_scope");
}

#[test]
fn millis_are_none_for_nan() {
    assert_eq!(ffi::millis(f64::NAN), None);
    assert_eq!(ffi::millis(0.0), Some(rolecall::Timestamp::from_millis(0)));
}

#[test]
fn live_updates_take_json_and_return_the_index_or_the_removed_item() {
    let (_, mut eval) = payments();
    let zoe = json!({ "subject": "zoe", "role": "operations", "scope": "acme-cl" });
    let before = json_of(ffi::directory(&eval));
    let i = ffi::add_assignment(&mut eval, &zoe.to_string()).unwrap();
    let doc: Value = json_of(ffi::directory(&eval));
    // Stored with the id generated from its content (docs/format.md).
    let id = ffi::assignment_id(&eval, i).unwrap();
    assert!(id.starts_with("a_"), "{id}");
    let mut held = zoe.clone();
    held["id"] = json!(id);
    assert_eq!(doc["assignments"][i as usize], held);
    let removed: Value = json_of(ffi::remove_assignment(&mut eval, i).unwrap());
    assert_eq!(removed, held);
    assert_eq!(json_of(ffi::directory(&eval)), before);
    // Again, removed by the id this time.
    let i = ffi::add_assignment(&mut eval, &zoe.to_string()).unwrap();
    assert_eq!(ffi::assignment_id(&eval, i).as_deref(), Some(id.as_str()));
    let removed: Value = json_of(ffi::remove_assignment_by_id(&mut eval, &id).unwrap());
    assert_eq!(removed, held);
    let e = ffi::remove_assignment_by_id(&mut eval, &id).unwrap_err();
    assert_eq!(e.code, "unknown_assignment");
    assert_eq!(json_of(ffi::directory(&eval)), before);
}

#[test]
fn a_rejected_live_update_is_error_data_naming_its_input() {
    let (_, mut eval) = payments();
    let before = json_of(ffi::directory(&eval));
    let bad = json!({ "subject": "zoe", "role": "operatons", "scope": "org" });
    let e = ffi::add_assignment(&mut eval, &bad.to_string()).unwrap_err();
    assert_eq!(e.code, "unknown_role");
    assert_eq!(e.origin.as_deref(), Some("assignment"));
    let e = ffi::add_grant(&mut eval, "{ not json").unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.origin.as_deref()),
        ("syntax", Some("grant"))
    );
    let e = ffi::remove_api_key(&mut eval, "no_such_key").unwrap_err();
    assert_eq!(e.code, "unknown_assignment");
    assert_eq!(json_of(ffi::directory(&eval)), before);
}

#[test]
fn allowed_bits_hold_exactly_the_answers_of_a_query_at_a_scope() {
    let (policy, eval) = payments();
    let names: Vec<&str> = policy.action_names().collect();
    for subject in ["ada", "oscar", "carla", "bob", "key_ci", "nobody"] {
        let s = eval.subject_handle(subject);
        for scope in ["org", "acme-cl", "acme-mx"] {
            let sc = eval.scope_handle(scope).unwrap();
            let bits = ffi::allowed_bits(&eval, s, sc);
            assert_eq!(bits.len(), names.len().div_ceil(32));
            for (a, action) in names.iter().enumerate() {
                let bit = bits[a / 32] >> (a % 32) & 1 == 1;
                // The JSON query path; where it needs a resource or a time the bits say no.
                let q = json!({ "subject": subject, "action": action, "scope": scope });
                let want = match ffi::can(&eval, &q.to_string()) {
                    Ok(allowed) => allowed,
                    Err(e)
                        if ["missing_resource_attribute", "missing_time"]
                            .contains(&e.code.as_str()) =>
                    {
                        false
                    }
                    Err(e) => panic!("{subject} {action} {scope}: {e:?}"),
                };
                assert_eq!(bit, want, "{subject} {action} {scope}");
            }
        }
    }
}
