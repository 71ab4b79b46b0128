//! The directory's constraint checks (SPEC section 2): `max_holders`, `assignable_at` and
//! `exclusive_roles` over every assignment at load, and the errors and the exclusive-group test
//! that live updates (`live.rs`) and administration checks (`admin.rs`) share with it.

use super::scopes::Subtree;
use super::sources::Source;
use super::{Directory, Origin};
use crate::error::{Error, ErrorCode};
use crate::policy::{Policy, RoleInfo};
use std::collections::HashMap;

/// The hash maps of the load's per-assignment checks: keyed by small integers, hashed by
/// foldhash (the default SipHash was a visible part of a load in WebAssembly).
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

impl Directory {
    /// `max_holders`, `assignable_at` and `exclusive_roles` over the whole directory.
    pub(super) fn check_constraints(&mut self, policy: &Policy, errs: &mut Vec<Error>) {
        let mut holders: FastMap<(u32, u32), Vec<u32>> = FastMap::default();
        // The constrained roles and exclusive groups of each assigned role, computed once per
        // role.
        let mut constrained: FastMap<u32, Vec<u32>> = FastMap::default();
        let mut exclusive: FastMap<u32, Vec<(u32, u32)>> = FastMap::default();
        for (s, info) in self.subject_info.iter().enumerate() {
            for src in &info.sources {
                let Origin::Assignment(i) = src.origin else {
                    continue;
                };
                if !policy
                    .roles
                    .get(src.role as usize)
                    .is_some_and(|r| r.constrains)
                {
                    continue;
                }
                let cs = constrained
                    .entry(src.role)
                    .or_insert_with(|| policy.constrained(src.role));
                for &c in cs.iter() {
                    let Some(cr) = policy.roles.get(c as usize) else {
                        continue;
                    };
                    if let Some(e) = self.kind_error(cr, src.scope, i) {
                        errs.push(e);
                    }
                    if let Some(max) = cr.max_holders {
                        // Subjects are visited in order, so each list is sorted and a subject
                        // already in it is its last element.
                        let h = holders.entry((c, src.scope)).or_default();
                        if h.last() != Some(&(s as u32)) {
                            h.push(s as u32);
                            if h.len() > max as usize {
                                errs.push(max_error(cr, max, self.scopes.name(src.scope), i));
                            }
                        }
                    }
                }
            }
            if !policy.exclusive.is_empty() {
                self.check_exclusive(policy, s as u32, &info.sources, &mut exclusive, errs);
            }
        }
        self.holders = holders;
    }

    /// Exclusive roles: every pair of one subject's assignments at overlapping scopes whose
    /// roles hold different members of one group, in the order of a scan of all pairs. Only
    /// the pairs that conflict are visited (see [`exclusive_pairs`]), so a subject with many
    /// assignments costs O(k log k) for k assignments of roles in a group, plus the errors.
    fn check_exclusive(
        &self,
        policy: &Policy,
        s: u32,
        sources: &[Source],
        cache: &mut FastMap<u32, Vec<(u32, u32)>>,
        errs: &mut Vec<Error>,
    ) {
        let in_group = |x: &Source| {
            matches!(x.origin, Origin::Assignment(_))
                && policy
                    .roles
                    .get(x.role as usize)
                    .is_some_and(|r| r.in_exclusive)
        };
        if sources.iter().filter(|x| in_group(x)).nth(1).is_none() {
            return;
        }
        for x in sources.iter().filter(|x| in_group(x)) {
            cache
                .entry(x.role)
                .or_insert_with(|| policy.exclusive_of(x.role));
        }
        let asg: Vec<(&Source, &[(u32, u32)])> = sources
            .iter()
            .filter(|x| in_group(x))
            .filter_map(|x| cache.get(&x.role).map(|l| (x, l.as_slice())))
            .collect();
        for (x, y) in exclusive_pairs(&asg) {
            let (Some((_, la)), Some((b, lb))) = (asg.get(x as usize), asg.get(y as usize)) else {
                continue;
            };
            let Origin::Assignment(i) = b.origin else {
                continue;
            };
            if let Some((r1, r2)) = conflict_in(la, lb) {
                errs.push(exclusive_error(policy, self.subjects.name(s), r1, r2, i));
            }
        }
    }

