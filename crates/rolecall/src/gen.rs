//! A seeded generator of random policies, directories and queries: one source of cases for the
#![allow(clippy::indexing_slicing)] // every index is drawn from a range bounded by the length it indexes
//! property tests and for differential parity across runtimes (native, WASM in Node, WASM in a
//! browser). Generated documents are valid by construction, except queries, which deliberately
//! include unknown names so input errors are compared too. Behind the `gen` feature.

use crate::model::*;
use indexmap::IndexMap;

/// How big the generated cases are.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Most resources.
    pub resources: usize,
    /// Most scopes.
    pub scopes: usize,
    /// Most assignments.
    pub assignments: usize,
    /// Queries per case.
    pub queries: usize,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            resources: 5,
            scopes: 12,
            assignments: 12,
            queries: 50,
        }
    }
}

/// One generated case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Case {
    /// The policy.
    pub policy: PolicyDoc,
    /// The directory.
    pub directory: DirectoryDoc,
    /// Queries against them.
    pub queries: Vec<QueryDoc>,
}

/// Options that switch features off, for properties that need them off.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// No `forbid` rules.
    pub no_forbid: bool,
}

const LEVELS: [&str; 3] = ["view", "manage", "authorize"];
const VALUES: [&str; 3] = ["a", "b", "c"];

