//! The scope tree, laid out as an Euler tour: each scope has a position in preorder and the
//! last position of its subtree, so "does this scope cover that one" is two integer comparisons.
//! Built iteratively (no recursion on deep trees), after the ids and parents are validated.

use crate::error::{bad_id, unknown, Error, ErrorCode};
use crate::model::DirectoryDoc;
use crate::names::{is_id, IdMap};

/// The parent of a root scope.
pub(crate) const NO_PARENT: u32 = u32::MAX;

/// The preorder positions of a scope's subtree, `first..=last`: the scope covers exactly the
/// scopes whose position is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Subtree {
    pub first: u32,
    pub last: u32,
}

impl Subtree {
    /// Whether the scope at preorder `position` is in this subtree.
    #[inline]
    pub fn contains(self, position: u32) -> bool {
        self.first <= position && position <= self.last
    }
}

#[derive(Debug, Clone, Default)]
/// The scope tree: ids, parents, kinds, and the Euler tour over them.
pub(crate) struct Scopes {
    pub ids: IdMap,
    pub parent: Vec<u32>,
    pub kind: Vec<Option<String>>,
    /// Each scope's position in preorder.
    pub position: Vec<u32>,
    /// The last preorder position in each scope's subtree.
    pub subtree_last: Vec<u32>,
    /// Scope index by preorder position, for walking the tree in preorder.
    pub preorder: Vec<u32>,
    /// False for the placeholder ancestors of a snapshot (known ids, never evaluated).
    pub reachable: Vec<bool>,
}

impl Scopes {
    #[inline]
    pub fn covers(&self, ancestor: u32, scope: u32) -> bool {
        match (
            self.position.get(ancestor as usize),
            self.subtree_last.get(ancestor as usize),
            self.position.get(scope as usize),
        ) {
            (Some(a), Some(b), Some(t)) => a <= t && t <= b,
            _ => false,
        }
    }

    /// The subtree of `scope` (empty at 0..=0 for an unknown scope, as a source's was).
    pub fn subtree(&self, scope: u32) -> Subtree {
        Subtree {
            first: self.position.get(scope as usize).copied().unwrap_or(0),
            last: self.subtree_last.get(scope as usize).copied().unwrap_or(0),
        }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn name(&self, s: u32) -> &str {
        self.ids.name(s)
    }

    /// Builds the Euler tour over a forest given by `parent`. Iterative.
    fn build_tour(&mut self) {
        let n = self.parent.len();
        let mut child_count = vec![0u32; n + 1];
        for &p in &self.parent {
            if p != NO_PARENT {
                if let Some(c) = child_count.get_mut(p as usize) {
                    *c += 1;
                }
            }
        }
        // CSR of children, in declaration order.
        let mut start = vec![0u32; n + 1];
        for i in 0..n {
            let s = start.get(i).copied().unwrap_or(0) + child_count.get(i).copied().unwrap_or(0);
            if let Some(x) = start.get_mut(i + 1) {
                *x = s;
            }
        }
        let mut fill = start.clone();
        let mut children = vec![0u32; n];
        for (i, &p) in self.parent.iter().enumerate() {
            if p != NO_PARENT {
                if let Some(f) = fill.get_mut(p as usize) {
                    if let Some(c) = children.get_mut(*f as usize) {
                        *c = i as u32;
                    }
                    *f += 1;
                }
            }
        }
        self.position = vec![0; n];
        self.subtree_last = vec![0; n];
        self.preorder = Vec::with_capacity(n);
        let mut clock = 0u32;
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in (0..n as u32).filter(|i| self.parent.get(*i as usize) == Some(&NO_PARENT)) {
            stack.push((root, 0));
            if let Some(t) = self.position.get_mut(root as usize) {
                *t = clock;
            }
            self.preorder.push(root);
            clock += 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let first = start.get(node as usize).copied().unwrap_or(0);
                let end = start.get(node as usize + 1).copied().unwrap_or(0);
                if first + *next < end {
                    let child = children.get((first + *next) as usize).copied().unwrap_or(0);
                    *next += 1;
                    if let Some(t) = self.position.get_mut(child as usize) {
                        *t = clock;
                    }
                    self.preorder.push(child);
                    clock += 1;
                    stack.push((child, 0));
                } else {
                    if let Some(t) = self.subtree_last.get_mut(node as usize) {
                        *t = clock - 1;
                    }
                    stack.pop();
                }
            }
        }
    }
}

