//! The wire types of issue 18's outputs: who-can, the access review's rows and the permission
//! reference. They cross as JSON text (`ffi::who_can`, `ffi::access_report`, `ffi::reference`),
//! so these mirrors only declare their TypeScript; `tests/wire.rs` ties each to the core's type
//! by reading the core's JSON of real values (unknown fields refused) and writing it back.
//! Names are the SDK's (`ReferenceAction` is the core's `ActionEntry`, `ReferenceCell` its
//! `MatrixCell`, ...), so `js-sdk/src/types.ts` re-exports them unchanged.

use super::{GrantSource, SourceKind};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// The kind of a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    User,
    ApiKey,
}

/// Why a subject of a `whoCan` answer's `review` is denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum DeniedBy {
    ContextMismatch,
    Except,
}

/// A source of a subject in a `whoCan` answer: a `GrantSource` and its context, written out.
// The core flattens its `GrantSource` in; the fields are listed here so that unknown ones are
// refused (serde's `flatten` cannot refuse them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct HolderSource {
    pub kind: SourceKind,
    /// Its index in the directory's list of that kind.
    pub index: u32,
    /// The role, for an assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub role: Option<String>,
    /// The scope the source is at.
    pub scope: String,
    /// `country: CL, MX`, for a source with a context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub context: Option<String>,
}

/// A subject in a `whoCan` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    pub subject: String,
    pub kind: SubjectKind,
    /// The key's owner, for an API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub owner: Option<String>,
    /// Allowed: the sources that allow it (a key's, then its owner's). Review: those that would.
    pub sources: Vec<HolderSource>,
    /// Review only: what denies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub denied_by: Option<DeniedBy>,
}

/// Who may do an action at a scope, and who is denied only by a context or an `except`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct WhoCan {
    pub allowed: Vec<Holder>,
    pub review: Vec<Holder>,
}

/// One row of the access-review export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct AccessRow {
    pub subject: String,
    pub kind: SubjectKind,
    /// The scope the source was given at (it covers that scope's subtree).
    pub scope: String,
    /// `resource:level`, or an action name for a single-action grant.
    pub permission: String,
    pub source: GrantSource,
    /// The key's owner, for an API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub context: Option<String>,
}

/// One permission an action requires, by label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub permission: String,
    pub resource: String,
    pub level: String,
}

/// A role of the permission reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ReferenceRole {
    pub name: String,
    pub label: String,
    pub assignable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub description: Option<String>,
}

/// A row of the permission reference's action table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ReferenceAction {
    pub name: String,
    pub label: String,
    pub requires: Vec<Requirement>,
    /// The assignable roles that allow it, by name.
    pub roles: Vec<String>,
    /// The roles column as written: labels, or `Admin only`, or `No role`.
    pub allowed_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub distinct_from: Option<String>,
}

/// One resource's row of the permission reference's matrix: one cell per role, in the order of
/// `Reference.roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ReferenceRow {
    pub resource: String,
    pub label: String,
    pub cells: Vec<ReferenceCell>,
}

/// What one role holds on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ReferenceCell {
    /// The highest levels held, by name.
    pub levels: Vec<String>,
    /// Single actions held beyond those levels, by name.
    pub actions: Vec<String>,
    /// `Manage`, `View + 1 action`, or empty.
    pub text: String,
}

/// A level of the permission reference, with the labels of the levels it implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ReferenceLevel {
    pub name: String,
    pub label: String,
    pub implies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub description: Option<String>,
}

/// A rule of the policy in one sentence; `kind` is `not_assignable`, `max_holders`,
/// `assignable_at`, `exclusive_roles`, `forbid` or `self_approval`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ReferenceRule {
    pub kind: String,
    pub text: String,
}

/// The permission reference of a policy (`policy.reference()`, `rolecall docs`). Keys are the
/// core's, as in the policy document (`allowed_by`, `distinct_from`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub roles: Vec<ReferenceRole>,
    pub actions: Vec<ReferenceAction>,
    pub matrix: Vec<ReferenceRow>,
    pub levels: Vec<ReferenceLevel>,
    pub rules: Vec<ReferenceRule>,
    /// How the action table lists roles, in one sentence.
    pub note: String,
}
