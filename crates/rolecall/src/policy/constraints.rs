//! The policy's constraints on who may hold roles: `max_holders` and `assignable_at` (the roles
//! each role is or includes that carry them, found by a walk of the includes), and
//! `exclusive_roles` (the groups, where each role stands in them, and the error for a role that
//! includes two members of one group). The directory checks its assignments against these.

use super::{Policy, RoleInfo};
use crate::error::{unknown, Error, ErrorCode};
use crate::model::PolicyDoc;

impl Policy {
    /// The roles with `max_holders` or `assignable_at` that `role` is or includes, sorted.
    /// Computed when asked, by a walk of the includes that enters only roles with such a role
    /// below them, so the policy keeps no per-role list and a long include chain of constrained
    /// roles costs memory linear in its length.
    pub(crate) fn constrained(&self, role: u32) -> Vec<u32> {
        let mut out = Vec::new();
        self.walk_includes(
            role,
            |r| r.constrains,
            |r, info| {
                if info.max_holders.is_some() || info.assignable_at.is_some() {
                    out.push(r);
                }
            },
        );
        crate::sorting::sort(&mut out);
        out
    }

    /// The `exclusive_roles` groups `role` holds a member of (being it or including it), as
    /// (group, member), sorted by group: one member per group, since a role holding two is
    /// refused. Computed when asked, like [`Policy::constrained`], so the policy keeps no
    /// per-role list.
    pub(crate) fn exclusive_of(&self, role: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        self.walk_includes(
            role,
            |r| r.in_exclusive,
            |r, info| {
                out.extend(info.member_of.iter().map(|&(g, _)| (g, r)));
            },
        );
        crate::sorting::sort(&mut out);
        out.dedup_by_key(|x| x.0);
        out
    }

    /// Visits `role` and the roles it includes, transitively, each once, entering only roles
    /// for which `enter` holds (`role` itself included: nothing is visited when it does not).
    fn walk_includes(
        &self,
        role: u32,
        enter: impl Fn(&RoleInfo) -> bool,
        mut visit: impl FnMut(u32, &RoleInfo),
    ) {
        if !self.roles.get(role as usize).is_some_and(&enter) {
            return;
        }
        let mut seen: std::collections::HashSet<u32, foldhash::fast::RandomState> =
            std::collections::HashSet::default();
        seen.insert(role);
        let mut stack = vec![role];
        while let Some(r) = stack.pop() {
            let Some(info) = self.roles.get(r as usize) else {
                continue;
            };
            visit(r, info);
            for &inc in &info.includes {
                if self.roles.get(inc as usize).is_some_and(&enter) && seen.insert(inc) {
                    stack.push(inc);
                }
            }
        }
    }
}

/// Resolves the `exclusive_roles` groups and, when the roles have a topological order (`None`:
/// they include each other in a cycle, already reported), refuses every role that holds two
/// members of one group: such a role could never be held.
pub(super) fn compile_exclusive_groups(
    policy: &mut Policy,
    doc: &PolicyDoc,
    order: Option<&[u32]>,
    errs: &mut Vec<Error>,
) {
    for (i, group) in doc.constraints.exclusive_roles.iter().enumerate() {
        let mut ids = Vec::new();
        for (j, r) in group.iter().enumerate() {
            match policy.role_ix.get(r) {
                Some(id) => ids.push(id),
                None => errs.push(unknown(
                    ErrorCode::UnknownRole,
                    &format!("constraints.exclusive_roles[{i}][{j}]"),
                    "role",
                    r,
                    policy.role_ix.names(),
                    errs.len(),
                )),
            }
        }
        if group.len() < 2 {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("constraints.exclusive_roles[{i}]"),
                "an exclusive group needs at least two roles",
            ));
        }
        policy.exclusive.push(ids);
    }
    // A role that includes two roles of one exclusive group could never be held.
    if let Some(order) = order {
        compile_exclusive(policy, order, errs);
    }
}

