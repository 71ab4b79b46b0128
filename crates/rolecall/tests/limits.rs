//! Every documented maximum of `rolecall::limits` is enforced with a `limit_exceeded` error that
//! names the limit, and input just at the limit is accepted. The shapes of input that used to
//! load in quadratic time or memory load at sizes where that would take minutes or gigabytes.
//! The scale of loading (deep chains, a million assignments, the growth of each shape) is shown
//! by `examples/scale.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rolecall::limits::*;
use rolecall::model::{
    ActionDoc, AssignDoc, AssignmentDoc, DirectoryDoc, ForbidDoc, OneOrMany, PolicyDoc, RoleDoc,
    ScopeDoc, Text,
};
use rolecall::testfile::run_test_file;
use rolecall::{Directory, Error, ErrorCode, Evaluator, Policy, Query, Reason, Snapshot};
use std::sync::Arc;

const POLICY: &str = "rolecall: 1
resources: { refunds: {} }
actions:
  refunds.create: { requires: refunds:manage }
roles:
  viewer: { grants: { refunds: [view] } }
";

fn limit(result: Result<impl std::fmt::Debug, Error>, what: &str) -> Error {
    let e = result.expect_err(what);
    assert_eq!(e.code, ErrorCode::LimitExceeded, "{what}: {e}");
    e
}

fn policy_limit(text: &str, what: &str) -> Error {
    limit(Policy::parse(text).map(|_| ()), what)
}

fn no_test_files(path: &str) -> Result<String, String> {
    Err(format!("no file `{path}`"))
}

// ---- MAX_INPUT_BYTES ------------------------------------------------------------------------

#[test]
fn a_policy_larger_than_max_input_bytes_is_refused() {
    let text = " ".repeat(MAX_INPUT_BYTES + 1);
    let e = policy_limit(&text, "a policy over the input limit");
    assert!(e.message.contains("bytes"), "{e}");
}

#[test]
fn a_yaml_directory_larger_than_max_input_bytes_is_refused() {
    let p = Policy::parse(POLICY).unwrap();
    let text = " ".repeat(MAX_INPUT_BYTES + 1);
    limit(
        Directory::parse(&p, &text).map(|_| ()),
        "a YAML directory over the input limit",
    );
}

#[test]
fn a_json_directory_larger_than_max_input_bytes_is_refused() {
    // JSON directories take a fast path (serde_json) before the located parser.
    let p = Policy::parse(POLICY).unwrap();
    let text = format!(
        "{{\"scopes\": [{{\"id\": \"org\"}}]{}}}",
        " ".repeat(MAX_INPUT_BYTES)
    );
    limit(
        Directory::parse(&p, &text).map(|_| ()),
        "a JSON directory over the input limit",
    );
}

#[test]
fn a_test_file_larger_than_max_input_bytes_is_refused() {
    let text = " ".repeat(MAX_INPUT_BYTES + 1);
    limit(
        run_test_file(&text, &mut no_test_files).map(|_| ()),
        "a test file over the input limit",
    );
}

// ---- MAX_DEPTH ------------------------------------------------------------------------------

