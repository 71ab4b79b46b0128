//! The benchmark workload: a payments dashboard (resources, actions and roles modeled on the
//! payments seed) over an organization with subtenants and users holding one to three assignments each,
//! at any size. Shared by the criterion benchmarks and the JS benchmark (which reads the JSON
//! this writes), so every contender decides the same queries.
#![allow(clippy::indexing_slicing)] // indexes are drawn from ranges bounded by the slices they index

use serde_json::{json, Value};

/// Sizes of a workload.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Resources (actions are two per resource).
    pub resources: usize,
    /// Subtenants under the organization root.
    pub subtenants: usize,
    /// Users.
    pub users: usize,
    /// Assignments per user: 1 to this many.
    pub max_assignments: usize,
}

impl Shape {
    /// The JS benchmark's workload: about 20 resources, 40 actions, 8 roles, 50 subtenants,
    /// 10,000 users with 1 to 3 assignments each.
    pub const DASHBOARD: Shape = Shape {
        resources: 20,
        subtenants: 50,
        users: 10_000,
        max_assignments: 3,
    };
}

/// The workload's policy and directory as JSON values.
pub fn workload(shape: Shape, seed: u64) -> (Value, Value) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let resources: Vec<String> = (0..shape.resources).map(|i| format!("res{i}")).collect();
    let mut res = serde_json::Map::new();
    let mut actions = serde_json::Map::new();
    for (i, r) in resources.iter().enumerate() {
        res.insert(r.clone(), json!({ "label": format!("Resource {i}") }));
        actions.insert(
            format!("{r}.view"),
            json!({ "requires": format!("{r}:view") }),
        );
        let level = if i % 5 == 0 { "authorize" } else { "manage" };
        actions.insert(
            format!("{r}.change"),
            json!({ "requires": format!("{r}:{level}") }),
        );
    }
    // Eight roles: a viewer, an admin, and six that manage a slice of the resources.
    let mut roles = serde_json::Map::new();
    roles.insert("viewer".into(), json!({ "grants": { "*": ["view"] } }));
    roles.insert("admin".into(), json!({ "grants": { "*": ["*"] } }));
    for k in 0..6 {
        let mut grants = serde_json::Map::new();
        for r in resources.iter().skip(k).step_by(6) {
            grants.insert(r.clone(), json!(["manage", "authorize"]));
        }
        roles.insert(
            format!("team{k}"),
            json!({ "includes": ["viewer"], "grants": grants }),
        );
    }
    let policy = json!({ "rolecall": 1, "resources": res, "actions": actions, "roles": roles });
    let mut scopes = vec![json!({ "id": "org" })];
    scopes.extend(
        (0..shape.subtenants)
            .map(|i| json!({ "id": format!("t{i}"), "parent": "org", "kind": "subtenant" })),
    );
    let role_names: Vec<String> = (0..6)
        .map(|k| format!("team{k}"))
        .chain(["viewer".into(), "admin".into()])
        .collect();
    let mut assignments = Vec::new();
    for u in 0..shape.users {
        for _ in 0..rng.usize(1..=shape.max_assignments) {
            // Admins are rare; most assignments are at a subtenant.
            let role = if rng.u8(..100) == 0 {
                "admin".to_owned()
            } else {
                role_names[rng.usize(..7)].clone()
            };
            let scope = if rng.u8(..10) == 0 {
                "org".to_owned()
            } else {
                format!("t{}", rng.usize(..shape.subtenants))
            };
            assignments.push(json!({ "subject": format!("u{u}"), "role": role, "scope": scope }));
        }
    }
    (
        policy,
        json!({ "scopes": scopes, "assignments": assignments }),
    )
}

/// Seeded random queries over a workload: (subject, action, scope).
pub fn queries(shape: Shape, n: usize, seed: u64) -> Vec<(String, String, String)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|_| {
            let r = rng.usize(..shape.resources);
            let verb = if rng.bool() { "view" } else { "change" };
            let scope = if rng.u8(..10) == 0 {
                "org".to_owned()
            } else {
                format!("t{}", rng.usize(..shape.subtenants))
            };
            (
                format!("u{}", rng.usize(..shape.users)),
                format!("res{r}.{verb}"),
                scope,
            )
        })
        .collect()
}
