//! Lists filtered by permission (issue 15): the [`Plan`] of the rows a subject may act on, the
//! exact set of rows whose check allows, as data an application maps onto its columns. This
//! module holds the plan's types and [`Plan::matches`] (a list already in memory); `build`
//! computes a plan from an evaluator (over the term algebra of `terms`); `sql` writes one as
//! PostgreSQL with parameters only.
//!
//! A row is what a check would be asked about it: its scope id, its value for each dimension
//! (or none), and its resource attributes. Its check is `can(subject, action, row.scope,
//! row.context, row.resource, now)`.

mod build;
mod sql;
mod terms;

pub use sql::{Columns, ScopeTree, Sql};
pub use terms::MAX_PLAN_TERMS;

use serde::{Deserialize, Serialize};

/// The rows a subject may act on: none, all, or those meeting a [`Condition`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "match", rename_all = "snake_case", deny_unknown_fields)]
pub enum Plan {
    /// No row: no source could allow, or a forbid rule, an expired key or the fixed context
    /// denies every row.
    None,
    /// Every row (of a scope of the directory).
    All,
    /// The rows meeting the condition.
    Where(Condition),
}

/// A row is matched when its scope is not in `not_scopes`, its `not_subject` attribute is given
/// and not one of the values, and at least one of the `any_of` terms holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// One term per way of being allowed (grant sources, or a combination of sources for an
    /// action requiring several permissions), simplified. Never empty; a term `{}` holds for
    /// every row.
    pub any_of: Vec<Term>,
    /// Scopes where a forbid rule denies: the row's scope must not be one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_scopes: Option<ScopeSet>,
    /// The action's `distinct_from` (self-approval): the row's attribute must be given and be
    /// none of `values` (the subject, and an API key's owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_subject: Option<NotSubject>,
}

/// One way of being allowed: the row's scope is in `scopes` (any scope when absent) and every
/// context condition holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The scopes of the term; absent: every scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<ScopeSet>,
    /// Conditions on the row's context values, by dimension.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<DimensionIn>,
}

/// A union of scope subtrees: their roots (`under`, for an application that stores the tree and
/// joins on it) and every scope id in them (`ids`, in the tree's preorder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSet {
    /// The subtrees' roots, none inside another.
    pub under: Vec<String>,
    /// Every scope id of the subtrees.
    pub ids: Vec<String>,
}

/// A condition on one dimension: the row gives a value, and (with `in`) it is one of these.
/// `in` always lists `*`: a check whose context value is `*` accepts any value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionIn {
    /// The dimension.
    pub dimension: String,
    /// The values accepted; absent: any value, as long as the row gives one.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// Self-approval: the row's `attribute` must be given and be none of `values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotSubject {
    /// The resource attribute (`created_by`).
    pub attribute: String,
    /// The subject, and for an API key its owner.
    pub values: Vec<String>,
}

impl Plan {
    /// Whether a row is matched: its scope id, its context values and its resource attributes
    /// (a missing dimension or attribute is absent from the lists).
    pub fn matches(
        &self,
        scope: &str,
        context: &[(&str, &str)],
        resource: &[(&str, &str)],
    ) -> bool {
        match self {
            Plan::None => false,
            Plan::All => true,
            Plan::Where(c) => c.matches(scope, context, resource),
        }
    }
}

fn value<'a>(pairs: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

impl Condition {
    fn matches(&self, scope: &str, context: &[(&str, &str)], resource: &[(&str, &str)]) -> bool {
        if self
            .not_scopes
            .as_ref()
            .is_some_and(|s| s.ids.iter().any(|id| id == scope))
        {
            return false;
        }
        if let Some(n) = &self.not_subject {
            match value(resource, &n.attribute) {
                Some(v) if !n.values.iter().any(|x| x == v) => {}
                _ => return false,
            }
        }
        self.any_of.iter().any(|t| t.matches(scope, context))
    }
}

impl Term {
    fn matches(&self, scope: &str, context: &[(&str, &str)]) -> bool {
        self.scopes
            .as_ref()
            .is_none_or(|s| s.ids.iter().any(|id| id == scope))
            && self
                .context
                .iter()
                .all(|d| match (value(context, &d.dimension), &d.values) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(v), Some(vs)) => vs.iter().any(|x| x == v),
                })
    }
}
