//! Decisions prepared on the server for a snapshot's subject (docs/format.md, "Prepared
//! decisions"): the answer to every question a page may ask before its WebAssembly engine has
//! loaded, computed by the very evaluator that page will build from the snapshot, so the page
//! gates its first controls in JavaScript, with the same answers.
//!
//! A question is a target (an action, or a permission by its canonical `resource:level` name),
//! a scope, a context and, for an action with `distinct_from`, whether the resource is the
//! subject's own. The context counts only through the dimensions the subject's sources
//! constrain, and there only as the core reads it (not given, `"*"`, a value no source lists,
//! or one of the listed values): each combination is a context class, and the sheet holds a row
//! of decisions per (scope, class, own resource or not). Rows, and the lists of rows of scopes
//! that decide alike, are stored once.

use super::Snapshot;
use crate::directory::ForbidScope;
use crate::error::Result;
use crate::eval::{Decision, Evaluator, Query, Reason, Target};
use crate::time::Timestamp;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Context classes a sheet prepares at most. Past it (many constrained dimensions, or many
/// listed values), the sheet prepares the class of a query without context only, and says so.
pub const MAX_CONTEXT_CLASSES: usize = 64;

/// Checks a sheet runs at most (kinds of scope x classes x targets, a kind of scope being the
/// scopes the same sources and forbid rules cover). Past it, the sheet prepares the scopes it
/// reached, in tree order, and says it is partial: a page asks its engine about the others.
pub const MAX_PREPARED_CHECKS: usize = 200_000;

/// The decisions of one subject, prepared for a page (the `decisions` of a prepared snapshot).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreparedDecisions {
    /// What may be asked: the policy's actions in declared order (custom roles add none), then
    /// its permissions by canonical name.
    pub targets: Vec<String>,
    /// How many of `targets` are actions.
    pub actions: u32,
    /// `[target, attribute]` for each action with `distinct_from`: asking it needs that resource
    /// attribute.
    pub distinct_from: Vec<(u32, String)>,
    /// The policy's dimensions, in declared order: a query naming another is an error.
    pub dimensions: Vec<String>,
    /// Whether queries with a context are prepared (false past [`MAX_CONTEXT_CLASSES`]).
    pub contexts: bool,
    /// The dimensions the classes are made of, with the values the subject's sources list:
    /// `[dimension, values]`. A query's class is the mixed-radix number whose digit for each
    /// (first the least significant) is 0 (not given), 1 (`"*"`), 2 (another value) or 3 + the
    /// value's position.
    pub classes: Vec<(u32, Vec<String>)>,
    /// Every distinct decision, as `check` returns it; for those in `scoped`, the message stops
    /// where the query's scope id goes ("Requires Approve on Refunds in ").
    pub table: Vec<Decision>,
    /// Indexes of `table` whose message is completed with the scope's id.
    pub scoped: Vec<u32>,
    /// Rows: an index into `table` per target.
    pub rows: Vec<Vec<u32>>,
    /// Lists of rows, one per (class, own resource): index `class * 2 + own`.
    pub row_sets: Vec<Vec<u32>>,
    /// The prepared scopes, reachable ones only, in tree order, with their list of rows.
    pub scopes: Vec<(String, u32)>,
    /// False when [`MAX_PREPARED_CHECKS`] stopped the sheet before every reachable scope.
    pub complete: bool,
    /// Per target, the decision at a scope the snapshot does not reach (an index into `table`).
    pub out_of_scope: Vec<u32>,
    /// For an API key that expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Expiry>,
    /// For an API key, its owner: a resource whose attribute names the owner is the subject's
    /// own too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// When an API key expires, and how it decides from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expiry {
    /// The first millisecond since the epoch at which it is expired (`now >= at_ms`).
    pub at_ms: i64,
    /// The row at every prepared scope from then on.
    pub row: u32,
}

