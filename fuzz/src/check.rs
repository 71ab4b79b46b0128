//! Invariants every evaluator must keep, whatever it was built from. Each panics with a message
//! naming the rule it checks, so a crash report says which promise broke.

use rolecall::model::AssignDoc;
use rolecall::{Decision, ErrorCode, Evaluator, Query, Reason, Snapshot, Target, Timestamp};
use std::collections::BTreeSet;

/// The input error codes a decision query may fail with (SPEC 3).
const QUERY_ERRORS: &[ErrorCode] = &[
    ErrorCode::UnknownAction,
    ErrorCode::UnknownPermission,
    ErrorCode::UnknownScope,
    ErrorCode::UnknownDimension,
    ErrorCode::MissingResourceAttribute,
    ErrorCode::MissingTime,
];

/// The error codes administration checks may fail with (SPEC 4, docs/semantics.md).
const ADMIN_ERRORS: &[ErrorCode] = &[
    ErrorCode::UnknownRole,
    ErrorCode::UnknownScope,
    ErrorCode::UnknownDimension,
    ErrorCode::UnknownAssignment,
    // A malformed request: a role for an API key, a context dimension with no value.
    ErrorCode::InvalidValue,
];

/// A resource attribute value no subject or key owner can have (ids have no control
/// characters), so `distinct_from` never matches it.
pub const OTHER: &str = "\u{1}someone else";

/// One query through every single-query entry point: `check`, `can`, `trace` and, where it
/// applies, `can_prepared` must agree, and a decision must be well formed.
pub fn query(eval: &Evaluator, q: &Query<'_>, full: bool) -> Result<Decision, rolecall::Error> {
    let checked = eval.check(q);
    let can = eval.can(q);
    match (&checked, &can) {
        (Ok(d), Ok(c)) => assert_eq!(d.allowed, *c, "can == check.allowed for {q:?}"),
        (Err(a), Err(b)) => assert_eq!(a.code, b.code, "can and check fail alike for {q:?}"),
        _ => panic!("can and check disagree on failing for {q:?}: {checked:?} vs {can:?}"),
    }
    match eval.trace(q) {
        Ok(t) => assert_eq!(Ok(&t.decision), checked.as_ref(), "trace decides as check"),
        Err(e) => assert_eq!(
            Err(e.code),
            checked.as_ref().map_err(|e| e.code).map(|_| ()),
            "trace fails as check"
        ),
    }
    match &checked {
        Ok(d) => well_formed(eval, q, d, full),
        Err(e) => assert!(
            QUERY_ERRORS.contains(&e.code),
            "a query fails only with a SPEC input error, not {e:?}"
        ),
    }
    prepared(eval, q, &can);
    checked
}

fn well_formed(eval: &Evaluator, q: &Query<'_>, d: &Decision, full: bool) {
    assert_eq!(
        d.allowed,
        d.reason == Reason::Granted,
        "allowed exactly when granted: {d:?}"
    );
    if d.allowed {
        assert!(!d.sources.is_empty(), "an allow names its sources: {d:?}");
        assert!(
            eval.directory().subject_ids().any(|s| s == q.subject),
            "deny by default: an unknown subject `{}` holds nothing, yet {d:?}",
            q.subject
        );
        if let Some(rule) = matching_forbid(eval, q) {
            panic!("forbid always wins: rule {rule} matches {q:?}, yet {d:?}");
        }
        key_within_owner(eval, q);
    }
    if matches!(
        d.reason,
        Reason::MissingPermission | Reason::OutOfScope | Reason::ContextMismatch
    ) {
        assert!(
            !d.missing.is_empty(),
            "a denial names what is missing: {d:?}"
        );
    }
    if full {
        assert!(
            !d.message.is_empty() && !d.message.contains('\n'),
            "a message is one line: {d:?}"
        );
    }
}

