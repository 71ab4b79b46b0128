//! Administration (SPEC section 4): may an actor assign, revoke or copy roles? The actor's
//! holdings are checked strictly under the new assignment's context (every listed value of every
//! constrained dimension), so a context can never be used to grant more than the actor holds.

use crate::bitset::Bits;
use crate::directory::{conflict_in, Directory, Origin};
use crate::error::{did_you_mean, unknown, Error, ErrorCode, Result};
use crate::eval::{ContextValue, Decision, Evaluator, QueryContext, Reason};
use crate::limits::MAX_CONTEXT_POINTS;
use crate::model::{AssignDoc, AssignmentDoc, ContextDoc, CopyDoc, DirectoryDoc};

impl Evaluator {
    /// May `actor` give `subject` the `role` at `scope` (with `context`)? First failure wins:
    /// `not_assignable`, `role_out_of_scope` (a custom role outside the subtree it is defined
    /// at), `scope_kind_not_allowed`, `missing_permission`, `escalation`,
    /// `max_holders_reached`, `exclusive_roles`.
    ///
    /// # Errors
    /// `unknown_role`, `unknown_scope`, `unknown_dimension`; `invalid_value` for a role given to
    /// an API key or a context dimension with no value.
    pub fn can_assign(&self, req: &AssignDoc) -> Result<Decision> {
        self.assign_check(self, req)
    }

    /// May `actor` remove `subject`'s `role` at `scope`? Mirrors assigning: `not_assignable`,
    /// `role_out_of_scope`, `scope_kind_not_allowed`, `missing_permission`, `escalation`. A non-empty `context` picks
    /// the assignment with exactly that context.
    ///
    /// # Errors
    /// As [`Evaluator::can_assign`], and `unknown_assignment` when no such assignment exists.
    pub fn can_revoke(&self, req: &AssignDoc) -> Result<Decision> {
        let role = self.role_id(&req.role)?;
        self.scope_id(&req.scope.0)?;
        let found = self.dir.assignments_of(&req.subject.0).find(|a| {
            a.subject == req.subject
                && a.role == req.role
                && a.scope == req.scope
                && (req.context.is_empty() || a.context == req.context)
        });
        let Some(a) = found else {
            return Err(Error::new(
                ErrorCode::UnknownAssignment,
                "revoke",
                format!(
                    "`{}` holds no role `{}` at `{}`",
                    req.subject.0, req.role, req.scope.0
                ),
            ));
        };
        let full = AssignDoc {
            context: a.context.clone(),
            ..req.clone()
        };
        Ok(self
            .grant_steps(role, &full)?
            .unwrap_or_else(|| allow("Allowed to revoke")))
    }

    /// May `actor` replace `to`'s assignments with copies of `from`'s (SPEC 4, seed 004)? Allowed
    /// only if every replaced assignment may be revoked and every copied one assigned, the latter
    /// checked against the directory as it will be.
    ///
    /// # Errors
    /// As [`Evaluator::can_assign`] for the copied assignments.
    pub fn can_copy(&self, req: &CopyDoc) -> Result<Decision> {
        for a in self.dir.assignments_of(&req.to.0) {
            let d = self.can_revoke(&AssignDoc {
                actor: req.actor.clone(),
                subject: a.subject.clone(),
                role: a.role.clone(),
                scope: a.scope.clone(),
                context: a.context.clone(),
            })?;
            if !d.allowed {
                return Ok(d);
            }
        }
        let mut state: DirectoryDoc = self.dir.doc();
        state.assignments.retain(|a| a.subject != req.to);
        let copies: Vec<AssignmentDoc> = self.dir.assignments_of(&req.from.0).collect();
        for c in copies {
            let dir =
                Directory::from_doc(&self.policy, state.clone()).map_err(crate::error::first)?;
            let staged = Evaluator {
                policy: self.policy.clone(),
                dir,
                snapshot: false,
            };
            let d = self.assign_check(
                &staged,
                &AssignDoc {
                    actor: req.actor.clone(),
                    subject: req.to.clone(),
                    role: c.role.clone(),
                    scope: c.scope.clone(),
                    context: c.context.clone(),
                },
            )?;
            if !d.allowed {
                return Ok(d);
            }
            state.assignments.push(AssignmentDoc {
                id: None,
                subject: req.to.clone(),
                ..c
            });
        }
        Ok(allow("Allowed to copy"))
    }