fn nested_flow(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_block(depth: usize) -> String {
    let mut s = String::new();
    for i in 0..depth {
        s.push_str(&"  ".repeat(i));
        s.push_str("a:\n");
    }
    s.push_str(&"  ".repeat(depth));
    s.push_str("b: 1\n");
    s
}

#[test]
fn nesting_deeper_than_max_depth_is_refused_in_flow_and_block_style() {
    let e = policy_limit(&nested_flow(MAX_DEPTH + 1), "flow nesting over the limit");
    assert!(e.message.contains(&MAX_DEPTH.to_string()), "{e}");
    assert!(e.location.is_some(), "{e}");
    policy_limit(&nested_block(MAX_DEPTH + 1), "block nesting over the limit");
}

#[test]
fn nesting_at_max_depth_is_not_a_limit_error() {
    for text in [nested_flow(MAX_DEPTH), nested_block(MAX_DEPTH - 1)] {
        let e = Policy::parse(&text).expect_err("not a policy");
        assert_ne!(e.code, ErrorCode::LimitExceeded, "{e}");
    }
}

#[test]
fn nesting_far_deeper_than_max_depth_is_an_error_not_a_stack_overflow() {
    let p = Policy::parse(POLICY).unwrap();
    for depth in [MAX_DEPTH + 1, 129, 100_000] {
        // The directory's JSON fast path (serde_json stops at 128), then the located parser;
        // YAML's scanner has a flow-depth limit of its own beyond ours, reported with the same
        // code: nesting over the limit is `limit_exceeded` in JSON and YAML alike, at any depth.
        let json = format!("{{\"scopes\": {}}}", nested_flow(depth));
        let in_directory = Directory::parse(&p, &json).expect_err("deep JSON");
        let in_test_file =
            run_test_file(&nested_flow(depth), &mut no_test_files).expect_err("deep");
        let yaml = format!("scopes: {}\n", nested_flow(depth));
        let in_yaml = Directory::parse(&p, &yaml).expect_err("deep YAML");
        for e in [in_directory, in_test_file, in_yaml] {
            assert_eq!(e.code, ErrorCode::LimitExceeded, "{depth}: {e}");
        }
    }
}

// ---- MAX_NAME_LEN and MAX_ID_LEN ----------------------------------------------------------

#[test]
fn a_policy_name_longer_than_max_name_len_is_refused() {
    let ok = "r".repeat(MAX_NAME_LEN);
    let long = "r".repeat(MAX_NAME_LEN + 1);
    let at = |name: &str| {
        format!("rolecall: 1\nresources: {{ refunds: {{}} }}\nroles:\n  {name}: {{ grants: {{ refunds: [view] }} }}\n")
    };
    assert!(
        Policy::parse(&at(&ok)).is_ok(),
        "a name of exactly the limit"
    );
    let e = policy_limit(&at(&long), "a role name over the limit");
    assert!(e.message.contains(&MAX_NAME_LEN.to_string()), "{e}");
}

#[test]
fn a_directory_id_longer_than_max_id_len_is_refused() {
    let p = Policy::parse(POLICY).unwrap();
    let at = |id: &str| format!("scopes: [{{ id: '{id}' }}]\n");
    assert!(Directory::parse(&p, &at(&"s".repeat(MAX_ID_LEN))).is_ok());
    let e = limit(
        Directory::parse(&p, &at(&"s".repeat(MAX_ID_LEN + 1))).map(|_| ()),
        "a scope id over the limit",
    );
    assert!(e.message.contains(&MAX_ID_LEN.to_string()), "{e}");
}

// ---- MAX_LEVELS, MAX_DIMENSIONS, MAX_REQUIRES --------------------------------------------

fn levels_policy(n: usize) -> String {
    let mut s = String::from("rolecall: 1\nlevels:\n");
    for i in 0..n {
        s.push_str(&format!("  l{i}: {{}}\n"));
    }
    let last = n - 1;
    s.push_str(&format!(
        "resources: {{ r: {{}} }}\nactions:\n  r.top: {{ requires: r:l{last} }}\nroles:\n  top: {{ grants: {{ r: [l{last}] }} }}\n"
    ));
    s
}

#[test]
fn more_than_max_levels_are_refused() {
    let e = policy_limit(&levels_policy(MAX_LEVELS + 1), "one level too many");
    assert_eq!(e.path, "levels");
}

#[test]
fn exactly_max_levels_load_and_the_last_level_decides() {
    let p = Arc::new(Policy::parse(&levels_policy(MAX_LEVELS)).unwrap());
    let d = "scopes: [{ id: org }]\nassignments: [{ subject: a, role: top, scope: org }]\n";
    let e = Evaluator::new(p.clone(), Directory::parse(&p, d).unwrap()).unwrap();
    assert!(e.can(&Query::action("a", "r.top", "org")).unwrap());
    assert!(!e.can(&Query::action("b", "r.top", "org")).unwrap());
}

fn dimensions_policy(n: usize) -> String {
    let dims: Vec<String> = (0..n).map(|i| format!("d{i}")).collect();
    format!(
        "rolecall: 1\nresources: {{ r: {{}} }}\nactions:\n  r.view: {{ requires: r:view }}\nroles:\n  v: {{ grants: {{ r: [view] }} }}\ndimensions: [{}]\n",
        dims.join(", ")
    )
}

#[test]
fn more_than_max_dimensions_are_refused() {
    let e = policy_limit(
        &dimensions_policy(MAX_DIMENSIONS + 1),
        "one dimension too many",
    );
    assert_eq!(e.path, "dimensions");
}

#[test]
fn exactly_max_dimensions_load_and_the_last_dimension_decides() {
    let p = Arc::new(Policy::parse(&dimensions_policy(MAX_DIMENSIONS)).unwrap());
    let last = format!("d{}", MAX_DIMENSIONS - 1);
    let d = format!("scopes: [{{ id: org }}]\nassignments: [{{ subject: a, role: v, scope: org, context: {{ {last}: [x] }} }}]\n");
    let e = Evaluator::new(p.clone(), Directory::parse(&p, &d).unwrap()).unwrap();
    let (listed, other) = ([(last.as_str(), "x")], [(last.as_str(), "y")]);
    assert!(e
        .can(&Query::action("a", "r.view", "org").context(&listed))
        .unwrap());
    assert!(!e
        .can(&Query::action("a", "r.view", "org").context(&other))
        .unwrap());
}

/// An action requiring `n` distinct permissions (`r{i}:view`), and a role granting the first
/// `granted` of them.
fn requires_policy(n: usize, granted: usize) -> String {
    let mut s = String::from("rolecall: 1\nresources:\n");
    for i in 0..n {
        s.push_str(&format!("  r{i}: {{}}\n"));
    }
    let req: Vec<String> = (0..n).map(|i| format!("r{i}:view")).collect();
    let grants: Vec<String> = (0..granted).map(|i| format!("r{i}: [view]")).collect();
    s.push_str(&format!(
        "actions:\n  r0.all: {{ requires: [{}] }}\nroles:\n  some: {{ grants: {{ {} }} }}\n",
        req.join(", "),
        grants.join(", ")
    ));
    s
}

#[test]
fn an_action_requiring_more_than_max_requires_permissions_is_refused() {
    let e = policy_limit(
        &requires_policy(MAX_REQUIRES + 1, 1),
        "one required permission too many",
    );
    assert_eq!(e.path, "actions.r0.all.requires");
}

#[test]
fn an_action_requiring_exactly_max_requires_permissions_needs_every_one() {
    let d = "scopes: [{ id: org }]\nassignments: [{ subject: a, role: some, scope: org }]\n";
    for (granted, allowed) in [(MAX_REQUIRES, true), (MAX_REQUIRES - 1, false)] {
        let p = Arc::new(Policy::parse(&requires_policy(MAX_REQUIRES, granted)).unwrap());
        let e = Evaluator::new(p.clone(), Directory::parse(&p, d).unwrap()).unwrap();
        let q = Query::action("a", "r0.all", "org");
        assert_eq!(e.can(&q).unwrap(), allowed, "{granted} of {MAX_REQUIRES}");
        assert_eq!(e.check(&q).unwrap().allowed, allowed);
    }
}

// ---- MAX_POLICY_ITEMS ---------------------------------------------------------------------

fn many(section: &str, n: usize, item: impl Fn(usize) -> String) -> String {
    let mut s = format!("rolecall: 1\nresources: {{ r: {{}} }}\n{section}:\n");
    for i in 0..n {
        s.push_str(&item(i));
    }
    s
}

#[test]
fn more_than_max_policy_items_resources_are_refused() {
    let mut text = String::from("rolecall: 1\nresources:\n");
    for i in 0..=MAX_POLICY_ITEMS {
        text.push_str(&format!("  r{i}: {{}}\n"));
    }
    let e = policy_limit(&text, "one resource too many");
    assert_eq!(e.path, "resources");
}

#[test]
fn more_than_max_policy_items_actions_are_refused() {
    let text = many("actions", MAX_POLICY_ITEMS + 1, |i| {
        format!("  r.a{i}: {{ requires: r:view }}\n")
    });
    let e = policy_limit(&text, "one action too many");
    assert_eq!(e.path, "actions");
}

#[test]
fn more_than_max_policy_items_roles_are_refused() {
    let text = many("roles", MAX_POLICY_ITEMS + 1, |i| format!("  r{i}: {{}}\n"));
    let e = policy_limit(&text, "one role too many");
    assert_eq!(e.path, "roles");
}

// ---- MAX_DIRECTORY_ITEMS ------------------------------------------------------------------

#[test]
#[ignore = "allocates about 1.5 GB; run with `cargo test --test limits -- --ignored`"]
fn more_than_max_directory_items_scopes_are_refused() {
    let p = Policy::parse(POLICY).unwrap();
    let doc = DirectoryDoc {
        scopes: vec![ScopeDoc::default(); MAX_DIRECTORY_ITEMS + 1],
        ..DirectoryDoc::default()
    };
    let e = limit(
        Directory::from_doc(&p, doc)
            .map(|_| ())
            .map_err(|mut e| e.remove(0)),
        "one scope too many",
    );
    assert_eq!(e.path, "scopes");
}

// ---- MAX_CONTEXT_POINTS -------------------------------------------------------------------

/// A policy with `dims` dimensions, an actor holding `viewer` under a context that lists `vals`
/// values of every dimension, and a request to assign `viewer` under that same context.
fn context_points(dims: usize, vals: usize) -> (Evaluator, AssignDoc) {
    let names: Vec<String> = (0..dims).map(|i| format!("d{i}")).collect();
    let p = format!("rolecall: 1\nresources: {{ r: {{}} }}\nroles:\n  viewer: {{ grants: {{ r: [view] }} }}\ndimensions: [{}]\n", names.join(", "));
    let p = Arc::new(Policy::parse(&p).unwrap());
    let values: Vec<String> = (0..vals).map(|v| format!("v{v}")).collect();
    let ctx: Vec<String> = names
        .iter()
        .map(|d| format!("{d}: [{}]", values.join(", ")))
        .collect();
    let d = format!(
        "scopes: [{{ id: org }}]\nassignments: [{{ subject: actor, role: viewer, scope: org, context: {{ {} }} }}]\n",
        ctx.join(", ")
    );
    let e = Evaluator::new(p.clone(), Directory::parse(&p, &d).unwrap()).unwrap();
    let context = names
        .iter()
        .map(|d| (d.clone(), OneOrMany(values.clone())))
        .collect();
    let req = AssignDoc {
        actor: Text("actor".into()),
        subject: Text("newcomer".into()),
        role: "viewer".into(),
        scope: Text("org".into()),
        context,
    };
    (e, req)
}

#[test]
fn can_assign_enumerates_up_to_max_context_points_exactly() {
    // 4 dimensions of 8 values: 4,096 points, each of which the actor holds.
    assert_eq!(8usize.pow(4), MAX_CONTEXT_POINTS);
    let (e, req) = context_points(4, 8);
    assert!(e.can_assign(&req).unwrap().allowed);
}

#[test]
fn can_assign_beyond_max_context_points_falls_back_to_the_stricter_rule() {
    // 4 dimensions of 9 values: 6,561 points. Only holdings valid for any value would count,
    // and the actor holds `viewer` only for the listed values: denied, never wider.
    let (e, req) = context_points(4, 9);
    let d = e.can_assign(&req).unwrap();
    assert!(!d.allowed, "{d:?}");
    assert_eq!(d.reason.as_str(), "escalation");
}

// ---- MAX_SET_BYTES --------------------------------------------------------------------------

/// A policy text with 64 levels, `resources` resources (`resources` × 64 permissions) and, per
/// line of `tail`, more text (roles, constraints).
fn wide_policy(resources: usize, tail: &str) -> String {
    let mut s = String::from("rolecall: 1\nlevels:\n");
    for l in 0..MAX_LEVELS {
        s.push_str(&format!("  l{l}: {{}}\n"));
    }
    s.push_str("resources:\n");
    for i in 0..resources {
        s.push_str(&format!("  r{i}: {{}}\n"));
    }
    s.push_str(tail);
    s
}

#[test]
fn roles_whose_grant_sets_exceed_max_set_bytes_are_refused_before_they_are_built() {
    // 65,536 resources of 64 levels: each role's closed grant set is 512 KiB, so 2,049 roles
    // would take just over 1 GiB. Refused up front, without allocating them.
    let per_role = MAX_POLICY_ITEMS * MAX_LEVELS / 8 + 8;
    let over = MAX_SET_BYTES / per_role + 1;
    let mut roles = String::from("roles:\n");
    for i in 0..over {
        roles.push_str(&format!("  g{i}: {{}}\n"));
    }
    let e = policy_limit(
        &wide_policy(MAX_POLICY_ITEMS, &roles),
        "roles over the set limit",
    );
    assert_eq!(e.path, "roles");
    assert!(e.message.contains(&MAX_SET_BYTES.to_string()), "{e}");
}

#[test]
fn forbid_rules_whose_permission_sets_exceed_max_set_bytes_are_refused() {
    let per_rule = MAX_POLICY_ITEMS * MAX_LEVELS / 8;
    let over = MAX_SET_BYTES / per_rule + 1;
    let mut tail = String::from("constraints:\n  forbid:\n");
    for _ in 0..over {
        tail.push_str("    - { permission: r0:l0 }\n");
    }
    let e = policy_limit(
        &wide_policy(MAX_POLICY_ITEMS, &tail),
        "forbid rules over the set limit",
    );
    assert_eq!(e.path, "constraints.forbid");
}

#[test]
#[ignore = "allocates about 1 GB; run with `cargo test --release --test limits -- --ignored`"]
fn forbid_rules_listed_under_more_than_max_set_bytes_of_actions_are_refused() {
    // 65,536 actions and `*.*` rules: each rule is listed under every action (256 KiB).
    let rules = MAX_SET_BYTES / (MAX_POLICY_ITEMS * 4) + 1;
    let mut text = many("actions", MAX_POLICY_ITEMS, |i| {
        format!("  r.a{i}: {{ requires: r:view }}\n")
    });
    text.push_str("constraints:\n  forbid:\n");
    for _ in 0..rules {
        text.push_str("    - { action: '*.*' }\n");
    }
    let e = policy_limit(&text, "forbid rules over the set limit");
    assert!(e.path.starts_with("constraints.forbid["), "{e}");
}

#[test]
#[ignore = "allocates about 1 GB; run with `cargo test --release --test limits -- --ignored`"]
fn a_directory_whose_distinct_sets_exceed_max_set_bytes_is_refused() {
    // Each distinct direct grant is a 512 KiB set, kept twice (the arena and its index).
    let p = Policy::parse(&wide_policy(MAX_POLICY_ITEMS, "")).unwrap();
    let grants = MAX_SET_BYTES / (2 * MAX_POLICY_ITEMS * MAX_LEVELS / 8) + 1;
    let mut d = String::from("scopes: [{ id: org }]\ngrants:\n");
    for i in 0..grants {
        d.push_str(&format!(
            "  - {{ subject: u, permission: 'r{i}:l0', scope: org }}\n"
        ));
    }
    let e = limit(
        Directory::parse(&p, &d).map(|_| ()),
        "distinct grant sets over the limit",
    );
    assert!(e.path.starts_with("grants["), "{e}");
}

// ---- Snapshots: MAX_INPUT_BYTES, MAX_DEPTH, MAX_DIRECTORY_ITEMS, MAX_ID_LEN ----------------

fn snapshot_of(subject: &str) -> (Arc<Policy>, Snapshot) {
    let p = Arc::new(Policy::parse(POLICY).unwrap());
    let d = "scopes: [{ id: org }, { id: t1, parent: org }]\nassignments: [{ subject: a, role: viewer, scope: t1 }]\n";
    let e = Evaluator::new(p.clone(), Directory::parse(&p, d).unwrap()).unwrap();
    (p, e.snapshot(subject))
}

#[test]
fn snapshot_text_larger_than_max_input_bytes_is_refused() {
    let text = " ".repeat(MAX_INPUT_BYTES + 1);
    let e = limit(
        Snapshot::from_json(&text),
        "a snapshot over the input limit",
    );
    assert!(e.message.contains("bytes"), "{e}");
}

#[test]
fn snapshot_nesting_deeper_than_max_depth_is_refused_where_it_goes_too_deep() {
    let (_, snap) = snapshot_of("a");
    // A real snapshot nests 6 levels; a context value nested 65 levels is refused at its line.
    let json = snap.to_json();
    assert!(Snapshot::from_json(&json).is_ok());
    let deep = format!(
        "{{\n\"rolecall_snapshot\": 1,\n\"x\": {}}}",
        nested_flow(MAX_DEPTH)
    );
    let e = limit(Snapshot::from_json(&deep), "a snapshot nested too deep");
    let at = e.location.expect("a location");
    assert_eq!((at.line, at.column), (3, 6 + MAX_DEPTH - 1), "{e}");
    // At the limit it is not a limit error (it is not a snapshot either).
    let at_limit = format!("{{\"x\": {}}}", nested_flow(MAX_DEPTH - 1));
    let e = Snapshot::from_json(&at_limit).expect_err("not a snapshot");
    assert_ne!(e.code, ErrorCode::LimitExceeded, "{e}");
    // Brackets inside strings do not count.
    let quoted = format!("{{\"x\": \"{}\"}}", nested_flow(100));
    let e = Snapshot::from_json(&quoted).expect_err("not a snapshot");
    assert_ne!(e.code, ErrorCode::LimitExceeded, "{e}");
}

#[test]
fn a_snapshot_id_longer_than_max_id_len_is_a_limit_error() {
    let (p, mut snap) = snapshot_of("a");
    snap.scopes[0].id = "s".repeat(MAX_ID_LEN + 1);
    let e = limit(
        Evaluator::from_snapshot(p, &snap).map(|_| ()),
        "a snapshot scope id over the limit",
    );
    assert!(e.message.contains(&MAX_ID_LEN.to_string()), "{e}");
}

#[test]
#[ignore = "allocates about 1.5 GB; run with `cargo test --test limits -- --ignored`"]
fn a_snapshot_with_more_than_max_directory_items_is_refused() {
    let (p, mut snap) = snapshot_of("a");
    let scope = snap.scopes[0].clone();
    snap.scopes = vec![scope; MAX_DIRECTORY_ITEMS + 1];
    let e = limit(
        Evaluator::from_snapshot(p, &snap).map(|_| ()),
        "one snapshot scope too many",
    );
    assert_eq!(e.path, "scopes");
}

// ---- Loading stays near-linear ------------------------------------------------------------
// Each case below was quadratic in time or memory (minutes, or gigabytes, in a release build)
// and now takes a few seconds even in a debug build. `examples/scale.rs` prints the growth.

const CONSTRAINED: &str = "rolecall: 1
resources: { refunds: {} }
roles:
  viewer: { grants: { refunds: [view] } }
  initiator: { grants: { refunds: [view] } }
  approver: { grants: { refunds: [manage] } }
  owner: { grants: { refunds: [view] }, max_holders: MAX }
constraints:
  exclusive_roles: [[initiator, approver]]
";

fn constrained_policy(max_holders: usize) -> Arc<Policy> {
    let text = CONSTRAINED.replace("MAX", &max_holders.to_string());
    Arc::new(Policy::parse(&text).unwrap())
}

/// `org` and `n` scopes `t0..` under it.
fn sibling_scopes(n: usize) -> Vec<ScopeDoc> {
    let mut scopes = vec![ScopeDoc {
        id: Text("org".into()),
        ..ScopeDoc::default()
    }];
    scopes.extend((0..n).map(|i| ScopeDoc {
        id: Text(format!("t{i}")),
        parent: Some(Text("org".into())),
        ..ScopeDoc::default()
    }));
    scopes
}

fn assignment(subject: &str, role: &str, scope: &str) -> AssignmentDoc {
    AssignmentDoc {
        id: None,
        subject: Text(subject.into()),
        role: role.into(),
        scope: Text(scope.into()),
        ..AssignmentDoc::default()
    }
}

/// A policy document to build on (the YAML reader is not what these tests time).
fn base_doc() -> PolicyDoc {
    Policy::parse("rolecall: 1\nresources: { r: {} }\n")
        .unwrap()
        .doc()
        .clone()
}

fn role_doc(includes: &[String], max_holders: Option<u32>) -> RoleDoc {
    RoleDoc {
        includes: includes.to_vec(),
        grants: [("r".to_owned(), OneOrMany(vec!["view".into()]))]
            .into_iter()
            .collect(),
        max_holders,
        ..RoleDoc::default()
    }
}

#[test]
fn one_subject_with_many_assignments_loads_in_linear_time() {
    // One subject (a service account) assigned at 200,000 scopes: every pair of its
    // assignments used to be compared for exclusive roles, 2 * 10^10 pairs.
    let n = 200_000;
    let p = constrained_policy(1);
    // Without a role of an exclusive group the check is skipped...
    let mut d = DirectoryDoc {
        scopes: sibling_scopes(n),
        ..DirectoryDoc::default()
    };
    d.assignments = (0..n)
        .map(|i| assignment("svc", "viewer", &format!("t{i}")))
        .collect();
    assert!(Directory::from_doc(&p, d.clone()).is_ok());
    // ...and with them, initiator in one half and approver in the other (disjoint scopes) is
    // allowed, found without visiting pairs.
    for (i, a) in d.assignments.iter_mut().enumerate() {
        a.role = if i < n / 2 { "initiator" } else { "approver" }.into();
    }
    assert!(Directory::from_doc(&p, d.clone()).is_ok());
    // Approver at `org` too overlaps every initiator: one error per conflicting pair.
    d.assignments.push(assignment("svc", "approver", "org"));
    let errs = Directory::from_doc(&p, d).unwrap_err();
    assert_eq!(errs.len(), n / 2);
    for e in &errs {
        assert_eq!(e.code, ErrorCode::ExclusiveRoles, "{e}");
        assert_eq!(e.path, format!("assignments[{n}]"));
    }
}

#[test]
fn many_holders_of_a_max_holders_role_at_one_scope_load_in_linear_time() {
    // 200,000 holders of one role at one scope: each used to be looked up in the list of the
    // holders so far, 2 * 10^10 comparisons.
    let n = 200_000;
    let mut d = DirectoryDoc {
        scopes: sibling_scopes(0),
        ..DirectoryDoc::default()
    };
    d.assignments = (0..n)
        .map(|i| assignment(&format!("u{i}"), "owner", "org"))
        .collect();
    // Held twice by one subject, it counts once.
    d.assignments.push(assignment("u0", "owner", "org"));
    let p = constrained_policy(n + 1);
    let mut e = Evaluator::new(p.clone(), Directory::from_doc(&p, d.clone()).unwrap()).unwrap();
    // Live updates keep the holder lists exact: room for one more, then none, then one again.
    let x = e.add_assignment(assignment("x", "owner", "org")).unwrap();
    let err = e
        .add_assignment(assignment("y", "owner", "org"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MaxHoldersExceeded, "{err}");
    e.add_assignment(assignment("u7", "owner", "org")).unwrap();
    e.remove_assignment(x).unwrap();
    e.add_assignment(assignment("y", "owner", "org")).unwrap();
    // One holder too many: exactly one error, at the assignment that is one too many.
    let errs = Directory::from_doc(&constrained_policy(n - 1), d).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].code, ErrorCode::MaxHoldersExceeded);
    assert_eq!(errs[0].path, format!("assignments[{}]", n - 1));
}

