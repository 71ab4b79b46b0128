//! `rolecall filter`: the plan as JSON, the SQL with its parameters, and errors that name the
//! flag (an unknown action, a column the plan needs and `--columns` does not map).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;
use serde_json::{json, Value};

fn filter(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["filter", "policy.yaml", "-d", "directory.yaml"];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn the_plan_is_printed_and_with_sql_the_condition_and_its_parameters() {
    let (code, out, err) = filter(&["-s", "carla", "-a", "refunds.create", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["plan"],
        json!({ "match": "where", "any_of": [{ "context": [{ "dimension": "country", "in": ["CL", "*"] }] }] })
    );
    assert_eq!(v["sql"], Value::Null);
    let columns = r#"{"scope":"scope_id","context":{"country":"country"},"offset":1}"#;
    let (code, out, err) = filter(&[
        "-s",
        "sam",
        "-a",
        "refunds.create",
        "--sql",
        "--columns",
        columns,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("WHERE \"scope_id\" = ANY($2::text[])\n  $2 = [\"acme-mx\"]\n"),
        "{out}"
    );
    let (code, out, _) = filter(&["-s", "nobody", "-a", "refunds.create"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        r#"{
  "match": "none"
}"#
    );
}

#[test]
fn errors_name_the_flag() {
    let (code, _, err) = filter(&["-s", "carla", "-a", "refunds.nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown_action"), "{err}");
    let (code, out, _) = filter(&[
        "-s",
        "carla",
        "-a",
        "refunds.create",
        "--sql",
        "--columns",
        r#"{"scope":"s"}"#,
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["path"], "--columns", "{out}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("country"),
        "{out}"
    );
    let (code, _, err) = filter(&["-s", "carla", "-a", "refunds.create", "--sql"]);
    assert_eq!(code, 1, "--sql needs --columns: {err}");
    let (code, out, _) = filter(&[
        "-s",
        "carla",
        "-a",
        "refunds.create",
        "--sql",
        "--columns",
        "{\"scope\": 5}",
        "--json",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("--columns"), "{out}");
}
