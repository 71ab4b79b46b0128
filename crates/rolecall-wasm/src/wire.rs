//! The wire types: every value that crosses the boundary as data, declared once, here, for
//! TypeScript. Each derives `tsify::Tsify`, so wasm-bindgen's generated `.d.ts` declares it and
//! the SDK's public types are taken from (or checked against) those declarations.
//!
//! Why mirrors here rather than `cfg_attr(derive(Tsify))` on the core's types: the core knows
//! nothing of wasm or TypeScript (STYLE, habit 1), and a mirror lets the wire form differ from
//! the core's where JavaScript wants it to (indexes are `u32`, codes are unions). Each
//! mirror is tied to its core type: [`Decision`] and [`GrantSource`] by a `From` that destructures
//! the core value (a field added there fails to compile here); the others by a native test
//! (`tests/wire.rs`) that reads the core's JSON of a real value into the mirror, which refuses
//! unknown fields, and writes it back unchanged. The codes are the core's one list, generated
//! through [`rolecall::reason_codes!`] and [`rolecall::error_codes!`].
//!
//! Values leave through [`to_js`], the one serializer configuration (serde-wasm-bindgen, maps as
//! plain objects).

// The derives generate the declarations; the types' fields are the documentation.
#![allow(missing_docs)]

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use tsify::Tsify;
#[cfg(feature = "objects")]
use wasm_bindgen::JsValue;

mod review;
mod sql;
pub use review::*;
pub use sql::*;

/// A code list as a TypeScript union of its strings.
macro_rules! code_union {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $v,)*
        }
    };
}

rolecall::reason_codes! { code_union! {
    /// Why a decision came out as it did (SPEC 3 and 4).
    pub enum Reason
} }

rolecall::error_codes! { code_union! {
    /// Every error code of the core (the SDK adds its own three).
    pub enum ErrorCode
} }

/// The one conversion of a structured value to JavaScript: plain objects and arrays, maps as
/// objects (serde-wasm-bindgen's default is `Map`), absent options left out.
///
/// # Errors
/// Only for a value serde cannot encode (never for the wire types).
#[cfg(feature = "objects")]
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
}

/// What kind of source granted a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Assignment,
    Grant,
    ApiKey,
}

impl From<rolecall::SourceKind> for SourceKind {
    fn from(k: rolecall::SourceKind) -> Self {
        match k {
            rolecall::SourceKind::Assignment => SourceKind::Assignment,
            rolecall::SourceKind::Grant => SourceKind::Grant,
            rolecall::SourceKind::ApiKey => SourceKind::ApiKey,
        }
    }
}

/// A source that granted a decision: an assignment, a direct grant or an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct GrantSource {
    pub kind: SourceKind,
    /// Its index in the directory's list of that kind.
    pub index: u32,
    /// The role, for an assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub role: Option<String>,
    /// The scope the source is at.
    pub scope: String,
}

impl From<rolecall::GrantSource> for GrantSource {
    fn from(s: rolecall::GrantSource) -> Self {
        let rolecall::GrantSource {
            kind,
            index,
            role,
            scope,
        } = s;
        GrantSource {
            kind: kind.into(),
            index: u32::try_from(index).unwrap_or(u32::MAX),
            role,
            scope,
        }
    }
}

/// A decision: allowed or not, why, who granted it or what is missing, and a tooltip line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Reason,
    /// One line for a tooltip: "Requires Authorize on Transfers".
    pub message: String,
    /// The sources that granted it (allowed decisions); otherwise empty.
    pub sources: Vec<GrantSource>,
    /// The required permissions that are not held (denied decisions); otherwise empty.
    pub missing: Vec<String>,
}

impl From<rolecall::Decision> for Decision {
    fn from(d: rolecall::Decision) -> Self {
        let rolecall::Decision {
            allowed,
            reason,
            message,
            sources,
            missing,
        } = d;
        Decision {
            allowed,
            reason: reason_of(reason),
            message,
            sources: sources.into_iter().map(GrantSource::from).collect(),
            missing,
        }
    }
}

