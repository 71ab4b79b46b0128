//! The document types: policy, directory, queries and policy test files exactly as users write
//! them (SPEC sections 1, 2, 3 and 6). They only describe shape; meaning is checked when they are
//! compiled ([`crate::Policy`], [`crate::Directory`]). The JSON Schema of the CLI is generated from
//! these types.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// A value written either alone or as a list: `requires: a:b` or `requires: [a:b, c:d]`.
/// It is always written back as a list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OneOrMany(pub Vec<String>);

impl Serialize for OneOrMany {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_owned()]))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(Text(s)) = seq.next_element::<Text>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for OneOrMany {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OneOrMany".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
        })
    }
}

/// A string that may have been written as a number or a boolean (`unit: 100`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Text(pub String);

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// A policy document (SPEC 1).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    /// The format version: always `1`.
    pub rolecall: u32,
    /// Access levels and what each implies; defaults to view, manage and authorize.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<IndexMap<String, LevelDoc>>,
    /// The resources permissions are about.
    #[serde(default)]
    pub resources: IndexMap<String, ResourceDoc>,
    /// The actions a product offers, each requiring permissions.
    #[serde(default)]
    pub actions: IndexMap<String, ActionDoc>,
    /// Named bundles of grants.
    #[serde(default)]
    pub roles: IndexMap<String, RoleDoc>,
    /// The context qualifiers assignments may use.
    #[serde(default)]
    pub dimensions: Vec<String>,
    /// Separation of duties and forbidden permissions.
    #[serde(default)]
    pub constraints: ConstraintsDoc,
    /// Rules for assigning roles.
    #[serde(default)]
    pub administration: AdministrationDoc,
}

/// An access level.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LevelDoc {
    /// Free text for people; ignored by decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Levels this one implies (transitively; acyclic).
    #[serde(default)]
    pub implies: Vec<String>,
    /// Display name (`Authorize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A resource.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceDoc {
    /// Free text for people; ignored by decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Display name (`API Keys`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The levels this resource has; all levels when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
}

/// An action.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionDoc {
    /// Free text for people; ignored by decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The permissions it requires, all of them, in order.
    pub requires: OneOrMany,
    /// Display name (`Roll the secret API key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// A resource attribute that must differ from the subject (maker-checker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct_from: Option<String>,
    /// The message of a `self_approval` denial (`A transfer is approved by someone other than
    /// its creator`); by default `Must be done by someone else`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_approval_message: Option<String>,
}

/// A role.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleDoc {
    /// Free text for people; ignored by decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Roles whose grants this one inherits (acyclic).
    #[serde(default)]
    pub includes: Vec<String>,
    /// Resource (or `*`) to levels (or `*`).
    #[serde(default)]
    pub grants: IndexMap<String, OneOrMany>,
    /// Single actions, granted whatever they require.
    #[serde(default)]
    pub actions: Vec<String>,
    /// False: never granted through the product (`can_assign` refuses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignable: Option<bool>,
    /// At most this many subjects hold it at one scope node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_holders: Option<u32>,
    /// Scope kinds it may be assigned at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignable_at: Option<Vec<String>>,
}

/// Constraints.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConstraintsDoc {
    /// Groups of roles no subject may hold together in overlapping scopes.
    #[serde(default)]
    pub exclusive_roles: Vec<Vec<String>>,
    /// Rules that deny whatever else grants.
    #[serde(default)]
    pub forbid: Vec<ForbidDoc>,
}

/// The kind of a subject.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A person (every subject not listed under `api_keys`).
    User,
    /// An API key.
    ApiKey,
}

impl SubjectKind {
    /// `user` or `api_key`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "user",
            SubjectKind::ApiKey => "api_key",
        }
    }
}

/// A forbid rule: names a `permission` or an `action`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ForbidDoc {
    /// Only subjects of this kind; every kind when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_kind: Option<SubjectKind>,
    /// A permission pattern (`transfers:authorize`, `transfers:*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// An action pattern (`transfers.approve`, `transfers.*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Only in this scope and its descendants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Administration settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AdministrationDoc {
    /// The permission an actor needs at a scope to assign roles there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign_requires: Option<String>,
    /// The permission an actor needs at a scope to define custom roles there (default: the
    /// same permission as `assign_requires`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub define_roles_requires: Option<String>,
}

/// A directory document (SPEC 2): dynamic data owned by the host application.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DirectoryDoc {
    /// The scope tree: exactly one root.
    #[serde(default)]
    pub scopes: Vec<ScopeDoc>,
    /// Roles held by subjects at scopes.
    #[serde(default)]
    pub assignments: Vec<AssignmentDoc>,
    /// Direct additions to one subject.
    #[serde(default)]
    pub grants: Vec<GrantDoc>,
    /// API keys: subjects of kind `api_key`.
    #[serde(default)]
    pub api_keys: Vec<ApiKeyDoc>,
    /// Custom roles: roles an administrator defined at a scope, bounded by the policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<CustomRoleDoc>,
}

