//! Roles (SPEC section 1): each role's own grants and actions as bitsets, then every role closed
//! over the roles it includes, in topological order, so a check reads one set per role.

use super::compile::humanize;
use super::graph::{find_cycle, topo_order};
use super::{Policy, RoleInfo};
use crate::bitset::Bits;
use crate::error::{check_name, over_limit, unknown, Error, ErrorCode};
use crate::limits;
use crate::model::{OneOrMany, PolicyDoc};
use indexmap::IndexMap;

/// Compiles the roles and closes them over their includes. Returns the topological order of
/// the roles (each after the roles it includes), or `None` when they include each other in a
/// cycle.
pub(super) fn compile_roles(
    policy: &mut Policy,
    doc: &PolicyDoc,
    errs: &mut Vec<Error>,
) -> Option<Vec<u32>> {
    let nperm = policy.perm_count() as usize;
    let nact = policy.actions.len();
    errs.extend(over_limit(
        "roles",
        doc.roles.len(),
        limits::MAX_POLICY_ITEMS,
        "roles",
    ));
    for (i, name) in doc.roles.keys().enumerate().take(limits::MAX_POLICY_ITEMS) {
        check_name(name, &format!("roles.{name}"), errs);
        policy.role_ix.insert(name, i as u32);
    }
    let n = doc.roles.len().min(limits::MAX_POLICY_ITEMS);
    let bytes = role_set_bytes(policy, n);
    if bytes > limits::MAX_SET_BYTES {
        let message = format!(
            "the grant sets of {n} roles over {nperm} permissions and {nact} actions would take \
             {bytes} bytes, more than the limit of {} bytes",
            limits::MAX_SET_BYTES
        );
        errs.push(
            Error::new(ErrorCode::LimitExceeded, "roles", message)
                .with_help("use fewer roles, resources or levels"),
        );
        return None;
    }
    let mut includes: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, (name, r)) in doc.roles.iter().enumerate().take(n) {
        let path = format!("roles.{name}");
        let mut perms = Bits::new(nperm);
        let mut actions = Bits::new(nact);
        for (j, inc) in r.includes.iter().enumerate() {
            match policy.role_ix.get(inc) {
                Some(t) => {
                    if let Some(v) = includes.get_mut(i) {
                        v.push(t);
                    }
                }
                None => errs.push(unknown(
                    ErrorCode::UnknownRole,
                    &format!("{path}.includes[{j}]"),
                    "role",
                    inc,
                    policy.role_ix.names(),
                    errs.len(),
                )),
            }
        }
        policy.own_sets(&path, &r.grants, &r.actions, &mut perms, &mut actions, errs);
        if r.max_holders == Some(0) {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("{path}.max_holders"),
                "`max_holders` must be at least 1",
            ));
        }
        for (j, k) in r.assignable_at.iter().flatten().enumerate() {
            check_name(k, &format!("{path}.assignable_at[{j}]"), errs);
        }
        policy.roles.push(RoleInfo {
            name: name.clone(),
            label: r.label.clone().unwrap_or_else(|| humanize(name)),
            perms,
            actions,
            assignable: r.assignable.unwrap_or(true),
            max_holders: r.max_holders,
            assignable_at: r.assignable_at.clone(),
            includes: includes.get(i).cloned().unwrap_or_default(),
            constrains: r.max_holders.is_some() || r.assignable_at.is_some(),
            member_of: Vec::new(),
            in_exclusive: false,
            scope: None,
        });
    }

    // Close over includes in topological order (Kahn: iterative, linear in the graph).
    let Some(order) = topo_order(&includes) else {
        let cycle = find_cycle(&includes);
        let names: Vec<&str> = cycle.iter().map(|r| policy.role_name(*r)).collect();
        let first = names.first().copied().unwrap_or("?");
        errs.push(Error::new(
            ErrorCode::Cycle,
            format!("roles.{first}.includes"),
            format!(
                "roles include each other in a cycle: {} → {first}",
                names.join(" → ")
            ),
        ));
        return None;
    };
    policy.close_roles(&order);
    policy.policy_roles = policy.roles.len();
    Some(order)
}

impl Policy {
    /// Adds to `perms` and `actions` a role's own `grants` and `actions` (at `path`), as the
    /// policy writes them: a custom role's are read by the same code.
    pub(crate) fn own_sets(
        &self,
        path: &str,
        grants: &IndexMap<String, OneOrMany>,
        role_actions: &[String],
        perms: &mut Bits,
        actions: &mut Bits,
        errs: &mut Vec<Error>,
    ) {
        for (res, lv) in grants {
            for (j, l) in lv.0.iter().enumerate() {
                match self.expand_pattern(&format!("{res}:{l}"), true, errs.len()) {
                    Ok(bits) => perms.union_with(&bits.0),
                    // An unknown resource is the key; anything else is the level.
                    Err(e) if e.code == ErrorCode::UnknownResource => {
                        errs.push(e.at(&format!("{path}.grants.{res}")))
                    }
                    Err(e) => errs.push(e.at(&format!("{path}.grants.{res}[{j}]"))),
                }
            }
        }
        for (j, a) in role_actions.iter().enumerate() {
            match self.action_ix.get(a) {
                Some(t) => actions.set(t),
                None => errs.push(unknown(
                    ErrorCode::UnknownAction,
                    &format!("{path}.actions[{j}]"),
                    "action",
                    a,
                    self.action_ix.names(),
                    errs.len(),
                )),
            }
        }
    }

    /// Closes the roles of `order` (each after the roles it includes) over their includes: a
    /// role's sets become its own and those of every role it includes, transitively.
    pub(crate) fn close_roles(&mut self, order: &[u32]) {
        for &i in order {
            let Some(me) = self.roles.get(i as usize) else {
                continue;
            };
            let mut perms = me.perms.clone();
            let mut actions = me.actions.clone();
            let mut constrains = me.constrains;
            let mut in_exclusive = me.in_exclusive;
            for &inc in &me.includes {
                if let Some(r) = self.roles.get(inc as usize) {
                    perms.union_with(&r.perms.0);
                    actions.union_with(&r.actions.0);
                    constrains |= r.constrains;
                    in_exclusive |= r.in_exclusive;
                }
            }
            if let Some(r) = self.roles.get_mut(i as usize) {
                r.perms = perms;
                r.actions = actions;
                r.constrains = constrains;
                r.in_exclusive = in_exclusive;
            }
        }
    }
}

/// The bytes of the closed permission and action sets of `roles` roles.
pub(crate) fn role_set_bytes(policy: &Policy, roles: usize) -> usize {
    let words = (policy.perm_count() as usize).div_ceil(64).max(1)
        + policy.actions.len().div_ceil(64).max(1);
    roles.saturating_mul(words).saturating_mul(8)
}
