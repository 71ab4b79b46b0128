//! Forbid rules (SPEC section 2): each rule compiled to the permissions its pattern matches and
//! listed under the actions it applies to, found through an index of the actions by name prefix
//! and by required permission rather than by comparing every rule with every action.

use super::roles::role_set_bytes;
use super::{ForbidRule, Policy};
use crate::bitset::Bits;
use crate::error::{unknown, Error, ErrorCode};
use crate::limits;
use crate::model::PolicyDoc;
use crate::names::is_name;

/// Compiles the forbid rules and lists each under the actions it applies to, within
/// [`limits::MAX_SET_BYTES`] for the rules' sets and lists together with the roles' grant sets.
pub(super) fn compile_forbids(policy: &mut Policy, doc: &PolicyDoc, errs: &mut Vec<Error>) {
    // The actions each rule applies to come from indexes (by name, by resource, by required
    // permission), so n rules over n actions cost the matches, not n × n comparisons.
    let index = if doc.constraints.forbid.is_empty() {
        ActionIndex::default()
    } else {
        ActionIndex::new(policy)
    };
    // Every permission rule holds a permission set: counted before any is made.
    let perm_rules = doc
        .constraints
        .forbid
        .iter()
        .filter(|f| f.permission.is_some() && f.action.is_none())
        .count();
    let perm_set_bytes = policy.perm_count().div_ceil(64).max(1) as usize * 8;
    let mut bytes = role_set_bytes(policy, policy.roles.len())
        .saturating_add(perm_rules.saturating_mul(perm_set_bytes));
    if bytes > limits::MAX_SET_BYTES {
        errs.push(
            Error::new(
                ErrorCode::LimitExceeded,
                "constraints.forbid",
                format!(
                    "{perm_rules} forbid rules naming a permission, of {perm_set_bytes} bytes each, and the roles' grant sets would take {bytes} bytes, more than the limit of {} bytes",
                    limits::MAX_SET_BYTES
                ),
            )
            .with_help("use fewer forbid rules, or fewer resources or levels"),
        );
        return;
    }
    for (i, f) in doc.constraints.forbid.iter().enumerate() {
        let path = format!("constraints.forbid[{i}]");
        let mut perms = Bits::default();
        match (&f.permission, &f.action) {
            (Some(p), None) => match policy.expand_pattern(p, false, errs.len()) {
                Ok(b) => perms = b,
                Err(e) => errs.push(e.at(&format!("{path}.permission"))),
            },
            (None, Some(a)) => {
                let ok = match a.split_once('.') {
                    Some((x, "*")) => x == "*" || is_name(x),
                    _ => policy.action_ix.get(a).is_some(),
                };
                if !ok {
                    errs.push(unknown(
                        ErrorCode::UnknownAction,
                        &format!("{path}.action"),
                        "action",
                        a,
                        policy.action_ix.names(),
                        errs.len(),
                    ));
                }
            }
            _ => errs.push(Error::new(
                ErrorCode::InvalidValue,
                path.clone(),
                "a forbid rule names exactly one of `permission` or `action`",
            )),
        }
        let rule = ForbidRule {
            kind: f.subject_kind,
            perms,
            action: f.action.clone(),
            scope: f.scope.clone(),
        };
        let id = policy.forbids.len() as u32;
        let matched = index.matching(policy, &rule);
        bytes = bytes.saturating_add(matched.len().saturating_mul(4));
        if bytes > limits::MAX_SET_BYTES {
            errs.push(forbid_sets_limit(&path));
            return;
        }
        for a in matched {
            if let Some(a) = policy.actions.get_mut(a as usize) {
                a.forbids.push(id);
            }
        }
        policy.forbids.push(rule);
    }
}

fn forbid_sets_limit(path: &str) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!(
            "with this rule, the forbid rules listed under the actions they apply to, their permission sets and the roles' grant sets would take more than the limit of {} bytes",
            limits::MAX_SET_BYTES
        ),
    )
    .with_help("use fewer forbid rules, or rules that apply to fewer actions")
}

