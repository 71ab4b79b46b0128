//! The compiled policy: every name turned into a dense id, level implication closed, each role's
//! closed grant set precomputed as a bitset over resource x level, and each action's forbid rules
//! matched in advance. This module holds the compiled [`Policy`] and its accessors; compiling it
//! (which validates everything SPEC sections 1 and 2 ask of a policy and reports every problem
//! at once, each with its path) lives in the modules below, one per part of the document.
//!
//! - `compile`: the entry point, the format version, levels, resources, actions, dimensions;
//! - `roles`: roles, closed over their includes;
//! - `constraints`: `max_holders`, `assignable_at` and `exclusive_roles`;
//! - `forbid`: forbid rules and the index matching them to actions;
//! - `permissions`: the permission space (resource x level): ids, names, patterns;
//! - `graph`: the walks of the include and implication graphs (topological order, cycles);
//! - `canonical`: the canonical form and the policy hash.

mod canonical;
mod compile;
mod constraints;
mod forbid;
mod graph;
mod permissions;
mod roles;

pub(crate) use canonical::PolicyIdentity;
pub(crate) use compile::humanize;
pub(crate) use graph::{find_cycle, topo_order};
pub(crate) use roles::role_set_bytes;

use crate::bitset::Bits;
use crate::error::{first, Error, Result};
use crate::model::{PolicyDoc, SubjectKind};
use crate::names::IdMap;
use crate::tree::{self, Node};
use std::sync::Arc;