/// The index of a `forbid` rule of the policy that matches the query, read from the documents
/// alone (docs/semantics.md): the kind matches, the scope is the rule's or below it, and the
/// action is named or requires a permission the pattern names exactly.
fn matching_forbid(eval: &Evaluator, q: &Query<'_>) -> Option<usize> {
    let policy = eval.policy().doc();
    let dir = eval.directory().doc();
    let is_key = dir.api_keys.iter().any(|k| k.id.0 == q.subject);
    let required: Vec<String> = match q.target {
        Target::Action(a) => policy.actions.get(a)?.requires.0.clone(),
        Target::Permission(p) => vec![p.to_owned()],
    };
    let part = |pat: &str, x: &str| pat == "*" || pat == x;
    let names_permission = |pat: &str| {
        let (pr, pl) = pat.split_once(':').unwrap_or((pat, ""));
        required.iter().any(|p| {
            let (r, l) = p.split_once(':').unwrap_or((p, ""));
            part(pr, r) && part(pl, l)
        })
    };
    let names_action = |pat: &str| match q.target {
        Target::Action(a) => match pat.split_once('.') {
            Some(("*", "*")) => true,
            Some((x, "*")) => a.split_once('.').is_some_and(|(y, _)| x == y),
            _ => pat == a,
        },
        Target::Permission(_) => false,
    };
    let under = |scope: &str| {
        let mut cur = Some(q.scope.to_owned());
        for _ in 0..=dir.scopes.len() {
            let Some(c) = cur else { return false };
            if c == scope {
                return true;
            }
            cur = dir
                .scopes
                .iter()
                .find(|s| s.id.0 == c)
                .and_then(|s| s.parent.as_ref().map(|p| p.0.clone()));
        }
        false
    };
    policy.constraints.forbid.iter().position(|f| {
        let kind_ok = f
            .subject_kind
            .is_none_or(|k| (k.as_str() == "api_key") == is_key);
        let target_ok = match (&f.permission, &f.action) {
            (Some(p), _) => names_permission(p),
            (_, Some(a)) => names_action(a),
            _ => false,
        };
        kind_ok && target_ok && f.scope.as_deref().is_none_or(under)
    })
}

/// An API key never exceeds its owner: what the key is allowed, the owner is allowed too, unless
/// a forbid rule for users only denies the owner (forbid rules match by subject kind).
fn key_within_owner(eval: &Evaluator, q: &Query<'_>) {
    let dir = eval.directory().doc();
    let Some(key) = dir.api_keys.iter().find(|k| k.id.0 == q.subject) else {
        return;
    };
    let owner = Query {
        subject: &key.owner.0,
        ..*q
    };
    match eval.check(&owner) {
        Ok(d) if d.allowed || d.reason == Reason::Forbidden => {}
        other => {
            panic!("an API key never exceeds its owner: {q:?} is allowed, the owner gets {other:?}")
        }
    }
}

/// `can_prepared` agrees with `can` where it applies (no context, no resource) and denies
/// where it does not (an action with `distinct_from`, an expiring key without `now`).
fn prepared(eval: &Evaluator, q: &Query<'_>, can: &Result<bool, rolecall::Error>) {
    let Target::Action(name) = q.target else {
        return;
    };
    let (Some(action), Some(scope)) = (eval.policy().action_id(name), eval.scope_handle(q.scope))
    else {
        return;
    };
    if !q.context.is_empty() || !q.resource.is_empty() {
        return;
    }
    let subject = eval.subject_handle(q.subject);
    let got = eval.can_prepared(subject, action, scope, q.now);
    let distinct = eval
        .policy()
        .doc()
        .actions
        .get(name)
        .is_some_and(|a| a.distinct_from.is_some());
    match can {
        _ if distinct => assert!(!got, "can_prepared denies an action that needs a resource"),
        Ok(c) => assert_eq!(got, *c, "can_prepared == can for {q:?}"),
        Err(_) => assert!(
            !got,
            "can_prepared denies what can refuses to decide: {q:?}"
        ),
    }
}

