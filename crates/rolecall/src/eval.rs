//! Decisions (SPEC section 3). A query is first resolved to dense ids (every input error is
//! raised there); then [`Evaluator::can`] answers with integer compares and bit tests only, and
//! [`Evaluator::check`] classifies the reason in SPEC's order and explains it.

use crate::directory::{Directory, KeyInfo, Origin, Source, NONE};
use crate::error::{did_you_mean, Error, ErrorCode, Result};
use crate::limits::MAX_DIMENSIONS;
use crate::model::{QueryDoc, SubjectKind};
use crate::policy::Policy;
use crate::time::Timestamp;
use serde::Serialize;
use std::sync::Arc;

/// What a query asks about: an action, or one permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// An action name (`transfers.approve`).
    Action(&'a str),
    /// One permission (`transfers:authorize`).
    Permission(&'a str),
}

/// A query: may `subject` do `target` in `scope`?
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    /// Who asks; an unknown subject holds nothing.
    pub subject: &'a str,
    /// The action or permission.
    pub target: Target<'a>,
    /// Where.
    pub scope: &'a str,
    /// Dimension to one value, or `*` for any value.
    pub context: &'a [(&'a str, &'a str)],
    /// Attributes of the resource acted on.
    pub resource: &'a [(&'a str, &'a str)],
    /// The time of the query, for expiring API keys.
    pub now: Option<Timestamp>,
}

impl<'a> Query<'a> {
    /// A query for an action, with no context, resource or time.
    pub fn action(subject: &'a str, action: &'a str, scope: &'a str) -> Self {
        Query {
            subject,
            target: Target::Action(action),
            scope,
            context: &[],
            resource: &[],
            now: None,
        }
    }

    /// A query for one permission.
    pub fn permission(subject: &'a str, permission: &'a str, scope: &'a str) -> Self {
        Query {
            subject,
            target: Target::Permission(permission),
            scope,
            context: &[],
            resource: &[],
            now: None,
        }
    }

    /// With context values.
    pub fn context(mut self, context: &'a [(&'a str, &'a str)]) -> Self {
        self.context = context;
        self
    }

    /// With resource attributes.
    pub fn resource(mut self, resource: &'a [(&'a str, &'a str)]) -> Self {
        self.resource = resource;
        self
    }

    /// At a time.
    pub fn now(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }
}

/// Why a decision came out as it did. The string forms are SPEC's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Allowed.
    Granted,
    /// An API key past its `expires_at`.
    Expired,
    /// A `forbid` rule matched.
    Forbidden,
    /// The subject is the resource's `distinct_from` attribute.
    SelfApproval,
    /// A covering source holds it, but its context is not met.
    ContextMismatch,
    /// Held only at scopes that do not cover the query scope.
    OutOfScope,
    /// Not held.
    MissingPermission,
    /// `can_assign`: the role is `assignable: false`.
    NotAssignable,
    /// `can_assign`: the scope's kind is not in the role's `assignable_at`.
    ScopeKindNotAllowed,
    /// `can_assign`: the role grants more than the actor holds.
    Escalation,
    /// `can_assign`: the role already has `max_holders` holders at the scope.
    MaxHoldersReached,
    /// `can_assign`: the subject holds a role the new one excludes.
    ExclusiveRoles,
}

impl Reason {
    /// The SPEC code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Granted => "granted",
            Reason::Expired => "expired",
            Reason::Forbidden => "forbidden",
            Reason::SelfApproval => "self_approval",
            Reason::ContextMismatch => "context_mismatch",
            Reason::OutOfScope => "out_of_scope",
            Reason::MissingPermission => "missing_permission",
            Reason::NotAssignable => "not_assignable",
            Reason::ScopeKindNotAllowed => "scope_kind_not_allowed",
            Reason::Escalation => "escalation",
            Reason::MaxHoldersReached => "max_holders_reached",
            Reason::ExclusiveRoles => "exclusive_roles",
        }
    }
}

/// What kind of source granted something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An assignment of a role.
    Assignment,
    /// A direct grant.
    Grant,
    /// An API key's own permissions.
    ApiKey,
}