#[test]
fn unknown_names_get_hints_without_comparing_every_error_with_every_name() {
    // 30,000 unknown scopes among 30,000 scopes: a hint for each was 9 * 10^8 comparisons.
    let n = 30_000;
    let p = Policy::parse(POLICY).unwrap();
    let mut d = DirectoryDoc {
        scopes: sibling_scopes(0),
        ..DirectoryDoc::default()
    };
    d.scopes.extend((0..n).map(|i| ScopeDoc {
        id: Text(format!("team{i}")),
        parent: Some(Text("org".into())),
        ..ScopeDoc::default()
    }));
    d.assignments = (0..n)
        .map(|i| assignment(&format!("u{i}"), "viewer", &format!("teem{i}")))
        .collect();
    let errs = Directory::from_doc(&p, d).unwrap_err();
    assert_eq!(errs.len(), n);
    assert!(errs.iter().all(|e| e.code == ErrorCode::UnknownScope));
    // The first errors keep their hint; later ones get one while it is cheap.
    for (i, e) in errs.iter().take(10).enumerate() {
        let hint = format!("did you mean `team{i}`?");
        assert_eq!(e.help.as_deref(), Some(hint.as_str()), "{e}");
    }
    let hinted = errs.iter().filter(|e| e.help.is_some()).count();
    assert!((10..1000).contains(&hinted), "{hinted} hints");
}

