//! Every documented maximum of `rolecall::limits` is enforced with a `limit_exceeded` error that
//! names the limit, and input just at the limit is accepted. The scale of loading (deep chains,
//! a million assignments) is shown by `examples/scale.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rolecall::limits::*;
use rolecall::model::{AssignDoc, DirectoryDoc, OneOrMany, ScopeDoc, Text};
use rolecall::testfile::run_test_file;
use rolecall::{Directory, Error, ErrorCode, Evaluator, Policy, Query};
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
        // The directory's JSON fast path (serde_json stops at 128), then the located parser,
        // whose YAML scanner has a flow-depth limit of its own (a `syntax` error) beyond ours.
        let json = format!("{{\"scopes\": {}}}", nested_flow(depth));
        let in_directory = Directory::parse(&p, &json).expect_err("deep JSON");
        let in_test_file =
            run_test_file(&nested_flow(depth), &mut no_test_files).expect_err("deep");
        for e in [in_directory, in_test_file] {
            if depth < 256 {
                assert_eq!(e.code, ErrorCode::LimitExceeded, "{depth}: {e}");
            } else {
                assert!(
                    matches!(e.code, ErrorCode::LimitExceeded | ErrorCode::Syntax),
                    "{depth}: {e}"
                );
            }
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
