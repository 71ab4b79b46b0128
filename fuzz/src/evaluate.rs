//! The `evaluate` target: a valid policy and directory from the seeded generator
//! (`rolecall::gen`), then a sequence of operations whose names are picked from what the case
//! knows or written out arbitrarily: queries, bulk forms, administration, snapshots and live
//! updates, each followed by the invariants of [`super::check`].

use super::check;
use arbitrary::{Arbitrary, Unstructured};
use rolecall::gen::{generate, Options, Size};
use rolecall::model::{
    ApiKeyDoc, AssignDoc, AssignmentDoc, ContextDoc, CopyDoc, GrantDoc, OneOrMany, Text,
};
use rolecall::{Directory, ErrorCode, Evaluator, Policy, Query, Target, Timestamp};
use std::sync::Arc;

/// A name: one the case knows (by index into the matching list), or any text.
#[derive(Arbitrary, Debug, Clone)]
enum Name {
    Known(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    resources: u8,
    scopes: u8,
    assignments: u8,
    no_forbid: bool,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Query {
        subject: Name,
        permission: bool,
        target: Name,
        scope: Name,
        context: Vec<(Name, Name)>,
        resource: Option<Name>,
        now: Option<u8>,
    },
    Bulk {
        subject: Name,
        scope: Name,
        action: Name,
        context: Vec<(Name, Name)>,
        now: Option<u8>,
    },
    Assign {
        actor: Name,
        subject: Name,
        role: Name,
        scope: Name,
        context: Vec<(Name, Vec<Name>)>,
    },
    Copy {
        actor: Name,
        from: Name,
        to: Name,
    },
    Snapshot {
        subject: Name,
        context: Vec<(Name, Name)>,
        now: Option<u8>,
    },
    AddAssignment {
        subject: Name,
        role: Name,
        scope: Name,
        context: Vec<(Name, Vec<Name>)>,
        except: Vec<(bool, Name)>,
    },
    RemoveAssignment(u16),
    AddGrant {
        subject: Name,
        action: bool,
        what: Name,
        scope: Name,
        context: Vec<(Name, Vec<Name>)>,
    },
    RemoveGrant(u16),
    AddKey {
        id: Name,
        owner: Name,
        scope: Name,
        permissions: Vec<(bool, Name)>,
        expires: Option<Name>,
    },
    RemoveKey(Name),
    Fresh,
}

const VALUES: &[&str] = &["a", "b", "c", "z", "*"];
const TIMES: &[&str] = &[
    "2026-01-01T00:00:00Z",
    "2026-06-01T00:00:00Z",
    "2027-01-01T00:00:00Z",
];

/// What a case knows, to pick names from.
struct Names {
    subjects: Vec<String>,
    scopes: Vec<String>,
    actions: Vec<String>,
    perms: Vec<String>,
    patterns: Vec<String>,
    roles: Vec<String>,
    dims: Vec<String>,
}

impl Names {
    fn of(e: &Evaluator) -> Names {
        let p = e.policy();
        let mut subjects: Vec<String> = e.directory().subject_ids().map(str::to_owned).collect();
        subjects.extend(["u0", "u5", "nobody", "fresh"].map(String::from));
        let mut scopes: Vec<String> = e.directory().scope_ids().map(str::to_owned).collect();
        scopes.push("nowhere".into());
        let mut actions: Vec<String> = p.action_names().map(str::to_owned).collect();
        actions.push("nope.nothing".into());
        let mut perms = p.permission_names();
        perms.extend(["r0:*", "nope:view", "r0:nolevel"].map(String::from));
        let mut patterns = perms.clone();
        patterns.extend(["*:*", "*:view", "*:manage"].map(String::from));
        let mut roles: Vec<String> = p.role_names().map(str::to_owned).collect();
        roles.push("ghost".into());
        let mut dims = p.doc().dimensions.clone();
        dims.push("nodim".into());
        Names {
            subjects,
            scopes,
            actions,
            perms,
            patterns,
            roles,
            dims,
        }
    }
}

fn pick(pool: &[String], n: &Name) -> String {
    match n {
        Name::Known(i) => pool
            .get(*i as usize % pool.len().max(1))
            .cloned()
            .unwrap_or_default(),
        Name::Raw(s) => s.clone(),
    }
}

fn value(n: &Name) -> String {
    match n {
        Name::Known(i) => VALUES[*i as usize % VALUES.len()].to_owned(),
        Name::Raw(s) => s.clone(),
    }
}

fn time(i: u8) -> Timestamp {
    match TIMES.get(i as usize % (TIMES.len() + 2)) {
        Some(t) => Timestamp::parse(t).unwrap_or(Timestamp(0)),
        None if i % 2 == 0 => Timestamp(i128::MIN),
        None => Timestamp(i128::MAX),
    }
}

fn query_context(names: &Names, ctx: &[(Name, Name)]) -> Vec<(String, String)> {
    ctx.iter()
        .take(4)
        .map(|(d, v)| (pick(&names.dims, d), value(v)))
        .collect()
}

fn doc_context(names: &Names, ctx: &[(Name, Vec<Name>)]) -> ContextDoc {
    ctx.iter()
        .take(3)
        .map(|(d, vs)| {
            let vals = vs.iter().take(4).map(value).collect();
            (pick(&names.dims, d), OneOrMany(vals))
        })
        .collect()
}

fn pattern(names: &Names, action: bool, n: &Name) -> String {
    if action {
        pick(&names.actions, n)
    } else {
        pick(&names.patterns, n)
    }
}

/// Runs one `evaluate` input.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let size = Size {
        resources: 1 + input.resources as usize % 6,
        scopes: 1 + input.scopes as usize % 16,
        assignments: input.assignments as usize % 16,
        queries: 0,
    };
    let case = generate(
        input.seed,
        size,
        Options {
            no_forbid: input.no_forbid,
        },
    );
    let policy = Arc::new(
        Policy::from_doc(case.policy.clone())
            .unwrap_or_else(|e| panic!("a generated policy is valid: {e:?}")),
    );
    let dir = Directory::from_doc(&policy, case.directory.clone())
        .unwrap_or_else(|e| panic!("a generated directory is valid: {e:?}"));
    let mut live = Evaluator::new(policy.clone(), dir).unwrap_or_else(|e| panic!("{e}"));
    let mut contexts: Vec<Vec<(String, String)>> = Vec::new();
    let mut targets: Vec<(String, String)> = Vec::new();
    for op in input.ops.iter().take(48) {
        let names = Names::of(&live);
        match op {
            Op::Query {
                subject,
                permission,
                target,
                scope,
                context,
                resource,
                now,
            } => {
                let subject = pick(&names.subjects, subject);
                let target = if *permission {
                    pick(&names.perms, target)
                } else {
                    pick(&names.actions, target)
                };
                let scope = pick(&names.scopes, scope);
                let ctx = query_context(&names, context);
                let attrs: Vec<(String, String)> = resource
                    .iter()
                    .map(|r| ("created_by".to_owned(), pick(&names.subjects, r)))
                    .collect();
                let c: Vec<(&str, &str)> =
                    ctx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let r: Vec<(&str, &str)> = attrs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let q = Query {
                    subject: &subject,
                    target: if *permission {
                        Target::Permission(&target)
                    } else {
                        Target::Action(&target)
                    },
                    scope: &scope,
                    context: &c,
                    resource: &r,
                    now: now.map(time),
                };
                let _ = check::query(&live, &q, true);
                if targets.len() < 16 {
                    targets.push((target, scope));
                }
                if contexts.len() < 4 && !ctx.is_empty() {
                    contexts.push(ctx);
                }
            }
            Op::Bulk {
                subject,
                scope,
                action,
                context,
                now,
            } => {
                let ctx = query_context(&names, context);
                let c: Vec<(&str, &str)> =
                    ctx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                check::bulk(
                    &live,
                    &pick(&names.subjects, subject),
                    &pick(&names.scopes, scope),
                    &pick(&names.actions, action),
                    &c,
                    now.map(time),
                );
            }
            Op::Assign {
                actor,
                subject,
                role,
                scope,
                context,
            } => {
                let req = AssignDoc {
                    actor: Text(pick(&names.subjects, actor)),
                    subject: Text(pick(&names.subjects, subject)),
                    role: pick(&names.roles, role),
                    scope: Text(pick(&names.scopes, scope)),
                    context: doc_context(&names, context),
                };
                check::assign(&live, &req);
            }
            Op::Copy { actor, from, to } => {
                let req = CopyDoc {
                    actor: Text(pick(&names.subjects, actor)),
                    from: Text(pick(&names.subjects, from)),
                    to: Text(pick(&names.subjects, to)),
                };
                if let Err(e) = live.can_copy(&req) {
                    assert!(
                        matches!(
                            e.code,
                            ErrorCode::UnknownRole
                                | ErrorCode::UnknownScope
                                | ErrorCode::UnknownDimension
                                | ErrorCode::UnknownAssignment
                                // The copied allocation is not a valid directory (`to` is not a
                                // valid id, or is an API key).
                                | ErrorCode::InvalidValue
                        ),
                        "can_copy fails only with an administration error: {e:?}"
                    );
                }
            }
            Op::Snapshot {
                subject,
                context,
                now,
            } => {
                let subject = pick(&names.subjects, subject);
                let mut ctxs = contexts.clone();
                let extra = query_context(&names, context);
                if !extra.is_empty() {
                    ctxs.push(extra);
                }
                let mut qs = targets.clone();
                for s in names.scopes.iter().take(8) {
                    for a in names.actions.iter().take(6) {
                        qs.push((a.clone(), s.clone()));
                    }
                }
                check::snapshot(&live, &subject, &qs, &ctxs, now.map(time));
            }
            Op::AddAssignment {
                subject,
                role,
                scope,
                context,
                except,
            } => {
                let a = AssignmentDoc {
                    id: None,
                    subject: Text(pick(&names.subjects, subject)),
                    role: pick(&names.roles, role),
                    scope: Text(pick(&names.scopes, scope)),
                    context: doc_context(&names, context),
                    except: except
                        .iter()
                        .take(3)
                        .map(|(act, n)| pattern(&names, *act, n))
                        .collect(),
                };
                let mut doc = live.directory().doc().clone();
                doc.assignments.push(a.clone());
                let added = live.add_assignment(a);
                agrees_with_load(&live, doc, added.map(|_| ()), "add_assignment");
            }
            Op::RemoveAssignment(i) => {
                let len = live.directory().doc().assignments.len();
                let i = *i as usize % (len + 1);
                let removed = live.remove_assignment(i);
                assert_eq!(removed.is_ok(), i < len, "remove_assignment({i}) of {len}");
            }
            Op::AddGrant {
                subject,
                action,
                what,
                scope,
                context,
            } => {
                let what = pattern(&names, *action, what);
                let g = GrantDoc {
                    id: None,
                    subject: Text(pick(&names.subjects, subject)),
                    permission: (!*action).then(|| what.clone()),
                    action: action.then_some(what),
                    scope: Text(pick(&names.scopes, scope)),
                    context: doc_context(&names, context),
                };
                let mut doc = live.directory().doc().clone();
                doc.grants.push(g.clone());
                let added = live.add_grant(g);
                agrees_with_load(&live, doc, added.map(|_| ()), "add_grant");
            }
            Op::RemoveGrant(i) => {
                let len = live.directory().doc().grants.len();
                let i = *i as usize % (len + 1);
                let removed = live.remove_grant(i);
                assert_eq!(removed.is_ok(), i < len, "remove_grant({i}) of {len}");
            }
            Op::AddKey {
                id,
                owner,
                scope,
                permissions,
                expires,
            } => {
                let k = ApiKeyDoc {
                    id: Text(pick(&names.subjects, id)),
                    owner: Text(pick(&names.subjects, owner)),
                    scope: Text(pick(&names.scopes, scope)),
                    permissions: permissions
                        .iter()
                        .take(3)
                        .map(|(act, n)| pattern(&names, *act, n))
                        .collect(),
                    expires_at: expires.as_ref().map(|n| match n {
                        Name::Known(i) => TIMES[*i as usize % TIMES.len()].to_owned(),
                        Name::Raw(s) => s.clone(),
                    }),
                };
                let mut doc = live.directory().doc().clone();
                doc.api_keys.push(k.clone());
                let added = live.add_api_key(k);
                agrees_with_load(&live, doc, added, "add_api_key");
            }
            Op::RemoveKey(id) => {
                let id = pick(&names.subjects, id);
                let was = live.directory().doc().api_keys.iter().any(|k| k.id.0 == id);
                assert_eq!(
                    live.remove_api_key(&id).is_ok(),
                    was,
                    "remove_api_key({id})"
                );
            }
            Op::Fresh => same_as_fresh(&live, &targets, &contexts),
        }
    }
    same_as_fresh(&live, &targets, &contexts);
}