#[test]
fn a_long_role_chain_ending_in_a_cycle_is_refused_in_linear_time() {
    // A chain of 65,534 roles, each including the next, and a cycle of two more roles: the
    // chain used to be peeled one role per pass, 4 * 10^9 steps.
    let n = MAX_POLICY_ITEMS - 2;
    let name = |i: usize| format!("r{i}");
    for leads_to_cycle in [false, true] {
        let mut doc = base_doc();
        for i in 0..n {
            let next = if i + 1 < n {
                vec![name(i + 1)]
            } else if leads_to_cycle {
                vec!["x".to_owned()]
            } else {
                Vec::new()
            };
            doc.roles.insert(name(i), role_doc(&next, None));
        }
        doc.roles
            .insert("x".into(), role_doc(&["y".to_owned()], None));
        doc.roles
            .insert("y".into(), role_doc(&["x".to_owned()], None));
        let errs = Policy::from_doc(doc).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].code, ErrorCode::Cycle);
        assert_eq!(
            errs[0].message,
            "roles include each other in a cycle: x → y → x"
        );
    }
    // A cycle through the whole chain: the last role includes the first.
    let mut doc = base_doc();
    for i in 0..10_000 {
        doc.roles
            .insert(name(i), role_doc(&[name((i + 1) % 10_000)], None));
    }
    let errs = Policy::from_doc(doc).unwrap_err();
    assert_eq!(errs[0].code, ErrorCode::Cycle);
    assert!(
        errs[0].message.ends_with("r9999 → r0"),
        "{}",
        errs[0].message
    );
}