/// Generates a case from a seed; the same seed gives the same case on every platform.
pub fn generate(seed: u64, size: Size, opts: Options) -> Case {
    let mut rng = fastrand::Rng::with_seed(seed);
    let rng = &mut rng;
    let nres = rng.usize(1..=size.resources.max(1));
    let resources: Vec<String> = (0..nres).map(|i| format!("r{i}")).collect();
    let mut res_levels: Vec<Vec<&str>> = Vec::new();
    let mut policy = PolicyDoc {
        rolecall: 1,
        levels: None,
        resources: IndexMap::new(),
        actions: IndexMap::new(),
        roles: IndexMap::new(),
        dimensions: Vec::new(),
        constraints: ConstraintsDoc::default(),
        administration: AdministrationDoc::default(),
    };
    for r in &resources {
        let levels: Vec<&str> = if rng.bool() {
            LEVELS.to_vec()
        } else {
            LEVELS.iter().copied().filter(|_| rng.u8(..3) > 0).collect()
        };
        let levels = if levels.is_empty() {
            vec!["view"]
        } else {
            levels
        };
        let doc_levels = (levels.len() < 3).then(|| levels.iter().map(|l| l.to_string()).collect());
        policy.resources.insert(
            r.clone(),
            ResourceDoc {
                levels: doc_levels,
                ..ResourceDoc::default()
            },
        );
        res_levels.push(levels);
    }
    let perm = |rng: &mut fastrand::Rng| -> String {
        let i = rng.usize(..nres);
        let ls = &res_levels[i];
        format!("{}:{}", resources[i], ls[rng.usize(..ls.len())])
    };
    let nact = rng.usize(1..=8);
    for i in 0..nact {
        let mut req: Vec<String> = Vec::new();
        for _ in 0..rng.usize(1..=2) {
            let p = perm(rng);
            if !req.contains(&p) {
                req.push(p);
            }
        }
        let distinct_from = (rng.u8(..5) == 0).then(|| "created_by".to_owned());
        policy.actions.insert(
            format!("{}.act{i}", resources[rng.usize(..nres)]),
            ActionDoc {
                requires: OneOrMany(req),
                label: None,
                distinct_from,
                self_approval_message: None,
                description: None,
            },
        );
    }
    let action_names: Vec<String> = policy.actions.keys().cloned().collect();
    let ndim = rng.usize(..=2);
    policy.dimensions = (0..ndim).map(|i| format!("d{i}")).collect();
    let nroles = rng.usize(1..=6);
    for i in 0..nroles {
        let mut role = RoleDoc::default();
        for _ in 0..rng.usize(..=3) {
            let (r, levels) = if rng.u8(..6) == 0 {
                ("*".to_owned(), vec![LEVELS[rng.usize(..3)].to_owned()])
            } else {
                let ri = rng.usize(..nres);
                let ls = &res_levels[ri];
                let l = if rng.u8(..5) == 0 {
                    "*".to_owned()
                } else {
                    ls[rng.usize(..ls.len())].to_owned()
                };
                (resources[ri].clone(), vec![l])
            };
            role.grants
                .entry(r)
                .or_insert_with(|| OneOrMany(Vec::new()))
                .0
                .extend(levels);
        }
        if i > 0 && rng.u8(..3) == 0 {
            role.includes.push(format!("role{}", rng.usize(..i)));
        }
        if rng.u8(..3) == 0 {
            role.actions
                .push(action_names[rng.usize(..action_names.len())].clone());
        }
        policy.roles.insert(format!("role{i}"), role);
    }
    if rng.u8(..3) == 0 {
        policy.administration.assign_requires = Some(perm(rng));
    }

    // Directory.
    let nscopes = rng.usize(1..=size.scopes.max(1));
    let scope_ids: Vec<String> = (0..nscopes).map(|i| format!("s{i}")).collect();
    let mut directory = DirectoryDoc::default();
    for (i, id) in scope_ids.iter().enumerate() {
        let parent = (i > 0).then(|| Text(scope_ids[rng.usize(..i)].clone()));
        let kind = (rng.u8(..3) == 0).then(|| "team".to_owned());
        directory.scopes.push(ScopeDoc {
            id: Text(id.clone()),
            parent,
            kind,
            label: None,
        });
    }
    if !opts.no_forbid && rng.u8(..3) == 0 {
        let (permission, action) = if rng.bool() {
            (Some(perm(rng)), None)
        } else {
            (
                None,
                Some(action_names[rng.usize(..action_names.len())].clone()),
            )
        };
        let subject_kind = match rng.u8(..3) {
            0 => Some(SubjectKind::ApiKey),
            1 => Some(SubjectKind::User),
            _ => None,
        };
        let scope = rng.bool().then(|| scope_ids[rng.usize(..nscopes)].clone());
        policy.constraints.forbid.push(ForbidDoc {
            subject_kind,
            permission,
            action,
            scope,
        });
    }
    let users: Vec<String> = (0..6).map(|i| format!("u{i}")).collect();
    let context = |rng: &mut fastrand::Rng| -> ContextDoc {
        let mut c = ContextDoc::new();
        for d in 0..ndim {
            if rng.u8(..3) == 0 {
                let vals: Vec<String> = if rng.u8(..6) == 0 {
                    vec!["*".into()]
                } else {
                    VALUES
                        .iter()
                        .filter(|_| rng.bool())
                        .map(|v| v.to_string())
                        .collect()
                };
                if !vals.is_empty() {
                    c.insert(format!("d{d}"), OneOrMany(vals));
                }
            }
        }
        c
    };
    for _ in 0..rng.usize(..=size.assignments) {
        let except = if rng.u8(..5) == 0 {
            vec![perm(rng)]
        } else {
            Vec::new()
        };
        directory.assignments.push(AssignmentDoc {
            id: None,
            subject: Text(users[rng.usize(..users.len())].clone()),
            role: format!("role{}", rng.usize(..nroles)),
            scope: Text(scope_ids[rng.usize(..nscopes)].clone()),
            context: context(rng),
            except,
        });
    }
    for _ in 0..rng.usize(..=2) {
        let (permission, action) = if rng.bool() {
            (Some(perm(rng)), None)
        } else {
            (
                None,
                Some(action_names[rng.usize(..action_names.len())].clone()),
            )
        };
        directory.grants.push(GrantDoc {
            id: None,
            subject: Text(users[rng.usize(..users.len())].clone()),
            permission,
            action,
            scope: Text(scope_ids[rng.usize(..nscopes)].clone()),
            context: context(rng),
        });
    }
    for k in 0..rng.usize(..=2) {
        let permissions = (0..rng.usize(1..=3))
            .map(|_| {
                if rng.u8(..4) == 0 {
                    "*:*".to_owned()
                } else {
                    perm(rng)
                }
            })
            .collect();
        directory.api_keys.push(ApiKeyDoc {
            id: Text(format!("key{k}")),
            owner: Text(users[rng.usize(..users.len())].clone()),
            scope: Text(scope_ids[rng.usize(..nscopes)].clone()),
            permissions,
            expires_at: rng.bool().then(|| "2026-06-01T00:00:00Z".to_owned()),
        });
    }

    // Queries.
    let mut subjects: Vec<String> = users.clone();
    subjects.extend(directory.api_keys.iter().map(|k| k.id.0.clone()));
    subjects.push("nobody".into());
    let mut queries = Vec::with_capacity(size.queries);
    for _ in 0..size.queries {
        let subject = subjects[rng.usize(..subjects.len())].clone();
        let (action, permission) = match rng.u8(..10) {
            0 => (None, Some(perm(rng))),
            1 => (Some("nope.nothing".to_owned()), None),
            _ => (
                Some(action_names[rng.usize(..action_names.len())].clone()),
                None,
            ),
        };
        let scope = if rng.u8(..20) == 0 {
            "nowhere".to_owned()
        } else {
            scope_ids[rng.usize(..nscopes)].clone()
        };
        let mut ctx = IndexMap::new();
        for d in 0..ndim {
            match rng.u8(..4) {
                0 => {}
                1 => {
                    ctx.insert(format!("d{d}"), Text("*".into()));
                }
                _ => {
                    ctx.insert(
                        format!("d{d}"),
                        Text(["a", "b", "c", "z"][rng.usize(..4)].into()),
                    );
                }
            }
        }
        if rng.u8(..30) == 0 {
            ctx.insert("nodim".into(), Text("a".into()));
        }
        let mut resource = IndexMap::new();
        if rng.u8(..5) > 0 {
            resource.insert(
                "created_by".to_owned(),
                Text(subjects[rng.usize(..subjects.len())].clone()),
            );
        }
        let now = (rng.u8(..4) > 0).then(|| {
            [
                "2026-01-01T00:00:00Z",
                "2026-06-01T00:00:00Z",
                "2027-01-01T00:00:00Z",
            ][rng.usize(..3)]
            .to_owned()
        });
        queries.push(QueryDoc {
            subject: Text(subject),
            action,
            permission,
            scope: Text(scope),
            context: ctx,
            resource,
            now,
        });
    }
    Case {
        policy,
        directory,
        queries,
    }
}

