//! What the evaluator answers: a [`Decision`] (allowed or not, the [`Reason`] in SPEC's codes, a
//! one-line message, the granting sources or the missing permissions) and its parts.

use serde::Serialize;

/// Why a decision came out as it did. The string forms are SPEC's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Allowed.
    Granted,
    /// An API key past its `expires_at`.
    Expired,
    /// A `forbid` rule matched.
    Forbidden,
    /// The subject is the resource's `distinct_from` attribute.
    SelfApproval,
    /// A covering source holds it, but its context is not met.
    ContextMismatch,
    /// Held only at scopes that do not cover the query scope.
    OutOfScope,
    /// Not held.
    MissingPermission,
    /// `can_assign`: the role is `assignable: false`.
    NotAssignable,
    /// `can_assign`: the scope's kind is not in the role's `assignable_at`.
    ScopeKindNotAllowed,
    /// `can_assign`: the role grants more than the actor holds.
    Escalation,
    /// `can_assign`: the role already has `max_holders` holders at the scope.
    MaxHoldersReached,
    /// `can_assign`: the subject holds a role the new one excludes.
    ExclusiveRoles,
}

impl Reason {
    /// The SPEC code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Granted => "granted",
            Reason::Expired => "expired",
            Reason::Forbidden => "forbidden",
            Reason::SelfApproval => "self_approval",
            Reason::ContextMismatch => "context_mismatch",
            Reason::OutOfScope => "out_of_scope",
            Reason::MissingPermission => "missing_permission",
            Reason::NotAssignable => "not_assignable",
            Reason::ScopeKindNotAllowed => "scope_kind_not_allowed",
            Reason::Escalation => "escalation",
            Reason::MaxHoldersReached => "max_holders_reached",
            Reason::ExclusiveRoles => "exclusive_roles",
        }
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
    /// The sources that granted it (allowed decisions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<GrantSource>,
    /// The required permissions that are not held (denied decisions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}