#[test]
fn a_long_include_chain_of_max_holders_roles_loads_in_linear_memory() {
    // 65,536 roles, each including the previous one and each with `max_holders`: each role's
    // list of the constrained roles it includes was the rest of the chain, 8.5 GB in all.
    let n = MAX_POLICY_ITEMS;
    let name = |i: usize| format!("r{i}");
    let mut doc = base_doc();
    for i in 0..n {
        let below = if i == 0 {
            Vec::new()
        } else {
            vec![name(i - 1)]
        };
        doc.roles.insert(name(i), role_doc(&below, Some(2)));
    }
    let p = Policy::from_doc(doc).unwrap();
    // The top role holds every role below it: with two more holders of r0, r0 has three.
    let mut d = DirectoryDoc {
        scopes: sibling_scopes(0),
        ..DirectoryDoc::default()
    };
    d.assignments = vec![
        assignment("a", &name(n - 1), "org"),
        assignment("b", "r0", "org"),
    ];
    assert!(Directory::from_doc(&p, d.clone()).is_ok());
    d.assignments.push(assignment("c", &name(n / 2), "org"));
    let errs = Directory::from_doc(&p, d).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].code, ErrorCode::MaxHoldersExceeded);
    assert_eq!(errs[0].path, "assignments[2]");
    assert!(errs[0].message.contains("`r0`"), "{}", errs[0].message);
}