/// Where each role is listed in `exclusive_roles`, which roles hold a listed role, and the
/// error for every role that holds two members of one group (naming the first two in the
/// group's order, as a scan of the group would).
///
/// What a role holds of each group (the two first positions in the group, enough to name the
/// error) is built in topological order, each role's map made from those of the roles it
/// includes: a map is moved up to the last role that includes it, not copied, and smaller maps
/// are merged into larger ones. A chain of n roles in as many groups costs O(n), not the n^2
/// of a list per role; only maps shared by several including roles are copied.
fn compile_exclusive(policy: &mut Policy, order: &[u32], errs: &mut Vec<Error>) {
    if policy.exclusive.is_empty() {
        return;
    }
    for (g, group) in policy.exclusive.iter().enumerate() {
        for (pos, r) in group.iter().enumerate() {
            if let Some(role) = policy.roles.get_mut(*r as usize) {
                role.member_of.push((g as u32, pos as u32));
            }
        }
    }
    for &i in order {
        let below = policy.roles.get(i as usize).is_some_and(|r| {
            r.includes.iter().any(|c| {
                policy
                    .roles
                    .get(*c as usize)
                    .is_some_and(|x| x.in_exclusive)
            })
        });
        if let Some(r) = policy.roles.get_mut(i as usize) {
            r.in_exclusive = below || !r.member_of.is_empty();
        }
    }
    // How many roles still have to read each role's map.
    let mut readers = vec![0u32; policy.roles.len()];
    for r in &policy.roles {
        let mut inc: Vec<u32> = r.includes.clone();
        crate::sorting::sort(&mut inc);
        inc.dedup();
        for c in inc {
            if let Some(n) = readers.get_mut(c as usize) {
                *n += 1;
            }
        }
    }
    let mut maps: Vec<Option<GroupHoldings>> = (0..policy.roles.len()).map(|_| None).collect();
    // (role, group, first position, second position)
    let mut conflicts: Vec<(u32, u32, u32, u32)> = Vec::new();
    for &i in order {
        let Some(role) = policy.roles.get(i as usize) else {
            continue;
        };
        let mut inc: Vec<u32> = role.includes.clone();
        crate::sorting::sort(&mut inc);
        inc.dedup();
        // The largest map this role is the last reader of becomes its own.
        let base = inc
            .iter()
            .copied()
            .filter(|c| readers.get(*c as usize) == Some(&1))
            .max_by_key(|c| {
                maps.get(*c as usize)
                    .and_then(Option::as_ref)
                    .map_or(0, GroupHoldings::len)
            });
        let mut held = base
            .and_then(|c| maps.get_mut(c as usize).and_then(Option::take))
            .unwrap_or_default();
        for &c in &inc {
            if Some(c) != base {
                if let Some(m) = maps.get(c as usize).and_then(Option::as_ref) {
                    held.merge(m);
                }
            }
            if let Some(n) = readers.get_mut(c as usize) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    if let Some(m) = maps.get_mut(c as usize) {
                        *m = None;
                    }
                }
            }
        }
        for &(g, p) in &role.member_of {
            held.add(g, p);
        }
        for &g in &held.conflicts {
            if let Some(&(p1, p2)) = held.map.get(&g) {
                conflicts.push((i, g, p1, p2));
            }
        }
        if readers.get(i as usize).is_some_and(|n| *n > 0) && !held.map.is_empty() {
            if let Some(m) = maps.get_mut(i as usize) {
                *m = Some(held);
            }
        }
    }
    crate::sorting::sort(&mut conflicts);
    let member = |g: u32, p: u32| {
        policy
            .exclusive
            .get(g as usize)
            .and_then(|group| group.get(p as usize))
            .copied()
            .unwrap_or(u32::MAX)
    };
    for (i, g, p1, p2) in conflicts {
        let name = policy.role_name(i);
        errs.push(Error::new(
            ErrorCode::ExclusiveRoles,
            format!("roles.{name}"),
            format!(
                "role `{name}` includes `{}` and `{}`, which `constraints.exclusive_roles[{g}]` keeps apart",
                policy.role_name(member(g, p1)),
                policy.role_name(member(g, p2))
            ),
        ));
    }
}

/// The second position of a group in [`GroupHoldings`] while the role holds only one member.
const NO_SECOND: u32 = u32::MAX;

/// What a role holds of the exclusive groups: per group, the two first positions in the group
/// of the roles it is or includes (the second [`NO_SECOND`] while there is only one).
#[derive(Default)]
struct GroupHoldings {
    map: std::collections::HashMap<u32, (u32, u32), foldhash::fast::RandomState>,
    /// The groups with two positions, each once.
    conflicts: Vec<u32>,
}

impl GroupHoldings {
    fn len(&self) -> usize {
        self.map.len()
    }

    fn add(&mut self, g: u32, p: u32) {
        let e = self.map.entry(g).or_insert((p, NO_SECOND));
        if p == e.0 || p == e.1 {
            return;
        }
        let was = e.1;
        if p < e.0 {
            e.1 = e.0;
            e.0 = p;
        } else if p < e.1 {
            e.1 = p;
        }
        if was == NO_SECOND && e.1 != NO_SECOND {
            self.conflicts.push(g);
        }
    }

    fn merge(&mut self, other: &GroupHoldings) {
        for (&g, &(p1, p2)) in &other.map {
            self.add(g, p1);
            if p2 != NO_SECOND {
                self.add(g, p2);
            }
        }
    }
}
