//! Explanations: a resolved query's full [`Decision`], classified in SPEC's order of reasons,
//! with the granting sources or the missing permissions and the one-line message for each
//! reason; and the decision for a scope a snapshot does not reach.

use super::decide::Holding;
use super::resolve::{Resolved, NO_ACTION, NO_PERMISSION};
use super::{Decision, Evaluator, GrantSource, Query, Reason, SourceKind, Target};
use crate::directory::{Origin, Source, NO_ROLE};
use crate::model::SubjectKind;

/// The message of a `self_approval` denial when the action gives none.
pub(crate) const DEFAULT_SELF_APPROVAL: &str = "Must be done by someone else";

impl Evaluator {
    /// The full decision for a resolved query.
    pub(crate) fn explain(&self, r: &Resolved, with_pre: bool) -> Decision {
        if with_pre {
            if let Some((reason, rule)) = self.pre_checks(r) {
                let message = self.pre_message(reason, rule, r);
                return Decision {
                    allowed: false,
                    reason,
                    message,
                    sources: Vec::new(),
                    missing: Vec::new(),
                };
            }
        }
        let key = self.key_of(r.subject);
        if self.allowed(r, false) {
            let sources = match key {
                Some(k) => vec![self.grant_source(&k.source)],
                None => self.granting_sources(r),
            };
            let message = match sources.first() {
                Some(GrantSource {
                    role: Some(role),
                    scope,
                    ..
                }) => format!("Allowed by role {} at {scope}", self.role_label(role)),
                Some(GrantSource {
                    kind: SourceKind::ApiKey,
                    ..
                }) => "Allowed by API key".to_owned(),
                Some(GrantSource { scope, .. }) => format!("Allowed by a direct grant at {scope}"),
                None => "Allowed".to_owned(),
            };
            return Decision {
                allowed: true,
                reason: Reason::Granted,
                message,
                sources,
                missing: Vec::new(),
            };
        }
        let mut reason = None;
        let mut missing = Vec::new();
        let mut first_missing = NO_PERMISSION;
        for &p in self.required(r) {
            let c = match key {
                Some(k) => self.key_class(k, p, r),
                None => self.class_of(r.subject, p, r.action, r),
            };
            if c == Holding::Held {
                continue;
            }
            missing.push(p);
            if reason.is_none() {
                first_missing = p;
                reason = Some(match c {
                    Holding::ContextMismatch => Reason::ContextMismatch,
                    Holding::OutOfScope => Reason::OutOfScope,
                    _ => Reason::MissingPermission,
                });
            }
        }
        let reason = reason.unwrap_or(Reason::MissingPermission);
        let message = self.deny_message(reason, &missing, first_missing, r);
        Decision {
            allowed: false,
            reason,
            message,
            sources: Vec::new(),
            missing: missing.iter().map(|p| self.policy.perm_name(*p)).collect(),
        }
    }

    fn granting_sources(&self, r: &Resolved) -> Vec<GrantSource> {
        let req = self.required(r);
        self.sources(r.subject)
            .iter()
            .filter(|src| self.covers(src, r.scope) && self.ctx_ok(src.ctx, &r.ctx))
            .filter(|src| {
                (r.action != NO_ACTION && self.dir.action_sets.has(src.actions, r.action))
                    || req.iter().any(|p| self.dir.perm_sets.has(src.perms, *p))
            })
            .map(|src| self.grant_source(src))
            .collect()
    }

    pub(crate) fn grant_source(&self, src: &Source) -> GrantSource {
        let (kind, index) = match src.origin {
            Origin::Assignment(i) => (SourceKind::Assignment, i),
            Origin::Grant(i) => (SourceKind::Grant, i),
            Origin::Key(i) => (SourceKind::ApiKey, i),
        };
        GrantSource {
            kind,
            index: index as usize,
            role: (src.role != NO_ROLE).then(|| self.policy.role_name(src.role).to_owned()),
            scope: self.dir.scopes.name(src.scope).to_owned(),
        }
    }

