//! Deciding a resolved query (SPEC section 3's steps): expiry, forbid rules and self-approval
//! first, then whether the subject's sources (or an API key's, bounded by its owner's) hold what
//! is required at the query scope in the query context. No allocation and no string work: this
//! is the hot path of every check.

use super::resolve::{ContextValue, QueryContext, Resolved, NO_ACTION};
use super::{Evaluator, Reason};
use crate::directory::{ForbidScope, KeyInfo, Source, NO_CONTEXT};
use crate::model::SubjectKind;

/// The rule of a pre-check that is not a forbid rule.
pub(crate) const NO_RULE: u32 = u32::MAX;

/// How a subject holds a permission at the query scope, from worst to best: the best of its
/// sources decides the reason of a denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Holding {
    Missing,
    OutOfScope,
    ContextMismatch,
    Held,
}

impl Evaluator {
    pub(crate) fn key_of(&self, subject: u32) -> Option<&KeyInfo> {
        let info = self.dir.subject_info.get(subject as usize)?;
        if info.kind == SubjectKind::ApiKey {
            self.dir.keys.get(info.key as usize)
        } else {
            None
        }
    }

    fn kind_of(&self, subject: u32) -> SubjectKind {
        self.dir
            .subject_info
            .get(subject as usize)
            .map_or(SubjectKind::User, |i| i.kind)
    }

    pub(crate) fn sources(&self, subject: u32) -> &[Source] {
        self.dir
            .subject_info
            .get(subject as usize)
            .map_or(&[], |i| i.sources.as_slice())
    }

    /// The required permissions of a resolved query.
    #[inline]
    pub(crate) fn required<'s>(&'s self, r: &'s Resolved) -> &'s [u32] {
        if r.action == NO_ACTION {
            std::slice::from_ref(&r.perm)
        } else {
            self.policy
                .actions
                .get(r.action as usize)
                .map_or(&[], |a| a.requires.as_slice())
        }
    }

    #[inline]
    pub(crate) fn covers(&self, src: &Source, scope: u32) -> bool {
        let position = self
            .dir
            .scopes
            .position
            .get(scope as usize)
            .copied()
            .unwrap_or(u32::MAX);
        src.subtree.contains(position)
    }

    /// Whether a source's context is satisfied by the query's.
    #[inline]
    pub(crate) fn ctx_ok(&self, ctx: u32, q: &QueryContext) -> bool {
        if ctx == NO_CONTEXT {
            return true;
        }
        let Some(rules) = self.dir.contexts.get(ctx as usize - 1) else {
            return false;
        };
        rules.iter().all(|rule| {
            let v =
                q.0.get(rule.dim as usize)
                    .copied()
                    .unwrap_or(ContextValue::NOT_GIVEN);
            match v {
                ContextValue::NOT_GIVEN => false,
                ContextValue::ANY => true,
                // A value no assignment lists still satisfies a rule that accepts any value.
                ContextValue::ANY_STRICT | ContextValue::UNLISTED => rule.any,
                ContextValue(id) => rule.any || rule.values.binary_search(&id).is_ok(),
            }
        })
    }

    /// The expired, forbidden and self-approval steps (1 to 3), in order.
    pub(crate) fn pre_checks(&self, r: &Resolved) -> Option<(Reason, u32)> {
        if let (Some(k), Some(now)) = (self.key_of(r.subject), r.now) {
            if k.expires_at.is_some_and(|e| now >= e) {
                return Some((Reason::Expired, NO_RULE));
            }
        }
        if let Some(rule) = self.forbidden(r) {
            return Some((Reason::Forbidden, rule));
        }
        if r.self_match {
            return Some((Reason::SelfApproval, NO_RULE));
        }
        None
    }

