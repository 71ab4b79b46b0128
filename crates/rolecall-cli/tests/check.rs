//! `rolecall check`: exit 0 on allow, 2 on deny, 1 on input errors; `--json` and `--explain`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;
use serde_json::Value;

/// `rolecall check policy.yaml -d directory.yaml ARGS...`
fn check(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["check", "policy.yaml", "-d", "directory.yaml"];
    all.extend_from_slice(args);
    run(&all)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

#[test]
fn an_allowed_action_prints_allow_with_its_source_and_exits_0() {
    let (code, out, _) = check(&["-s", "alice", "-a", "refunds.create", "--scope", "acme-cl"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn a_denied_action_prints_deny_with_the_reason_and_message_and_exits_2() {
    let (code, out, _) = check(&["-s", "sam", "-a", "refunds.create", "--scope", "org"]);
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "deny (out_of_scope): Requires Manage on Refunds in org\n  missing refunds:manage\n"
    );
}

#[test]
fn an_unknown_subject_holds_nothing_and_is_denied_not_an_error() {
    let (code, out, _) = check(&["-s", "nobody", "-a", "refunds.create", "--scope", "org"]);
    assert_eq!(code, 2);
    assert!(
        out.starts_with("deny (missing_permission): Requires Manage on Refunds"),
        "{out}"
    );
}

#[test]
fn a_context_flag_satisfies_an_assignment_context() {
    let base = ["-s", "carla", "-a", "refunds.create", "--scope", "org"];
    let (code, out, _) = check(&base);
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (context_mismatch)"), "{out}");
    let mut with = base.to_vec();
    with.extend(["--context", "country=CL"]);
    assert_eq!(check(&with).0, 0);
    let mut other = base.to_vec();
    other.extend(["--context", "country=MX"]);
    assert_eq!(check(&other).0, 2);
}

#[test]
fn a_resource_flag_feeds_distinct_from_and_self_approval_is_denied() {
    let q = ["-s", "pedro", "-a", "transfers.approve", "--scope", "org"];
    let mut other = q.to_vec();
    other.extend(["--resource", "created_by=paula"]);
    assert_eq!(check(&other).0, 0);
    let mut own = q.to_vec();
    own.extend(["-r", "created_by=pedro"]);
    let (code, out, _) = check(&own);
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (self_approval)"), "{out}");
}

#[test]
fn a_permission_query_is_decided_like_an_action() {
    let (code, out, _) = check(&["-s", "alice", "-p", "users:manage", "--scope", "acme-cl"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("granted by grant #0 (users:manage at org)"),
        "{out}"
    );
}

#[test]
fn a_single_action_grant_names_its_role() {
    let (code, out, _) = check(&["-s", "priya", "-a", "webhooks.send_test", "--scope", "org"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("granted by assignment #3 (role product at org)"),
        "{out}"
    );
}

#[test]
fn an_expiring_api_key_needs_now_and_is_expired_after_it() {
    let q = ["-s", "key_ci", "-a", "webhooks.send_test", "--scope", "org"];
    let (code, _, err) = check(&q);
    assert_eq!(code, 1);
    assert!(err.contains("error[missing_time]"), "{err}");
    assert!(err.contains("at `--now`"), "the note names the flag: {err}");
    let mut before = q.to_vec();
    before.extend(["--now", "2029-12-31T23:59:59Z"]);
    assert_eq!(check(&before).0, 0);
    let mut after = q.to_vec();
    after.extend(["--now", "2030-01-01T00:00:00Z"]);
    let (code, out, _) = check(&after);
    assert_eq!(code, 2);
    assert!(out.starts_with("deny (expired)"), "{out}");
}

#[test]
fn an_unknown_action_is_an_input_error_with_a_hint_and_exits_1() {
    let (code, out, err) = check(&["-s", "alice", "-a", "refunds.creat", "--scope", "org"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.contains("error[unknown_action]: unknown action `refunds.creat`"),
        "{err}"
    );
}

#[test]
fn an_unknown_scope_is_an_input_error() {
    let (code, _, err) = check(&["-s", "alice", "-a", "refunds.create", "--scope", "acme-ar"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[unknown_scope]"), "{err}");
}

#[test]
fn an_unknown_dimension_in_the_context_is_an_input_error() {
    let (code, _, err) = check(&[
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "-c",
        "region=x",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("error[unknown_dimension]"), "{err}");
}

#[test]
fn a_missing_resource_attribute_is_an_input_error() {
    let (code, _, err) = check(&["-s", "pedro", "-a", "transfers.approve", "--scope", "org"]);
    assert_eq!(code, 1);
    assert!(err.contains("error[missing_resource_attribute]"), "{err}");
}

#[test]
fn an_invalid_directory_is_an_error_located_in_its_file() {
    let (code, _, err) = run(&[
        "check",
        "policy.yaml",
        "-d",
        "invalid/directory-unknown-role.yaml",
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "org",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("invalid/directory-unknown-role.yaml:4:29"),
        "{err}"
    );
}

#[test]
fn a_bad_now_is_an_argument_error() {
    let (code, _, err) = check(&[
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--now",
        "soon",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("`soon` is not an RFC 3339 time"), "{err}");
}

#[test]
fn usage_errors_exit_1_so_that_2_always_means_deny() {
    let (code, _, err) = check(&["-s", "alice", "--scope", "org"]);
    assert_eq!(code, 1, "neither --action nor --permission: {err}");
    let (code, _, _) = check(&["-s", "alice", "-a", "x.y", "-p", "a:b", "--scope", "org"]);
    assert_eq!(code, 1, "both --action and --permission");
    let (code, _, err) = check(&[
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "-c",
        "country",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("`country` is not NAME=VALUE"), "{err}");
}

#[test]
fn json_prints_the_serialized_decision() {
    let (code, out, _) = check(&[
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "acme-cl",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v["allowed"], true);
    assert_eq!(v["reason"], "granted");
    assert_eq!(v["sources"][0]["kind"], "assignment");
    assert_eq!(v["sources"][0]["role"], "operations");
    assert_eq!(v["sources"][0]["scope"], "org");
    let (code, out, _) = check(&[
        "-s",
        "sam",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--json",
    ]);
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["allowed"], false);
    assert_eq!(v["reason"], "out_of_scope");
    assert_eq!(v["missing"][0], "refunds:manage");
    assert_eq!(v["message"], "Requires Manage on Refunds in org");
}

#[test]
fn json_errors_are_one_object_with_stable_fields_on_stdout() {
    let (code, out, _) = check(&[
        "-s",
        "alice",
        "-a",
        "refunds.creat",
        "--scope",
        "org",
        "--json",
    ]);
    assert_eq!(code, 1);
    let v = json(&out);
    let e = &v["error"];
    assert_eq!(e["code"], "unknown_action");
    assert_eq!(e["message"], "unknown action `refunds.creat`");
    assert_eq!(e["path"], "--action");
    for field in ["line", "column", "help", "origin"] {
        assert!(
            e.get(field).is_some(),
            "field `{field}` is always present: {v}"
        );
    }
}

#[test]
fn json_errors_in_a_file_carry_its_name_line_and_column() {
    let (code, out, _) = run(&[
        "check",
        "invalid/policy-unknown-role.yaml",
        "-d",
        "directory.yaml",
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--json",
    ]);
    assert_eq!(code, 1);
    let e = &json(&out)["error"];
    assert_eq!(e["code"], "unknown_role");
    assert_eq!(e["origin"], "invalid/policy-unknown-role.yaml");
    assert_eq!(e["line"], 6);
    assert_eq!(e["column"], 22);
    assert_eq!(e["path"], "roles.lead.includes[0]");
    assert_eq!(e["help"], "did you mean `operations`?");
}

#[test]
fn explain_names_the_assignment_role_and_scope_that_allowed() {
    let (code, out, _) = check(&[
        "-s",
        "alice",
        "-a",
        "refunds.create",
        "--scope",
        "acme-cl",
        "--explain",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
}

#[test]
fn explain_of_out_of_scope_shows_the_source_that_holds_it_elsewhere() {
    let (code, out, _) = check(&[
        "-s",
        "sam",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--explain",
    ]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(out);
}

#[test]
fn explain_of_context_mismatch_shows_the_source_under_another_context() {
    let (code, out, _) = check(&[
        "-s",
        "carla",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--explain",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.contains("nearest (holds what is missing, but not in this scope or context):"),
        "{out}"
    );
    assert!(
        out.contains("assignment #2 (role operations at org) [country: CL]: covers org, context not met, holds refunds:manage"),
        "{out}"
    );
}

#[test]
fn explain_of_a_missing_permission_says_nothing_held_grants_it() {
    let (code, out, _) = check(&[
        "-s",
        "priya",
        "-a",
        "users.invite",
        "--scope",
        "org",
        "--explain",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.contains("nearest: nothing the subject holds grants what is missing"),
        "{out}"
    );
    assert!(
        out.contains("other sources:\n  assignment #3 (role product at org)"),
        "{out}"
    );
}

#[test]
fn explain_of_a_single_action_grant_says_so() {
    let (code, out, _) = check(&[
        "-s",
        "priya",
        "-a",
        "webhooks.send_test",
        "--scope",
        "acme-cl",
        "--explain",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("holds the action webhooks.send_test as a single action"),
        "{out}"
    );
}

#[test]
fn explain_of_a_subject_without_sources_says_it_holds_nothing() {
    let (code, out, _) = check(&[
        "-s",
        "nobody",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--explain",
    ]);
    assert_eq!(code, 2);
    assert!(
        out.contains("`nobody` holds nothing in this directory"),
        "{out}"
    );
}

#[test]
fn explain_with_json_prints_the_trace() {
    let (code, out, _) = check(&[
        "-s",
        "sam",
        "-a",
        "refunds.create",
        "--scope",
        "org",
        "--explain",
        "--json",
    ]);
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["decision"]["reason"], "out_of_scope");
    let s = &v["sources"][0];
    assert_eq!(s["source"]["scope"], "acme-mx");
    assert_eq!(s["covers_scope"], false);
    assert_eq!(s["context_met"], true);
    assert_eq!(s["holds"][0], "refunds:manage");
}

#[test]
fn explain_of_an_api_key_notes_that_its_owner_must_hold_it_too() {
    let (code, out, _) = check(&[
        "-s",
        "key_wide",
        "-p",
        "webhooks:manage",
        "--scope",
        "org",
        "--explain",
    ]);
    assert_eq!(
        code, 2,
        "priya does not hold webhooks:manage, so neither does her key"
    );
    assert!(
        out.contains("API key key_wide (at org): covers org, holds webhooks:manage"),
        "{out}"
    );
    assert!(
        out.contains("note: an API key holds only what both the key and its owner hold"),
        "{out}"
    );
}