/// `allowed_actions` lists exactly the actions `can` allows (with a resource that is not the
/// subject's), and `scopes_where` exactly the scopes where `can` allows.
pub fn bulk(
    eval: &Evaluator,
    subject: &str,
    scope: &str,
    action: &str,
    context: &[(&str, &str)],
    now: Option<Timestamp>,
) {
    let listed = eval.allowed_actions(subject, scope, context, now);
    let mut expected = Vec::new();
    let mut failure = None;
    for a in eval.policy().action_names() {
        let attr = distinct_attr(eval, a);
        let resource: Vec<(&str, &str)> = attr.iter().map(|x| (x.as_str(), OTHER)).collect();
        let q = Query {
            subject,
            target: Target::Action(a),
            scope,
            context,
            resource: &resource,
            now,
        };
        match eval.can(&q) {
            Ok(true) => expected.push(a),
            Ok(false) => {}
            Err(e) => {
                failure.get_or_insert(e.code);
            }
        }
    }
    match (&listed, failure) {
        (Ok(list), None) => assert_eq!(
            list, &expected,
            "allowed_actions({subject}, {scope}) lists what can allows"
        ),
        (Err(e), Some(code)) => assert_eq!(e.code, code, "allowed_actions fails as can does"),
        (Ok(list), Some(code)) if eval.policy().action_names().count() > 0 => {
            panic!("allowed_actions({subject}, {scope}) = {list:?} but can fails with {code}")
        }
        (Err(e), None) if eval.policy().action_names().count() > 0 => {
            panic!("allowed_actions({subject}, {scope}) fails with {e:?} but can decides")
        }
        _ => {}
    }
    if eval.policy().action_id(action).is_none() {
        assert!(eval.scopes_where(subject, action, context, now).is_err());
        return;
    }
    let attr = distinct_attr(eval, action);
    let resource: Vec<(&str, &str)> = attr.iter().map(|x| (x.as_str(), OTHER)).collect();
    let mut expected = BTreeSet::new();
    let mut failure = None;
    for s in eval.directory().scope_ids() {
        let q = Query {
            subject,
            target: Target::Action(action),
            scope: s,
            context,
            resource: &resource,
            now,
        };
        match eval.can(&q) {
            Ok(true) => {
                expected.insert(s);
            }
            Ok(false) => {}
            Err(e) => {
                failure.get_or_insert(e.code);
            }
        }
    }
    match (eval.scopes_where(subject, action, context, now), failure) {
        (Ok(list), None) => {
            let got: BTreeSet<&str> = list.iter().copied().collect();
            assert_eq!(got.len(), list.len(), "scopes_where lists each scope once");
            assert_eq!(
                got, expected,
                "scopes_where({subject}, {action}) lists where can allows"
            );
        }
        (Err(e), Some(code)) => assert_eq!(e.code, code, "scopes_where fails as can does"),
        (got, failure) => {
            // With no scope at all there is nothing to fail on.
            if eval.directory().scope_ids().count() > 0 {
                panic!("scopes_where({subject}, {action}) = {got:?} but can fails with {failure:?}")
            }
        }
    }
}

fn distinct_attr(eval: &Evaluator, action: &str) -> Option<String> {
    eval.policy()
        .doc()
        .actions
        .get(action)
        .and_then(|a| a.distinct_from.clone())
}

