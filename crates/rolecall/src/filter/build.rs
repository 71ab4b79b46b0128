//! Building a [`Plan`]: SPEC section 3's steps turned from one query into a condition over rows.
//! Each source that holds what is required gives a term (its subtree, its context rules); an
//! action requiring several permissions held by different sources gives their intersections;
//! a key's terms are intersected with its own scope; forbid rules with a scope and
//! `distinct_from` become conditions on every row; terms implied by others are dropped, and
//! terms with the same context share one scope set.

use super::{Condition, DimensionIn, NotSubject, Plan, ScopeSet, Term};
use crate::directory::Subtree;
use crate::directory::{ForbidScope, Source, NO_CONTEXT};
use crate::error::{Error, ErrorCode, Result};
use crate::eval::{check_lengths, ContextValue, Evaluator, Query, QueryContext, Target};
use crate::eval::{NO_ACTION, NO_PERMISSION};
use crate::model::SubjectKind;
use crate::time::Timestamp;

use super::terms::{nested, overlaps, product, prune, Dims, Need, Raw};

/// The query being planned: what is required, and the context fixed for every row.
struct Ask {
    action: u32,
    perm: u32,
    fixed: QueryContext,
    /// Dimensions the caller fixed (the others come from each row).
    is_fixed: Vec<bool>,
    /// The tree is the directory's whole tree: a source at its root then covers every row. Not
    /// in a snapshot, which holds the subtrees its subject reaches and nothing says whether its
    /// top is the directory's root.
    whole_tree: bool,
}

impl Evaluator {
    /// The plan of the rows `subject` may act on with `target`: exactly the rows whose check
    /// allows (see the module documentation for what a row is). `context` fixes dimensions for
    /// every row (the request's, `*` for any value); the other dimensions are the row's.
    /// `now` is needed when the subject is an expiring API key, as for a check.
    ///
    /// # Errors
    /// `limit_exceeded`, `unknown_action`, `unknown_permission`, `unknown_dimension`,
    /// `missing_time`, and `limit_exceeded` for a plan of more than [`crate::MAX_PLAN_TERMS`] terms.
    pub fn filter(
        &self,
        subject: &str,
        target: Target<'_>,
        context: &[(&str, &str)],
        now: Option<Timestamp>,
    ) -> Result<Plan> {
        check_lengths(&Query {
            subject,
            target,
            scope: "",
            context: &[],
            resource: &[],
            now: None,
        })?;
        let (action, perm) = self.resolve_target(target)?;
        let fixed = self.resolve_context(context)?;
        let mut is_fixed = vec![false; self.policy.dimensions.len()];
        for (k, _) in context {
            if let Some(slot) = self
                .policy
                .dim_ix
                .get(k)
                .and_then(|d| is_fixed.get_mut(d as usize))
            {
                *slot = true;
            }
        }
        let ask = Ask {
            action,
            perm,
            fixed,
            is_fixed,
            whole_tree: !self.snapshot && self.dir.scopes.reachable.iter().all(|r| *r),
        };
        let s = self.dir.subject_or_unknown(subject);
        let key = self.key_of(s);
        if let Some(k) = key {
            match (k.expires_at, now) {
                (Some(_), None) => {
                    return Err(Error::new(
                        ErrorCode::MissingTime,
                        "now",
                        format!("API key `{subject}` expires, so the query needs `now`"),
                    ))
                }
                (Some(e), Some(n)) if n >= e => return Ok(Plan::None),
                _ => {}
            }
        }
        let kind = if key.is_some() {
            SubjectKind::ApiKey
        } else {
            SubjectKind::User
        };
        let Some(forbidden) = self.forbidden_subtrees(&ask, kind) else {
            return Ok(Plan::None);
        };
        let terms = match key {
            Some(k) => {
                let mut terms = Vec::new();
                if action != NO_ACTION && self.dir.action_sets.has(k.source.actions, action) {
                    terms = self.user_terms(k.owner, &ask, true)?;
                }
                if self
                    .required_of(&ask)
                    .iter()
                    .all(|p| self.dir.perm_sets.has(k.source.perms, *p))
                {
                    terms.extend(self.user_terms(k.owner, &ask, false)?);
                }
                let own = self.term_of(&k.source, &ask);
                product(&own.into_iter().collect::<Vec<_>>(), &prune(terms))?
            }
            None => self.user_terms(s, &ask, true)?,
        };
        // Terms wholly inside a forbidden subtree allow nothing.
        let terms: Vec<Raw> = terms
            .into_iter()
            .filter(|t| {
                !t.scope
                    .is_some_and(|s| forbidden.iter().any(|f| nested(*f, s)))
            })
            .collect();
        if terms.is_empty() {
            return Ok(Plan::None);
        }
        // Only the forbidden subtrees some term reaches.
        let forbidden: Vec<Subtree> = forbidden
            .into_iter()
            .filter(|f| {
                terms
                    .iter()
                    .any(|t| t.scope.is_none_or(|s| overlaps(*f, s)))
            })
            .collect();
        let not_subject = self.not_subject(action, s, subject);
        let any_of = self.terms_out(terms);
        if forbidden.is_empty()
            && not_subject.is_none()
            && any_of.len() == 1
            && any_of
                .first()
                .is_some_and(|t| t.scopes.is_none() && t.context.is_empty())
        {
            return Ok(Plan::All);
        }
        Ok(Plan::Where(Condition {
            any_of,
            not_scopes: (!forbidden.is_empty()).then(|| self.scope_set(&forbidden)),
            not_subject,
        }))
    }