/// A source that granted a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantSource {
    /// Assignment, direct grant or API key.
    pub kind: SourceKind,
    /// Its index in the directory's list of that kind.
    pub index: usize,
    /// The role, for an assignment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The scope the source is at.
    pub scope: String,
}

/// A decision: allowed or not, why, who granted it or what is missing, and a one-line message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The answer.
    pub allowed: bool,
    /// The reason code.
    pub reason: Reason,
    /// One line for a tooltip: "Requires Authorize on Transfers".
    pub message: String,
    /// The sources that granted it (allowed decisions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<GrantSource>,
    /// The required permissions that are not held (denied decisions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

pub(crate) const ABSENT: u32 = u32::MAX;
pub(crate) const STAR: u32 = u32::MAX - 1;
pub(crate) const UNKNOWN_VALUE: u32 = u32::MAX - 2;
/// A strict `"*"` for administration checks: matched only by a source that accepts any value.
pub(crate) const ANY_STRICT: u32 = u32::MAX - 3;

/// A query's context as one value code per dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QCtx(pub [u32; MAX_DIMENSIONS]);

impl Default for QCtx {
    fn default() -> Self {
        QCtx([ABSENT; MAX_DIMENSIONS])
    }
}

/// A query resolved to dense ids.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    pub subject: u32,
    pub action: u32,
    pub perm: u32,
    pub scope: u32,
    pub ctx: QCtx,
    pub self_match: bool,
    pub now: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    Missing,
    OutOfScope,
    ContextMismatch,
    Held,
}

/// Decides queries against one policy and one directory. Immutable and `Sync`: share it across
/// threads behind an `Arc`.
#[derive(Debug, Clone)]
pub struct Evaluator {
    pub(crate) policy: Arc<Policy>,
    pub(crate) dir: Directory,
    /// Built from a snapshot: unknown scopes are `out_of_scope`, not errors.
    pub(crate) snapshot: bool,
}

impl Evaluator {
    /// An evaluator over a policy and a directory compiled for it.
    ///
    /// # Errors
    /// `policy_mismatch` when the directory was compiled for another policy.
    pub fn new(policy: Arc<Policy>, directory: Directory) -> Result<Evaluator> {
        // The same policy value, or an equal one (its hash is then computed, once).
        if !Arc::ptr_eq(&directory.policy, &policy.identity)
            && directory.policy_hash() != policy.hash()
        {
            return Err(Error::new(
                ErrorCode::PolicyMismatch,
                "",
                "the directory was compiled for another policy",
            ));
        }
        Ok(Evaluator {
            policy,
            dir: directory,
            snapshot: false,
        })
    }

    /// Parses a policy and a directory (YAML or JSON) into an evaluator.
    ///
    /// # Errors
    /// The first problem in either, with its origin (`policy` or `directory`) and location.
    pub fn from_text(policy: &str, directory: &str) -> Result<Evaluator> {
        let p = Policy::parse(policy).map_err(|e| e.with_origin("policy"))?;
        let d = Directory::parse(&p, directory).map_err(|e| e.with_origin("directory"))?;
        Evaluator::new(Arc::new(p), d)
    }

    /// The policy.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The directory.
    pub fn directory(&self) -> &Directory {
        &self.dir
    }

    /// The decision for a query, explained.
    ///
    /// # Errors
    /// Input errors (SPEC 3): `unknown_action`, `unknown_permission`, `unknown_scope`,
    /// `unknown_dimension`, `missing_resource_attribute`, `missing_time`.
    pub fn check(&self, q: &Query<'_>) -> Result<Decision> {
        match self.resolve(q, true)? {
            Some(r) => Ok(self.explain(&r, true)),
            None => Ok(self.unreachable(q)),
        }
    }

    /// Whether a query is allowed. Allocates nothing once the query is resolved.
    ///
    /// # Errors
    /// The same input errors as [`Evaluator::check`].
    pub fn can(&self, q: &Query<'_>) -> Result<bool> {
        Ok(match self.resolve(q, true)? {
            Some(r) => self.allowed(&r, true),
            None => false,
        })
    }