/// A snapshot reveals only the subject's own sources and the scopes they reach (docs/semantics.md,
/// SECURITY.md), survives JSON, is refused under another policy, and its evaluator decides as
/// the full one at every reachable scope and denies elsewhere.
pub fn snapshot(
    full: &Evaluator,
    subject: &str,
    queries: &[(String, String)],
    contexts: &[Vec<(String, String)>],
    now: Option<Timestamp>,
) {
    let snap = full.snapshot(subject);
    let json = snap.to_json();
    let back = Snapshot::from_json(&json).unwrap_or_else(|e| panic!("a snapshot reads back: {e}"));
    assert_eq!(back, snap, "a snapshot survives JSON");
    reveals_only_its_own(full, subject, &snap);

    let mut stale = snap.clone();
    stale.policy_hash = "0".repeat(64);
    let refused = Evaluator::from_snapshot(full.policy().clone(), &stale);
    assert_eq!(
        refused.err().map(|e| e.code),
        Some(ErrorCode::PolicyMismatch),
        "a snapshot under another policy hash is refused"
    );

    let client = Evaluator::from_snapshot(full.policy().clone(), &back)
        .unwrap_or_else(|e| panic!("the server's own snapshot of `{subject}` loads: {e}"));
    let reachable: BTreeSet<&str> = snap
        .scopes
        .iter()
        .filter(|s| s.reachable)
        .map(|s| s.id.as_str())
        .collect();
    let empty = Vec::new();
    for (target, scope) in queries {
        for ctx in contexts.iter().chain([&empty]) {
            let context: Vec<(&str, &str)> =
                ctx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let attr = distinct_attr(full, target);
            let resource: Vec<(&str, &str)> = attr.iter().map(|x| (x.as_str(), OTHER)).collect();
            let q = Query {
                subject,
                target: if target.contains(':') {
                    Target::Permission(target)
                } else {
                    Target::Action(target)
                },
                scope,
                context: &context,
                resource: &resource,
                now,
            };
            let theirs = query(&client, &q, false);
            let ours = full.check(&q);
            if reachable.contains(scope.as_str()) {
                assert_eq!(theirs, ours, "a snapshot decides as the server for {q:?}");
            } else {
                if let Ok(d) = &ours {
                    assert!(
                        !d.allowed,
                        "the server allows only at reachable scopes: {q:?}"
                    );
                }
                match theirs {
                    Ok(d) => assert!(!d.allowed, "a snapshot denies an unreachable scope"),
                    Err(e) => assert_ne!(
                        e.code,
                        ErrorCode::UnknownScope,
                        "a snapshot never says which scopes exist"
                    ),
                }
            }
        }
    }
    for scope in &reachable {
        assert_eq!(
            client.allowed_actions(subject, scope, &[], now),
            full.allowed_actions(subject, scope, &[], now),
            "a snapshot lists the same allowed actions at `{scope}`"
        );
    }
    for action in full.policy().action_names() {
        let theirs = client.scopes_where(subject, action, &[], now);
        let ours = full.scopes_where(subject, action, &[], now);
        assert_eq!(
            theirs, ours,
            "a snapshot lists the same scopes for `{action}`"
        );
    }
}

/// The scopes and sources in a snapshot are the subject's own: its assignments and grants (its
/// owner's, for a key), the subtrees of their scopes, and placeholders the policy names.
fn reveals_only_its_own(full: &Evaluator, subject: &str, snap: &Snapshot) {
    let doc = full.directory().doc();
    let key = doc.api_keys.iter().find(|k| k.id.0 == subject);
    let holder = key.map_or(subject, |k| k.owner.0.as_str());
    for (i, a) in &snap.assignments {
        assert_eq!(
            a.subject.0, holder,
            "a snapshot holds only its own assignments"
        );
        assert_eq!(
            doc.assignments.get(*i),
            Some(a),
            "with their directory index"
        );
    }
    for (i, g) in &snap.grants {
        assert_eq!(g.subject.0, holder, "a snapshot holds only its own grants");
        assert_eq!(doc.grants.get(*i), Some(g), "with their directory index");
    }
    match (&snap.api_key, key) {
        (None, None) => {}
        (Some((i, k)), Some(real)) => {
            assert_eq!(k, real, "a key's snapshot holds that key");
            assert_eq!(doc.api_keys.get(*i), Some(real), "with its directory index");
        }
        other => panic!("a snapshot holds a key exactly when its subject is one: {other:?}"),
    }
    let parent = |s: &str| {
        doc.scopes
            .iter()
            .find(|x| x.id.0 == s)
            .and_then(|x| x.parent.as_ref().map(|p| p.0.clone()))
    };
    let roots: BTreeSet<String> = match key {
        Some(k) => [k.scope.0.clone()].into(),
        None => snap
            .assignments
            .iter()
            .map(|(_, a)| a.scope.0.clone())
            .chain(snap.grants.iter().map(|(_, g)| g.scope.0.clone()))
            .collect(),
    };
    let forbid_scopes: BTreeSet<&str> = full
        .policy()
        .doc()
        .constraints
        .forbid
        .iter()
        .filter_map(|f| f.scope.as_deref())
        .collect();
    let owner_scopes: BTreeSet<String> = snap
        .assignments
        .iter()
        .map(|(_, a)| a.scope.0.clone())
        .chain(snap.grants.iter().map(|(_, g)| g.scope.0.clone()))
        .collect();
    for s in &snap.scopes {
        if s.reachable {
            let mut cur = Some(s.id.clone());
            let mut under = false;
            // Bounded by the directory's depth: scopes form a tree.
            for _ in 0..=doc.scopes.len() {
                let Some(c) = cur else { break };
                if roots.contains(&c) {
                    under = true;
                    break;
                }
                cur = parent(&c);
            }
            assert!(under, "a reachable scope `{}` is under a source", s.id);
        } else {
            assert!(
                forbid_scopes.contains(s.id.as_str())
                    || (key.is_some() && owner_scopes.contains(&s.id)),
                "a placeholder `{}` is named by a forbid rule or a key owner's source",
                s.id
            );
            assert!(s.kind.is_none(), "a placeholder reveals no kind");
        }
    }
}

