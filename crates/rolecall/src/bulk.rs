//! Bulk forms (SPEC section 3), for UIs and audits: the actions a subject may do at a scope, the
//! scopes where it may do an action, and the effective permissions of every subject at every
//! scope. Also [`Evaluator::trace`], the full derivation behind one decision.

use crate::bitset::{ones, Bits};
use crate::directory::Source;
use crate::error::{too_long, Error, ErrorCode, Result};
use crate::eval::{
    Decision, Evaluator, GrantSource, Query, QueryContext, Resolved, NO_ACTION, NO_PERMISSION,
    NO_SCOPE,
};
use crate::limits::MAX_ID_LEN;
use crate::time::Timestamp;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The permissions and single actions one subject holds at one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveEntry {
    /// The subject.
    pub subject: String,
    /// The scope.
    pub scope: String,
    /// Sorted: `refunds:manage`, `webhooks.send_test` (a single action), and held only under a
    /// context: `refunds:manage [country: CL, MX]`. Shared between the entries that hold the
    /// same (a role's holdings repeat at every scope it covers).
    pub held: Arc<[String]>,
}

/// How one grant source of a subject relates to a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceTrace {
    /// The source.
    pub source: GrantSource,
    /// Whether its scope is the query scope or an ancestor of it.
    pub covers_scope: bool,
    /// Whether its context is satisfied by the query's.
    pub context_met: bool,
    /// Its context, written out (`country: CL, MX`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Which of the required permissions it holds.
    pub holds: Vec<String>,
    /// Whether it holds the queried action as a single action.
    pub holds_action: bool,
}

/// A decision and every grant source behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The decision, as [`Evaluator::check`] gives it.
    pub decision: Decision,
    /// Every grant source of the subject (for an API key: the key, then its owner's sources).
    pub sources: Vec<SourceTrace>,
}

impl Evaluator {
    /// Resolves a subject, a scope, a context and a time, for the bulk forms. `Ok(None)`: a
    /// snapshot's unreachable scope.
    fn resolve_base(
        &self,
        subject: &str,
        scope: Option<&str>,
        context: &[(&str, &str)],
        now: Option<Timestamp>,
    ) -> Result<Option<Resolved>> {
        if subject.len() > MAX_ID_LEN {
            return Err(too_long("subject", "a subject", subject.len(), MAX_ID_LEN));
        }
        if let Some(s) = scope.filter(|s| s.len() > MAX_ID_LEN) {
            return Err(too_long("scope", "a scope", s.len(), MAX_ID_LEN));
        }
        let scope = match scope {
            None => NO_SCOPE,
            Some(s) => match self.dir.scopes.ids.get(s) {
                Some(id)
                    if self
                        .dir
                        .scopes
                        .reachable
                        .get(id as usize)
                        .copied()
                        .unwrap_or(false) =>
                {
                    id
                }
                _ if self.snapshot => return Ok(None),
                Some(_) => return Ok(None),
                None => {
                    return Err(Error::new(
                        ErrorCode::UnknownScope,
                        "scope",
                        format!("unknown scope `{s}`"),
                    ))
                }
            },
        };
        let ctx = self.resolve_context(context)?;
        let subject_ix = self.dir.subject_or_unknown(subject);
        if let Some(k) = self.key_of(subject_ix) {
            if k.expires_at.is_some() && now.is_none() {
                return Err(Error::new(
                    ErrorCode::MissingTime,
                    "now",
                    format!("API key `{subject}` expires, so the query needs `now`"),
                ));
            }
        }
        Ok(Some(Resolved {
            subject: subject_ix,
            action: NO_ACTION,
            perm: NO_PERMISSION,
            scope,
            ctx,
            self_match: false,
            now,
        }))
    }

    /// Every action `subject` may do at `scope`, in declared order. Evaluated without resource
    /// attributes: the `self_approval` step, which needs a resource, is left to the check on the
    /// real resource.
    ///
    /// # Errors
    /// `unknown_scope`, `unknown_dimension`, `missing_time`.
    pub fn allowed_actions(
        &self,
        subject: &str,
        scope: &str,
        context: &[(&str, &str)],
        now: Option<Timestamp>,
    ) -> Result<Vec<&str>> {
        let Some(mut r) = self.resolve_base(subject, Some(scope), context, now)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (i, a) in self.policy.actions.iter().enumerate() {
            r.action = i as u32;
            if self.allowed(&r, true) {
                out.push(a.name.as_str());
            }
        }
        Ok(out)
    }

    /// Every scope where `subject` may do `action`, in tree order (preorder), as
    /// [`Evaluator::allowed_actions`] decides.
    ///
    /// # Errors
    /// `unknown_action`, `unknown_dimension`, `missing_time`.
    pub fn scopes_where(
        &self,
        subject: &str,
        action: &str,
        context: &[(&str, &str)],
        now: Option<Timestamp>,
    ) -> Result<Vec<&str>> {
        let Some(a) = self.policy.action_ix.get(action) else {
            return Err(Error::new(
                ErrorCode::UnknownAction,
                "action",
                format!("unknown action `{action}`"),
            ));
        };
        let Some(mut r) = self.resolve_base(subject, None, context, now)? else {
            return Ok(Vec::new());
        };
        r.action = a;
        let mut out = Vec::new();
        for &s in &self.dir.scopes.preorder {
            if !self
                .dir
                .scopes
                .reachable
                .get(s as usize)
                .copied()
                .unwrap_or(false)
            {
                continue;
            }
            r.scope = s;
            if self.allowed(&r, true) {
                out.push(self.dir.scopes.name(s));
            }
        }
        Ok(out)
    }

