//! The algebra of a plan's terms while it is built: a term is a subtree (or every scope) and
//! what a row must give per dimension; terms are intersected (`and`), compared (`implied_by`),
//! pruned and multiplied, within [`MAX_PLAN_TERMS`].

use crate::directory::Subtree;
use crate::error::{Error, ErrorCode, Result};

/// The most terms a plan may hold while it is built (an action requiring several permissions
/// multiplies its sources'): past it, `limit_exceeded` rather than a huge query.
pub const MAX_PLAN_TERMS: usize = 4096;

/// What a row must give for one dimension: any value, or one of these value ids (`*` is always
/// accepted too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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
        dims.sort();
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

/// Drops every term implied by another (of two equal terms, the later).
pub(super) fn prune(terms: Vec<Raw>) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::with_capacity(terms.len());
    for t in terms {
        if out.iter().any(|o| o.implied_by(&t)) {
            continue;
        }
        out.retain(|o| !t.implied_by(o));
        out.push(t);
    }
    out
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