/// A snapshot with the decisions prepared for its subject: the JSON a server sends a page.
/// Read as a snapshot, the decisions are ignored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreparedSnapshot {
    /// The snapshot.
    #[serde(flatten)]
    pub snapshot: Snapshot,
    /// The decisions.
    pub decisions: PreparedDecisions,
}

impl PreparedSnapshot {
    /// The prepared snapshot as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Evaluator {
    /// The snapshot of one subject with its decisions prepared: decided by an evaluator built
    /// from that snapshot, exactly the one a page builds.
    ///
    /// # Errors
    /// None in practice: the evaluator's own snapshot always loads.
    pub fn prepared_snapshot(&self, subject: &str) -> Result<PreparedSnapshot> {
        let snapshot = self.snapshot(subject);
        let page = Evaluator::from_snapshot(Arc::clone(&self.policy), &snapshot)?;
        let decisions = page.prepare_decisions(subject)?;
        Ok(PreparedSnapshot {
            snapshot,
            decisions,
        })
    }

    /// The sheet, from the evaluator a page builds from the snapshot of `subject`.
    fn prepare_decisions(&self, subject: &str) -> Result<PreparedDecisions> {
        let p = &*self.policy;
        let mut targets: Vec<String> = p.actions.iter().map(|a| a.name.clone()).collect();
        let actions = targets.len();
        // Every permission a query may name by its canonical `resource:level` (a resource's
        // table of levels may have gaps: those ids have no name to ask by).
        targets.extend(
            (0..p.perm_count())
                .map(|i| (i, p.perm_name(i)))
                .filter(|(i, n)| p.resolve_perm(n, 0).ok() == Some(*i))
                .map(|(_, n)| n),
        );
        let distinct_from: Vec<(u32, String)> = p
            .actions
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.distinct_from.clone().map(|d| (i as u32, d)))
            .collect();

        let cols = Columns {
            names: &targets,
            actions,
            distinct_from: &distinct_from,
        };

