//! The binding's who-can, permission reference and access-report export, natively (issue 18).
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use rolecall_wasm::ffi;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

fn payments() -> (Arc<rolecall::Policy>, rolecall::Evaluator) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies/payments");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let policy = Arc::new(ffi::parse_policy(&read("policy.yaml")).unwrap());
    let eval = ffi::new_evaluator(&policy, &read("directory.yaml")).unwrap();
    (policy, eval)
}

#[test]
fn who_can_takes_an_action_a_scope_and_the_query_options() {
    let (_, eval) = payments();
    let req = r#"{"action":"refunds.create","scope":"acme-cl","context":{"country":"CL"},"now":"2026-01-01T00:00:00Z"}"#;
    let v: Value = serde_json::from_str(&ffi::who_can(&eval, req).unwrap()).unwrap();
    let names: Vec<&str> = v["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["subject"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ada", "carla", "olga", "oscar"]);
    assert_eq!(v["allowed"][1]["sources"][0]["context"], "country: CL");
}

#[test]
fn who_can_refuses_a_request_without_a_target_or_with_an_unknown_field() {
    let (_, eval) = payments();
    let e = ffi::who_can(&eval, r#"{"scope":"org"}"#).unwrap_err();
    assert_eq!(e.code, "invalid_value");
    let e = ffi::who_can(
        &eval,
        r#"{"action":"refunds.create","scope":"org","subject":"x"}"#,
    )
    .unwrap_err();
    assert_eq!(e.code, "unknown_field");
}

#[test]
fn the_reference_is_the_cores_as_json() {
    let (policy, _) = payments();
    let v: Value = serde_json::from_str(&ffi::reference(&policy).unwrap()).unwrap();
    assert_eq!(v["actions"][4]["allowed_by"], "Admin only");
    assert_eq!(v["actions"].as_array().unwrap().len(), 35);
}

#[test]
fn the_access_report_is_csv_or_json() {
    let (_, eval) = payments();
    let csv = ffi::access_report(&eval, "csv").unwrap();
    assert!(csv.starts_with("subject,kind,scope,permission,source,context\r\n"));
    let json: Value = serde_json::from_str(&ffi::access_report(&eval, "json").unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len() + 1, csv.lines().count());
    assert_eq!(
        ffi::access_report(&eval, "xlsx").unwrap_err().code,
        "invalid_value"
    );
}
