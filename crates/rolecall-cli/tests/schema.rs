//! `rolecall schema`: JSON Schema of the input formats, generated from the core's model types.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;
use serde_json::Value;

fn schema(args: &[&str]) -> Value {
    let mut all = vec!["schema"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_policy_schema_requires_the_format_version_and_rejects_unknown_fields() {
    let s = schema(&["policy"]);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["title"], "PolicyDoc");
    assert_eq!(s["required"], serde_json::json!(["rolecall"]));
    assert_eq!(s["additionalProperties"], false);
    assert!(s["properties"]["roles"].is_object());
}

#[test]
fn the_directory_schema_describes_scopes_assignments_grants_and_api_keys() {
    let s = schema(&["directory"]);
    assert_eq!(s["title"], "DirectoryDoc");
    for field in ["scopes", "assignments", "grants", "api_keys"] {
        assert!(s["properties"][field].is_object(), "{field}");
    }
}

#[test]
fn the_test_schema_requires_policy_directory_and_cases() {
    let s = schema(&["test"]);
    assert_eq!(s["title"], "TestFileDoc");
    let required: Vec<&str> = s["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["policy", "directory", "cases"]);
}

#[test]
fn without_an_argument_all_three_are_under_defs() {
    let s = schema(&[]);
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    for name in [
        "PolicyDoc",
        "DirectoryDoc",
        "TestFileDoc",
        "RoleDoc",
        "CaseDoc",
    ] {
        assert!(s["$defs"][name].is_object(), "{name} missing");
    }
    // Every reference resolves inside the document.
    let text = s.to_string();
    for r in text.split("\"$ref\":\"#/$defs/").skip(1) {
        let name = r.split('"').next().unwrap();
        assert!(s["$defs"][name].is_object(), "dangling $ref to {name}");
    }
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let (code, _, err) = run(&["schema", "polcy"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("possible values: policy, directory, test"),
        "{err}"
    );
}

#[test]
fn a_case_reason_is_one_of_the_cores_codes() {
    for s in [schema(&["test"]), schema(&[])] {
        let codes = s["$defs"]["CaseDoc"]["properties"]["reason"]["enum"]
            .as_array()
            .unwrap()
            .clone();
        let expected: Vec<Value> = rolecall::case_codes()
            .map(Value::from)
            .chain([Value::Null])
            .collect();
        assert_eq!(codes, expected);
        assert!(codes.contains(&Value::from("missing_permission")));
        assert!(codes.contains(&Value::from("unknown_action")));
    }
}
