//! rolecall: a permission evaluator for business dashboards.
//!
//! One core answers "may this subject do this action in this scope, and why?". A [`Policy`]
//! (static, versioned, shipped to clients) and a [`Directory`] (dynamic data owned by the host
//! application) compile into an [`Evaluator`] whose checks do no string work and no allocation.
//!
//! ```
//! use rolecall::{Evaluator, Query};
//!
//! let policy = r#"
//! rolecall: 1
//! resources: { refunds: {}, transfers: {} }
//! actions:
//!   refunds.create: { requires: refunds:manage }
//!   transfers.approve: { requires: transfers:authorize, distinct_from: created_by }
//! roles:
//!   operations: { grants: { refunds: [manage] } }
//! "#;
//! let directory = r#"
//! scopes: [{ id: org }, { id: acme-cl, parent: org, kind: subtenant }]
//! assignments: [{ subject: alice, role: operations, scope: org }]
//! "#;
//! let eval = Evaluator::from_text(policy, directory)?;
//! assert!(eval.can(&Query::action("alice", "refunds.create", "acme-cl"))?);
//! let d = eval.check(&Query::action("alice", "transfers.approve", "org").resource(&[("created_by", "bob")]))?;
//! assert_eq!(d.reason.as_str(), "missing_permission");
//! assert_eq!(d.message, "Requires Authorize on Transfers");
//! # Ok::<(), rolecall::Error>(())
//! ```
//!
//! # Module map
//!
//! Inputs, from text to compiled values:
//! - `tree`: the located tree (YAML or JSON text into nodes with lines and columns), read by
//!   `json` (the located JSON reader) and decoded by `de` into the document types of [`model`];
//! - `codes`: the one list of every [`Reason`] and [`ErrorCode`] (their `ALL`);
//! - `error`: [`Error`] and the helpers every compiling module reports with; [`limits`]: the
//!   documented maxima; `names`: the name rules and interning; `bitset`: the set arenas;
//!   `time`: [`Timestamp`];
//! - `policy/`: the compiled [`Policy`] (compile by part, roles, constraints, forbid rules,
//!   graph walks, canonical form and hash);
//! - `directory/`: the compiled [`Directory`] (scope tree, custom roles, sources, interning,
//!   constraint checks).
//!
//! [`Evaluator`] is one type whose methods live by job:
//! - `eval/`: the evaluator, the query and decision types, resolving, deciding (the hot path),
//!   explaining, and the prepared fast path over integer handles;
//! - `bulk`: allowed actions, scopes where, the effective report, traces;
//! - `admin`: `can_assign`, `can_revoke`, `can_copy`;
//! - `define`: `can_define_role`, and defining and deleting custom roles in place;
//! - `live`: adding and removing assignments, grants and API keys in place;
//! - `snapshot`: one subject's [`Snapshot`], and evaluators built from one;
//! - `who_can`: every subject allowed an action at a scope, and those denied only by a context
//!   or an `except`;
//! - `filter/`: the [`Plan`] of the rows a subject may act on (lists filtered by permission),
//!   and that plan as PostgreSQL.
//!
//! Beside them: `access_report` (the access-review export), `reference` (the permission reference a policy documents), `diff` (access review), [`testfile`] (policy test files), `gen` (seeded cases,
//! behind the `gen` feature).
#![deny(missing_docs)]

mod access_report;
mod admin;
mod bitset;
mod bulk;
mod codes;
mod de;
mod define;
mod diff;
mod directory;
mod error;
mod eval;
mod filter;
#[cfg(feature = "gen")]
pub mod gen;
mod json;
pub mod limits;
mod live;
pub mod model;
mod names;
mod policy;
mod reference;
mod snapshot;
mod sorting;
pub mod testfile;
mod time;
mod tree;
mod who_can;

pub use access_report::{access_report_csv, AccessRow};
pub use admin::copy_allocation;
#[cfg(feature = "gen")]
pub use bulk::count_effective;
pub use bulk::{EffectiveEntry, SourceTrace, Trace};
pub use codes::case_codes;
pub use diff::{diff, AccessChange, AccessDiff};
pub use directory::Directory;
pub use error::{Error, ErrorCode, Location, Result};
pub use eval::{Decision, Evaluator, GrantSource, Query, Reason, SourceKind, Target};
pub use filter::{
    Columns, Condition, DimensionIn, NotSubject, Plan, ScopeSet, ScopeTree, Sql, Term,
    MAX_PLAN_TERMS,
};
pub use names::{is_id, is_name};
pub use policy::Policy;
pub use reference::{
    ActionEntry, LevelEntry, MatrixCell, MatrixRow, Reference, Requirement, RoleEntry, Rule,
    ADMIN_ONLY, NO_ROLE,
};
pub use snapshot::{
    Expiry, PreparedDecisions, PreparedSnapshot, Snapshot, SnapshotScope, MAX_CONTEXT_CLASSES,
    MAX_PREPARED_CHECKS,
};
pub use time::Timestamp;
pub use who_can::{Holder, HolderSource, WhoCan};

/// Reads a value of type `T` from JSON text (queries, requests, snapshots): with the
/// `fast-json` feature serde_json first; any failure (and, without the feature, everything) goes
/// through the located JSON reader, so an error has the same code, path, line and column in
/// every build, with or without `yaml`. Two inputs serde_json accepts and the located reader
/// does not read alike: a key repeated in a map (serde_json keeps the last; the reader refuses
/// it) and a float in a text field (`1e2` is `"100"` to serde_json). JSON written by
/// `JSON.stringify` or by rolecall has neither.
///
/// # Errors
/// `syntax`, `limit_exceeded`, or the shape errors of the type (`invalid_value`,
/// `unknown_field`, `missing_field`), located.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    tree::check_size(text)?;
    #[cfg(feature = "fast-json")]
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let node = json::parse(text)?;
    de::from_node(&node)
}

/// The line and column of `path` (as in [`Error::path`]) in YAML or JSON `text`: of the node
/// itself, or of its nearest ancestor that exists. `None` when the text does not parse.
pub fn locate(text: &str, path: &str) -> Option<Location> {
    tree::parse(text).ok().map(|n| n.locate(path))
}

/// The line and column of the map key at the end of `path` (`roles.viewer` → where `viewer:` is
/// written), or `None` when the text does not parse or has no such key.
pub fn locate_key(text: &str, path: &str) -> Option<Location> {
    tree::parse(text).ok().and_then(|n| n.key_location(path))
}
