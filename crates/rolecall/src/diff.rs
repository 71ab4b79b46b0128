//! Access review evidence (SPEC section 4): what each subject gains and loses at each scope
//! between two (policy, directory) pairs. Compared by name, so the two policies may differ.

use crate::eval::Evaluator;
use crate::model::{ApiKeyDoc, AssignmentDoc, GrantDoc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one subject gains and loses at one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessChange {
    /// The subject.
    pub subject: String,
    /// The scope.
    pub scope: String,
    /// Held after, not before (sorted; names as in the effective permission report).
    pub gained: Vec<String>,
    /// Held before, not after.
    pub lost: Vec<String>,
}

/// Every change, sorted by subject then scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct AccessDiff {
    /// The changes.
    pub changes: Vec<AccessChange>,
}

impl AccessDiff {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

type Held = BTreeMap<(String, String), BTreeSet<String>>;

/// The permissions gained and lost per subject and scope from `before` to `after`.
pub fn diff(before: &Evaluator, after: &Evaluator) -> AccessDiff {
    let skip = unchanged_subjects(before, after);
    let collect = |e: &Evaluator| -> Held {
        let mut m = Held::new();
        e.for_each_effective(|s, sc, u, c| {
            let subject = e.dir.subjects.name(s);
            if skip.contains(subject) {
                return;
            }
            m.insert(
                (subject.to_owned(), e.dir.scopes.name(sc).to_owned()),
                e.held_names(u, c).into_iter().collect(),
            );
        });
        m
    };
    let b = collect(before);
    let a = collect(after);
    let keys: BTreeSet<&(String, String)> = b.keys().chain(a.keys()).collect();
    let empty = BTreeSet::new();
    let changes = keys
        .into_iter()
        .filter_map(|k| {
            let x = b.get(k).unwrap_or(&empty);
            let y = a.get(k).unwrap_or(&empty);
            let gained: Vec<String> = y.difference(x).cloned().collect();
            let lost: Vec<String> = x.difference(y).cloned().collect();
            (!gained.is_empty() || !lost.is_empty()).then(|| AccessChange {
                subject: k.0.clone(),
                scope: k.1.clone(),
                gained,
                lost,
            })
        })
        .collect();
    AccessDiff { changes }
}

/// Subjects whose decisions cannot differ: same policy, same scope tree, same custom roles
/// (an edited role changes the access of every holder), and the same assignments, grants and
/// keys (their own and, for a key, its owner's).
fn unchanged_subjects(before: &Evaluator, after: &Evaluator) -> BTreeSet<String> {
    if before.policy.hash() != after.policy.hash()
        || before.dir.doc.scopes != after.dir.doc.scopes
        || before.dir.doc.roles != after.dir.doc.roles
    {
        return BTreeSet::new();
    }
    #[derive(Default, PartialEq)]
    struct Items<'a> {
        assignments: Vec<AssignmentDoc>,
        grants: Vec<&'a GrantDoc>,
        keys: Vec<&'a ApiKeyDoc>,
    }
    fn index(e: &Evaluator) -> HashMap<String, Items<'_>> {
        let mut m: HashMap<String, Items<'_>> = HashMap::new();
        for a in e.dir.assignment_docs() {
            m.entry(a.subject.0.clone())
                .or_default()
                .assignments
                .push(a);
        }
        for g in &e.dir.doc.grants {
            m.entry(g.subject.0.clone()).or_default().grants.push(g);
        }
        for k in &e.dir.doc.api_keys {
            m.entry(k.id.0.clone()).or_default().keys.push(k);
        }
        m
    }
    let (b, a) = (index(before), index(after));
    let same = |s: &str| b.get(s) == a.get(s);
    let owner_of = |e: &Evaluator, s: &str| {
        e.dir
            .doc
            .api_keys
            .iter()
            .find(|k| k.id.0 == s)
            .map(|k| k.owner.0.clone())
    };
    b.keys()
        .filter(|s| same(s))
        .filter(|s| match (owner_of(before, s), owner_of(after, s)) {
            (None, None) => true,
            (Some(x), Some(y)) => x == y && same(&x),
            _ => false,
        })
        .cloned()
        .collect()
}