/// A level: `implied` has a bit for itself and every level it implies, transitively.
#[derive(Debug, Clone)]
pub(crate) struct LevelInfo {
    pub name: String,
    pub label: String,
    pub implied: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct ResourceInfo {
    pub name: String,
    pub label: String,
    /// The levels this resource declares.
    pub levels: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct ActionInfo {
    pub name: String,
    pub label: String,
    pub requires: Vec<u32>,
    pub distinct_from: Option<String>,
    /// The message of a `self_approval` denial, when the policy gives one.
    pub self_approval_message: Option<String>,
    /// Forbid rules that name this action or a permission it requires.
    pub forbids: Vec<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct RoleInfo {
    pub name: String,
    pub label: String,
    pub perms: Bits,
    pub actions: Bits,
    pub assignable: bool,
    pub max_holders: Option<u32>,
    pub assignable_at: Option<Vec<String>>,
    /// The roles this role includes directly.
    pub includes: Vec<u32>,
    /// Whether this role, or a role it includes, has `max_holders` or `assignable_at`: the
    /// walk of [`Policy::constrained`] goes only through such roles.
    pub constrains: bool,
    /// Where this role is listed in `exclusive_roles`: (group, position in the group).
    pub member_of: Vec<(u32, u32)>,
    /// Whether this role, or a role it includes, is listed in `exclusive_roles`: the walk of
    /// [`Policy::exclusive_of`] goes only through such roles.
    pub in_exclusive: bool,
    /// For a custom role (directory `roles`): the scope it is defined at. `None` for a policy
    /// role.
    pub scope: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct ForbidRule {
    pub kind: Option<SubjectKind>,
    /// The permissions the rule's `permission` pattern matches (empty for an action rule).
    pub perms: Bits,
    /// `Some(pattern)` for an action rule.
    pub action: Option<String>,
    pub scope: Option<String>,
}

/// A compiled, validated policy. Cheap to share (`Arc<Policy>`), immutable.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) identity: Arc<PolicyIdentity>,
    pub(crate) levels: Vec<LevelInfo>,
    pub(crate) resources: Vec<ResourceInfo>,
    pub(crate) actions: Vec<ActionInfo>,
    pub(crate) roles: Vec<RoleInfo>,
    pub(crate) dimensions: Vec<String>,
    pub(crate) exclusive: Vec<Vec<u32>>,
    pub(crate) forbids: Vec<ForbidRule>,
    pub(crate) assign_requires: Option<u32>,
    /// `administration.define_roles_requires`, or `assign_requires` when not given.
    pub(crate) define_requires: Option<u32>,
    /// How many of `roles` the policy declares; any after them are a directory's custom roles
    /// (see `directory::roles`).
    pub(crate) policy_roles: usize,
    pub(crate) level_ix: IdMap,
    pub(crate) resource_ix: IdMap,
    pub(crate) action_ix: IdMap,
    pub(crate) role_ix: IdMap,
    pub(crate) dim_ix: IdMap,
}

impl Policy {
    /// Parses and compiles a policy from YAML or JSON text.
    ///
    /// # Errors
    /// The first problem found, with its path, line and column. Use [`Policy::parse_all`] to get
    /// every problem at once.
    pub fn parse(text: &str) -> Result<Policy> {
        Self::parse_all(text).map_err(first)
    }

    /// Parses and compiles a policy, reporting every problem found.
    ///
    /// # Errors
    /// Every validation error, each with its path and location.
    pub fn parse_all(text: &str) -> Result<Policy, Vec<Error>> {
        let node = tree::parse(text).map_err(|e| vec![e])?;
        Self::from_node(&node)
    }

    pub(crate) fn from_node(node: &Node) -> Result<Policy, Vec<Error>> {
        let doc: PolicyDoc = crate::de::from_node(node).map_err(|e| vec![e])?;
        Self::compile(doc).map_err(|errs| errs.into_iter().map(|e| node.place(e)).collect())
    }

    /// Compiles a policy document (already decoded, e.g. built in code).
    ///
    /// # Errors
    /// Every validation error, each with its path (no location: there is no text).
    pub fn from_doc(doc: PolicyDoc) -> Result<Policy, Vec<Error>> {
        Self::compile(doc)
    }

    /// The policy hash: SHA-256 (hex) of the canonical JSON form of the policy. The same policy
    /// written in YAML or JSON, with keys in any order, has the same hash.
    pub fn hash(&self) -> &str {
        self.identity.hash()
    }

    /// The canonical JSON form (object keys sorted, no insignificant white space, defaults filled
    /// in): the text [`Policy::hash`] is taken of, which any build (JSON-only included) parses
    /// back to the same policy and hash.
    pub fn canonical_json(&self) -> String {
        self.identity.canonical()
    }

    /// The policy as a document, with defaults filled in.
    pub fn doc(&self) -> &PolicyDoc {
        self.identity.doc()
    }

    /// Action names, in declared order.
    pub fn action_names(&self) -> impl Iterator<Item = &str> {
        self.actions.iter().map(|a| a.name.as_str())
    }

    /// Role names, in declared order.
    pub fn role_names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|r| r.name.as_str())
    }

    /// Resource names, in declared order.
    pub fn resource_names(&self) -> impl Iterator<Item = &str> {
        self.resources.iter().map(|r| r.name.as_str())
    }

    /// Level names, in declared order.
    pub fn level_names(&self) -> impl Iterator<Item = &str> {
        self.levels.iter().map(|l| l.name.as_str())
    }

    /// The dense id of an action, for the prepared fast path.
    pub fn action_id(&self, name: &str) -> Option<u32> {
        self.action_ix.get(name)
    }

    /// Ids of the actions with `distinct_from`, in id order: they need a resource, so the
    /// prepared fast path ([`crate::Evaluator::can_prepared`]) always denies them.
    pub fn actions_needing_resource(&self) -> Vec<u32> {
        (0..self.actions.len() as u32)
            .filter(|a| {
                self.actions
                    .get(*a as usize)
                    .is_some_and(|x| x.distinct_from.is_some())
            })
            .collect()
    }

    pub(crate) fn action_name(&self, action: u32) -> &str {
        self.actions
            .get(action as usize)
            .map_or("?", |a| a.name.as_str())
    }

    pub(crate) fn role_name(&self, role: u32) -> &str {
        self.roles
            .get(role as usize)
            .map_or("?", |r| r.name.as_str())
    }
}