    fn required_of<'a>(&'a self, ask: &'a Ask) -> &'a [u32] {
        if ask.action == NO_ACTION {
            std::slice::from_ref(&ask.perm)
        } else {
            self.policy
                .actions
                .get(ask.action as usize)
                .map_or(&[], |a| a.requires.as_slice())
        }
    }

    /// The subtrees where a forbid rule denies; `None` when one denies everywhere.
    fn forbidden_subtrees(&self, ask: &Ask, kind: SubjectKind) -> Option<Vec<Subtree>> {
        let rules: Vec<u32> = if ask.action != NO_ACTION {
            self.policy
                .actions
                .get(ask.action as usize)
                .map(|a| a.forbids.clone())
                .unwrap_or_default()
        } else {
            (0..self.policy.forbids.len() as u32)
                .filter(|i| {
                    self.policy
                        .forbids
                        .get(*i as usize)
                        .is_some_and(|f| f.action.is_none() && f.perms.has(ask.perm))
                })
                .collect()
        };
        let mut out = Vec::new();
        for i in rules {
            let Some(rule) = self.policy.forbids.get(i as usize) else {
                continue;
            };
            if rule.kind.is_some_and(|k| k != kind) {
                continue;
            }
            match self.dir.forbid_scopes.get(i as usize) {
                Some(ForbidScope::Everywhere) => return None,
                Some(ForbidScope::At(s)) => out.push(self.dir.scopes.subtree(*s)),
                Some(ForbidScope::Nowhere) | None => {}
            }
        }
        Some(out)
    }

    /// The terms of a user (or a key's owner): a source holding the action as a single action
    /// (with `actions`), and the combinations of sources holding every required permission.
    fn user_terms(&self, subject: u32, ask: &Ask, actions: bool) -> Result<Vec<Raw>> {
        let sources = self.sources(subject);
        let mut out = Vec::new();
        if actions && ask.action != NO_ACTION {
            out.extend(
                sources
                    .iter()
                    .filter(|s| self.dir.action_sets.has(s.actions, ask.action))
                    .filter_map(|s| self.term_of(s, ask)),
            );
        }
        let req = self.required_of(ask);
        if req.is_empty() {
            // Nothing required: any source that covers the scope and meets the context.
            out.extend(sources.iter().filter_map(|s| self.term_of(s, ask)));
            return Ok(prune(out));
        }
        let mut acc = vec![Raw::TOP];
        for p in req {
            let alts: Vec<Raw> = prune(
                sources
                    .iter()
                    .filter(|s| self.dir.perm_sets.has(s.perms, *p))
                    .filter_map(|s| self.term_of(s, ask))
                    .collect(),
            );
            acc = product(&acc, &alts)?;
            if acc.is_empty() {
                break;
            }
        }
        out.extend(acc);
        Ok(prune(out))
    }