    fn role_id(&self, role: &str) -> Result<u32> {
        self.policy.role_ix.get(role).ok_or_else(|| {
            let e = Error::new(
                ErrorCode::UnknownRole,
                "role",
                format!("unknown role `{role}`"),
            );
            match did_you_mean(role, self.policy.role_ix.names()) {
                Some(h) => e.with_help(h),
                None => e,
            }
        })
    }

    fn scope_id(&self, scope: &str) -> Result<u32> {
        self.dir.scopes.ids.get(scope).ok_or_else(|| {
            let e = Error::new(
                ErrorCode::UnknownScope,
                "scope",
                format!("unknown scope `{scope}`"),
            );
            match did_you_mean(scope, self.dir.scopes.ids.names()) {
                Some(h) => e.with_help(h),
                None => e,
            }
        })
    }

    /// `can_assign` with the actor's holdings read from `self` and the constraints
    /// (`max_holders`, `exclusive_roles`) checked against `state`.
    fn assign_check(&self, state: &Evaluator, req: &AssignDoc) -> Result<Decision> {
        let role = self.role_id(&req.role)?;
        let scope = state.scope_id(&req.scope.0)?;
        if state
            .key_of(state.dir.subject_or_unknown(&req.subject.0))
            .is_some()
        {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "subject",
                format!(
                    "`{}` is an API key; keys hold only their own `permissions`, never roles",
                    req.subject.0
                ),
            ));
        }
        if let Some(d) = self.grant_steps(role, req)? {
            return Ok(d);
        }
        let p = &self.policy;
        if p.roles.get(role as usize).is_none() {
            return Ok(allow("Allowed"));
        }
        let target = state.dir.subjects.get(&req.subject.0);
        // max_holders: distinct other subjects holding the role (or one that includes it) here.
        for c in p.constrained(role) {
            let Some(cr) = p.roles.get(c as usize) else {
                continue;
            };
            let Some(max) = cr.max_holders else { continue };
            // Holder lists are sorted: the others are all but the target, if it is one.
            let holders = state.dir.holders.get(&(c, scope)).map_or(0, |h| {
                let is_target = target.is_some_and(|t| h.binary_search(&t).is_ok());
                h.len() - usize::from(is_target)
            });
            if holders >= max as usize {
                let who = if max == 1 {
                    format!("already has a holder at {}", req.scope.0)
                } else {
                    format!("already has {holders} holders at {}", req.scope.0)
                };
                return Ok(deny(
                    Reason::MaxHoldersReached,
                    format!("{} {who} (at most {max})", cr.label),
                    Vec::new(),
                ));
            }
        }
        // exclusive_roles: the subject's assignments at overlapping scopes.
        let mine = p.exclusive_of(role);
        if let Some(t) = target
            .and_then(|t| state.dir.subject_info.get(t as usize))
            .filter(|_| !mine.is_empty())
        {
            for src in t
                .sources
                .iter()
                .filter(|s| matches!(s.origin, Origin::Assignment(_)))
            {
                let overlap = state.dir.scopes.covers(src.scope, scope)
                    || state.dir.scopes.covers(scope, src.scope);
                if !overlap {
                    continue;
                }
                if let Some((a, b)) = conflict_in(&mine, &p.exclusive_of(src.role)) {
                    return Ok(deny(
                        Reason::ExclusiveRoles,
                        format!("{} already holds {}, which must be held by someone other than the holder of {}", req.subject.0, label(p, b), label(p, a)),
                        Vec::new(),
                    ));
                }
            }
        }
        Ok(allow("Allowed to assign"))
    }

    /// Steps 1 to 4, shared by assign and revoke. `None`: all passed.
    fn grant_steps(&self, role: u32, req: &AssignDoc) -> Result<Option<Decision>> {
        let p = &self.policy;
        let scope = self.scope_id(&req.scope.0)?;
        let points = self.points(&req.context)?;
        let Some(info) = p.roles.get(role as usize) else {
            return Ok(None);
        };
        if !info.assignable {
            return Ok(Some(deny(
                Reason::NotAssignable,
                format!("{} cannot be assigned through the product", info.label),
                Vec::new(),
            )));
        }
        if let (Some(at), Some(_)) = (
            info.scope.as_deref(),
            self.dir
                .role_scope_error(p, role, scope, &|| "scope".to_owned()),
        ) {
            return Ok(Some(deny(
                Reason::RoleOutOfScope,
                format!(
                    "{} is defined for {at}: it can only be assigned there or below",
                    info.label
                ),
                Vec::new(),
            )));
        }
        let kind = self.dir.scopes.kind.get(scope as usize).cloned().flatten();
        for c in p.constrained(role) {
            if let Some(kinds) = p
                .roles
                .get(c as usize)
                .and_then(|r| r.assignable_at.as_ref())
            {
                if !kind.as_ref().is_some_and(|k| kinds.contains(k)) {
                    return Ok(Some(deny(
                        Reason::ScopeKindNotAllowed,
                        format!(
                            "{} can only be assigned at a {}",
                            label(p, c),
                            kinds.join(" or ")
                        ),
                        Vec::new(),
                    )));
                }
            }
        }
        let actor = self.dir.subject_or_unknown(&req.actor.0);
        let holdings: Vec<(Bits, Bits)> = points
            .iter()
            .map(|pt| self.holdings(actor, scope, pt))
            .collect();
        if let Some(need) = p.assign_requires {
            if !holdings.iter().all(|(perms, _)| perms.has(need)) {
                return Ok(Some(deny(
                    Reason::MissingPermission,
                    format!("Requires {} to assign roles", p.perm_label(need)),
                    vec![p.perm_name(need)],
                )));
            }
        }
        Ok(escalation(p, &info.perms, &info.actions, &holdings))
    }

    /// The points (one value per constrained dimension) a new assignment's context covers.
    fn points(&self, ctx: &ContextDoc) -> Result<Vec<QueryContext>> {
        let mut points = vec![QueryContext::default()];
        let mut exact = true;
        let mut coarse = QueryContext::default();
        for (dim, vals) in ctx {
            if vals.0.is_empty() {
                // No value at all would make "held for every value" vacuously true.
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    format!("context.{dim}"),
                    "a context dimension needs at least one value",
                ));
            }
            let Some(d) = self.policy.dim_ix.get(dim) else {
                return Err(unknown(
                    ErrorCode::UnknownDimension,
                    &format!("context.{dim}"),
                    "dimension",
                    dim,
                    self.policy.dim_ix.names(),
                    0,
                ));
            };
            let codes: Vec<ContextValue> = vals
                .0
                .iter()
                .map(|v| {
                    if v == "*" {
                        ContextValue::ANY_STRICT
                    } else {
                        self.dir
                            .values
                            .get(d as usize)
                            .and_then(|m| m.get(v))
                            .map_or(ContextValue::UNLISTED, ContextValue)
                    }
                })
                .collect();
            if let Some(slot) = coarse.0.get_mut(d as usize) {
                *slot = ContextValue::ANY_STRICT;
            }
            if points.len().saturating_mul(codes.len().max(1)) > MAX_CONTEXT_POINTS {
                exact = false;
                continue;
            }
            points = points
                .iter()
                .flat_map(|pt| {
                    codes.iter().map(move |c| {
                        let mut q = *pt;
                        if let Some(slot) = q.0.get_mut(d as usize) {
                            *slot = *c;
                        }
                        q
                    })
                })
                .collect();
        }
        // Too many combinations: only holdings valid for any value of every constrained
        // dimension count (stricter, never wider).
        Ok(if exact { points } else { vec![coarse] })
    }

    /// What `subject` holds at `scope` under a strict point: permissions and single actions.
    pub(crate) fn holdings(&self, subject: u32, scope: u32, pt: &QueryContext) -> (Bits, Bits) {
        let p = &self.policy;
        let mut perms = Bits::new(p.perm_count() as usize);
        let mut actions = Bits::new(p.actions.len());
        if let Some(k) = self.key_of(subject) {
            if !self.covers(&k.source, scope) {
                return (perms, actions);
            }
            let (op, oa) = self.holdings(k.owner, scope, pt);
            perms.union_with(self.dir.perm_sets.get(k.source.perms));
            perms.intersect_with(&op.0);
            for a in crate::bitset::ones(self.dir.action_sets.get(k.source.actions)) {
                let owner_can = oa.has(a)
                    || p.actions
                        .get(a as usize)
                        .is_some_and(|x| x.requires.iter().all(|q| op.has(*q)));
                if owner_can {
                    actions.set(a);
                }
            }
            return (perms, actions);
        }
        for src in self
            .dir
            .subject_info
            .get(subject as usize)
            .map_or(&[][..], |i| i.sources.as_slice())
        {
            if self.covers(src, scope) && self.ctx_ok(src.ctx, pt) {
                perms.union_with(self.dir.perm_sets.get(src.perms));
                actions.union_with(self.dir.action_sets.get(src.actions));
            }
        }
        (perms, actions)
    }
}