#[test]
fn max_policy_items_actions_and_forbid_rules_load_in_linear_time() {
    // 65,536 actions and as many forbid rules, each naming one action: every rule used to be
    // compared with every action, 4 * 10^9 string comparisons.
    let n = MAX_POLICY_ITEMS;
    let mut doc = base_doc();
    for i in 0..n {
        doc.actions.insert(
            format!("r.a{i}"),
            ActionDoc {
                description: None,
                requires: OneOrMany(vec!["r:view".into()]),
                label: None,
                distinct_from: None,
                self_approval_message: None,
            },
        );
        doc.constraints.forbid.push(ForbidDoc {
            action: Some(format!("r.a{}", n - 1 - i)),
            ..ForbidDoc::default()
        });
    }
    doc.roles.insert("v".into(), role_doc(&[], None));
    let p = Arc::new(Policy::from_doc(doc).unwrap());
    let d = "scopes: [{ id: org }]\nassignments: [{ subject: u, role: v, scope: org }]\n";
    let e = Evaluator::new(p.clone(), Directory::parse(&p, d).unwrap()).unwrap();
    let last = format!("r.a{}", n - 1);
    let decision = e.check(&Query::action("u", &last, "org")).unwrap();
    assert!(!decision.allowed);
    assert_eq!(decision.reason, Reason::Forbidden);
}