/// Actions by name prefix (`transfers` of `transfers.approve`) and by required permission, for
/// matching forbid rules without comparing every rule with every action.
#[derive(Default)]
struct ActionIndex {
    by_prefix: std::collections::HashMap<String, Vec<u32>>,
    by_perm: std::collections::HashMap<u32, Vec<u32>>,
}

impl ActionIndex {
    fn new(policy: &Policy) -> Self {
        let mut ix = ActionIndex::default();
        for (i, a) in policy.actions.iter().enumerate() {
            if let Some((x, _)) = a.name.split_once('.') {
                ix.by_prefix.entry(x.to_owned()).or_default().push(i as u32);
            }
            for &p in &a.requires {
                ix.by_perm.entry(p).or_default().push(i as u32);
            }
        }
        ix
    }

    /// The actions `rule` applies to, ascending: those [`forbid_matches_action`] accepts.
    fn matching(&self, policy: &Policy, rule: &ForbidRule) -> Vec<u32> {
        match &rule.action {
            Some(pat) => match pat.split_once('.') {
                Some(("*", "*")) => (0..policy.actions.len() as u32).collect(),
                Some((x, "*")) => self.by_prefix.get(x).cloned().unwrap_or_default(),
                _ => policy.action_ix.get(pat).into_iter().collect(),
            },
            None => {
                // The rule's permissions or the required permissions, whichever are fewer.
                let ones: usize = rule.perms.0.iter().map(|w| w.count_ones() as usize).sum();
                let mut out: Vec<u32> = if ones <= self.by_perm.len() {
                    rule.perms
                        .iter()
                        .filter_map(|p| self.by_perm.get(&p))
                        .flatten()
                        .copied()
                        .collect()
                } else {
                    self.by_perm
                        .iter()
                        .filter(|(p, _)| rule.perms.has(**p))
                        .flat_map(|(_, a)| a.iter().copied())
                        .collect()
                };
                crate::sorting::sort(&mut out);
                out.dedup();
                out
            }
        }
    }
}

/// Whether a forbid rule applies to an action (the rule [`ActionIndex::matching`] implements).
#[cfg(test)]
fn forbid_matches_action(rule: &ForbidRule, a: &super::ActionInfo) -> bool {
    match &rule.action {
        Some(pat) => match pat.split_once('.') {
            Some(("*", "*")) => true,
            Some((x, "*")) => a.name.split_once('.').is_some_and(|(y, _)| x == y),
            _ => *pat == a.name,
        },
        None => a.requires.iter().any(|p| rule.perms.has(*p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbid_rules_apply_to_the_actions_a_scan_would_find() {
        let text = "rolecall: 1
resources: { a: {}, b: {}, c: {} }
actions:
  a.x: { requires: a:view }
  a.y: { requires: [a:manage, b:view] }
  b.x: { requires: b:authorize }
  c.z: { requires: [c:view, a:view] }
constraints:
  forbid:
    - { action: a.x }
    - { action: a.* }
    - { action: '*.*' }
    - { action: c.* }
    - { permission: a:view }
    - { permission: '*:view' }
    - { permission: 'b:*' }
    - { permission: '*:*' }
    - { permission: c:manage }
";
        let p = Policy::parse(text).map_err(|e| e.to_string());
        let p = match p {
            Ok(p) => p,
            Err(e) => return assert!(e.is_empty(), "{e}"),
        };
        for a in &p.actions {
            let scan: Vec<u32> = (0..p.forbids.len() as u32)
                .filter(|i| {
                    p.forbids
                        .get(*i as usize)
                        .is_some_and(|f| forbid_matches_action(f, a))
                })
                .collect();
            assert_eq!(a.forbids, scan, "{}", a.name);
        }
        let x = p.actions.first().map(|a| a.forbids.clone());
        assert_eq!(x, Some(vec![0, 1, 2, 4, 5, 7]));
    }
}