/// The wire reason of a core reason: the two enums are generated from one list, in one order.
fn reason_of(r: rolecall::Reason) -> Reason {
    macro_rules! map {
        ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal,)* }) => {
            match r {
                $(rolecall::Reason::$v => Reason::$v,)*
            }
        };
    }
    rolecall::reason_codes! { map! { pub enum Reason } }
}

/// Context qualifiers of an assignment or a grant: dimension to one value or a list.
type Context = IndexMap<String, OneOrMany>;

/// One value or a list of values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A scope node of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ScopeNode {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub label: Option<String>,
}

/// A role held by a subject at a scope (and below), as in the directory's `assignments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// Stable id; generated from the content when absent (docs/format.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub id: Option<String>,
    pub subject: String,
    pub role: String,
    pub scope: String,
    /// Only when the query's context matches.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[tsify(optional, type = "Partial<Record<string, OneOrMany>>")]
    pub context: Context,
    /// Permissions or actions removed from this assignment only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub except: Vec<String>,
}

/// A permission (wildcards allowed) or one action given directly to a subject at a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// Stable id; generated from the content when absent (docs/format.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub id: Option<String>,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub permission: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub action: Option<String>,
    pub scope: String,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[tsify(optional, type = "Partial<Record<string, OneOrMany>>")]
    pub context: Context,
}

/// An API key: holds its permissions only where its owner holds them too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    pub id: String,
    pub owner: String,
    pub scope: String,
    /// Permissions (wildcards allowed) or single actions.
    #[serde(default)]
    #[tsify(optional)]
    pub permissions: Vec<String>,
    /// RFC 3339; the key is expired from this instant on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub expires_at: Option<String>,
}

/// A directory document (SPEC 2), as `evaluator.directory()` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct DirectoryDocument {
    pub scopes: Vec<ScopeNode>,
    pub assignments: Vec<Assignment>,
    pub grants: Vec<Grant>,
    pub api_keys: Vec<ApiKey>,
    /// Custom roles; absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub roles: Vec<CustomRole>,
}

/// A custom role: defined at `scope` by an administrator, assignable there and below, deciding
/// as a policy role with the same grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct CustomRole {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub label: Option<String>,
    pub scope: String,
    /// Policy roles, or custom roles defined at the same scope or an ancestor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub includes: Vec<String>,
    /// Resource (or `*`) to levels (or `*`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[tsify(optional, type = "Partial<Record<string, OneOrMany>>")]
    pub grants: Context,
    /// Single actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub actions: Vec<String>,
    /// False: `canAssign` refuses it (`not_assignable`). Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub assignable: Option<bool>,
}

/// May `actor` define (create, or change) `role`?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct DefineRequest {
    pub actor: String,
    pub role: CustomRole,
}

/// May `actor` give (or remove) `subject`'s `role` at `scope`?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub actor: String,
    pub subject: String,
    pub role: String,
    pub scope: String,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    #[tsify(optional, type = "Partial<Record<string, OneOrMany>>")]
    pub context: Context,
}

/// May `actor` replace `to`'s assignments with copies of `from`'s?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct CopyRequest {
    pub actor: String,
    pub from: String,
    pub to: String,
}

/// What one subject holds at one scope (`refunds:manage [country: CL]` when only under a context).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct EffectiveEntry {
    pub subject: String,
    pub scope: String,
    pub held: Vec<String>,
}

/// What one subject gains and loses at one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct AccessChange {
    pub subject: String,
    pub scope: String,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
}

/// Every change between two (policy, directory) pairs, sorted by subject then scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct AccessDiff {
    pub changes: Vec<AccessChange>,
}

/// A scope of a snapshot: reachable ones are where the subject holds something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct SnapshotScope {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub reachable: Option<bool>,
}