#[test]
fn a_long_include_chain_of_exclusive_roles_loads_in_linear_memory() {
    // 32,768 roles in a chain, each in an exclusive group with a role of its own outside the
    // chain (65,536 roles): each role's list of the group members it includes was the rest of
    // the chain, 5 * 10^8 entries.
    let n = MAX_POLICY_ITEMS / 2;
    let (r, x) = (|i: usize| format!("r{i}"), |i: usize| format!("x{i}"));
    let mut doc = base_doc();
    for i in 0..n {
        let below = if i == 0 { Vec::new() } else { vec![r(i - 1)] };
        doc.roles.insert(r(i), role_doc(&below, None));
        doc.roles.insert(x(i), role_doc(&[], None));
        doc.constraints.exclusive_roles.push(vec![r(i), x(i)]);
    }
    let p = Policy::from_doc(doc.clone()).unwrap();
    // The top of the chain holds r0, kept apart from x0.
    let mut d = DirectoryDoc {
        scopes: sibling_scopes(1),
        ..DirectoryDoc::default()
    };
    d.assignments = vec![
        assignment("a", &r(n - 1), "org"),
        assignment("a", &x(n - 1), "t0"),
    ];
    let errs = Directory::from_doc(&p, d.clone()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].code, ErrorCode::ExclusiveRoles);
    assert!(
        errs[0]
            .message
            .contains(&format!("`{}` and `{}`", r(n - 1), x(n - 1))),
        "{}",
        errs[0].message
    );
    d.assignments[1].role = "r0".into();
    assert!(Directory::from_doc(&p, d).is_ok());
    // A role that includes both members of a group is refused, and so is every role above it:
    // one error per role, each naming the group's two members.
    doc.roles.insert(r(0), role_doc(&[x(0)], None));
    let errs = Policy::from_doc(doc).unwrap_err();
    assert_eq!(errs.len(), n);
    assert_eq!(errs[0].path, "roles.r0");
    assert!(errs
        .iter()
        .all(|e| e.code == ErrorCode::ExclusiveRoles && e.message.contains("`r0` and `x0`")));
}