    /// A source's term, or `None` when the fixed context fails one of its rules.
    fn term_of(&self, src: &Source, ask: &Ask) -> Option<Raw> {
        let mut dims = Vec::new();
        if src.ctx != NO_CONTEXT {
            for rule in self.dir.contexts.get(src.ctx as usize - 1)? {
                if ask
                    .is_fixed
                    .get(rule.dim as usize)
                    .copied()
                    .unwrap_or(false)
                {
                    let v = ask.fixed.0.get(rule.dim as usize).copied()?;
                    let ok = match v {
                        ContextValue::ANY => true,
                        ContextValue::NOT_GIVEN => false,
                        ContextValue::ANY_STRICT | ContextValue::UNLISTED => rule.any,
                        ContextValue(id) => rule.any || rule.values.binary_search(&id).is_ok(),
                    };
                    if !ok {
                        return None;
                    }
                } else if rule.any {
                    dims.push((rule.dim, Need::Given));
                } else {
                    dims.push((rule.dim, Need::In(rule.values.clone())));
                }
            }
        }
        crate::sorting::sort(&mut dims);
        let n = self.dir.scopes.len() as u32;
        let whole =
            src.subtree.first == 0 && src.subtree.last.saturating_add(1) == n && ask.whole_tree;
        Some(Raw {
            scope: (!whole).then_some(src.subtree),
            dims,
        })
    }

    fn not_subject(&self, action: u32, s: u32, subject: &str) -> Option<NotSubject> {
        if action == NO_ACTION || action == NO_PERMISSION {
            return None;
        }
        let attribute = self
            .policy
            .actions
            .get(action as usize)?
            .distinct_from
            .clone()?;
        let mut values = vec![subject.to_owned()];
        if let Some(k) = self.key_of(s) {
            values.push(self.dir.subjects.name(k.owner).to_owned());
        }
        Some(NotSubject { attribute, values })
    }

    /// The terms written out: those with the same context share one scope set, in a stable
    /// order.
    fn terms_out(&self, terms: Vec<Raw>) -> Vec<Term> {
        let mut groups: Vec<(Dims, Vec<Option<Subtree>>)> = Vec::new();
        for t in terms {
            match groups.iter_mut().find(|(d, _)| *d == t.dims) {
                Some((_, scopes)) => scopes.push(t.scope),
                None => groups.push((t.dims, vec![t.scope])),
            }
        }
        crate::sorting::sort_by(&mut groups, |a, b| a.0.cmp(&b.0));
        groups
            .into_iter()
            .map(|(dims, scopes)| {
                let scopes = if scopes.iter().any(Option::is_none) {
                    None
                } else {
                    // Pruned: no subtree of a group is inside another (quadratic to check again:
                    // 1,000 sources took 4 ms with that check).
                    let mut trees: Vec<Subtree> = scopes.into_iter().flatten().collect();
                    crate::sorting::sort(&mut trees);
                    Some(self.scope_set(&trees))
                };
                Term {
                    scopes,
                    context: dims
                        .into_iter()
                        .map(|(d, n)| self.dimension_in(d, n))
                        .collect(),
                }
            })
            .collect()
    }

    fn dimension_in(&self, d: u32, n: Need) -> DimensionIn {
        let dimension = self.policy.dim_ix.name(d).to_owned();
        let values = match n {
            Need::Given => None,
            Need::In(ids) => {
                let names = self.dir.values.get(d as usize);
                let mut v: Vec<String> = ids
                    .iter()
                    .filter_map(|id| names.map(|m| m.name(*id).to_owned()))
                    .collect();
                v.push("*".to_owned());
                Some(v)
            }
        };
        DimensionIn { dimension, values }
    }

    /// Subtrees (none inside another, in preorder) as their roots and every reachable id.
    fn scope_set(&self, trees: &[Subtree]) -> ScopeSet {
        let scopes = &self.dir.scopes;
        let mut sorted = trees.to_vec();
        crate::sorting::sort(&mut sorted);
        let mut under = Vec::new();
        let mut ids = Vec::new();
        for t in sorted {
            if let Some(root) = scopes.preorder.get(t.first as usize) {
                under.push(scopes.name(*root).to_owned());
            }
            for pos in t.first..=t.last {
                let Some(s) = scopes.preorder.get(pos as usize) else {
                    continue;
                };
                if scopes.reachable.get(*s as usize).copied().unwrap_or(false) {
                    ids.push(scopes.name(*s).to_owned());
                }
            }
        }
        ScopeSet { under, ids }
    }
}