/// Administration entry points fail only with their documented errors; an allowed `can_assign`
/// names an assignment the directory accepts, and never grants more than the actor holds.
pub fn assign(eval: &Evaluator, req: &AssignDoc) {
    let assigned = eval.can_assign(req);
    if let Err(e) = &assigned {
        assert!(
            ADMIN_ERRORS.contains(&e.code),
            "can_assign fails with {e:?}"
        );
    }
    if let Err(e) = eval.can_revoke(req) {
        assert!(
            ADMIN_ERRORS.contains(&e.code),
            "can_revoke fails with {e:?}"
        );
    }
    let Ok(d) = assigned else { return };
    assert_eq!(
        d.allowed,
        d.reason == Reason::Granted,
        "allowed exactly when granted"
    );
    if !d.allowed {
        return;
    }
    let valid = |v: &str| v == "*" || rolecall::is_id(v);
    if !rolecall::is_id(&req.subject.0)
        || !req.context.values().flat_map(|v| &v.0).all(|v| valid(v))
    {
        return;
    }
    let mut after = eval.clone();
    let added = after.add_assignment(rolecall::model::AssignmentDoc {
        id: None,
        subject: req.subject.clone(),
        role: req.role.clone(),
        scope: req.scope.clone(),
        context: req.context.clone(),
        except: Vec::new(),
    });
    if let Err(e) = added {
        panic!("can_assign allowed {req:?}, but the directory refuses that assignment: {e}");
    }
    escalation(eval, &after, req);
}

/// Nobody grants more than they have: whatever the new assignment alone gives at a point of its
/// context, the actor holds there (SPEC 4, strict context semantics of docs/semantics.md).
fn escalation(before: &Evaluator, after: &Evaluator, req: &AssignDoc) {
    let doc = before.directory().doc();
    let actor = req.actor.0.as_str();
    // A key's holdings also depend on `now` and key-only forbid rules; users compare exactly.
    if doc.api_keys.iter().any(|k| k.id.0 == actor) {
        return;
    }
    // Only a fresh subject: then the new assignment is all it holds.
    let subject = req.subject.0.as_str();
    if before.directory().subject_ids().any(|s| s == subject) {
        return;
    }
    let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for (dim, vals) in &req.context {
        let next: Vec<Vec<(String, String)>> = points
            .iter()
            .flat_map(|pt| {
                vals.0.iter().map(move |v| {
                    let mut pt = pt.clone();
                    // "*" in an assignment: a query value no assignment lists stands for it.
                    let v = if v == "*" { OTHER } else { v.as_str() };
                    pt.push((dim.clone(), v.to_owned()));
                    pt
                })
            })
            .collect();
        points = next;
        if points.len() > 16 {
            return;
        }
    }
    let targets: Vec<String> = before
        .policy()
        .action_names()
        .map(str::to_owned)
        .chain(before.policy().permission_names())
        .collect();
    for pt in &points {
        let context: Vec<(&str, &str)> = pt.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        for t in &targets {
            let attr = distinct_attr(before, t);
            let resource: Vec<(&str, &str)> = attr.iter().map(|x| (x.as_str(), OTHER)).collect();
            let q = |who| Query {
                subject: who,
                target: if t.contains(':') {
                    Target::Permission(t)
                } else {
                    Target::Action(t)
                },
                scope: &req.scope.0,
                context: &context,
                resource: &resource,
                now: None,
            };
            if after.can(&q(subject)) == Ok(true) {
                assert_eq!(
                    before.can(&q(actor)),
                    Ok(true),
                    "can_assign allowed {req:?}, which gives `{t}` under {pt:?}, but the actor lacks it"
                );
            }
        }
    }
}
