//! What the evaluator answers: a [`Decision`] (allowed or not, the [`Reason`] in SPEC's codes, a
//! one-line message, the granting sources or the missing permissions) and its parts.

use crate::codes::code_enum;
use serde::Serialize;

crate::reason_codes! { code_enum! {
    /// Why a decision came out as it did. The string forms are SPEC's codes, listed once in
    /// `codes.rs`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Reason
} }

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What kind of source granted something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An assignment of a role.
    Assignment,
    /// A direct grant.
    Grant,
    /// An API key's own permissions.
    ApiKey,
}

/// A source that granted a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantSource {
    /// Assignment, direct grant or API key.
    pub kind: SourceKind,
    /// Its index in the directory's list of that kind.
    pub index: usize,
    /// The role, for an assignment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The scope the source is at.
    pub scope: String,
}

/// A decision: allowed or not, why, who granted it or what is missing, and a one-line message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The answer.
    pub allowed: bool,
    /// The reason code.
    pub reason: Reason,
    /// One line for a tooltip: "Requires Authorize on Transfers".
    pub message: String,
    /// The sources that granted it (allowed decisions); otherwise empty. Both lists are always
    /// written, so a decision has one JSON shape everywhere (CLI, WebAssembly, TypeScript).
    pub sources: Vec<GrantSource>,
    /// The required permissions that are not held (denied decisions); otherwise empty.
    pub missing: Vec<String>,
}