        // The dimensions a source constrains: by a rule, or by the values it lists.
        let mut dims: Vec<u32> = self
            .dir
            .contexts
            .iter()
            .flatten()
            .map(|r| r.dim)
            .chain(
                self.dir
                    .values
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !m.is_empty())
                    .map(|(d, _)| d as u32),
            )
            .collect();
        dims.sort_unstable();
        dims.dedup();
        let mut classes: Vec<(u32, Vec<String>)> = dims
            .into_iter()
            .map(|d| {
                let values = self
                    .dir
                    .values
                    .get(d as usize)
                    .map(|m| m.names().map(str::to_owned).collect())
                    .unwrap_or_default();
                (d, values)
            })
            .collect();
        let count = classes
            .iter()
            .try_fold(1usize, |n, (_, v)| n.checked_mul(v.len() + 3))
            .filter(|n| *n <= MAX_CONTEXT_CLASSES);
        let contexts = count.is_some();
        if !contexts {
            classes.clear();
        }
        let count = count.unwrap_or(1);
        // One context per class, as query text.
        let class_contexts: Vec<Vec<(String, String)>> = (0..count)
            .map(|c| {
                let mut rest = c;
                let mut ctx = Vec::new();
                for (d, values) in &classes {
                    let radix = values.len() + 3;
                    let digit = rest % radix;
                    rest /= radix;
                    let name = p.dimensions.get(*d as usize).cloned().unwrap_or_default();
                    match digit {
                        0 => {}
                        1 => ctx.push((name, "*".to_owned())),
                        2 => ctx.push((name, unlike(values.iter().map(String::as_str)))),
                        k => ctx.push((name, values.get(k - 3).cloned().unwrap_or_default())),
                    }
                }
                ctx
            })
            .collect();

        let s = self.dir.subject_or_unknown(subject);
        let key = self.key_of(s);
        let owner = key.map(|k| self.dir.subjects.name(k.owner).to_owned());
        let expires_at = key.and_then(|k| k.expires_at);
        // Before expiry a key decides alike at every instant; its rows are taken just before.
        let before = expires_at.map(|e| Timestamp(e.0 - 1));
        let other = unlike([subject, owner.as_deref().unwrap_or(subject)].into_iter());

        let mut sheet = Sheet::default();
        let reachable: Vec<u32> = self
            .dir
            .scopes
            .preorder
            .iter()
            .copied()
            .filter(|&sc| self.dir.scopes.reachable.get(sc as usize).copied() == Some(true))
            .collect();
        // Two scopes decide alike when the same sources and forbid rules cover them: a
        // decision reads the query's scope only through those, and in an out-of-scope message,
        // which the sheet completes with the scope's id. Each such signature is asked once.
        let own = self.sources(key.map_or(s, |k| k.owner));
        let signature = |sc: u32| -> Vec<bool> {
            own.iter()
                .chain(key.map(|k| &k.source))
                .map(|src| self.covers(src, sc))
                .chain(self.dir.forbid_scopes.iter().map(|f| match f {
                    ForbidScope::At(x) => self.dir.scopes.covers(*x, sc),
                    ForbidScope::Everywhere | ForbidScope::Nowhere => false,
                }))
                .collect()
        };
        let mut lists: HashMap<Vec<bool>, u32> = HashMap::new();
        let per_signature = count.saturating_mul(targets.len()).max(1);
        let mut scopes = Vec::new();
        for &sc in &reachable {
            let scope = self.dir.scopes.name(sc);
            let sig = signature(sc);
            if let Some(&list) = lists.get(&sig) {
                scopes.push((scope.to_owned(), list));
                continue;
            }
            if lists.len().saturating_add(1).saturating_mul(per_signature) > MAX_PREPARED_CHECKS {
                break;
            }
            let mut set = Vec::with_capacity(count * 2);
            for ctx in &class_contexts {
                let ctx: Vec<(&str, &str)> =
                    ctx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let mut row = Vec::with_capacity(targets.len());
                let mut own_row = Vec::with_capacity(targets.len());
                for t in 0..targets.len() {
                    let ask =
                        |resource: &str| self.ask(subject, &cols, t, scope, &ctx, resource, before);
                    let d = sheet.decision(ask(&other)?, scope);
                    row.push(d);
                    own_row.push(if cols.attribute(t).is_some() {
                        sheet.decision(ask(subject)?, scope)
                    } else {
                        d
                    });
                }
                set.push(sheet.row(row));
                set.push(sheet.row(own_row));
            }
            let list = sheet.set(set);
            lists.insert(sig, list);
            scopes.push((scope.to_owned(), list));
        }
        let complete = scopes.len() == reachable.len();

        // The decisions where the snapshot does not reach: asked at a scope it does not hold.
        let nowhere = unlike(self.dir.scopes.ids.names());
        let mut out_of_scope = Vec::with_capacity(targets.len());
        for t in 0..targets.len() {
            let d = self.ask(subject, &cols, t, &nowhere, &[], &other, before)?;
            out_of_scope.push(sheet.decision(d, &nowhere));
        }

        // An expiring key's row once expired, at the first prepared scope (expiry is the first
        // check: every scope the snapshot reaches decides alike).
        let expires = match (expires_at, reachable.first()) {
            (Some(at), Some(&sc)) => {
                let scope = self.dir.scopes.name(sc);
                let mut row = Vec::with_capacity(targets.len());
                for t in 0..targets.len() {
                    let d = self.ask(subject, &cols, t, scope, &[], &other, Some(at))?;
                    row.push(sheet.decision(d, scope));
                }
                Some(Expiry {
                    at_ms: first_millisecond(at),
                    row: sheet.row(row),
                })
            }
            _ => None,
        };

        let Sheet {
            table,
            scoped,
            rows,
            sets,
            ..
        } = sheet;
        Ok(PreparedDecisions {
            targets,
            actions: actions as u32,
            distinct_from,
            dimensions: p.dimensions.clone(),
            contexts,
            classes,
            table,
            scoped,
            rows,
            row_sets: sets,
            scopes,
            complete,
            out_of_scope,
            expires,
            owner,
        })
    }
}

