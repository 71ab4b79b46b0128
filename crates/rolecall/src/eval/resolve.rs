//! Resolving a query: every name turned into a dense id, and every input error of SPEC section 3
//! raised here, so that deciding afterwards is integer compares and bit tests only.

use super::{Evaluator, Query, Target};
use crate::error::{did_you_mean, too_long, unknown, Error, ErrorCode, Result};
use crate::limits::{MAX_DIMENSIONS, MAX_ID_LEN, MAX_NAME_LEN};
use crate::time::Timestamp;

/// [`Resolved::action`] of a query for one permission.
pub(crate) const NO_ACTION: u32 = u32::MAX;
/// [`Resolved::perm`] of a query for an action (its required permissions are the action's).
pub(crate) const NO_PERMISSION: u32 = u32::MAX;
/// [`Resolved::scope`] of a bulk form that goes through the scopes itself.
pub(crate) const NO_SCOPE: u32 = u32::MAX;

/// One dimension's value in a query's context as a source's context rule compares it: the id of
/// a value the directory lists, or one of the codes below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContextValue(pub u32);

impl ContextValue {
    /// The query gives no value for the dimension: only a source with no rule on it matches.
    pub const NOT_GIVEN: ContextValue = ContextValue(u32::MAX);
    /// `"*"` in a query: any value, so every rule on the dimension matches.
    pub const ANY: ContextValue = ContextValue(u32::MAX - 1);
    /// A value no source of the directory lists: only a rule that accepts any value matches.
    pub const UNLISTED: ContextValue = ContextValue(u32::MAX - 2);
    /// A strict `"*"` for administration checks: matched only by a source that accepts any value.
    pub const ANY_STRICT: ContextValue = ContextValue(u32::MAX - 3);
}

/// A query's context as one value per dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueryContext(pub [ContextValue; MAX_DIMENSIONS]);

impl Default for QueryContext {
    fn default() -> Self {
        QueryContext([ContextValue::NOT_GIVEN; MAX_DIMENSIONS])
    }
}

/// A query resolved to dense ids.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    /// The subject, or [`crate::directory::UNKNOWN_SUBJECT`].
    pub subject: u32,
    /// The action, or [`NO_ACTION`] for a query for one permission.
    pub action: u32,
    /// The permission, or [`NO_PERMISSION`] for a query for an action.
    pub perm: u32,
    pub scope: u32,
    pub ctx: QueryContext,
    pub self_match: bool,
    pub now: Option<Timestamp>,
}

impl Evaluator {
    /// Resolves names to ids. `Ok(None)`: a snapshot's unreachable scope.
    pub(crate) fn resolve(&self, q: &Query<'_>, with_resource: bool) -> Result<Option<Resolved>> {
        check_lengths(q)?;
        let p = &*self.policy;
        let (action, perm) = self.resolve_target(q.target)?;
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
        let subject = self.dir.subject_or_unknown(q.subject);
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

    /// The action and permission ids of a target ([`NO_PERMISSION`] or [`NO_ACTION`] for the
    /// other), or `unknown_action` / `unknown_permission` with a hint.
    pub(crate) fn resolve_target(&self, target: Target<'_>) -> Result<(u32, u32)> {
        let p = &*self.policy;
        Ok(match target {
            Target::Action(a) => match p.action_ix.get(a) {
                Some(id) => (id, NO_PERMISSION),
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
                Ok(id) => (NO_ACTION, id),
                Err(e) => {
                    let e = crate::error::PermError {
                        code: ErrorCode::UnknownPermission,
                        ..e
                    };
                    return Err(e.at("permission"));
                }
            },
        })
    }

    pub(crate) fn resolve_context(&self, context: &[(&str, &str)]) -> Result<QueryContext> {
        let mut ctx = QueryContext::default();
        for (k, v) in context {
            if k.len() > MAX_NAME_LEN {
                return Err(too_long("context", "a dimension", k.len(), MAX_NAME_LEN));
            }
            if v.len() > MAX_ID_LEN {
                return Err(too_long(
                    &format!("context.{k}"),
                    "a context value",
                    v.len(),
                    MAX_ID_LEN,
                ));
            }
            let Some(d) = self.policy.dim_ix.get(k) else {
                return Err(unknown(
                    ErrorCode::UnknownDimension,
                    &format!("context.{k}"),
                    "dimension",
                    k,
                    self.policy.dim_ix.names(),
                    0,
                ));
            };
            let code = if *v == "*" {
                ContextValue::ANY
            } else {
                self.dir
                    .values
                    .get(d as usize)
                    .and_then(|m| m.get(v))
                    .map_or(ContextValue::UNLISTED, ContextValue)
            };
            if let Some(slot) = ctx.0.get_mut(d as usize) {
                *slot = code;
            }
        }
        Ok(ctx)
    }
}

/// The longest action (two names and a dot) or permission (`resource:level`) a query may name.
const MAX_TARGET_LEN: usize = 2 * MAX_NAME_LEN + 1;

/// Refuses a query's subject, action, permission or scope over its documented length
/// ([`crate::limits`]) with `limit_exceeded`, before any lookup or "did you mean" hint: an
/// unknown name's hint costs time in its length, and a request may send megabytes.
pub(crate) fn check_lengths(q: &Query<'_>) -> Result<()> {
    let (path, what, target) = match q.target {
        Target::Action(a) => ("action", "an action", a),
        Target::Permission(t) => ("permission", "a permission", t),
    };
    if target.len() > MAX_TARGET_LEN {
        return Err(too_long(path, what, target.len(), MAX_TARGET_LEN));
    }
    if q.subject.len() > MAX_ID_LEN {
        return Err(too_long(
            "subject",
            "a subject",
            q.subject.len(),
            MAX_ID_LEN,
        ));
    }
    if q.scope.len() > MAX_ID_LEN {
        return Err(too_long("scope", "a scope", q.scope.len(), MAX_ID_LEN));
    }
    Ok(())
}
