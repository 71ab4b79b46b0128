//! The algebra of a plan's terms while it is built: a term is a subtree (or every scope) and
//! what a row must give per dimension; terms are intersected (`and`), compared (`implied_by`),
//! pruned and multiplied, within [`MAX_PLAN_TERMS`].

use crate::directory::Subtree;
use crate::error::{Error, ErrorCode, Result};
use std::collections::HashMap;

/// The most terms a plan may hold while it is built (an action requiring several permissions
/// multiplies its sources'): past it, `limit_exceeded` rather than a huge query.
pub const MAX_PLAN_TERMS: usize = 4096;

/// What a row must give for one dimension: any value, or one of these value ids (`*` is always
/// accepted too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Need {
    Given,
    In(Vec<u32>),
}

impl Need {
    fn and(&self, other: &Need) -> Need {
        match (self, other) {
            (Need::Given, x) | (x, Need::Given) => x.clone(),
            (Need::In(a), Need::In(b)) => {
                Need::In(a.iter().filter(|v| b.contains(v)).copied().collect())
            }
        }
    }

    /// Whether every row meeting `other` meets `self`.
    fn implied_by(&self, other: &Need) -> bool {
        match (self, other) {
            (Need::Given, _) => true,
            (Need::In(_), Need::Given) => false,
            (Need::In(a), Need::In(b)) => b.iter().all(|v| a.contains(v)),
        }
    }
}

/// Needs by dimension, sorted by dimension.
pub(super) type Dims = Vec<(u32, Need)>;

/// A term while building: a subtree (`None`: every scope) and needs by dimension, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Raw {
    pub scope: Option<Subtree>,
    pub dims: Dims,
}

pub(super) fn nested(a: Subtree, b: Subtree) -> bool {
    a.first <= b.first && b.last <= a.last
}

pub(super) fn overlaps(a: Subtree, b: Subtree) -> bool {
    nested(a, b) || nested(b, a)
}

impl Raw {
    pub const TOP: Raw = Raw {
        scope: None,
        dims: Vec::new(),
    };

    pub fn and(&self, other: &Raw) -> Option<Raw> {
        let scope = match (self.scope, other.scope) {
            (None, s) | (s, None) => s,
            (Some(a), Some(b)) if nested(a, b) => Some(b),
            (Some(a), Some(b)) if nested(b, a) => Some(a),
            _ => return None,
        };
        let mut dims = self.dims.clone();
        for (d, n) in &other.dims {
            match dims.iter_mut().find(|(x, _)| x == d) {
                Some((_, m)) => *m = m.and(n),
                None => dims.push((*d, n.clone())),
            }
        }
        crate::sorting::sort(&mut dims);
        Some(Raw { scope, dims })
    }

    /// Whether every row meeting `other` meets `self`.
    fn implied_by(&self, other: &Raw) -> bool {
        let scope = match (self.scope, other.scope) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => nested(a, b),
        };
        scope
            && self.dims.iter().all(|(d, n)| {
                other
                    .dims
                    .iter()
                    .find(|(x, _)| x == d)
                    .is_some_and(|(_, m)| n.implied_by(m))
            })
    }
}

/// Drops every term implied by another, in O(n log n) for terms sharing a context: terms are
/// grouped by context; within a group only the outermost subtrees stay (subtrees are nested or
/// disjoint, so one sweep in preorder finds them); then a group whose context is implied by
/// another's loses the subtrees inside that group's. (Pairwise, 1,000 single-scope terms took
/// 30 ms.)
pub(super) fn prune(terms: Vec<Raw>) -> Vec<Raw> {
    let mut groups: Vec<(Dims, Vec<Option<Subtree>>)> = Vec::new();
    let mut index: HashMap<Dims, usize> = HashMap::new();
    for t in terms {
        match index.get(&t.dims) {
            Some(&i) => {
                if let Some((_, scopes)) = groups.get_mut(i) {
                    scopes.push(t.scope);
                }
            }
            None => {
                index.insert(t.dims.clone(), groups.len());
                groups.push((t.dims, vec![t.scope]));
            }
        }
    }
    // Each group's outermost subtrees in preorder, or `None`: every scope.
    let mut roots: Vec<(Dims, Option<Vec<Subtree>>)> = groups
        .into_iter()
        .map(|(dims, scopes)| {
            if scopes.iter().any(Option::is_none) {
                return (dims, None);
            }
            let mut trees: Vec<Subtree> = scopes.into_iter().flatten().collect();
            crate::sorting::sort_by(&mut trees, |a, b| {
                a.first.cmp(&b.first).then(b.last.cmp(&a.last))
            });
            let mut kept: Vec<Subtree> = Vec::with_capacity(trees.len());
            for t in trees {
                if !kept.last().is_some_and(|k| nested(*k, t)) {
                    kept.push(t);
                }
            }
            (dims, Some(kept))
        })
        .collect();
    for i in 0..roots.len() {
        for j in 0..roots.len() {
            let (Some((di, ri)), Some((dj, _))) = (roots.get(i), roots.get(j)) else {
                continue;
            };
            // Group i is weaker: every row meeting j's context meets i's. Of two groups that
            // imply each other, only the first prunes the second.
            let weaker = |a: &Dims, b: &Dims| {
                Raw {
                    scope: None,
                    dims: a.clone(),
                }
                .implied_by(&Raw {
                    scope: None,
                    dims: b.clone(),
                })
            };
            if i == j || !weaker(di, dj) || (j < i && weaker(dj, di)) {
                continue;
            }
            let outer = ri.clone();
            if let Some((_, rj)) = roots.get_mut(j) {
                match (outer, rj.as_mut()) {
                    (None, _) => *rj = Some(Vec::new()),
                    (Some(outer), Some(inner)) => inner.retain(|t| !covered(&outer, *t)),
                    (Some(_), None) => {}
                }
            }
        }
    }
    roots
        .into_iter()
        .flat_map(|(dims, scopes)| match scopes {
            None => vec![Raw { scope: None, dims }],
            Some(trees) => trees
                .into_iter()
                .map(|t| Raw {
                    scope: Some(t),
                    dims: dims.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Whether `t` is inside one of `roots` (outermost subtrees in preorder).
fn covered(roots: &[Subtree], t: Subtree) -> bool {
    let i = roots.partition_point(|r| r.first <= t.first);
    i > 0 && roots.get(i - 1).is_some_and(|r| nested(*r, t))
}

fn too_many() -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        "action",
        format!("the plan would hold more than {MAX_PLAN_TERMS} terms"),
    )
}

/// Every term of `a` with every term of `b`.
pub(super) fn product(a: &[Raw], b: &[Raw]) -> Result<Vec<Raw>> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            if let Some(t) = x.and(y) {
                out.push(t);
                if out.len() > MAX_PLAN_TERMS * 4 {
                    return Err(too_many());
                }
            }
        }
    }
    let out = prune(out);
    if out.len() > MAX_PLAN_TERMS {
        return Err(too_many());
    }
    Ok(out)
}
