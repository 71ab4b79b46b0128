//! A [`Plan`] written as a PostgreSQL boolean expression over the application's columns:
//! identifiers quoted, every value a `text[]` parameter (never in the text). A plan naming a
//! dimension or attribute the columns do not map is an error, never a wider or narrower filter.
//! The JS SDK's `toSql` (js-sdk/src/filter.ts) writes the same text; tests/sql checks both
//! against PostgreSQL.

use super::{Condition, Plan, ScopeSet, Term};
use crate::error::{Error, ErrorCode, Result};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Where the plan's inputs are in the application's table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The column holding the row's scope id (`scope_id`, or `p.scope_id`).
    pub scope: String,
    /// Dimension to the column holding the row's value (NULL: the row gives none).
    #[serde(default)]
    pub context: IndexMap<String, String>,
    /// Resource attribute (`created_by`) to its column.
    #[serde(default)]
    pub resource: IndexMap<String, String>,
    /// When the application stores the scope tree as a closure table (one row per ancestor and
    /// descendant, a scope being its own ancestor): subtrees are matched by their roots through
    /// it, instead of listing every scope id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_tree: Option<ScopeTree>,
    /// Parameters are numbered from `$offset + 1`, to append the filter to a query that has
    /// `offset` parameters already.
    #[serde(default)]
    pub offset: usize,
}

/// A closure table of the scope tree: `(ancestor, descendant)` for every scope and each of its
/// ancestors, itself included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeTree {
    /// The table (`scope_tree`, or `app.scope_tree`).
    pub table: String,
    /// Its ancestor column.
    pub ancestor: String,
    /// Its descendant column.
    pub descendant: String,
}

/// A boolean SQL expression and its parameters, each a `text[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sql {
    /// The expression (`TRUE`, `FALSE`, or a condition using `$1`, `$2`, ...).
    pub text: String,
    /// The parameters, in order.
    pub values: Vec<Vec<String>>,
}

/// Quotes a column name, each dot-separated part as one identifier.
fn ident(name: &str, path: &str) -> Result<String> {
    if name.is_empty()
        || name
            .split('.')
            .any(|p| p.is_empty() || p.chars().any(char::is_control))
    {
        return Err(Error::new(
            ErrorCode::InvalidValue,
            path,
            format!("`{name}` is not a column name (non-empty parts separated by dots)"),
        ));
    }
    Ok(name
        .split('.')
        .map(|p| format!("\"{}\"", p.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join("."))
}

struct Writer<'c> {
    columns: &'c Columns,
    values: Vec<Vec<String>>,
}

impl Writer<'_> {
    fn param(&mut self, v: &[String]) -> String {
        self.values.push(v.to_vec());
        format!("${}::text[]", self.columns.offset + self.values.len())
    }

    fn scopes(&mut self, s: &ScopeSet) -> Result<String> {
        let col = ident(&self.columns.scope, "columns.scope")?;
        Ok(match &self.columns.scope_tree {
            None => format!("{col} = ANY({})", self.param(&s.ids)),
            Some(t) => format!(
                "EXISTS (SELECT 1 FROM {} WHERE {} = {col} AND {} = ANY({}))",
                ident(&t.table, "columns.scope_tree.table")?,
                ident(&t.descendant, "columns.scope_tree.descendant")?,
                ident(&t.ancestor, "columns.scope_tree.ancestor")?,
                self.param(&s.under)
            ),
        })
    }

    fn term(&mut self, t: &Term) -> Result<String> {
        let mut parts = Vec::new();
        if let Some(s) = &t.scopes {
            parts.push(self.scopes(s)?);
        }
        for d in &t.context {
            let path = format!("columns.context.{}", d.dimension);
            let Some(c) = self.columns.context.get(&d.dimension) else {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    path,
                    format!("the plan needs the column of dimension `{}`", d.dimension),
                ));
            };
            let col = ident(c, &path)?;
            parts.push(match &d.values {
                None => format!("{col} IS NOT NULL"),
                Some(v) => format!("{col} = ANY({})", self.param(v)),
            });
        }
        Ok(match parts.len() {
            0 => "TRUE".to_owned(),
            1 => parts.join(""),
            _ => format!("({})", parts.join(" AND ")),
        })
    }

    fn condition(&mut self, c: &Condition) -> Result<String> {
        let mut parts = Vec::new();
        if let Some(s) = &c.not_scopes {
            parts.push(format!("NOT {}", self.scopes(s)?));
        }
        if let Some(n) = &c.not_subject {
            let path = format!("columns.resource.{}", n.attribute);
            let Some(c) = self.columns.resource.get(&n.attribute) else {
                return Err(Error::new(
                    ErrorCode::InvalidValue,
                    path,
                    format!("the plan needs the column of attribute `{}`", n.attribute),
                ));
            };
            let col = ident(c, &path)?;
            parts.push(format!(
                "{col} IS NOT NULL AND NOT {col} = ANY({})",
                self.param(&n.values)
            ));
        }
        let terms = c
            .any_of
            .iter()
            .map(|t| self.term(t))
            .collect::<Result<Vec<_>>>()?;
        parts.push(match terms.len() {
            0 => "FALSE".to_owned(),
            1 => terms.join(""),
            _ => format!("({})", terms.join(" OR ")),
        });
        Ok(parts.join(" AND "))
    }
}