fn label(p: &crate::Policy, role: u32) -> String {
    p.roles
        .get(role as usize)
        .map_or_else(|| "?".to_owned(), |r| r.label.clone())
}

/// `escalation` when a role's closed sets (`perms`, `actions`) are not within every one of
/// `holdings` (the actor's, one per context point); `None` when they are. Shared by assigning
/// and defining roles, so a role can never be defined with more than could be assigned.
pub(crate) fn escalation(
    p: &crate::Policy,
    role_perms: &Bits,
    role_actions: &Bits,
    holdings: &[(Bits, Bits)],
) -> Option<Decision> {
    let mut missing: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for (perms, actions) in holdings {
        for bit in role_perms.iter() {
            let name = p.perm_name(bit);
            if !perms.has(bit) && !missing.contains(&name) {
                labels.push(p.perm_label(bit));
                missing.push(name);
            }
        }
        for a in role_actions.iter() {
            let held = actions.has(a)
                || p.actions
                    .get(a as usize)
                    .is_some_and(|x| x.requires.iter().all(|q| perms.has(*q)));
            let name = p.action_name(a).to_owned();
            if !held && !missing.contains(&name) {
                labels.push(
                    p.actions
                        .get(a as usize)
                        .map_or_else(|| name.clone(), |x| x.label.clone()),
                );
                missing.push(name);
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let more = if labels.len() > 3 {
        format!(" and {} more", labels.len() - 3)
    } else {
        String::new()
    };
    let shown: Vec<String> = labels.into_iter().take(3).collect();
    Some(deny(
        Reason::Escalation,
        format!(
            "Cannot grant more than you hold: {}{more}",
            shown.join(", ")
        ),
        missing,
    ))
}

pub(crate) fn allow(message: &str) -> Decision {
    Decision {
        allowed: true,
        reason: Reason::Granted,
        message: message.to_owned(),
        sources: Vec::new(),
        missing: Vec::new(),
    }
}

pub(crate) fn deny(reason: Reason, message: String, missing: Vec<String>) -> Decision {
    Decision {
        allowed: false,
        reason,
        message,
        sources: Vec::new(),
        missing,
    }
}

/// The directory after copying `from`'s assignments onto `to` (replacing `to`'s).
pub fn copy_allocation(doc: &DirectoryDoc, from: &str, to: &str) -> DirectoryDoc {
    let mut out = doc.clone();
    out.assignments.retain(|a| a.subject.0 != to);
    let copies: Vec<AssignmentDoc> = doc
        .assignments
        .iter()
        .filter(|a| a.subject.0 == from)
        .map(|a| AssignmentDoc {
            id: None,
            subject: crate::model::Text(to.to_owned()),
            ..a.clone()
        })
        .collect();
    out.assignments.extend(copies);
    out
}