/// A live update is accepted exactly when loading the directory with that change is.
fn agrees_with_load(
    live: &Evaluator,
    doc: rolecall::model::DirectoryDoc,
    outcome: rolecall::Result<()>,
    what: &str,
) {
    let loaded = Directory::from_doc(live.policy(), doc);
    match (&outcome, &loaded) {
        (Ok(()), Ok(_)) | (Err(_), Err(_)) => {}
        (Ok(()), Err(e)) => panic!("{what} accepted a change that loading refuses: {e:?}"),
        (Err(e), Ok(_)) => panic!("{what} refused a change that loading accepts: {e:?}"),
    }
}

/// A live evaluator decides exactly like a fresh load of its own directory.
fn same_as_fresh(
    live: &Evaluator,
    targets: &[(String, String)],
    contexts: &[Vec<(String, String)>],
) {
    let doc = live.directory().doc().clone();
    let dir = Directory::from_doc(live.policy(), doc)
        .unwrap_or_else(|e| panic!("a live directory always reloads: {e:?}"));
    let fresh = Evaluator::new(live.policy().clone(), dir).unwrap_or_else(|e| panic!("{e}"));
    let names = Names::of(live);
    let empty = Vec::new();
    let all_targets = names
        .actions
        .iter()
        .chain(names.perms.iter().take(4))
        .map(|a| (a.clone(), String::new()))
        .chain(targets.iter().cloned());
    let all_targets: Vec<(String, String)> = all_targets.collect();
    for subject in names.subjects.iter().take(10) {
        assert_eq!(
            live.snapshot(subject),
            fresh.snapshot(subject),
            "a live snapshot of `{subject}` equals a fresh one"
        );
        for scope in names.scopes.iter().take(8) {
            for (t, _) in &all_targets {
                for ctx in contexts.iter().chain([&empty]) {
                    let c: Vec<(&str, &str)> =
                        ctx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    let q = Query {
                        subject,
                        target: if t.contains(':') {
                            Target::Permission(t)
                        } else {
                            Target::Action(t)
                        },
                        scope,
                        context: &c,
                        resource: &[("created_by", "u0")],
                        now: Some(time(0)),
                    };
                    assert_eq!(
                        live.check(&q),
                        fresh.check(&q),
                        "a live update decides like a fresh load: {q:?}"
                    );
                }
            }
        }
    }
    assert!(
        rolecall::diff(live, &fresh).is_empty(),
        "diff of a live evaluator and a fresh load of it is empty"
    );
}