    /// The decision for a query written as a document (test files, JSON).
    ///
    /// # Errors
    /// As [`Evaluator::check`], plus `invalid_value` for a query naming both or neither of
    /// `action` and `permission`, or a bad `now`.
    pub fn check_doc(&self, q: &QueryDoc) -> Result<Decision> {
        with_query(q, |query| self.check(query))
    }

    /// Resolves names to ids. `Ok(None)`: a snapshot's unreachable scope.
    pub(crate) fn resolve(&self, q: &Query<'_>, with_resource: bool) -> Result<Option<Resolved>> {
        let p = &*self.policy;
        let (action, perm) = match q.target {
            Target::Action(a) => match p.action_ix.get(a) {
                Some(id) => (id, NONE),
                None => {
                    let e = Error::new(
                        ErrorCode::UnknownAction,
                        "action",
                        format!("unknown action `{a}`"),
                    );
                    return Err(match did_you_mean(a, p.action_ix.names()) {
                        Some(h) => e.with_help(h),
                        None => e,
                    });
                }
            },
            Target::Permission(t) => match p.resolve_perm(t, 0) {
                Ok(id) => (NONE, id),
                Err(e) => {
                    let e = crate::error::PermError {
                        code: ErrorCode::UnknownPermission,
                        ..e
                    };
                    return Err(e.at("permission"));
                }
            },
        };
        let scope = match self.dir.scopes.ids.get(q.scope) {
            Some(s)
                if self
                    .dir
                    .scopes
                    .reachable
                    .get(s as usize)
                    .copied()
                    .unwrap_or(false) =>
            {
                s
            }
            _ if self.snapshot => {
                self.resolve_context(q.context)?;
                return Ok(None);
            }
            Some(_) => return Ok(None),
            None => {
                let e = Error::new(
                    ErrorCode::UnknownScope,
                    "scope",
                    format!("unknown scope `{}`", q.scope),
                );
                return Err(match did_you_mean(q.scope, self.dir.scopes.ids.names()) {
                    Some(h) => e.with_help(h),
                    None => e,
                });
            }
        };
        let ctx = self.resolve_context(q.context)?;
        let subject = self.dir.subjects.get(q.subject).unwrap_or(NONE);
        let mut self_match = false;
        if with_resource {
            if let Some(attr) = p
                .actions
                .get(action as usize)
                .and_then(|a| a.distinct_from.as_deref())
            {
                let Some((_, v)) = q.resource.iter().find(|(k, _)| *k == attr) else {
                    return Err(Error::new(
                        ErrorCode::MissingResourceAttribute,
                        "resource",
                        format!(
                            "action `{}` needs the resource attribute `{attr}`",
                            p.action_name(action)
                        ),
                    ));
                };
                self_match = *v == q.subject
                    || self
                        .key_of(subject)
                        .is_some_and(|k| self.dir.subjects.name(k.owner) == *v);
            }
        }
        if let Some(k) = self.key_of(subject) {
            if k.expires_at.is_some() && q.now.is_none() {
                return Err(Error::new(
                    ErrorCode::MissingTime,
                    "now",
                    format!("API key `{}` expires, so the query needs `now`", q.subject),
                ));
            }
        }
        Ok(Some(Resolved {
            subject,
            action,
            perm,
            scope,
            ctx,
            self_match,
            now: q.now,
        }))
    }

    pub(crate) fn resolve_context(&self, context: &[(&str, &str)]) -> Result<QCtx> {
        let mut ctx = QCtx::default();
        for (k, v) in context {
            let Some(d) = self.policy.dim_ix.get(k) else {
                let e = Error::new(
                    ErrorCode::UnknownDimension,
                    format!("context.{k}"),
                    format!("unknown dimension `{k}`"),
                );
                return Err(match did_you_mean(k, self.policy.dim_ix.names()) {
                    Some(h) => e.with_help(h),
                    None => e,
                });
            };
            let code = if *v == "*" {
                STAR
            } else {
                self.dir
                    .values
                    .get(d as usize)
                    .and_then(|m| m.get(v))
                    .unwrap_or(UNKNOWN_VALUE)
            };
            if let Some(slot) = ctx.0.get_mut(d as usize) {
                *slot = code;
            }
        }
        Ok(ctx)
    }

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