/// A custom role (directory `roles`): defined at a scope, assignable only in its subtree, and
/// deciding exactly as a policy role with the same grants.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomRoleDoc {
    /// Unique among policy roles and custom roles.
    pub id: Text,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The scope it is defined at: it may be assigned there and below.
    pub scope: Text,
    /// Policy roles, or custom roles defined at the same scope or an ancestor of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    /// Resource (or `*`) to levels (or `*`), as in the policy.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub grants: IndexMap<String, OneOrMany>,
    /// Single actions, as in the policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// False: never granted through the product (`can_assign` refuses). Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignable: Option<bool>,
}

/// A scope node.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScopeDoc {
    /// Unique id.
    pub id: Text,
    /// The parent scope; absent for the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Text>,
    /// A kind (`subtenant`, `hierarchy`), for `assignable_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Context qualifiers: dimension to allowed values.
pub type ContextDoc = IndexMap<String, OneOrMany>;

/// A role held by a subject at a scope.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignmentDoc {
    /// The assignment's stable id (live updates and stores remove and change it by id). Generated
    /// when absent: `a_` and 16 hex digits of the SHA-256 of the item's fields (see
    /// docs/format.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Who.
    pub subject: Text,
    /// Which role.
    pub role: String,
    /// Where (and below).
    pub scope: Text,
    /// Only when the query's context matches.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub context: ContextDoc,
    /// Permissions or actions removed from this assignment only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

/// A permission or an action given directly to one subject.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantDoc {
    /// The grant's stable id; generated when absent as an assignment's, with `g_`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Who.
    pub subject: Text,
    /// A permission (wildcards allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Or a single action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Where (and below).
    pub scope: Text,
    /// Only when the query's context matches.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub context: ContextDoc,
}

/// An API key: holds its own permissions only where its owner holds them too.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiKeyDoc {
    /// The key's subject id.
    pub id: Text,
    /// The user it belongs to.
    pub owner: Text,
    /// Where (and below).
    pub scope: Text,
    /// Permissions (wildcards allowed) or single actions.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// RFC 3339; the key is expired from this instant on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// A query (SPEC 3), as written in test files and passed as JSON.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueryDoc {
    /// Who asks.
    pub subject: Text,
    /// The action (or give `permission`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// One permission instead of an action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// Where.
    pub scope: Text,
    /// Dimension to one value, or `*` for any value.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub context: IndexMap<String, Text>,
    /// Attributes of the resource acted on (for `distinct_from`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub resource: IndexMap<String, Text>,
    /// RFC 3339 time of the query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
}

/// An administration request: may `actor` give `subject` the `role` at `scope`?
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignDoc {
    /// Who acts.
    pub actor: Text,
    /// Who would hold the role.
    pub subject: Text,
    /// Which role.
    pub role: String,
    /// Where.
    pub scope: Text,
    /// Context qualifiers of the new assignment.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub context: ContextDoc,
}

/// A definition request: may `actor` define (create or change) `role`?
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DefineDoc {
    /// Who acts.
    pub actor: Text,
    /// The role as it would be.
    pub role: CustomRoleDoc,
}

/// Copy one subject's allocation onto another (replacing it).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CopyDoc {
    /// Who acts.
    pub actor: Text,
    /// Whose assignments are copied.
    pub from: Text,
    /// Whose assignments are replaced.
    pub to: Text,
}

/// The expected outcome of a test case.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Allowed.
    Allow,
    /// Denied (a decision with a reason).
    Deny,
    /// An input error (a code).
    Error,
}

impl Expect {
    /// `allow`, `deny` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
            Expect::Error => "error",
        }
    }
}

/// One case of a policy test file (SPEC 6): exactly one of `query`, `assign`, `revoke`, `copy`,
/// `define`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseDoc {
    /// Free text for people; ignored by decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What the case checks, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A decision query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<QueryDoc>,
    /// A `can_assign` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assign: Option<AssignDoc>,
    /// A `can_revoke` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<AssignDoc>,
    /// A copy of one subject's allocation onto another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<CopyDoc>,
    /// A `can_define_role` request: may `actor` define this custom role?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub define: Option<DefineDoc>,
    /// `allow`, `deny` or `error`.
    pub expect: Expect,
    /// The expected reason (deny) or error code (error); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where a test file's policy or directory comes from.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum PolicySource {
    /// A path relative to the test file.
    Path(String),
    /// The policy inline.
    Inline(Box<PolicyDoc>),
}

/// Where a test file's directory comes from.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum DirectorySource {
    /// A path relative to the test file.
    Path(String),
    /// The directory inline.
    Inline(Box<DirectoryDoc>),
}

/// A policy test file (SPEC 6). The runner reads it field by field for better errors; this type
/// describes it for the JSON Schema.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TestFileDoc {
    /// The policy: a path or inline.
    pub policy: PolicySource,
    /// The directory: a path or inline.
    pub directory: DirectorySource,
    /// The cases.
    pub cases: Vec<CaseDoc>,
}
