//! Policy smells for `lint`: things that are valid but almost always a mistake. They are computed
//! with the core's own evaluator over a synthetic directory (one subject per role, every role
//! assigned at one scope), so "grants" and "reaches" mean exactly what they mean in a decision:
//! level implication, wildcards, declared levels and single-action grants included.

use crate::diagnostics::Warning;
use rolecall::model::{AssignmentDoc, DirectoryDoc, PolicyDoc, ScopeDoc, Text};
use rolecall::{Directory, Evaluator, Policy, Query};
use std::collections::BTreeSet;
use std::sync::Arc;

const SCOPE: &str = "lint";
/// Not a valid role name, so never equal to a subject of the synthetic directory.
const OTHER_SUBJECT: &str = "-";

/// Every smell of `policy`, in a stable order, located in `text` where possible.
pub fn find(policy: &Policy, text: &str) -> Vec<Warning> {
    let doc = policy.doc();
    let Some(eval) = synthetic_evaluator(doc) else {
        return Vec::new();
    };
    let roles: Vec<&str> = policy.role_names().collect();
    let perms = policy.permission_names();
    let held: Vec<(&str, Vec<&str>)> = roles
        .iter()
        .map(|r| {
            let holds = perms
                .iter()
                .filter(|p| eval.can(&Query::permission(r, p, SCOPE)).unwrap_or(false))
                .map(String::as_str)
                .collect();
            (*r, holds)
        })
        .collect();
    let mut out = Vec::new();
    unused_resources(doc, text, &mut out);
    empty_roles(policy, &eval, &held, text, &mut out);
    unreachable_actions(policy, &eval, &roles, text, &mut out);
    ungranted_levels(doc, &held, text, &mut out);
    // In file order, like errors; unlocated ones last.
    out.sort_by_key(|w| w.location.map_or((usize::MAX, 0), |l| (l.line, l.column)));
    out
}

/// The policy without the rules that would make a synthetic directory invalid or hide what a
/// role holds (forbid rules, exclusivity, holder limits, scope kinds).
fn synthetic_evaluator(doc: &PolicyDoc) -> Option<Evaluator> {
    let mut d = doc.clone();
    d.constraints = Default::default();
    for r in d.roles.values_mut() {
        r.max_holders = None;
        r.assignable_at = None;
    }
    let policy = Policy::from_doc(d).ok()?;
    let dir = DirectoryDoc {
        scopes: vec![ScopeDoc {
            id: Text(SCOPE.to_owned()),
            ..Default::default()
        }],
        assignments: policy
            .role_names()
            .map(|r| AssignmentDoc {
                id: None,
                subject: Text(r.to_owned()),
                role: r.to_owned(),
                scope: Text(SCOPE.to_owned()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let directory = Directory::from_doc(&policy, dir).ok()?;
    Evaluator::new(Arc::new(policy), directory).ok()
}

fn unused_resources(doc: &PolicyDoc, text: &str, out: &mut Vec<Warning>) {
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for a in doc.actions.values() {
        for p in &a.requires.0 {
            used.insert(resource_of(p));
        }
    }
    if let Some(p) = &doc.administration.assign_requires {
        used.insert(resource_of(p));
    }
    for name in doc.resources.keys() {
        if !used.contains(name.as_str()) {
            out.push(warning(
                format!("resource `{name}` is required by no action"),
                "resources",
                name,
                text,
                Some("declare an action that requires it, or remove the resource"),
            ));
        }
    }
}

fn empty_roles(
    policy: &Policy,
    eval: &Evaluator,
    held: &[(&str, Vec<&str>)],
    text: &str,
    out: &mut Vec<Warning>,
) {
    for (role, holds) in held {
        let any_action = policy.action_names().any(|a| can_action(eval, role, a));
        if holds.is_empty() && !any_action {
            out.push(warning(
                format!("role `{role}` grants nothing"),
                "roles",
                role,
                text,
                Some("give it `grants`, `actions` or `includes`, or remove it"),
            ));
        }
    }
}

fn unreachable_actions(
    policy: &Policy,
    eval: &Evaluator,
    roles: &[&str],
    text: &str,
    out: &mut Vec<Warning>,
) {
    for action in policy.action_names() {
        let reached = roles.iter().any(|r| can_action(eval, r, action));
        if !reached {
            out.push(warning(
                format!("action `{action}` is reachable by no role"),
                "actions",
                action,
                text,
                Some("no role grants all it requires, and no role names it in `actions`"),
            ));
        }
    }
}

/// A level nobody grants. With the default levels (which every policy has unless it declares its
/// own), an unused default is not a mistake, so only declared levels are checked.
fn ungranted_levels(
    doc: &PolicyDoc,
    held: &[(&str, Vec<&str>)],
    text: &str,
    out: &mut Vec<Warning>,
) {
    let Some(levels) = &doc.levels else {
        return;
    };
    if rolecall::locate_key(text, "levels").is_none() {
        return;
    }
    for level in levels.keys() {
        let granted = held
            .iter()
            .flat_map(|(_, holds)| holds)
            .any(|p| p.rsplit(':').next() == Some(level.as_str()));
        if !granted {
            out.push(warning(
                format!("level `{level}` is granted by no role"),
                "levels",
                level,
                text,
                Some("grant it in a role (a level another level implies counts), or remove it"),
            ));
        }
    }
}

/// Whether `subject` may do `action`, with every `distinct_from` attribute set to someone else.
fn can_action(eval: &Evaluator, subject: &str, action: &str) -> bool {
    let doc = eval.policy().doc();
    let attr = doc
        .actions
        .get(action)
        .and_then(|a| a.distinct_from.as_deref());
    let resource: Vec<(&str, &str)> = attr.map(|a| (a, OTHER_SUBJECT)).into_iter().collect();
    eval.can(&Query::action(subject, action, SCOPE).resource(&resource))
        .unwrap_or(false)
}

fn resource_of(permission: &str) -> &str {
    permission.split(':').next().unwrap_or(permission)
}

fn warning(message: String, section: &str, key: &str, text: &str, help: Option<&str>) -> Warning {
    Warning {
        message,
        path: format!("{section}.{key}"),
        location: rolecall::locate_key(text, &format!("{section}.{key}")),
        help: help.map(str::to_owned),
    }
}
