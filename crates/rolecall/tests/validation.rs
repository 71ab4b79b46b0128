//! SPEC section 2: every validation rule rejects bad input with its code, the path and the line.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rolecall::{Directory, ErrorCode, Policy};

const POLICY: &str = "rolecall: 1
resources:
  refunds: {}
  plans: {}
actions:
  refunds.create: { requires: refunds:manage }
roles:
  viewer: { grants: { \"*\": [view] } }
  owner: { grants: { plans: [manage] }, max_holders: 1, assignable_at: [hierarchy] }
  initiator: { grants: { refunds: [manage] } }
  approver: { grants: { refunds: [view] } }
dimensions: [country]
constraints:
  exclusive_roles: [[initiator, approver]]
";

fn policy_error(text: &str) -> rolecall::Error {
    Policy::parse(text).expect_err("the policy must be rejected")
}

fn directory_error(text: &str) -> rolecall::Error {
    let p = Policy::parse(POLICY).unwrap();
    Directory::parse(&p, text).expect_err("the directory must be rejected")
}

fn assert_at(e: &rolecall::Error, code: ErrorCode, path: &str, line: usize) {
    assert_eq!(e.code, code, "{e}");
    assert_eq!(e.path, path, "{e}");
    assert_eq!(e.location.map(|l| l.line), Some(line), "{e}");
}

#[test]
fn an_unknown_role_in_includes_is_named_with_its_line_and_a_suggestion() {
    let e = policy_error("rolecall: 1\nroles:\n  viewer: {}\n  ops:\n    includes: [veiwer]\n");
    assert_at(&e, ErrorCode::UnknownRole, "roles.ops.includes[0]", 5);
    assert_eq!(e.help.as_deref(), Some("did you mean `viewer`?"));
}

#[test]
fn an_unknown_resource_in_grants_is_named() {
    let e = policy_error("rolecall: 1\nresources: { refunds: {} }\nroles:\n  ops:\n    grants: { refund: [manage] }\n");
    assert_eq!(e.code, ErrorCode::UnknownResource, "{e}");
    assert_eq!(e.path, "roles.ops.grants.refund");
    assert_eq!(e.location.unwrap().line, 5);
}

#[test]
fn an_unknown_level_in_requires_is_named() {
    let e = policy_error("rolecall: 1\nresources: { refunds: {} }\nactions:\n  refunds.create: { requires: refunds:approve }\n");
    assert_at(
        &e,
        ErrorCode::UnknownLevel,
        "actions.refunds.create.requires[0]",
        4,
    );
}

#[test]
fn a_level_the_resource_does_not_declare_is_rejected() {
    let e = policy_error("rolecall: 1\nresources: { keys: { levels: [view, manage] } }\nroles:\n  r: { grants: { keys: [authorize] } }\n");
    assert_eq!(e.code, ErrorCode::UnknownLevel, "{e}");
}

#[test]
fn a_cycle_in_role_includes_is_named() {
    let e = policy_error("rolecall: 1\nroles:\n  a: { includes: [b] }\n  b: { includes: [a] }\n");
    assert_eq!(e.code, ErrorCode::Cycle, "{e}");
    assert!(
        e.message.contains("a → b → a") || e.message.contains("b → a → b"),
        "{e}"
    );
}

#[test]
fn a_cycle_in_level_implication_is_named() {
    let e = policy_error(
        "rolecall: 1\nlevels:\n  view: { implies: [manage] }\n  manage: { implies: [view] }\n",
    );
    assert_eq!(e.code, ErrorCode::Cycle, "{e}");
}

#[test]
fn a_bad_name_and_a_misspelled_field_are_named() {
    let e = policy_error("rolecall: 1\nroles:\n  Ops: {}\n");
    assert_at(&e, ErrorCode::InvalidValue, "roles.Ops", 3);
    let e = policy_error("rolecall: 1\nroles:\n  ops: { grnts: {} }\n");
    assert_at(&e, ErrorCode::UnknownField, "roles.ops.grnts", 3);
    assert_eq!(e.help.as_deref(), Some("did you mean `grants`?"));
}

#[test]
fn every_policy_error_is_reported_at_once() {
    let errs =
        Policy::parse_all("rolecall: 1\nroles:\n  a: { includes: [x] }\n  b: { includes: [y] }\n")
            .unwrap_err();
    assert_eq!(errs.len(), 2);
}

#[test]
fn an_action_that_requires_nothing_is_rejected() {
    let e = policy_error("rolecall: 1\nactions:\n  a.b: { requires: [] }\n");
    assert_eq!(e.code, ErrorCode::InvalidValue, "{e}");
}

#[test]
fn a_dimension_declared_twice_is_a_duplicate() {
    let e = policy_error("rolecall: 1\ndimensions: [country, country]\n");
    assert_at(&e, ErrorCode::DuplicateId, "dimensions[1]", 2);
}

#[test]
fn an_unknown_scope_is_named_with_its_line() {
    let e = directory_error(
        "scopes:\n  - { id: org }\nassignments:\n  - { subject: a, role: viewer, scope: orgg }\n",
    );
    assert_at(&e, ErrorCode::UnknownScope, "assignments[0].scope", 4);
    assert_eq!(e.help.as_deref(), Some("did you mean `org`?"));
}

#[test]
fn an_unknown_role_in_an_assignment_is_named() {
    let e = directory_error(
        "scopes: [{ id: org }]\nassignments:\n  - { subject: a, role: ghost, scope: org }\n",
    );
    assert_at(&e, ErrorCode::UnknownRole, "assignments[0].role", 3);
}

#[test]
fn an_unknown_dimension_in_a_context_is_named() {
    let e = directory_error("scopes: [{ id: org }]\nassignments:\n  - { subject: a, role: viewer, scope: org, context: { planet: [mars] } }\n");
    assert_eq!(e.code, ErrorCode::UnknownDimension, "{e}");
    assert_eq!(e.path, "assignments[0].context.planet");
}

#[test]
fn a_cycle_in_scopes_is_named() {
    let e = directory_error(
        "scopes:\n  - { id: org }\n  - { id: a, parent: b }\n  - { id: b, parent: a }\n",
    );
    assert_eq!(e.code, ErrorCode::Cycle, "{e}");
}

#[test]
fn a_scope_id_used_twice_is_a_duplicate() {
    let e = directory_error("scopes:\n  - { id: org }\n  - { id: org }\n");
    assert_at(&e, ErrorCode::DuplicateId, "scopes[1].id", 3);
}

#[test]
fn two_roots_are_rejected() {
    let e = directory_error("scopes:\n  - { id: org }\n  - { id: other }\n");
    assert_eq!(e.code, ErrorCode::InvalidValue, "{e}");
}

#[test]
fn max_holders_exceeded_is_named() {
    let e = directory_error("scopes: [{ id: org, kind: hierarchy }]\nassignments:\n  - { subject: a, role: owner, scope: org }\n  - { subject: b, role: owner, scope: org }\n");
    assert_at(&e, ErrorCode::MaxHoldersExceeded, "assignments[1]", 4);
}

#[test]
fn an_assignable_at_kind_violated_is_named() {
    let e = directory_error("scopes: [{ id: org, kind: team }]\nassignments:\n  - { subject: a, role: owner, scope: org }\n");
    assert_at(
        &e,
        ErrorCode::ScopeKindNotAllowed,
        "assignments[0].scope",
        3,
    );
}

#[test]
fn exclusive_roles_in_overlapping_scopes_are_named() {
    let e = directory_error("scopes:\n  - { id: org }\n  - { id: t, parent: org }\nassignments:\n  - { subject: a, role: initiator, scope: org }\n  - { subject: a, role: approver, scope: t }\n");
    assert_at(&e, ErrorCode::ExclusiveRoles, "assignments[1]", 6);
}

#[test]
fn exclusive_roles_in_disjoint_scopes_are_allowed() {
    let p = Policy::parse(POLICY).unwrap();
    let d = "scopes:\n  - { id: org }\n  - { id: t, parent: org }\n  - { id: u, parent: org }\nassignments:\n  - { subject: a, role: initiator, scope: t }\n  - { subject: a, role: approver, scope: u }\n";
    assert!(Directory::parse(&p, d).is_ok());
}

#[test]
fn an_api_key_id_used_twice_is_a_duplicate() {
    let e = directory_error("scopes: [{ id: org }]\napi_keys:\n  - { id: k, owner: a, scope: org }\n  - { id: k, owner: a, scope: org }\n");
    assert_at(&e, ErrorCode::DuplicateId, "api_keys[1].id", 4);
}

#[test]
fn json_input_gets_lines_too() {
    let p = Policy::parse(POLICY).unwrap();
    let e = Directory::parse(&p, "{\n  \"scopes\": [{\"id\": \"org\"}],\n  \"assignments\": [\n    {\"subject\": \"a\", \"role\": \"nope\", \"scope\": \"org\"}\n  ]\n}").unwrap_err();
    assert_at(&e, ErrorCode::UnknownRole, "assignments[0].role", 4);
}

#[test]
fn the_same_policy_in_yaml_and_json_with_keys_in_any_order_hashes_the_same() {
    let y = Policy::parse("rolecall: 1\nresources: { a: {}, b: { label: B } }\nroles: { r: { grants: { a: [view] } } }\n").unwrap();
    let j = Policy::parse(r#"{"roles": {"r": {"grants": {"a": ["view"]}}}, "resources": {"b": {"label": "B"}, "a": {}}, "rolecall": 1}"#).unwrap();
    assert_eq!(y.hash(), j.hash());
    let other = Policy::parse("rolecall: 1\nresources: { a: {}, b: { label: C } }\nroles: { r: { grants: { a: [view] } } }\n").unwrap();
    assert_ne!(y.hash(), other.hash());
}

#[test]
fn the_payments_example_in_yaml_and_json_hashes_the_same() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies/payments");
    let y = Policy::parse(&std::fs::read_to_string(root.join("policy.yaml")).unwrap()).unwrap();
    let j = Policy::parse(&std::fs::read_to_string(root.join("policy.json")).unwrap()).unwrap();
    assert_eq!(y.hash(), j.hash());
}

#[test]
fn deep_and_long_inputs_load_without_overflowing_the_stack() {
    // A scope chain 100,000 deep and a role chain 10,000 deep.
    let mut d = String::from("scopes:\n  - { id: s0 }\n");
    for i in 1..100_000 {
        d.push_str(&format!("  - {{ id: s{i}, parent: s{} }}\n", i - 1));
    }
    d.push_str("assignments:\n  - { subject: a, role: viewer, scope: s0 }\n");
    let p = Policy::parse(POLICY).unwrap();
    let dir = Directory::parse(&p, &d).unwrap();
    let e = rolecall::Evaluator::new(std::sync::Arc::new(p), dir).unwrap();
    assert!(e
        .can(&rolecall::Query::permission("a", "refunds:view", "s99999"))
        .unwrap());
    let mut pol = String::from(
        "rolecall: 1\nresources: { r: {} }\nroles:\n  r0: { grants: { r: [view] } }\n",
    );
    for i in 1..10_000 {
        pol.push_str(&format!("  r{i}: {{ includes: [r{}] }}\n", i - 1));
    }
    assert!(Policy::parse(&pol).is_ok());
}

#[test]
fn an_unknown_resource_points_at_its_key_with_a_hint() {
    let e = policy_error("rolecall: 1\nresources: { refunds: {} }\nroles:\n  ops:\n    grants:\n      refundz: [manage]\n");
    assert_eq!(e.code, ErrorCode::UnknownResource, "{e}");
    assert_eq!(e.location.map(|l| (l.line, l.column)), Some((6, 7)), "{e}");
    assert_eq!(e.help.as_deref(), Some("did you mean `refunds`?"));
}

#[test]
fn an_unknown_level_points_at_the_level_itself() {
    let e = policy_error("rolecall: 1\nresources: { refunds: {} }\nroles:\n  ops:\n    grants:\n      refunds: [view, mange]\n");
    assert_eq!(e.path, "roles.ops.grants.refunds[1]");
    assert_eq!(e.location.map(|l| (l.line, l.column)), Some((6, 23)), "{e}");
    assert_eq!(e.help.as_deref(), Some("did you mean `manage`?"));
}

#[test]
fn locate_finds_a_path_in_text() {
    assert_eq!(
        rolecall::locate("a:\n  b: [x, y]\n", "a.b[1]").map(|l| l.line),
        Some(2)
    );
}
