//! Custom roles (directory `roles`): compiled into a copy of the policy whose role list ends
//! with them, by the policy's own role code (`Policy::own_sets`, `Policy::close_roles`), so that
//! every decision path (levels, implication, `except`, contexts, forbid rules, snapshots,
//! reasons, messages) reads a custom role exactly as it reads a policy role. What is checked here
//! is what only a directory knows: ids against the policy's roles, the scope a role is defined
//! at, and that a custom role includes custom roles only from that scope or an ancestor.

use super::{Directory, Scopes};
use crate::bitset::Bits;
use crate::error::{bad_id, over_limit, unknown, Error, ErrorCode};
use crate::limits;
use crate::model::CustomRoleDoc;
use crate::names::{is_id, IdMap};
use crate::policy::{find_cycle, humanize, role_set_bytes, topo_order, Policy, RoleInfo};

/// The policy to compile a directory with: `None` when it is `policy` itself (no custom roles,
/// and `policy` carries none), else the policy's own roles followed by `roles`. `strict`
/// (loading) requires every role's scope to be in the directory; a snapshot (not strict) holds
/// only part of the tree, and its roles were checked when the server loaded them.
pub(crate) fn with_custom_roles(
    policy: &Policy,
    roles: &[CustomRoleDoc],
    scopes: &Scopes,
    strict: bool,
    errs: &mut Vec<Error>,
) -> Option<Policy> {
    if roles.is_empty() && policy.roles.len() == policy.policy_roles {
        return None;
    }
    let mut p = policy.clone();
    let base = p.policy_roles;
    p.roles.truncate(base);
    p.role_ix = IdMap::default();
    for (i, r) in p.roles.iter().enumerate() {
        p.role_ix.insert(&r.name, i as u32);
    }
    if let Some(e) = over_limit("roles", roles.len(), limits::MAX_DIRECTORY_ITEMS, "roles") {
        errs.push(e);
        return Some(p);
    }
    let bytes = role_set_bytes(&p, base + roles.len());
    if bytes > limits::MAX_SET_BYTES {
        errs.push(
            Error::new(
                ErrorCode::LimitExceeded,
                "roles",
                format!(
                    "the grant sets of {} roles would take {bytes} bytes, more than the limit of {} bytes",
                    base + roles.len(),
                    limits::MAX_SET_BYTES
                ),
            )
            .with_help("define fewer custom roles"),
        );
        return Some(p);
    }
    // Every id first, so a role may include one listed after it.
    let mut ok = true;
    for (i, r) in roles.iter().enumerate() {
        let id = &r.id.0;
        let path = format!("roles[{i}].id");
        if !is_id(id) {
            errs.push(bad_id(&path, id));
            ok = false;
        } else if let Some(prev) = p.role_ix.get(id) {
            let what = if (prev as usize) < base {
                "a policy role"
            } else {
                "another custom role"
            };
            errs.push(Error::new(
                ErrorCode::DuplicateId,
                path,
                format!("role `{id}` is already {what}"),
            ));
            ok = false;
        } else {
            p.role_ix.insert(id, (base + i) as u32);
        }
    }
    if !ok {
        return Some(p);
    }
    let scope_of = |r: &CustomRoleDoc| scopes.ids.get(&r.scope.0);
    for (i, r) in roles.iter().enumerate() {
        let path = format!("roles[{i}]");
        let mine = scope_of(r);
        if mine.is_none() && strict {
            errs.push(unknown(
                ErrorCode::UnknownScope,
                &format!("{path}.scope"),
                "scope",
                &r.scope.0,
                scopes.ids.names(),
                errs.len(),
            ));
        }
        let mut includes = Vec::with_capacity(r.includes.len());
        for (j, inc) in r.includes.iter().enumerate() {
            let Some(t) = p.role_ix.get(inc) else {
                errs.push(unknown(
                    ErrorCode::UnknownRole,
                    &format!("{path}.includes[{j}]"),
                    "role",
                    inc,
                    p.role_ix.names(),
                    errs.len(),
                ));
                continue;
            };
            let theirs = (t as usize)
                .checked_sub(base)
                .and_then(|k| roles.get(k))
                .and_then(scope_of);
            if let (Some(m), Some(th)) = (mine, theirs) {
                if !scopes.covers(th, m) {
                    errs.push(
                        Error::new(
                            ErrorCode::RoleOutOfScope,
                            format!("{path}.includes[{j}]"),
                            format!(
                                "`{inc}` is defined at `{}`, which is not `{}` or an ancestor of it",
                                scopes.name(th),
                                r.scope.0
                            ),
                        )
                        .with_help("a custom role includes policy roles, or custom roles defined at its own scope or above"),
                    );
                }
            }
            includes.push(t);
        }
        let mut perms = Bits::new(p.perm_count() as usize);
        let mut actions = Bits::new(p.actions.len());
        p.own_sets(&path, &r.grants, &r.actions, &mut perms, &mut actions, errs);
        p.roles.push(RoleInfo {
            name: r.id.0.clone(),
            label: r.label.clone().unwrap_or_else(|| humanize(&r.id.0)),
            perms,
            actions,
            assignable: r.assignable.unwrap_or(true),
            max_holders: None,
            assignable_at: None,
            includes,
            constrains: false,
            member_of: Vec::new(),
            in_exclusive: false,
            scope: Some(r.scope.0.clone()),
        });
    }
    // Close over includes as the policy does; policy roles are closed already.
    let graph: Vec<Vec<u32>> = p.roles.iter().map(|r| r.includes.clone()).collect();
    match topo_order(&graph) {
        Some(order) => {
            let custom: Vec<u32> = order.into_iter().filter(|&r| r as usize >= base).collect();
            p.close_roles(&custom);
        }
        None => {
            let cycle = find_cycle(&graph);
            let names: Vec<&str> = cycle.iter().map(|r| p.role_name(*r)).collect();
            let first = names.first().copied().unwrap_or("?");
            let at = cycle
                .first()
                .and_then(|r| (*r as usize).checked_sub(base))
                .unwrap_or(0);
            errs.push(Error::new(
                ErrorCode::Cycle,
                format!("roles[{at}].includes"),
                format!(
                    "roles include each other in a cycle: {} → {first}",
                    names.join(" → ")
                ),
            ));
        }
    }
    Some(p)
}

impl Directory {
    /// `role_out_of_scope` at `path` when `role` is a custom role and `scope` is outside the
    /// subtree of the scope it is defined at. A scope the directory does not hold (a
    /// snapshot's) is not checked: the server checked it.
    pub(crate) fn role_scope_error(
        &self,
        policy: &Policy,
        role: u32,
        scope: u32,
        path: &dyn Fn() -> String,
    ) -> Option<Error> {
        let at = policy.roles.get(role as usize)?.scope.as_deref()?;
        let defined = self.scopes.ids.get(at)?;
        if self.scopes.covers(defined, scope) {
            return None;
        }
        Some(
            Error::new(
                ErrorCode::RoleOutOfScope,
                path(),
                format!(
                    "custom role `{}` is defined at `{at}`; it can be assigned only there or below, not at `{}`",
                    policy.role_name(role),
                    self.scopes.name(scope)
                ),
            )
            .with_help(format!("assign it at `{at}` or a scope under it")),
        )
    }
}