/// Validates and builds the scope tree. With `one_root`, exactly one root is required (a
/// snapshot is a forest).
pub(crate) fn build_scopes(d: &DirectoryDoc, errs: &mut Vec<Error>, one_root: bool) -> Scopes {
    let mut s = Scopes::default();
    let mut doc_index = Vec::with_capacity(d.scopes.len());
    for (i, sc) in d.scopes.iter().enumerate() {
        let path = format!("scopes[{i}].id");
        if !is_id(&sc.id.0) {
            errs.push(bad_id(&path, &sc.id.0));
        }
        if s.ids.get(&sc.id.0).is_some() {
            errs.push(Error::new(
                ErrorCode::DuplicateId,
                path,
                format!("scope `{}` is declared twice", sc.id.0),
            ));
            continue;
        }
        s.ids.insert(&sc.id.0, s.parent.len() as u32);
        doc_index.push(i);
        s.parent.push(NO_PARENT);
        s.kind.push(sc.kind.clone());
        s.reachable.push(true);
    }
    let mut roots = Vec::new();
    for (i, sc) in d.scopes.iter().enumerate() {
        let Some(me) = s.ids.get(&sc.id.0) else {
            continue;
        };
        if doc_index.get(me as usize) != Some(&i) {
            continue; // a duplicate, already reported
        }
        match &sc.parent {
            None => roots.push(sc.id.0.clone()),
            Some(p) => match s.ids.get(&p.0) {
                Some(pid) => {
                    if let Some(x) = s.parent.get_mut(me as usize) {
                        *x = pid;
                    }
                }
                None => errs.push(unknown(
                    ErrorCode::UnknownScope,
                    &format!("scopes[{i}].parent"),
                    "scope",
                    &p.0,
                    s.ids.names(),
                    errs.len(),
                )),
            },
        }
    }
    if one_root {
        if roots.is_empty() && !d.scopes.is_empty() {
            errs.push(Error::new(
                ErrorCode::Cycle,
                "scopes",
                "no scope is the root: every scope has a parent, so the parents form a cycle",
            ));
        } else if d.scopes.is_empty() {
            errs.push(Error::new(
                ErrorCode::MissingField,
                "scopes",
                "a directory needs a scope tree with exactly one root",
            ));
        } else if roots.len() > 1 {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                "scopes",
                format!(
                    "the scope tree must have exactly one root, but {} have no parent",
                    roots
                        .iter()
                        .take(5)
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    s.build_tour();
    // Scopes the tour did not reach hang off a cycle.
    if s.preorder.len() < s.parent.len() {
        let mut seen = vec![false; s.parent.len()];
        for &p in &s.preorder {
            if let Some(x) = seen.get_mut(p as usize) {
                *x = true;
            }
        }
        if let Some(bad) = (0..s.parent.len()).find(|i| !seen.get(*i).copied().unwrap_or(true)) {
            // Walk up to find the cycle.
            let mut cur = bad as u32;
            let mut visited = std::collections::HashSet::new();
            while visited.insert(cur) {
                cur = s.parent.get(cur as usize).copied().unwrap_or(NO_PARENT);
                if cur == NO_PARENT {
                    break;
                }
            }
            let mut cycle = vec![s.ids.name(cur).to_owned()];
            let mut x = s.parent.get(cur as usize).copied().unwrap_or(NO_PARENT);
            while x != cur && x != NO_PARENT && cycle.len() < 10 {
                cycle.push(s.ids.name(x).to_owned());
                x = s.parent.get(x as usize).copied().unwrap_or(NO_PARENT);
            }
            let at = d
                .scopes
                .iter()
                .position(|sc| sc.id.0 == s.ids.name(cur))
                .unwrap_or(0);
            errs.push(Error::new(
                ErrorCode::Cycle,
                format!("scopes[{at}].parent"),
                format!(
                    "scopes are each other's parents in a cycle: {} → {}",
                    cycle.join(" → "),
                    s.ids.name(cur)
                ),
            ));
        }
    }
    s
}