/// One subject's view of a directory, for a browser (SPEC 5). Sent as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub rolecall_snapshot: u32,
    pub policy_hash: String,
    pub subject: String,
    pub scopes: Vec<SnapshotScope>,
    /// Each with its index in the directory's list.
    pub assignments: Vec<(u32, Assignment)>,
    pub grants: Vec<(u32, Grant)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub api_key: Option<(u32, ApiKey)>,
    /// The custom roles its assignments name and those they include; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub roles: Vec<CustomRole>,
    /// The decisions the server prepared for a page (`evaluator.snapshot(subject, { decisions:
    /// true })`); an evaluator built from the snapshot ignores them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub decisions: Option<PreparedDecisions>,
}

/// The decisions of one subject, prepared by the server for a page (docs/format.md, "Prepared decisions"): read by
/// `SnapshotDecisions`, never by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct PreparedDecisions {
    /// The policy's actions, then its permissions.
    pub targets: Vec<String>,
    /// How many of `targets` are actions.
    pub actions: u32,
    /// `[target, attribute]` for each action with `distinct_from`.
    pub distinct_from: Vec<(u32, String)>,
    /// The policy's dimensions.
    pub dimensions: Vec<String>,
    /// Whether queries with a context are prepared.
    pub contexts: bool,
    /// The dimensions context classes are made of, with their listed values.
    pub classes: Vec<(u32, Vec<String>)>,
    /// Every distinct decision.
    pub table: Vec<Decision>,
    /// The decisions whose message ends with the scope's id.
    pub scoped: Vec<u32>,
    /// Per row, a decision per target.
    pub rows: Vec<Vec<u32>>,
    /// Per list, a row per (context class, own resource).
    pub row_sets: Vec<Vec<u32>>,
    /// The prepared scopes, in tree order, with their list of rows.
    pub scopes: Vec<(String, u32)>,
    /// False when only the first scopes were prepared.
    pub complete: bool,
    /// Per target, the decision at a scope the snapshot does not reach.
    pub out_of_scope: Vec<u32>,
    /// For an API key that expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub expires: Option<Expiry>,
    /// For an API key, its owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub owner: Option<String>,
}

/// When an API key expires, and its row from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Expiry {
    /// The first millisecond since the epoch at which the key is expired.
    pub at_ms: i64,
    pub row: u32,
}

/// The outcome of one case of a policy test file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct CaseResult {
    pub name: String,
    pub index: u32,
    pub line: u32,
    pub passed: bool,
    /// `allow`, `deny (missing_permission)`, `error (unknown_action)`.
    pub expected: String,
    /// The same form, for what happened, with the message.
    pub actual: String,
}

/// The outcome of one policy test file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct TestReport {
    pub passed: u32,
    pub failed: u32,
    pub cases: Vec<CaseResult>,
}

/// The rows a subject may act on (issue 15; docs/filter.md): none, all, or those meeting a
/// condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(tag = "match", rename_all = "snake_case", deny_unknown_fields)]
pub enum Plan {
    None,
    All,
    Where(PlanCondition),
}

/// A row is matched when its scope is not in `not_scopes`, its `not_subject` attribute is given
/// and none of the values, and at least one term holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct PlanCondition {
    pub any_of: Vec<PlanTerm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub not_scopes: Option<PlanScopes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub not_subject: Option<PlanNotSubject>,
}

/// One way of being allowed: the row's scope in `scopes` (any when absent), every context
/// condition met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct PlanTerm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub scopes: Option<PlanScopes>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub context: Vec<PlanDimension>,
}

/// Scope subtrees: their roots and every scope id in them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct PlanScopes {
    pub under: Vec<String>,
    pub ids: Vec<String>,
}

/// The row gives a value for `dimension` and, with `in` (which always lists `*`), one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct PlanDimension {
    pub dimension: String,
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub values: Option<Vec<String>>,
}

/// Self-approval: the row's `attribute` is given and none of `values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct PlanNotSubject {
    pub attribute: String,
    pub values: Vec<String>,
}
