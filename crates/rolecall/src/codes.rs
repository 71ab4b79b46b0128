//! The one list of every code: [`crate::Reason`]'s and [`crate::ErrorCode`]'s variants with their
//! SPEC strings, each written once here. [`reason_codes!`](crate::reason_codes) and
//! [`error_codes!`](crate::error_codes) hand the list to a macro of the caller's, so the core's
//! enums (with `as_str` and `ALL`) and any mirror of them (the binding's TypeScript unions) are
//! generated from it; the test-file runner and the CLI's JSON schema read `ALL`.

/// Calls `$then! { <prefix> { Variant = "code", ... } }` with every reason, in SPEC's order
/// (doc comments included), e.g. `reason_codes! { my_enum! { pub enum Reason } }`.
#[macro_export]
macro_rules! reason_codes {
    ($then:ident! { $($prefix:tt)* }) => {
        $then! { $($prefix)* {
            /// Allowed.
            Granted = "granted",
            /// An API key past its `expires_at`.
            Expired = "expired",
            /// A `forbid` rule matched.
            Forbidden = "forbidden",
            /// The subject is the resource's `distinct_from` attribute.
            SelfApproval = "self_approval",
            /// A covering source holds it, but its context is not met.
            ContextMismatch = "context_mismatch",
            /// Held only at scopes that do not cover the query scope.
            OutOfScope = "out_of_scope",
            /// Not held.
            MissingPermission = "missing_permission",
            /// `can_assign`: the role is `assignable: false`.
            NotAssignable = "not_assignable",
            /// `can_assign`: a custom role at a scope outside the subtree it is defined at.
            RoleOutOfScope = "role_out_of_scope",
            /// `can_assign`: the scope's kind is not in the role's `assignable_at`.
            ScopeKindNotAllowed = "scope_kind_not_allowed",
            /// `can_assign`: the role grants more than the actor holds.
            Escalation = "escalation",
            /// `can_assign`: the role already has `max_holders` holders at the scope.
            MaxHoldersReached = "max_holders_reached",
            /// `can_assign`: the subject holds a role the new one excludes.
            ExclusiveRoles = "exclusive_roles",
        } }
    };
}

/// Calls `$then! { <prefix> { Variant = "code", ... } }` with every error code (doc comments
/// included), as [`reason_codes!`](crate::reason_codes) does for reasons.
#[macro_export]
macro_rules! error_codes {
    ($then:ident! { $($prefix:tt)* }) => {
        $then! { $($prefix)* {
            /// The text is not valid YAML or JSON.
            Syntax = "syntax",
            /// A value has the wrong shape or type (a list where a map is expected, a bad name, ...).
            InvalidValue = "invalid_value",
            /// A field that the format does not know.
            UnknownField = "unknown_field",
            /// A required field is absent.
            MissingField = "missing_field",
            /// A role name that the policy does not declare.
            UnknownRole = "unknown_role",
            /// A scope id that the directory does not declare.
            UnknownScope = "unknown_scope",
            /// A resource name that the policy does not declare.
            UnknownResource = "unknown_resource",
            /// A level name that the policy (or the resource) does not declare.
            UnknownLevel = "unknown_level",
            /// A dimension name that the policy does not declare.
            UnknownDimension = "unknown_dimension",
            /// An action name that the policy does not declare.
            UnknownAction = "unknown_action",
            /// A permission (`resource:level`) whose resource or level is unknown.
            UnknownPermission = "unknown_permission",
            /// No assignment matches what a revoke names.
            UnknownAssignment = "unknown_assignment",
            /// A cycle in scope parents, role includes or level implication.
            Cycle = "cycle",
            /// An id declared twice.
            DuplicateId = "duplicate_id",
            /// More holders of a role at one scope than its `max_holders`.
            MaxHoldersExceeded = "max_holders_exceeded",
            /// A role assigned at a scope whose kind its `assignable_at` does not list.
            ScopeKindNotAllowed = "scope_kind_not_allowed",
            /// One subject holds two roles of an `exclusive_roles` group in overlapping scopes.
            ExclusiveRoles = "exclusive_roles",
            /// A query names a `distinct_from` attribute that its `resource` lacks.
            MissingResourceAttribute = "missing_resource_attribute",
            /// An expiring API key was queried without `now`.
            MissingTime = "missing_time",
            /// A snapshot or directory made under another policy.
            PolicyMismatch = "policy_mismatch",
            /// An input is larger than a documented limit.
            LimitExceeded = "limit_exceeded",
            /// A policy test file could not be read (its policy or directory path).
            Io = "io",
            /// A custom role assigned, or including a custom role, outside the subtree it is
            /// defined at.
            RoleOutOfScope = "role_out_of_scope",
            /// A custom role that is still assigned cannot be deleted (unless its assignments
            /// are removed with it).
            RoleInUse = "role_in_use",
        } }
    };
}

/// The core's form of a code list: the enum, `as_str` and `ALL`.
macro_rules! code_enum {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal,)* }) => {
        $(#[$m])*
        $vis enum $name {
            $($(#[$vm])* $v,)*
        }

        impl $name {
            /// Every code, in declaration order: the one list the test-file runner, the CLI's
            /// JSON schema and the binding's TypeScript unions are derived from.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// The stable snake_case code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $code,)*
                }
            }
        }
    };
}
pub(crate) use code_enum;

/// Every code a policy test case may name as its `reason`: the reasons, then the error codes
/// (a code both spell, `exclusive_roles`, once).
pub fn case_codes() -> impl Iterator<Item = &'static str> {
    let errors = crate::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !crate::Reason::ALL.iter().any(|r| r.as_str() == *c));
    crate::Reason::ALL.iter().map(|r| r.as_str()).chain(errors)
}

#[cfg(test)]
mod tests {
    use crate::{ErrorCode, Reason};
    use std::collections::HashSet;

    #[test]
    fn every_code_is_distinct_within_its_list() {
        let reasons: HashSet<_> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        let errors: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(reasons.len(), Reason::ALL.len());
        assert_eq!(errors.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn a_reason_serializes_as_its_code() {
        for r in Reason::ALL {
            assert_eq!(serde_json::to_value(r).ok(), Some(r.as_str().into()));
        }
    }

    #[test]
    fn case_codes_name_each_code_once() {
        let all: Vec<_> = super::case_codes().collect();
        let distinct: HashSet<_> = all.iter().collect();
        assert_eq!(all.len(), distinct.len());
        assert!(all.contains(&"granted") && all.contains(&"policy_mismatch"));
    }
}