impl Plan {
    /// The plan as a PostgreSQL boolean expression with `text[]` parameters, for a `WHERE`.
    ///
    /// # Errors
    /// `invalid_value` at `columns.…` for a column name that is empty, or a dimension or
    /// attribute the plan needs and `columns` does not map.
    pub fn to_sql(&self, columns: &Columns) -> Result<Sql> {
        // The scope column is checked whatever the plan, so a bad one never waits for a plan
        // that uses it.
        ident(&columns.scope, "columns.scope")?;
        let mut w = Writer {
            columns,
            values: Vec::new(),
        };
        let text = match self {
            Plan::None => "FALSE".to_owned(),
            Plan::All => "TRUE".to_owned(),
            Plan::Where(c) => w.condition(c)?,
        };
        Ok(Sql {
            text,
            values: w.values,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::Evaluator;

    const POLICY: &str = r#"
rolecall: 1
dimensions: [country]
resources: { payments: {} }
actions: { payments.approve: { requires: payments:authorize, distinct_from: created_by } }
roles: { approver: { grants: { payments: [authorize] } } }
"#;
    const DIRECTORY: &str = r#"
scopes: [{ id: org }, { id: cl, parent: org }, { id: mx, parent: org }]
assignments: [{ subject: ana, role: approver, scope: cl, context: { country: CL } }]
"#;

    #[test]
    fn values_are_parameters_and_columns_are_quoted_identifiers() {
        let eval = Evaluator::from_text(POLICY, DIRECTORY).unwrap();
        let plan = eval
            .filter("ana", crate::Target::Action("payments.approve"), &[], None)
            .unwrap();
        let mut columns = Columns {
            scope: "p.scope\"id".to_owned(),
            offset: 2,
            ..Columns::default()
        };
        columns.context.insert("country".into(), "country".into());
        let e = plan.to_sql(&columns).unwrap_err();
        assert_eq!(e.path, "columns.resource.created_by");
        columns
            .resource
            .insert("created_by".into(), "created_by".into());
        let sql = plan.to_sql(&columns).unwrap();
        assert_eq!(
            sql.text,
            "\"created_by\" IS NOT NULL AND NOT \"created_by\" = ANY($3::text[]) AND \
             (\"p\".\"scope\"\"id\" = ANY($4::text[]) AND \"country\" = ANY($5::text[]))"
        );
        assert_eq!(
            sql.values,
            vec![
                vec!["ana".to_owned()],
                vec!["cl".into()],
                vec!["CL".into(), "*".into()]
            ]
        );
        columns.scope = "a..b".into();
        assert_eq!(plan.to_sql(&columns).unwrap_err().path, "columns.scope");
    }
}