    fn role_label<'s>(&'s self, role: &'s str) -> &'s str {
        self.policy
            .role_ix
            .get(role)
            .and_then(|r| self.policy.roles.get(r as usize))
            .map_or(role, |r| r.label.as_str())
    }

    fn target_label(&self, r: &Resolved) -> String {
        if r.action != NO_ACTION {
            self.policy
                .actions
                .get(r.action as usize)
                .map_or_else(String::new, |a| a.label.clone())
        } else {
            self.policy.perm_label(r.perm)
        }
    }

    fn pre_message(&self, reason: Reason, rule: u32, r: &Resolved) -> String {
        match reason {
            Reason::Expired => {
                let at = self
                    .key_of(r.subject)
                    .and_then(|k| k.expires_at)
                    .map_or_else(String::new, |t| t.to_rfc3339());
                format!(
                    "API key {} expired at {at}",
                    self.dir.subjects.name(r.subject)
                )
            }
            Reason::Forbidden => {
                let who = match self.policy.forbids.get(rule as usize).and_then(|f| f.kind) {
                    Some(SubjectKind::ApiKey) => " for API keys",
                    Some(SubjectKind::User) => " for users",
                    None => "",
                };
                format!("Forbidden{who}: {}", self.target_label(r))
            }
            // The attribute's name (`created_by`) is the policy's word, not the user's: the
            // default says what to do, and a policy can say it in its own words.
            _ => self
                .policy
                .actions
                .get(r.action as usize)
                .and_then(|a| a.self_approval_message.clone())
                .unwrap_or_else(|| DEFAULT_SELF_APPROVAL.to_owned()),
        }
    }

    fn deny_message(&self, reason: Reason, missing: &[u32], first: u32, r: &Resolved) -> String {
        let needs = missing
            .iter()
            .map(|p| self.policy.perm_label(*p))
            .collect::<Vec<_>>()
            .join(" and ");
        match reason {
            Reason::OutOfScope => format!("Requires {needs} in {}", self.dir.scopes.name(r.scope)),
            Reason::ContextMismatch => {
                let mut dims: Vec<&str> = Vec::new();
                let key_owner = self.key_of(r.subject).map(|k| k.owner);
                for src in self.sources(key_owner.unwrap_or(r.subject)) {
                    let holds = self.dir.perm_sets.has(src.perms, first)
                        || (r.action != NO_ACTION
                            && self.dir.action_sets.has(src.actions, r.action));
                    if !holds || !self.covers(src, r.scope) {
                        continue;
                    }
                    for rule in self
                        .dir
                        .contexts
                        .get((src.ctx as usize).wrapping_sub(1))
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                    {
                        let name = self
                            .policy
                            .dimensions
                            .get(rule.dim as usize)
                            .map_or("", String::as_str);
                        if !dims.contains(&name) {
                            dims.push(name);
                        }
                    }
                }
                format!(
                    "Requires {needs} for this {}",
                    if dims.is_empty() {
                        "context".to_owned()
                    } else {
                        dims.join(" and ")
                    }
                )
            }
            _ => format!("Requires {needs}"),
        }
    }

    /// The decision for a scope a snapshot does not reach.
    pub(super) fn unreachable(&self, q: &Query<'_>) -> Decision {
        let req: Vec<u32> = match q.target {
            Target::Action(a) => self
                .policy
                .action_ix
                .get(a)
                .and_then(|i| self.policy.actions.get(i as usize))
                .map(|a| a.requires.clone())
                .unwrap_or_default(),
            Target::Permission(p) => self
                .policy
                .resolve_perm(p, 0)
                .map(|p| vec![p])
                .unwrap_or_default(),
        };
        let needs = req
            .iter()
            .map(|p| self.policy.perm_label(*p))
            .collect::<Vec<_>>()
            .join(" and ");
        Decision {
            allowed: false,
            reason: Reason::OutOfScope,
            message: format!("Requires {needs} in {}", q.scope),
            sources: Vec::new(),
            missing: req.iter().map(|p| self.policy.perm_name(*p)).collect(),
        }
    }
}