/// The same case with the policy's roles from `role{from}` on moved into the directory as custom
/// roles (a suffix, so no policy role includes a moved one), each defined at the nearest common
/// ancestor of the scopes it is assigned at and of the custom roles including it (the root when
/// there are none): valid by construction, and deciding exactly as `case` does.
pub fn with_custom_roles(case: &Case, from: usize) -> Case {
    let mut out = case.clone();
    let from = from.min(out.policy.roles.len());
    let moved: Vec<(String, RoleDoc)> = out.policy.roles.drain(from..).collect();
    let parent: IndexMap<&str, Option<&str>> = case
        .directory
        .scopes
        .iter()
        .map(|s| (s.id.0.as_str(), s.parent.as_ref().map(|p| p.0.as_str())))
        .collect();
    let chain = |s: &str| -> Vec<String> {
        let mut c = vec![s.to_owned()];
        let mut at = s;
        while let Some(Some(p)) = parent.get(at) {
            c.push((*p).to_owned());
            at = p;
        }
        c
    };
    let lca = |scopes: &[String]| -> Option<String> {
        let mut acc = chain(scopes.first()?);
        for s in scopes.iter().skip(1) {
            let other = chain(s);
            acc.retain(|x| other.contains(x));
        }
        acc.first().cloned()
    };
    let root = case
        .directory
        .scopes
        .iter()
        .find(|s| s.parent.is_none())
        .map_or_else(|| "s0".to_owned(), |s| s.id.0.clone());
    let mut scope_of: Vec<String> = vec![root.clone(); moved.len()];
    for k in (0..moved.len()).rev() {
        let name = &moved[k].0;
        let mut at: Vec<String> = case
            .directory
            .assignments
            .iter()
            .filter(|a| &a.role == name)
            .map(|a| a.scope.0.clone())
            .collect();
        for (j, (_, r)) in moved.iter().enumerate().skip(k + 1) {
            if r.includes.contains(name) {
                at.push(scope_of[j].clone());
            }
        }
        scope_of[k] = lca(&at).unwrap_or_else(|| root.clone());
    }
    out.directory.roles = moved
        .into_iter()
        .zip(scope_of)
        .map(|((id, r), scope)| CustomRoleDoc {
            id: Text(id),
            label: r.label,
            scope: Text(scope),
            includes: r.includes,
            grants: r.grants,
            actions: r.actions,
            assignable: r.assignable,
        })
        .collect();
    out
}