    /// The `assignable_at` error for a role held at a scope, if its kind is not allowed.
    pub(crate) fn kind_error(&self, role: &RoleInfo, scope: u32, i: u32) -> Option<Error> {
        let kinds = role.assignable_at.as_ref()?;
        let kind = self
            .scopes
            .kind
            .get(scope as usize)
            .and_then(Option::as_deref);
        if kind.is_some_and(|k| kinds.iter().any(|x| x == k)) {
            return None;
        }
        Some(Error::new(
            ErrorCode::ScopeKindNotAllowed,
            format!("assignments[{i}].scope"),
            format!(
                "role `{}` may only be assigned at scopes of kind {}, and `{}` is {}",
                role.name,
                kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.scopes.name(scope),
                kind.map_or("of no kind".to_owned(), |k| format!("of kind `{k}`"))
            ),
        ))
    }
}

pub(crate) fn max_error(role: &RoleInfo, max: u32, scope: &str, i: u32) -> Error {
    Error::new(
        ErrorCode::MaxHoldersExceeded,
        format!("assignments[{i}]"),
        format!(
            "role `{}` may have at most {max} {} at `{scope}`",
            role.name,
            if max == 1 { "holder" } else { "holders" }
        ),
    )
}

pub(crate) fn exclusive_error(policy: &Policy, subject: &str, r1: u32, r2: u32, i: u32) -> Error {
    Error::new(
        ErrorCode::ExclusiveRoles,
        format!("assignments[{i}]"),
        format!(
            "`{subject}` would hold both `{}` and `{}`, which must be held by different people",
            policy.role_name(r1),
            policy.role_name(r2)
        ),
    )
}

/// Two distinct roles of one exclusive group, one held through a role whose groups are `la`,
/// the other through a role whose groups are `lb` (see [`Policy::exclusive_of`]): the first
/// such group, in the policy's order.
pub(crate) fn conflict_in(la: &[(u32, u32)], lb: &[(u32, u32)]) -> Option<(u32, u32)> {
    let (mut ea, mut eb) = (la.iter().peekable(), lb.iter().peekable());
    while let (Some(&&(ga, ma)), Some(&&(gb, mb))) = (ea.peek(), eb.peek()) {
        match ga.cmp(&gb) {
            std::cmp::Ordering::Less => {
                ea.next();
            }
            std::cmp::Ordering::Greater => {
                eb.next();
            }
            std::cmp::Ordering::Equal => {
                if ma != mb {
                    return Some((ma, mb));
                }
                ea.next();
                eb.next();
            }
        }
    }
    None
}

/// The pairs (x, y), x < y, of these assignments (with what their roles hold of exclusive
/// groups, see [`Policy::exclusive_of`]) at scopes where
/// one is the other or its ancestor that hold different members of one group, sorted. Per
/// group, the assignments are sorted by member and then by position in the scope tree (preorder),
/// so the assignments of another member under an assignment's scope are one range, found by
/// binary search: the cost is O(k log k) for k assignments (times the members a subject holds
/// of one group, at most the group's size), plus the pairs found.
fn exclusive_pairs(asg: &[(&Source, &[(u32, u32)])]) -> Vec<(u32, u32)> {
    /// (group, member, subtree of the assignment's scope, position in `asg`).
    type Item = (u32, u32, Subtree, u32);
    let mut items: Vec<Item> = Vec::new();
    for (x, (a, list)) in asg.iter().enumerate() {
        for &(g, m) in list.iter() {
            items.push((g, m, a.subtree, x as u32));
        }
    }
    crate::sorting::sort(&mut items);
    let mut pairs = Vec::new();
    for group in items.chunk_by(|a, b| a.0 == b.0) {
        let runs: Vec<&[Item]> = group.chunk_by(|a, b| a.1 == b.1).collect();
        if runs.len() < 2 {
            continue;
        }
        for (ri, run) in runs.iter().enumerate() {
            for &(_, _, subtree, x) in run.iter() {
                for (_, other) in runs.iter().enumerate().filter(|(rj, _)| *rj != ri) {
                    let lo = other.partition_point(|e| e.2.first < subtree.first);
                    let hi = other.partition_point(|e| e.2.first <= subtree.last);
                    for e in other.get(lo..hi).unwrap_or(&[]) {
                        pairs.push((x.min(e.3), x.max(e.3)));
                    }
                }
            }
        }
    }
    crate::sorting::sort(&mut pairs);
    pairs.dedup();
    pairs
}