/// The sheet's columns: what may be asked.
struct Columns<'a> {
    names: &'a [String],
    actions: usize,
    distinct_from: &'a [(u32, String)],
}

impl Columns<'_> {
    /// The target at column `t`: an action before `actions`, else a permission.
    fn target(&self, t: usize) -> Target<'_> {
        let name = self.names.get(t).map_or("", String::as_str);
        if t < self.actions {
            Target::Action(name)
        } else {
            Target::Permission(name)
        }
    }

    /// The resource attribute column `t` needs (`distinct_from`).
    fn attribute(&self, t: usize) -> Option<&str> {
        self.distinct_from
            .iter()
            .find(|(a, _)| *a as usize == t)
            .map(|(_, attr)| attr.as_str())
    }
}

impl Evaluator {
    /// The decision for column `t` at `scope`, with `resource` as the value of its
    /// `distinct_from` attribute (none for other columns).
    #[allow(clippy::too_many_arguments)]
    fn ask(
        &self,
        subject: &str,
        cols: &Columns<'_>,
        t: usize,
        scope: &str,
        context: &[(&str, &str)],
        resource: &str,
        now: Option<Timestamp>,
    ) -> Result<Decision> {
        let res: Vec<(&str, &str)> = cols
            .attribute(t)
            .map(|a| vec![(a, resource)])
            .unwrap_or_default();
        self.check(&Query {
            subject,
            target: cols.target(t),
            scope,
            context,
            resource: &res,
            now,
        })
    }
}

/// A string none of `taken` is: `""`, else `"\0"`, `"\0\0"`, ...
fn unlike<'a>(taken: impl Iterator<Item = &'a str>) -> String {
    let taken: Vec<&str> = taken.collect();
    let mut s = String::new();
    while taken.contains(&s.as_str()) {
        s.push('\0');
    }
    s
}

/// The first millisecond at which `now >= at` holds, `now` being whole milliseconds.
fn first_millisecond(at: Timestamp) -> i64 {
    let ms = at.0.div_euclid(1_000_000) + i128::from(at.0.rem_euclid(1_000_000) > 0);
    i64::try_from(ms).unwrap_or(if ms < 0 { i64::MIN } else { i64::MAX })
}

/// The tables being built, each entry stored once.
#[derive(Default)]
struct Sheet {
    table: Vec<Decision>,
    scoped: Vec<u32>,
    decisions: HashMap<(String, bool), u32>,
    rows: Vec<Vec<u32>>,
    row_ix: HashMap<Vec<u32>, u32>,
    sets: Vec<Vec<u32>>,
    set_ix: HashMap<Vec<u32>, u32>,
}

impl Sheet {
    /// The index of `d` asked at `scope`; an out-of-scope message loses the scope's id.
    fn decision(&mut self, mut d: Decision, scope: &str) -> u32 {
        let mut scoped = false;
        if d.reason == Reason::OutOfScope {
            if let Some(head) = d.message.strip_suffix(scope) {
                if head.ends_with(" in ") {
                    d.message.truncate(head.len());
                    scoped = true;
                }
            }
        }
        let key = (serde_json::to_string(&d).unwrap_or_default(), scoped);
        if let Some(&i) = self.decisions.get(&key) {
            return i;
        }
        let i = self.table.len() as u32;
        self.table.push(d);
        if scoped {
            self.scoped.push(i);
        }
        self.decisions.insert(key, i);
        i
    }

    fn row(&mut self, row: Vec<u32>) -> u32 {
        intern(&mut self.rows, &mut self.row_ix, row)
    }

    fn set(&mut self, set: Vec<u32>) -> u32 {
        intern(&mut self.sets, &mut self.set_ix, set)
    }
}

fn intern(list: &mut Vec<Vec<u32>>, ix: &mut HashMap<Vec<u32>, u32>, v: Vec<u32>) -> u32 {
    if let Some(&i) = ix.get(&v) {
        return i;
    }
    let i = list.len() as u32;
    list.push(v.clone());
    ix.insert(v, i);
    i
}