    fn forbidden(&self, r: &Resolved) -> Option<u32> {
        let kind = self.kind_of(r.subject);
        let applies = |i: u32| {
            let Some(rule) = self.policy.forbids.get(i as usize) else {
                return false;
            };
            if rule.kind.is_some_and(|k| k != kind) {
                return false;
            }
            match self.dir.forbid_scopes.get(i as usize) {
                Some(ForbidScope::Everywhere) => true,
                Some(ForbidScope::At(s)) => self.dir.scopes.covers(*s, r.scope),
                Some(ForbidScope::Nowhere) | None => false,
            }
        };
        if r.action != NO_ACTION {
            let a = self.policy.actions.get(r.action as usize)?;
            a.forbids.iter().copied().find(|i| applies(*i))
        } else {
            (0..self.policy.forbids.len() as u32).find(|i| {
                self.policy
                    .forbids
                    .get(*i as usize)
                    .is_some_and(|f| f.action.is_none() && f.perms.has(r.perm))
                    && applies(*i)
            })
        }
    }

    /// Whether a resolved query is allowed: no allocation, no string work.
    pub(crate) fn allowed(&self, r: &Resolved, with_pre: bool) -> bool {
        if with_pre && self.pre_checks(r).is_some() {
            return false;
        }
        if let Some(k) = self.key_of(r.subject) {
            return self.key_allows(k, r);
        }
        self.user_allows(r.subject, r)
    }

    #[inline]
    fn user_allows(&self, subject: u32, r: &Resolved) -> bool {
        let req = self.required(r);
        let full: u64 = if req.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << req.len()) - 1
        };
        let mut held = 0u64;
        let position = self
            .dir
            .scopes
            .position
            .get(r.scope as usize)
            .copied()
            .unwrap_or(u32::MAX);
        for src in self.sources(subject) {
            if !src.subtree.contains(position) || !self.ctx_ok(src.ctx, &r.ctx) {
                continue;
            }
            if r.action != NO_ACTION && self.dir.action_sets.has(src.actions, r.action) {
                return true;
            }
            for (i, p) in req.iter().enumerate() {
                if self.dir.perm_sets.has(src.perms, *p) {
                    held |= 1 << i;
                }
            }
            if held == full {
                return true;
            }
        }
        false
    }

    fn key_allows(&self, k: &KeyInfo, r: &Resolved) -> bool {
        if !self.covers(&k.source, r.scope) {
            return false;
        }
        if r.action != NO_ACTION
            && self.dir.action_sets.has(k.source.actions, r.action)
            && self.user_allows(k.owner, r)
        {
            return true;
        }
        self.required(r).iter().all(|p| {
            self.dir.perm_sets.has(k.source.perms, *p)
                && self.class_of(k.owner, *p, NO_ACTION, r) == Holding::Held
        })
    }

    /// How a user (or a key's owner) holds permission `p` (or the action `action`, which counts
    /// as a source for the classification) at the query scope.
    pub(crate) fn class_of(&self, subject: u32, p: u32, action: u32, r: &Resolved) -> Holding {
        let mut best = Holding::Missing;
        for src in self.sources(subject) {
            let has = self.dir.perm_sets.has(src.perms, p)
                || (action != NO_ACTION && self.dir.action_sets.has(src.actions, action));
            if !has {
                continue;
            }
            let c = if !self.covers(src, r.scope) {
                Holding::OutOfScope
            } else if self.ctx_ok(src.ctx, &r.ctx) {
                return Holding::Held;
            } else {
                Holding::ContextMismatch
            };
            best = best.max(c);
        }
        best
    }

    pub(super) fn key_class(&self, k: &KeyInfo, p: u32, r: &Resolved) -> Holding {
        let key_action =
            r.action != NO_ACTION && self.dir.action_sets.has(k.source.actions, r.action);
        if !(self.dir.perm_sets.has(k.source.perms, p) || key_action) {
            return Holding::Missing;
        }
        if !self.covers(&k.source, r.scope) {
            return Holding::OutOfScope;
        }
        self.class_of(k.owner, p, if key_action { r.action } else { NO_ACTION }, r)
    }
}