    fn sources(&self, subject: u32) -> &[Source] {
        self.dir
            .subject_info
            .get(subject as usize)
            .map_or(&[], |i| i.sources.as_slice())
    }

    /// The required permissions of a resolved query.
    #[inline]
    pub(crate) fn required<'s>(&'s self, r: &'s Resolved) -> &'s [u32] {
        if r.action == NONE {
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
        let t = self
            .dir
            .scopes
            .tin
            .get(scope as usize)
            .copied()
            .unwrap_or(u32::MAX);
        src.tin <= t && t <= src.tout
    }

    /// Whether a source's context is satisfied by the query's.
    #[inline]
    pub(crate) fn ctx_ok(&self, ctx: u32, q: &QCtx) -> bool {
        if ctx == 0 {
            return true;
        }
        let Some(rules) = self.dir.contexts.get(ctx as usize - 1) else {
            return false;
        };
        rules.iter().all(|rule| {
            let v = q.0.get(rule.dim as usize).copied().unwrap_or(ABSENT);
            match v {
                ABSENT => false,
                STAR => true,
                // A value no assignment lists still satisfies a rule that accepts any value.
                ANY_STRICT | UNKNOWN_VALUE => rule.any,
                _ => rule.any || rule.values.binary_search(&v).is_ok(),
            }
        })
    }

    /// The expired, forbidden and self-approval steps (1 to 3), in order.
    pub(crate) fn pre_checks(&self, r: &Resolved) -> Option<(Reason, u32)> {
        if let (Some(k), Some(now)) = (self.key_of(r.subject), r.now) {
            if k.expires_at.is_some_and(|e| now >= e) {
                return Some((Reason::Expired, NONE));
            }
        }
        if let Some(rule) = self.forbidden(r) {
            return Some((Reason::Forbidden, rule));
        }
        if r.self_match {
            return Some((Reason::SelfApproval, NONE));
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
            match self.dir.forbid_scopes.get(i as usize).copied().flatten() {
                Some(NONE) => true,
                Some(s) => self.dir.scopes.covers(s, r.scope),
                None => false,
            }
        };
        if r.action != NONE {
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
        let t = self
            .dir
            .scopes
            .tin
            .get(r.scope as usize)
            .copied()
            .unwrap_or(u32::MAX);
        for src in self.sources(subject) {
            if src.tin > t || t > src.tout || !self.ctx_ok(src.ctx, &r.ctx) {
                continue;
            }
            if r.action != NONE && self.dir.action_sets.has(src.actions, r.action) {
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
        if r.action != NONE
            && self.dir.action_sets.has(k.source.actions, r.action)
            && self.user_allows(k.owner, r)
        {
            return true;
        }
        self.required(r).iter().all(|p| {
            self.dir.perm_sets.has(k.source.perms, *p)
                && self.class_of(k.owner, *p, NONE, r) == Class::Held
        })
    }

    /// How a user (or a key's owner) holds permission `p` (or the action `action`, which counts
    /// as a source for the classification) at the query scope.
    pub(crate) fn class_of(&self, subject: u32, p: u32, action: u32, r: &Resolved) -> Class {
        let mut best = Class::Missing;
        for src in self.sources(subject) {
            let has = self.dir.perm_sets.has(src.perms, p)
                || (action != NONE && self.dir.action_sets.has(src.actions, action));
            if !has {
                continue;
            }
            let c = if !self.covers(src, r.scope) {
                Class::OutOfScope
            } else if self.ctx_ok(src.ctx, &r.ctx) {
                return Class::Held;
            } else {
                Class::ContextMismatch
            };
            best = best.max(c);
        }
        best
    }

    fn key_class(&self, k: &KeyInfo, p: u32, r: &Resolved) -> Class {
        let key_action = r.action != NONE && self.dir.action_sets.has(k.source.actions, r.action);
        if !(self.dir.perm_sets.has(k.source.perms, p) || key_action) {
            return Class::Missing;
        }
        if !self.covers(&k.source, r.scope) {
            return Class::OutOfScope;
        }
        self.class_of(k.owner, p, if key_action { r.action } else { NONE }, r)
    }

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
        let mut first_missing = NONE;
        for &p in self.required(r) {
            let c = match key {
                Some(k) => self.key_class(k, p, r),
                None => self.class_of(r.subject, p, r.action, r),
            };
            if c == Class::Held {
                continue;
            }
            missing.push(p);
            if reason.is_none() {
                first_missing = p;
                reason = Some(match c {
                    Class::ContextMismatch => Reason::ContextMismatch,
                    Class::OutOfScope => Reason::OutOfScope,
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
                (r.action != NONE && self.dir.action_sets.has(src.actions, r.action))
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
            role: (src.role != NONE).then(|| self.policy.role_name(src.role).to_owned()),
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
        if r.action != NONE {
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
            _ => {
                let attr = self
                    .policy
                    .actions
                    .get(r.action as usize)
                    .and_then(|a| a.distinct_from.as_deref())
                    .unwrap_or("");
                format!("Must be done by someone other than {attr}")
            }
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
                        || (r.action != NONE && self.dir.action_sets.has(src.actions, r.action));
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
    fn unreachable(&self, q: &Query<'_>) -> Decision {
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

    // ---- The prepared fast path: integer handles, for render loops and servers. ----

    /// A subject's handle for [`Evaluator::can_prepared`]; unknown subjects get a handle that
    /// holds nothing.
    pub fn subject_handle(&self, subject: &str) -> u32 {
        self.dir.subjects.get(subject).unwrap_or(NONE)
    }

    /// A scope's handle, `None` for an unknown scope.
    pub fn scope_handle(&self, scope: &str) -> Option<u32> {
        self.dir.scopes.ids.get(scope)
    }

    /// Whether `subject` may do `action` at `scope`, all given by handle, with no context and no
    /// resource attributes. Deny by default: an action with `distinct_from` (which needs a
    /// resource), an expiring key without `now`, or an unknown handle is `false`.
    #[inline]
    pub fn can_prepared(
        &self,
        subject: u32,
        action: u32,
        scope: u32,
        now: Option<Timestamp>,
    ) -> bool {
        let Some(a) = self.policy.actions.get(action as usize) else {
            return false;
        };
        if a.distinct_from.is_some()
            || !self
                .dir
                .scopes
                .reachable
                .get(scope as usize)
                .copied()
                .unwrap_or(false)
        {
            return false;
        }
        if let Some(k) = self.key_of(subject) {
            if k.expires_at.is_some() && now.is_none() {
                return false;
            }
        }
        let r = Resolved {
            subject,
            action,
            perm: NONE,
            scope,
            ctx: QCtx::default(),
            self_match: false,
            now,
        };
        self.allowed(&r, true)
    }
}

/// Runs `f` on the [`Query`] a [`QueryDoc`] describes.
pub(crate) fn with_query<T>(q: &QueryDoc, f: impl FnOnce(&Query<'_>) -> Result<T>) -> Result<T> {
    let target = match (&q.action, &q.permission) {
        (Some(a), None) => Target::Action(a),
        (None, Some(p)) => Target::Permission(p),
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "",
                "a query names exactly one of `action` or `permission`",
            ))
        }
    };
    let context: Vec<(&str, &str)> = q
        .context
        .iter()
        .map(|(k, v)| (k.as_str(), v.0.as_str()))
        .collect();
    let resource: Vec<(&str, &str)> = q
        .resource
        .iter()
        .map(|(k, v)| (k.as_str(), v.0.as_str()))
        .collect();
    let now = match &q.now {
        Some(t) => {
            Some(Timestamp::parse(t).map_err(|m| Error::new(ErrorCode::InvalidValue, "now", m))?)
        }
        None => None,
    };
    let query = Query {
        subject: &q.subject.0,
        target,
        scope: &q.scope.0,
        context: &context,
        resource: &resource,
        now,
    };
    f(&query)
}