    /// Calls `f(subject, scope, unconditional, conditional)` for every subject (by id) and every scope
    /// where it holds something: `unconditional` permissions and single actions (as
    /// `(perms, actions)` bitsets) and, per context constraint, what it holds only under that
    /// context. No allocation per pair beyond reused buffers; the basis of the effective
    /// permission report and of `diff`.
    pub(crate) fn for_each_effective(
        &self,
        mut f: impl FnMut(u32, u32, &(Bits, Bits), &[(u32, Bits, Bits)]),
    ) {
        let np = self.policy.perm_count() as usize;
        let na = self.policy.actions.len();
        let mut uncond = (Bits::new(np), Bits::new(na));
        let mut cond: Vec<(u32, Bits, Bits)> = Vec::new();
        // Subjects by id: the same order however the directory was built (loaded, or changed
        // live, which interns in another order).
        let mut subjects: Vec<u32> = (0..self.dir.subject_info.len() as u32).collect();
        crate::sorting::sort_by(&mut subjects, |a, b| {
            self.dir.subjects.name(*a).cmp(self.dir.subjects.name(*b))
        });
        for subject in subjects {
            for &scope in &self.dir.scopes.preorder {
                if !self
                    .dir
                    .scopes
                    .reachable
                    .get(scope as usize)
                    .copied()
                    .unwrap_or(false)
                {
                    continue;
                }
                uncond.0 .0.fill(0);
                uncond.1 .0.fill(0);
                cond.clear();
                self.effective_at(subject, scope, &mut uncond, &mut cond);
                if !uncond.0.is_empty() || !uncond.1.is_empty() || !cond.is_empty() {
                    f(subject, scope, &uncond, &cond);
                }
            }
        }
    }

    fn effective_at(
        &self,
        subject: u32,
        scope: u32,
        uncond: &mut (Bits, Bits),
        cond: &mut Vec<(u32, Bits, Bits)>,
    ) {
        if let Some(k) = self.key_of(subject) {
            if !self.covers(&k.source, scope) {
                return;
            }
            let np = self.policy.perm_count() as usize;
            let na = self.policy.actions.len();
            let mut ou = (Bits::new(np), Bits::new(na));
            let mut oc = Vec::new();
            self.effective_at(k.owner, scope, &mut ou, &mut oc);
            let kp = self.dir.perm_sets.get(k.source.perms);
            let ka = self.dir.action_sets.get(k.source.actions);
            // A single action of the key is effective where the owner holds that action, or
            // every permission it requires (SPEC 3: the key's own grant, the owner's holdings).
            let owner_meets = |perms: &Bits, extra: Option<&Bits>, a: u32| {
                self.policy.actions.get(a as usize).is_some_and(|act| {
                    !act.requires.is_empty()
                        && act
                            .requires
                            .iter()
                            .all(|p| perms.has(*p) || extra.is_some_and(|e| e.has(*p)))
                })
            };
            let mut key_actions = ou.1.clone();
            for a in ones(ka) {
                if owner_meets(&ou.0, None, a) {
                    key_actions.set(a);
                }
            }
            uncond.0.union_with(&ou.0 .0);
            uncond.0.intersect_with(kp);
            uncond.1.union_with(&key_actions.0);
            uncond.1.intersect_with(ka);
            for (c, mut p, mut a) in oc {
                for x in ones(ka) {
                    if owner_meets(&p, Some(&ou.0), x) {
                        a.set(x);
                    }
                }
                p.intersect_with(kp);
                a.intersect_with(ka);
                if !p.is_empty() || !a.is_empty() {
                    cond.push((c, p, a));
                }
            }
            return;
        }
        let sources = self
            .dir
            .subject_info
            .get(subject as usize)
            .map_or(&[][..], |i| i.sources.as_slice());
        for src in sources.iter().filter(|s| self.covers(s, scope)) {
            let p = self.dir.perm_sets.get(src.perms);
            let a = self.dir.action_sets.get(src.actions);
            if src.ctx == 0 {
                uncond.0.union_with(p);
                uncond.1.union_with(a);
            } else if let Some(entry) = cond.iter_mut().find(|(c, _, _)| *c == src.ctx) {
                entry.1.union_with(p);
                entry.2.union_with(a);
            } else {
                let mut bp = Bits::new(self.policy.perm_count() as usize);
                let mut ba = Bits::new(self.policy.actions.len());
                bp.union_with(p);
                ba.union_with(a);
                cond.push((src.ctx, bp, ba));
            }
        }
    }

