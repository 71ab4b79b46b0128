//! The wire types of `rolecall/filter`'s SQL: the columns a plan is written against and the SQL
//! it gives. They never cross the WebAssembly boundary (`rolecall/filter` is plain JavaScript,
//! and its `toSql` writes what the core's `Plan::to_sql` writes), but the SDK declares the same
//! shapes as the core, so they are declared once, here, and `tests/wire.rs` ties each to the
//! core's type as the other mirrors are.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// Where the plan's inputs are in a row: the scope id's column, each dimension's and each
/// resource attribute's (NULL or missing: no value). Without `columns`, `matches` reads `scope`,
/// each dimension and each attribute under its own name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub scope: String,
    #[serde(default)]
    #[tsify(optional, type = "Record<string, string>")]
    pub context: IndexMap<String, String>,
    #[serde(default)]
    #[tsify(optional, type = "Record<string, string>")]
    pub resource: IndexMap<String, String>,
    /// SQL only: a closure table of the scope tree (one row per scope and each of its ancestors,
    /// itself included), to match subtrees by their roots instead of listing every scope id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub scope_tree: Option<ScopeTree>,
    /// SQL only: parameters start at `$offset + 1`, after a query's own.
    #[serde(default)]
    #[tsify(optional)]
    pub offset: u32,
}

/// A closure table of the scope tree: the table and its ancestor and descendant columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ScopeTree {
    pub table: String,
    pub ancestor: String,
    pub descendant: String,
}

/// A boolean PostgreSQL expression and its parameters, each a `text[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Sql {
    pub text: String,
    pub values: Vec<Vec<String>>,
}