    /// Names of what a subject holds at a scope, as in [`EffectiveEntry::held`].
    pub(crate) fn held_names(
        &self,
        uncond: &(Bits, Bits),
        cond: &[(u32, Bits, Bits)],
    ) -> Vec<String> {
        let mut out: Vec<String> = uncond.0.iter().map(|p| self.policy.perm_name(p)).collect();
        out.extend(
            uncond
                .1
                .iter()
                .map(|a| self.policy.action_name(a).to_owned()),
        );
        for (c, p, a) in cond {
            let ctx = self.context_text(*c);
            out.extend(
                p.iter()
                    .filter(|b| !uncond.0.has(*b))
                    .map(|b| format!("{} [{ctx}]", self.policy.perm_name(b))),
            );
            out.extend(
                a.iter()
                    .filter(|b| !uncond.1.has(*b))
                    .map(|b| format!("{} [{ctx}]", self.policy.action_name(b))),
            );
        }
        crate::sorting::sort(&mut out);
        out.dedup();
        out
    }

    /// A context constraint written out: `country: CL, MX; unit: u1`.
    pub(crate) fn context_text(&self, ctx: u32) -> String {
        let Some(rules) = self.dir.contexts.get((ctx as usize).wrapping_sub(1)) else {
            return String::new();
        };
        rules
            .iter()
            .map(|r| {
                let dim = self
                    .policy
                    .dimensions
                    .get(r.dim as usize)
                    .map_or("", String::as_str);
                let names = self.dir.values.get(r.dim as usize);
                let mut vals: Vec<&str> = r
                    .values
                    .iter()
                    .map(|v| names.map_or("", |n| n.name(*v)))
                    .collect();
                crate::sorting::sort(&mut vals); // by name, not by the order values were first seen
                if r.any {
                    vals.push("*");
                }
                format!("{dim}: {}", vals.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The effective permissions of every subject at every scope where it holds something.
    pub fn effective_permissions(&self) -> Vec<EffectiveEntry> {
        let mut out = Vec::new();
        // The names of each distinct holding, made once: keyed by its bits, written out flat.
        let mut names: HashMap<Vec<u64>, Arc<[String]>, foldhash::fast::RandomState> =
            HashMap::default();
        let mut key: Vec<u64> = Vec::new();
        self.for_each_effective(|s, sc, u, c| {
            key.clear();
            key.extend_from_slice(&u.0 .0);
            key.extend_from_slice(&u.1 .0);
            for (ctx, p, a) in c {
                key.push(u64::from(*ctx));
                key.extend_from_slice(&p.0);
                key.extend_from_slice(&a.0);
            }
            let held = match names.get(key.as_slice()) {
                Some(h) => h.clone(),
                None => {
                    let h: Arc<[String]> = self.held_names(u, c).into();
                    names.insert(key.clone(), h.clone());
                    h
                }
            };
            out.push(EffectiveEntry {
                subject: self.dir.subjects.name(s).to_owned(),
                scope: self.dir.scopes.name(sc).to_owned(),
                held,
            });
        });
        out
    }

    /// The decision for a query and every grant source of the subject, with how each relates to
    /// the query: the derivation an auditor or a policy author reads.
    ///
    /// # Errors
    /// As [`Evaluator::check`].
    pub fn trace(&self, q: &Query<'_>) -> Result<Trace> {
        let decision = self.check(q)?;
        let Some(r) = self.resolve(q, true)? else {
            return Ok(Trace {
                decision,
                sources: Vec::new(),
            });
        };
        let mut sources = Vec::new();
        let mut push = |src: &Source, ctx: &QueryContext| {
            let req = self.required(&r);
            sources.push(SourceTrace {
                source: self.grant_source(src),
                covers_scope: self.covers(src, r.scope),
                context_met: self.ctx_ok(src.ctx, ctx),
                context: (src.ctx != 0).then(|| self.context_text(src.ctx)),
                holds: req
                    .iter()
                    .filter(|p| self.dir.perm_sets.has(src.perms, **p))
                    .map(|p| self.policy.perm_name(*p))
                    .collect(),
                holds_action: r.action != NO_ACTION
                    && self.dir.action_sets.has(src.actions, r.action),
            });
        };
        let owner = match self.key_of(r.subject) {
            Some(k) => {
                push(&k.source, &r.ctx);
                k.owner
            }
            None => r.subject,
        };
        for src in self
            .dir
            .subject_info
            .get(owner as usize)
            .map_or(&[][..], |i| i.sources.as_slice())
        {
            push(src, &r.ctx);
        }
        Ok(Trace { decision, sources })
    }
}

/// Counts what [`Evaluator::for_each_effective`] visits: (pairs, permissions held). The walk of
/// the effective report without its names, for benchmarks: behind the `gen` feature.
#[cfg(feature = "gen")]
pub fn count_effective(eval: &Evaluator) -> (usize, usize) {
    let mut pairs = 0;
    let mut held = 0;
    eval.for_each_effective(|_, _, u, c| {
        pairs += 1;
        held += ones(&u.0 .0).count() + c.len();
    });
    (pairs, held)
}
