//! The compiled policy: every name turned into a dense id, level implication closed, each role's
//! closed grant set precomputed as a bitset over resource x level, and each action's forbid rules
//! matched in advance. Compiling validates everything SPEC section 1 and 2 ask of a policy and
//! reports every problem at once, each with its path.

use crate::bitset::Bits;
use crate::doc::{self, Node};
use crate::error::{did_you_mean, hint_allowed, Error, ErrorCode, Result};
use crate::limits;
use crate::model::{PolicyDoc, SubjectKind};
use crate::names::{is_name, IdMap};
use indexmap::IndexMap;
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};

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

/// A policy's document and its hash, shared by the policy's clones and by every directory
/// compiled for it. The hash is computed on first use: it stamps snapshots and matches a
/// directory to another `Policy` value, and a load rarely needs it. Computing it at parse time
/// was a third of a cold first parse in WebAssembly (the code V8 compiles for it on first run).
#[derive(Debug)]
pub(crate) struct Stamp {
    doc: PolicyDoc,
    hash: OnceLock<String>,
}

impl Stamp {
    pub(crate) fn hash(&self) -> &str {
        self.hash.get_or_init(|| hash_doc(&self.doc))
    }
}

/// A compiled, validated policy. Cheap to share (`Arc<Policy>`), immutable.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) stamp: Arc<Stamp>,
    pub(crate) levels: Vec<LevelInfo>,
    pub(crate) resources: Vec<ResourceInfo>,
    pub(crate) actions: Vec<ActionInfo>,
    pub(crate) roles: Vec<RoleInfo>,
    pub(crate) dimensions: Vec<String>,
    pub(crate) exclusive: Vec<Vec<u32>>,
    pub(crate) forbids: Vec<ForbidRule>,
    pub(crate) assign_requires: Option<u32>,
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
        let node = doc::parse(text).map_err(|e| vec![e])?;
        Self::from_node(&node)
    }

    pub(crate) fn from_node(node: &Node) -> Result<Policy, Vec<Error>> {
        let doc: PolicyDoc = crate::de::from_node(node).map_err(|e| vec![e])?;
        Self::compile(doc).map_err(|errs| errs.into_iter().map(|e| locate(e, node)).collect())
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
        self.stamp.hash()
    }

    /// The policy as a document, with defaults filled in.
    pub fn doc(&self) -> &PolicyDoc {
        &self.stamp.doc
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

    /// Every concrete permission (`resource:level`) a resource declares, in order.
    pub fn permission_names(&self) -> Vec<String> {
        (0..self.perm_count())
            .filter(|p| self.perm_declared(*p))
            .map(|p| self.perm_name(p))
            .collect()
    }

    /// The dense id of an action, for the prepared fast path.
    pub fn action_id(&self, name: &str) -> Option<u32> {
        self.action_ix.get(name)
    }

    pub(crate) fn nlevels(&self) -> u32 {
        self.levels.len() as u32
    }

    pub(crate) fn perm_count(&self) -> u32 {
        self.resources.len() as u32 * self.nlevels()
    }

    pub(crate) fn perm_id(&self, resource: u32, level: u32) -> u32 {
        resource * self.nlevels() + level
    }

    pub(crate) fn perm_parts(&self, perm: u32) -> (u32, u32) {
        let n = self.nlevels().max(1);
        (perm / n, perm % n)
    }

    fn perm_declared(&self, perm: u32) -> bool {
        let (r, l) = self.perm_parts(perm);
        self.resources
            .get(r as usize)
            .is_some_and(|res| res.levels >> l & 1 == 1)
    }

    /// `resource:level`.
    pub(crate) fn perm_name(&self, perm: u32) -> String {
        let (r, l) = self.perm_parts(perm);
        format!(
            "{}:{}",
            self.resources
                .get(r as usize)
                .map_or("?", |x| x.name.as_str()),
            self.levels.get(l as usize).map_or("?", |x| x.name.as_str())
        )
    }

    /// `Authorize on Transfers`.
    pub(crate) fn perm_label(&self, perm: u32) -> String {
        let (r, l) = self.perm_parts(perm);
        format!(
            "{} on {}",
            self.levels
                .get(l as usize)
                .map_or("?", |x| x.label.as_str()),
            self.resources
                .get(r as usize)
                .map_or("?", |x| x.label.as_str())
        )
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

    /// The roles with `max_holders` or `assignable_at` that `role` is or includes, sorted.
    /// Computed when asked, by a walk of the includes that enters only roles with such a role
    /// below them, so the policy keeps no per-role list and a long include chain of constrained
    /// roles costs memory linear in its length.
    pub(crate) fn constrained(&self, role: u32) -> Vec<u32> {
        let mut out = Vec::new();
        self.walk_includes(
            role,
            |r| r.constrains,
            |r, info| {
                if info.max_holders.is_some() || info.assignable_at.is_some() {
                    out.push(r);
                }
            },
        );
        out.sort_unstable();
        out
    }

    /// The `exclusive_roles` groups `role` holds a member of (being it or including it), as
    /// (group, member), sorted by group: one member per group, since a role holding two is
    /// refused. Computed when asked, like [`Policy::constrained`], so the policy keeps no
    /// per-role list.
    pub(crate) fn exclusive_of(&self, role: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        self.walk_includes(
            role,
            |r| r.in_exclusive,
            |r, info| {
                out.extend(info.member_of.iter().map(|&(g, _)| (g, r)));
            },
        );
        out.sort_unstable();
        out.dedup_by_key(|x| x.0);
        out
    }

    /// Visits `role` and the roles it includes, transitively, each once, entering only roles
    /// for which `enter` holds (`role` itself included: nothing is visited when it does not).
    fn walk_includes(
        &self,
        role: u32,
        enter: impl Fn(&RoleInfo) -> bool,
        mut visit: impl FnMut(u32, &RoleInfo),
    ) {
        if !self.roles.get(role as usize).is_some_and(&enter) {
            return;
        }
        let mut seen: std::collections::HashSet<u32, foldhash::fast::RandomState> =
            std::collections::HashSet::default();
        seen.insert(role);
        let mut stack = vec![role];
        while let Some(r) = stack.pop() {
            let Some(info) = self.roles.get(r as usize) else {
                continue;
            };
            visit(r, info);
            for &inc in &info.includes {
                if self.roles.get(inc as usize).is_some_and(&enter) && seen.insert(inc) {
                    stack.push(inc);
                }
            }
        }
    }

    /// Resolves a concrete permission (`transfers:authorize`) to its id. `nth`: how many errors
    /// its input has so far, which decides whether an unknown name gets a hint.
    pub(crate) fn resolve_perm(
        &self,
        text: &str,
        nth: usize,
    ) -> std::result::Result<u32, PermError> {
        let (r, l) = text.split_once(':').ok_or_else(|| {
            PermError::new(
                ErrorCode::InvalidValue,
                format!("`{text}` is not a permission (`resource:level`)"),
            )
        })?;
        if r == "*" || l == "*" {
            return Err(PermError::new(
                ErrorCode::InvalidValue,
                format!("`{text}`: a wildcard is not allowed here"),
            ));
        }
        let rid = self
            .resource_ix
            .get(r)
            .ok_or_else(|| self.unknown_resource(r, nth))?;
        let lid = self
            .level_ix
            .get(l)
            .ok_or_else(|| self.unknown_level(l, nth))?;
        let declared = self.resources.get(rid as usize).map_or(0, |x| x.levels);
        if declared >> lid & 1 == 0 {
            return Err(PermError::new(
                ErrorCode::UnknownLevel,
                format!("resource `{r}` has no level `{l}`"),
            ));
        }
        Ok(self.perm_id(rid, lid))
    }

    fn unknown_resource(&self, r: &str, nth: usize) -> PermError {
        PermError {
            help: hint_allowed(nth, self.resources.len())
                .then(|| did_you_mean(r, self.resource_ix.names()))
                .flatten(),
            ..PermError::new(
                ErrorCode::UnknownResource,
                format!("unknown resource `{r}`"),
            )
        }
    }

    fn unknown_level(&self, l: &str, nth: usize) -> PermError {
        PermError {
            help: hint_allowed(nth, self.levels.len())
                .then(|| did_you_mean(l, self.level_ix.names()))
                .flatten(),
            ..PermError::new(ErrorCode::UnknownLevel, format!("unknown level `{l}`"))
        }
    }

    /// Expands a permission pattern (`*` allowed on either side) into the permissions it names.
    /// With `imply`, each level brings the levels it implies (grants); without, the pattern
    /// matches exactly (except, forbid). Only levels a resource declares are included; naming an
    /// explicit level that an explicit resource does not declare is an error. `nth`: as for
    /// [`Policy::resolve_perm`].
    pub(crate) fn expand_pattern(
        &self,
        text: &str,
        imply: bool,
        nth: usize,
    ) -> std::result::Result<Bits, PermError> {
        let (r, l) = text.split_once(':').ok_or_else(|| {
            PermError::new(
                ErrorCode::InvalidValue,
                format!("`{text}` is not a permission (`resource:level`)"),
            )
        })?;
        let mut out = Bits::new(self.perm_count() as usize);
        let resources: Vec<u32> = if r == "*" {
            (0..self.resources.len() as u32).collect()
        } else {
            vec![self
                .resource_ix
                .get(r)
                .ok_or_else(|| self.unknown_resource(r, nth))?]
        };
        let mask: u64 = if l == "*" {
            u64::MAX
        } else {
            let lid = self
                .level_ix
                .get(l)
                .ok_or_else(|| self.unknown_level(l, nth))?;
            if r != "*" {
                let declared = resources
                    .first()
                    .and_then(|rid| self.resources.get(*rid as usize))
                    .map_or(0, |x| x.levels);
                if declared >> lid & 1 == 0 {
                    return Err(PermError::new(
                        ErrorCode::UnknownLevel,
                        format!("resource `{r}` has no level `{l}`"),
                    ));
                }
            }
            let level = self.levels.get(lid as usize).map_or(0, |x| x.implied);
            if imply {
                level
            } else {
                1 << lid
            }
        };
        for rid in resources {
            let declared = self.resources.get(rid as usize).map_or(0, |x| x.levels);
            let m = mask & declared;
            for lid in 0..self.nlevels() {
                if m >> lid & 1 == 1 {
                    out.set(self.perm_id(rid, lid));
                }
            }
        }
        Ok(out)
    }

    fn compile(mut doc: PolicyDoc) -> Result<Policy, Vec<Error>> {
        let mut errs = Vec::new();
        if doc.rolecall != 1 {
            errs.push(
                Error::new(
                    ErrorCode::InvalidValue,
                    "rolecall",
                    format!("unsupported format version `{}`", doc.rolecall),
                )
                .with_help("this version of rolecall reads `rolecall: 1`"),
            );
        }
        let levels_doc = doc.levels.get_or_insert_with(default_levels).clone();

        // Levels.
        let mut level_ix = IdMap::default();
        if levels_doc.len() > limits::MAX_LEVELS {
            errs.push(Error::new(
                ErrorCode::LimitExceeded,
                "levels",
                format!("at most {} levels", limits::MAX_LEVELS),
            ));
        }
        for (i, name) in levels_doc.keys().enumerate().take(limits::MAX_LEVELS) {
            check_name(name, &format!("levels.{name}"), &mut errs);
            level_ix.insert(name, i as u32);
        }
        let nl = levels_doc.len().min(limits::MAX_LEVELS);
        let mut direct = vec![0u64; nl];
        for (i, (name, l)) in levels_doc.iter().enumerate().take(nl) {
            for (j, imp) in l.implies.iter().enumerate() {
                match level_ix.get(imp) {
                    Some(t) => {
                        if let Some(d) = direct.get_mut(i) {
                            *d |= 1 << t;
                        }
                    }
                    None => errs.push(unknown(
                        ErrorCode::UnknownLevel,
                        &format!("levels.{name}.implies[{j}]"),
                        "level",
                        imp,
                        level_ix.names(),
                        errs.len(),
                    )),
                }
            }
        }
        let implied = close_levels(&direct, &levels_doc, &mut errs);
        let levels: Vec<LevelInfo> = levels_doc
            .iter()
            .take(nl)
            .enumerate()
            .map(|(i, (name, l))| LevelInfo {
                name: name.clone(),
                label: l.label.clone().unwrap_or_else(|| capitalize(name)),
                implied: implied.get(i).copied().unwrap_or(0),
            })
            .collect();
        let all_levels: u64 = if nl >= 64 { u64::MAX } else { (1u64 << nl) - 1 };

        // Resources.
        let mut resource_ix = IdMap::default();
        let mut resources = Vec::with_capacity(doc.resources.len());
        if doc.resources.len() > limits::MAX_POLICY_ITEMS {
            errs.push(Error::new(
                ErrorCode::LimitExceeded,
                "resources",
                format!("at most {} resources", limits::MAX_POLICY_ITEMS),
            ));
        }
        for (name, r) in doc.resources.iter().take(limits::MAX_POLICY_ITEMS) {
            let path = format!("resources.{name}");
            check_name(name, &path, &mut errs);
            let mut mask = 0u64;
            match &r.levels {
                None => mask = all_levels,
                Some(ls) => {
                    for (j, l) in ls.iter().enumerate() {
                        match level_ix.get(l) {
                            Some(t) => mask |= 1 << t,
                            None => errs.push(unknown(
                                ErrorCode::UnknownLevel,
                                &format!("{path}.levels[{j}]"),
                                "level",
                                l,
                                level_ix.names(),
                                errs.len(),
                            )),
                        }
                    }
                    if ls.is_empty() {
                        errs.push(Error::new(
                            ErrorCode::InvalidValue,
                            format!("{path}.levels"),
                            "a resource needs at least one level",
                        ));
                    }
                }
            }
            resource_ix.insert(name, resources.len() as u32);
            resources.push(ResourceInfo {
                name: name.clone(),
                label: r.label.clone().unwrap_or_else(|| humanize(name)),
                levels: mask,
            });
        }

        let mut policy = Policy {
            stamp: Arc::new(Stamp {
                doc: PolicyDoc {
                    levels: Some(levels_doc),
                    ..doc.clone()
                },
                hash: OnceLock::new(),
            }),
            levels,
            resources,
            actions: Vec::new(),
            roles: Vec::new(),
            dimensions: Vec::new(),
            exclusive: Vec::new(),
            forbids: Vec::new(),
            assign_requires: None,
            level_ix,
            resource_ix,
            action_ix: IdMap::default(),
            role_ix: IdMap::default(),
            dim_ix: IdMap::default(),
        };

        // Actions.
        if doc.actions.len() > limits::MAX_POLICY_ITEMS {
            errs.push(Error::new(
                ErrorCode::LimitExceeded,
                "actions",
                format!("at most {} actions", limits::MAX_POLICY_ITEMS),
            ));
        }
        for (i, (name, a)) in doc
            .actions
            .iter()
            .enumerate()
            .take(limits::MAX_POLICY_ITEMS)
        {
            let path = format!("actions.{name}");
            match name.split_once('.') {
                Some((x, y)) if is_name(x) && is_name(y) => {}
                _ => errs.push(
                    Error::new(
                        ErrorCode::InvalidValue,
                        path.clone(),
                        format!("`{name}` is not an action name"),
                    )
                    .with_help(
                        "an action name is two names joined by a dot, like `transfers.approve`",
                    ),
                ),
            }
            let mut requires = Vec::new();
            if a.requires.0.is_empty() {
                errs.push(Error::new(
                    ErrorCode::InvalidValue,
                    format!("{path}.requires"),
                    "an action must require at least one permission",
                ));
            }
            if a.requires.0.len() > limits::MAX_REQUIRES {
                errs.push(Error::new(
                    ErrorCode::LimitExceeded,
                    format!("{path}.requires"),
                    format!("at most {} permissions", limits::MAX_REQUIRES),
                ));
            }
            for (j, p) in a.requires.0.iter().enumerate().take(limits::MAX_REQUIRES) {
                // `[j]` also locates a single value written without a list (its parent).
                let ppath = format!("{path}.requires[{j}]");
                match policy.resolve_perm(p, errs.len()) {
                    Ok(id) if requires.contains(&id) => errs.push(Error::new(
                        ErrorCode::DuplicateId,
                        ppath,
                        format!("`{p}` is required twice"),
                    )),
                    Ok(id) => requires.push(id),
                    Err(e) => errs.push(e.at(&ppath)),
                }
            }
            policy.action_ix.insert(name, i as u32);
            policy.actions.push(ActionInfo {
                name: name.clone(),
                label: a
                    .label
                    .clone()
                    .unwrap_or_else(|| humanize(&name.replace('.', " "))),
                requires,
                distinct_from: a.distinct_from.clone(),
                forbids: Vec::new(),
            });
        }

        // Dimensions.
        if doc.dimensions.len() > limits::MAX_DIMENSIONS {
            errs.push(Error::new(
                ErrorCode::LimitExceeded,
                "dimensions",
                format!("at most {} dimensions", limits::MAX_DIMENSIONS),
            ));
        }
        for (i, d) in doc
            .dimensions
            .iter()
            .enumerate()
            .take(limits::MAX_DIMENSIONS)
        {
            let path = format!("dimensions[{i}]");
            check_name(d, &path, &mut errs);
            if policy.dim_ix.get(d).is_some() {
                errs.push(Error::new(
                    ErrorCode::DuplicateId,
                    path,
                    format!("dimension `{d}` is declared twice"),
                ));
            } else {
                policy.dim_ix.insert(d, policy.dimensions.len() as u32);
                policy.dimensions.push(d.clone());
            }
        }

        let order = compile_roles(&mut policy, &doc, &mut errs);
        compile_constraints(&mut policy, &doc, order.as_deref(), &mut errs);

        if let Some(p) = &doc.administration.assign_requires {
            match policy.resolve_perm(p, errs.len()) {
                Ok(id) => policy.assign_requires = Some(id),
                Err(e) => errs.push(e.at("administration.assign_requires")),
            }
        }

        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(policy)
    }
}

/// Compiles the roles and closes them over their includes. Returns the topological order of
/// the roles (each after the roles it includes), or `None` when they include each other in a
/// cycle.
fn compile_roles(policy: &mut Policy, doc: &PolicyDoc, errs: &mut Vec<Error>) -> Option<Vec<u32>> {
    let nperm = policy.perm_count() as usize;
    let nact = policy.actions.len();
    if doc.roles.len() > limits::MAX_POLICY_ITEMS {
        errs.push(Error::new(
            ErrorCode::LimitExceeded,
            "roles",
            format!("at most {} roles", limits::MAX_POLICY_ITEMS),
        ));
    }
    for (i, name) in doc.roles.keys().enumerate().take(limits::MAX_POLICY_ITEMS) {
        check_name(name, &format!("roles.{name}"), errs);
        policy.role_ix.insert(name, i as u32);
    }
    let n = doc.roles.len().min(limits::MAX_POLICY_ITEMS);
    let bytes = role_set_bytes(policy, n);
    if bytes > limits::MAX_SET_BYTES {
        let message = format!(
            "the grant sets of {n} roles over {nperm} permissions and {nact} actions would take \
             {bytes} bytes, more than the limit of {} bytes",
            limits::MAX_SET_BYTES
        );
        errs.push(
            Error::new(ErrorCode::LimitExceeded, "roles", message)
                .with_help("use fewer roles, resources or levels"),
        );
        return None;
    }
    let mut includes: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, (name, r)) in doc.roles.iter().enumerate().take(n) {
        let path = format!("roles.{name}");
        let mut perms = Bits::new(nperm);
        let mut actions = Bits::new(nact);
        for (j, inc) in r.includes.iter().enumerate() {
            match policy.role_ix.get(inc) {
                Some(t) => {
                    if let Some(v) = includes.get_mut(i) {
                        v.push(t);
                    }
                }
                None => errs.push(unknown(
                    ErrorCode::UnknownRole,
                    &format!("{path}.includes[{j}]"),
                    "role",
                    inc,
                    policy.role_ix.names(),
                    errs.len(),
                )),
            }
        }
        for (res, lv) in &r.grants {
            for (j, l) in lv.0.iter().enumerate() {
                match policy.expand_pattern(&format!("{res}:{l}"), true, errs.len()) {
                    Ok(bits) => perms.union_with(&bits.0),
                    // An unknown resource is the key; anything else is the level.
                    Err(e) if e.code == ErrorCode::UnknownResource => {
                        errs.push(e.at(&format!("{path}.grants.{res}")))
                    }
                    Err(e) => errs.push(e.at(&format!("{path}.grants.{res}[{j}]"))),
                }
            }
        }
        for (j, a) in r.actions.iter().enumerate() {
            match policy.action_ix.get(a) {
                Some(t) => actions.set(t),
                None => errs.push(unknown(
                    ErrorCode::UnknownAction,
                    &format!("{path}.actions[{j}]"),
                    "action",
                    a,
                    policy.action_ix.names(),
                    errs.len(),
                )),
            }
        }
        if r.max_holders == Some(0) {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("{path}.max_holders"),
                "`max_holders` must be at least 1",
            ));
        }
        for (j, k) in r.assignable_at.iter().flatten().enumerate() {
            check_name(k, &format!("{path}.assignable_at[{j}]"), errs);
        }
        policy.roles.push(RoleInfo {
            name: name.clone(),
            label: r.label.clone().unwrap_or_else(|| humanize(name)),
            perms,
            actions,
            assignable: r.assignable.unwrap_or(true),
            max_holders: r.max_holders,
            assignable_at: r.assignable_at.clone(),
            includes: includes.get(i).cloned().unwrap_or_default(),
            constrains: r.max_holders.is_some() || r.assignable_at.is_some(),
            member_of: Vec::new(),
            in_exclusive: false,
        });
    }

    // Close over includes in topological order (Kahn: iterative, linear in the graph).
    let Some(order) = topo_order(&includes) else {
        let cycle = find_cycle(&includes);
        let names: Vec<&str> = cycle.iter().map(|r| policy.role_name(*r)).collect();
        let first = names.first().copied().unwrap_or("?");
        errs.push(Error::new(
            ErrorCode::Cycle,
            format!("roles.{first}.includes"),
            format!(
                "roles include each other in a cycle: {} → {first}",
                names.join(" → ")
            ),
        ));
        return None;
    };
    for &i in &order {
        let Some(me) = policy.roles.get(i as usize) else {
            continue;
        };
        let mut perms = me.perms.clone();
        let mut actions = me.actions.clone();
        let mut constrains = me.constrains;
        for &inc in &me.includes {
            if let Some(r) = policy.roles.get(inc as usize) {
                perms.union_with(&r.perms.0);
                actions.union_with(&r.actions.0);
                constrains |= r.constrains;
            }
        }
        if let Some(r) = policy.roles.get_mut(i as usize) {
            r.perms = perms;
            r.actions = actions;
            r.constrains = constrains;
        }
    }
    Some(order)
}

/// Where each role is listed in `exclusive_roles`, which roles hold a listed role, and the
/// error for every role that holds two members of one group (naming the first two in the
/// group's order, as a scan of the group would).
///
/// What a role holds of each group (the two first positions in the group, enough to name the
/// error) is built in topological order, each role's map made from those of the roles it
/// includes: a map is moved up to the last role that includes it, not copied, and smaller maps
/// are merged into larger ones. A chain of n roles in as many groups costs O(n), not the n^2
/// of a list per role; only maps shared by several including roles are copied.
fn compile_exclusive(policy: &mut Policy, order: &[u32], errs: &mut Vec<Error>) {
    if policy.exclusive.is_empty() {
        return;
    }
    for (g, group) in policy.exclusive.iter().enumerate() {
        for (pos, r) in group.iter().enumerate() {
            if let Some(role) = policy.roles.get_mut(*r as usize) {
                role.member_of.push((g as u32, pos as u32));
            }
        }
    }
    for &i in order {
        let below = policy.roles.get(i as usize).is_some_and(|r| {
            r.includes.iter().any(|c| {
                policy
                    .roles
                    .get(*c as usize)
                    .is_some_and(|x| x.in_exclusive)
            })
        });
        if let Some(r) = policy.roles.get_mut(i as usize) {
            r.in_exclusive = below || !r.member_of.is_empty();
        }
    }
    // How many roles still have to read each role's map.
    let mut readers = vec![0u32; policy.roles.len()];
    for r in &policy.roles {
        let mut inc: Vec<u32> = r.includes.clone();
        inc.sort_unstable();
        inc.dedup();
        for c in inc {
            if let Some(n) = readers.get_mut(c as usize) {
                *n += 1;
            }
        }
    }
    let mut maps: Vec<Option<Held>> = (0..policy.roles.len()).map(|_| None).collect();
    // (role, group, first position, second position)
    let mut conflicts: Vec<(u32, u32, u32, u32)> = Vec::new();
    for &i in order {
        let Some(role) = policy.roles.get(i as usize) else {
            continue;
        };
        let mut inc: Vec<u32> = role.includes.clone();
        inc.sort_unstable();
        inc.dedup();
        // The largest map this role is the last reader of becomes its own.
        let base = inc
            .iter()
            .copied()
            .filter(|c| readers.get(*c as usize) == Some(&1))
            .max_by_key(|c| {
                maps.get(*c as usize)
                    .and_then(Option::as_ref)
                    .map_or(0, Held::len)
            });
        let mut held = base
            .and_then(|c| maps.get_mut(c as usize).and_then(Option::take))
            .unwrap_or_default();
        for &c in &inc {
            if Some(c) != base {
                if let Some(m) = maps.get(c as usize).and_then(Option::as_ref) {
                    held.merge(m);
                }
            }
            if let Some(n) = readers.get_mut(c as usize) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    if let Some(m) = maps.get_mut(c as usize) {
                        *m = None;
                    }
                }
            }
        }
        for &(g, p) in &role.member_of {
            held.add(g, p);
        }
        for &g in &held.conflicts {
            if let Some(&(p1, p2)) = held.map.get(&g) {
                conflicts.push((i, g, p1, p2));
            }
        }
        if readers.get(i as usize).is_some_and(|n| *n > 0) && !held.map.is_empty() {
            if let Some(m) = maps.get_mut(i as usize) {
                *m = Some(held);
            }
        }
    }
    conflicts.sort_unstable();
    let member = |g: u32, p: u32| {
        policy
            .exclusive
            .get(g as usize)
            .and_then(|group| group.get(p as usize))
            .copied()
            .unwrap_or(u32::MAX)
    };
    for (i, g, p1, p2) in conflicts {
        let name = policy.role_name(i);
        errs.push(Error::new(
            ErrorCode::ExclusiveRoles,
            format!("roles.{name}"),
            format!(
                "role `{name}` includes `{}` and `{}`, which `constraints.exclusive_roles[{g}]` keeps apart",
                policy.role_name(member(g, p1)),
                policy.role_name(member(g, p2))
            ),
        ));
    }
}

/// What a role holds of the exclusive groups: per group, the two first positions in the group
/// of the roles it is or includes (the second `u32::MAX` when there is one).
#[derive(Default)]
struct Held {
    map: std::collections::HashMap<u32, (u32, u32), foldhash::fast::RandomState>,
    /// The groups with two positions, each once.
    conflicts: Vec<u32>,
}

impl Held {
    fn len(&self) -> usize {
        self.map.len()
    }

    fn add(&mut self, g: u32, p: u32) {
        let e = self.map.entry(g).or_insert((p, u32::MAX));
        if p == e.0 || p == e.1 {
            return;
        }
        let was = e.1;
        if p < e.0 {
            e.1 = e.0;
            e.0 = p;
        } else if p < e.1 {
            e.1 = p;
        }
        if was == u32::MAX && e.1 != u32::MAX {
            self.conflicts.push(g);
        }
    }

    fn merge(&mut self, other: &Held) {
        for (&g, &(p1, p2)) in &other.map {
            self.add(g, p1);
            if p2 != u32::MAX {
                self.add(g, p2);
            }
        }
    }
}

fn compile_constraints(
    policy: &mut Policy,
    doc: &PolicyDoc,
    order: Option<&[u32]>,
    errs: &mut Vec<Error>,
) {
    for (i, group) in doc.constraints.exclusive_roles.iter().enumerate() {
        let mut ids = Vec::new();
        for (j, r) in group.iter().enumerate() {
            match policy.role_ix.get(r) {
                Some(id) => ids.push(id),
                None => errs.push(unknown(
                    ErrorCode::UnknownRole,
                    &format!("constraints.exclusive_roles[{i}][{j}]"),
                    "role",
                    r,
                    policy.role_ix.names(),
                    errs.len(),
                )),
            }
        }
        if group.len() < 2 {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("constraints.exclusive_roles[{i}]"),
                "an exclusive group needs at least two roles",
            ));
        }
        policy.exclusive.push(ids);
    }
    // A role that includes two roles of one exclusive group could never be held.
    if let Some(order) = order {
        compile_exclusive(policy, order, errs);
    }
    // The actions each rule applies to come from indexes (by name, by resource, by required
    // permission), so n rules over n actions cost the matches, not n × n comparisons.
    let index = if doc.constraints.forbid.is_empty() {
        ActionIndex::default()
    } else {
        ActionIndex::new(policy)
    };
    // Every permission rule holds a permission set: counted before any is made.
    let perm_rules = doc
        .constraints
        .forbid
        .iter()
        .filter(|f| f.permission.is_some() && f.action.is_none())
        .count();
    let perm_set_bytes = policy.perm_count().div_ceil(64).max(1) as usize * 8;
    let mut bytes = role_set_bytes(policy, policy.roles.len())
        .saturating_add(perm_rules.saturating_mul(perm_set_bytes));
    if bytes > limits::MAX_SET_BYTES {
        errs.push(
            Error::new(
                ErrorCode::LimitExceeded,
                "constraints.forbid",
                format!(
                    "{perm_rules} forbid rules naming a permission, of {perm_set_bytes} bytes each, and the roles' grant sets would take {bytes} bytes, more than the limit of {} bytes",
                    limits::MAX_SET_BYTES
                ),
            )
            .with_help("use fewer forbid rules, or fewer resources or levels"),
        );
        return;
    }
    for (i, f) in doc.constraints.forbid.iter().enumerate() {
        let path = format!("constraints.forbid[{i}]");
        let mut perms = Bits::default();
        match (&f.permission, &f.action) {
            (Some(p), None) => match policy.expand_pattern(p, false, errs.len()) {
                Ok(b) => perms = b,
                Err(e) => errs.push(e.at(&format!("{path}.permission"))),
            },
            (None, Some(a)) => {
                let ok = match a.split_once('.') {
                    Some((x, "*")) => x == "*" || is_name(x),
                    _ => policy.action_ix.get(a).is_some(),
                };
                if !ok {
                    errs.push(unknown(
                        ErrorCode::UnknownAction,
                        &format!("{path}.action"),
                        "action",
                        a,
                        policy.action_ix.names(),
                        errs.len(),
                    ));
                }
            }
            _ => errs.push(Error::new(
                ErrorCode::InvalidValue,
                path.clone(),
                "a forbid rule names exactly one of `permission` or `action`",
            )),
        }
        let rule = ForbidRule {
            kind: f.subject_kind,
            perms,
            action: f.action.clone(),
            scope: f.scope.clone(),
        };
        let id = policy.forbids.len() as u32;
        let matched = index.matching(policy, &rule);
        bytes = bytes.saturating_add(matched.len().saturating_mul(4));
        if bytes > limits::MAX_SET_BYTES {
            errs.push(forbid_sets_limit(&path));
            return;
        }
        for a in matched {
            if let Some(a) = policy.actions.get_mut(a as usize) {
                a.forbids.push(id);
            }
        }
        policy.forbids.push(rule);
    }
}

/// The bytes of the closed permission and action sets of `roles` roles.
fn role_set_bytes(policy: &Policy, roles: usize) -> usize {
    let words = (policy.perm_count() as usize).div_ceil(64).max(1)
        + policy.actions.len().div_ceil(64).max(1);
    roles.saturating_mul(words).saturating_mul(8)
}

fn forbid_sets_limit(path: &str) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!(
            "with this rule, the forbid rules listed under the actions they apply to, their permission sets and the roles' grant sets would take more than the limit of {} bytes",
            limits::MAX_SET_BYTES
        ),
    )
    .with_help("use fewer forbid rules, or rules that apply to fewer actions")
}

/// Actions by name prefix (`transfers` of `transfers.approve`) and by required permission, for
/// matching forbid rules without comparing every rule with every action.
#[derive(Default)]
struct ActionIndex {
    by_prefix: std::collections::HashMap<String, Vec<u32>>,
    by_perm: std::collections::HashMap<u32, Vec<u32>>,
}

impl ActionIndex {
    fn new(policy: &Policy) -> Self {
        let mut ix = ActionIndex::default();
        for (i, a) in policy.actions.iter().enumerate() {
            if let Some((x, _)) = a.name.split_once('.') {
                ix.by_prefix.entry(x.to_owned()).or_default().push(i as u32);
            }
            for &p in &a.requires {
                ix.by_perm.entry(p).or_default().push(i as u32);
            }
        }
        ix
    }

    /// The actions `rule` applies to, ascending: those [`forbid_matches_action`] accepts.
    fn matching(&self, policy: &Policy, rule: &ForbidRule) -> Vec<u32> {
        match &rule.action {
            Some(pat) => match pat.split_once('.') {
                Some(("*", "*")) => (0..policy.actions.len() as u32).collect(),
                Some((x, "*")) => self.by_prefix.get(x).cloned().unwrap_or_default(),
                _ => policy.action_ix.get(pat).into_iter().collect(),
            },
            None => {
                // The rule's permissions or the required permissions, whichever are fewer.
                let ones: usize = rule.perms.0.iter().map(|w| w.count_ones() as usize).sum();
                let mut out: Vec<u32> = if ones <= self.by_perm.len() {
                    rule.perms
                        .iter()
                        .filter_map(|p| self.by_perm.get(&p))
                        .flatten()
                        .copied()
                        .collect()
                } else {
                    self.by_perm
                        .iter()
                        .filter(|(p, _)| rule.perms.has(**p))
                        .flat_map(|(_, a)| a.iter().copied())
                        .collect()
                };
                out.sort_unstable();
                out.dedup();
                out
            }
        }
    }
}

/// Whether a forbid rule applies to an action (the rule [`ActionIndex::matching`] implements).
#[cfg(test)]
pub(crate) fn forbid_matches_action(rule: &ForbidRule, a: &ActionInfo) -> bool {
    match &rule.action {
        Some(pat) => match pat.split_once('.') {
            Some(("*", "*")) => true,
            Some((x, "*")) => a.name.split_once('.').is_some_and(|(y, _)| x == y),
            _ => *pat == a.name,
        },
        None => a.requires.iter().any(|p| rule.perms.has(*p)),
    }
}

/// Transitive closure of level implication, detecting cycles.
fn close_levels(
    direct: &[u64],
    doc: &IndexMap<String, crate::model::LevelDoc>,
    errs: &mut Vec<Error>,
) -> Vec<u64> {
    let graph: Vec<Vec<u32>> = direct
        .iter()
        .map(|m| (0..64u32).filter(|b| m >> b & 1 == 1).collect())
        .collect();
    let Some(order) = topo_order(&graph) else {
        let cycle = find_cycle(&graph);
        let names: Vec<&str> = cycle
            .iter()
            .filter_map(|i| doc.get_index(*i as usize).map(|(k, _)| k.as_str()))
            .collect();
        let first = names.first().copied().unwrap_or("?");
        errs.push(Error::new(
            ErrorCode::Cycle,
            format!("levels.{first}.implies"),
            format!(
                "levels imply each other in a cycle: {} → {first}",
                names.join(" → ")
            ),
        ));
        return vec![0; direct.len()];
    };
    let mut closed: Vec<u64> = (0..direct.len()).map(|i| 1u64 << i).collect();
    for i in order {
        let mut m = closed.get(i as usize).copied().unwrap_or(0);
        for &t in graph.get(i as usize).map(Vec::as_slice).unwrap_or(&[]) {
            m |= closed.get(t as usize).copied().unwrap_or(0);
        }
        if let Some(c) = closed.get_mut(i as usize) {
            *c = m;
        }
    }
    closed
}

/// The reverse graph: for each node, the nodes that point at it.
fn reverse(edges: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let mut rev: Vec<Vec<u32>> = vec![Vec::new(); edges.len()];
    for (i, out) in edges.iter().enumerate() {
        for &t in out {
            if let Some(r) = rev.get_mut(t as usize) {
                r.push(i as u32);
            }
        }
    }
    rev
}

/// Nodes peeled from the sinks up, each after everything it points to: each node is peeled
/// once and each edge looked at once. Nodes on a cycle, or leading into one, are never peeled.
fn peel(edges: &[Vec<u32>]) -> Vec<u32> {
    let n = edges.len();
    let mut pending: Vec<usize> = edges
        .iter()
        .map(|e| e.iter().filter(|t| (**t as usize) < n).count())
        .collect();
    let rev = reverse(edges);
    let mut ready: Vec<u32> = (0..n as u32)
        .filter(|i| pending.get(*i as usize) == Some(&0))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        order.push(i);
        for &from in rev.get(i as usize).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(p) = pending.get_mut(from as usize) {
                *p -= 1;
                if *p == 0 {
                    ready.push(from);
                }
            }
        }
    }
    order
}

/// Nodes ordered so that each comes after everything it points to; `None` on a cycle.
pub(crate) fn topo_order(edges: &[Vec<u32>]) -> Option<Vec<u32>> {
    let order = peel(edges);
    (order.len() == edges.len()).then_some(order)
}

/// One cycle of a graph that has one (following edges among nodes not in a topological order).
pub(crate) fn find_cycle(edges: &[Vec<u32>]) -> Vec<u32> {
    // Nodes that can reach a cycle have an out-edge to another such node; walk until a repeat.
    let n = edges.len();
    let mut on_cycle_path = vec![false; n];
    let mut in_cycle = vec![true; n];
    for i in peel(edges) {
        if let Some(x) = in_cycle.get_mut(i as usize) {
            *x = false;
        }
    }
    let Some(start) = (0..n).find(|i| in_cycle.get(*i) == Some(&true)) else {
        return Vec::new();
    };
    let mut path = Vec::new();
    let mut cur = start as u32;
    while !on_cycle_path.get(cur as usize).copied().unwrap_or(true) {
        if let Some(x) = on_cycle_path.get_mut(cur as usize) {
            *x = true;
        }
        path.push(cur);
        cur = edges
            .get(cur as usize)
            .and_then(|e| {
                e.iter()
                    .copied()
                    .find(|t| in_cycle.get(*t as usize) == Some(&true))
            })
            .unwrap_or(cur);
    }
    let from = path.iter().position(|p| *p == cur).unwrap_or(0);
    path.split_off(from)
}

fn default_levels() -> IndexMap<String, crate::model::LevelDoc> {
    use crate::model::LevelDoc;
    let mut m = IndexMap::new();
    m.insert("view".to_owned(), LevelDoc::default());
    m.insert(
        "manage".to_owned(),
        LevelDoc {
            implies: vec!["view".into()],
            ..LevelDoc::default()
        },
    );
    m.insert(
        "authorize".to_owned(),
        LevelDoc {
            implies: vec!["view".into()],
            ..LevelDoc::default()
        },
    );
    m
}

pub(crate) fn check_name(name: &str, path: &str, errs: &mut Vec<Error>) {
    if name.len() > limits::MAX_NAME_LEN {
        errs.push(Error::new(
            ErrorCode::LimitExceeded,
            path,
            format!(
                "a name is at most {} bytes, and this one has {}",
                limits::MAX_NAME_LEN,
                name.len()
            ),
        ));
    } else if !is_name(name) {
        errs.push(
            Error::new(
                ErrorCode::InvalidValue,
                path,
                format!("`{name}` is not a valid name"),
            )
            .with_help("names are lowercase letters, digits and `_`, starting with a letter"),
        );
    }
}

/// An unknown name, with a "did you mean" hint among `known` when the error, the `nth` of its
/// input (`errs.len()`), may still have one (see [`hint_allowed`]).
pub(crate) fn unknown<'a>(
    code: ErrorCode,
    path: &str,
    what: &str,
    name: &str,
    known: impl ExactSizeIterator<Item = &'a str>,
    nth: usize,
) -> Error {
    let e = Error::new(code, path, format!("unknown {what} `{name}`"));
    if !hint_allowed(nth, known.len()) {
        return e;
    }
    match did_you_mean(name, known) {
        Some(h) => e.with_help(h),
        None => e,
    }
}

/// A problem with a permission or a pattern, before it is placed at a path.
#[derive(Debug, Clone)]
pub(crate) struct PermError {
    pub code: ErrorCode,
    pub message: String,
    pub help: Option<String>,
}

impl PermError {
    fn new(code: ErrorCode, message: String) -> Self {
        PermError {
            code,
            message,
            help: None,
        }
    }

    /// The error at `path` in a document.
    pub fn at(self, path: &str) -> Error {
        let e = Error::new(self.code, path, self.message);
        match self.help {
            Some(h) => e.with_help(h),
            None => e,
        }
    }
}

pub(crate) fn first(mut errs: Vec<Error>) -> Error {
    if errs.is_empty() {
        Error::new(ErrorCode::InvalidValue, "", "invalid input")
    } else {
        errs.swap_remove(0)
    }
}

/// Attaches the line and column of an error's path, looked up in the parsed text.
pub(crate) fn locate(mut e: Error, node: &Node) -> Error {
    if e.location.is_none() {
        // When the error names the path's last key (`unknown resource `refundz``), the key is
        // the offending text; otherwise the value is (`role: ghost`).
        let last_key = e.path.rsplit(['.', ']']).next().unwrap_or("");
        let names_key = !last_key.is_empty() && e.message.contains(&format!("`{last_key}`"));
        e.location = Some(if names_key {
            node.locate_key(&e.path)
        } else {
            node.locate(&e.path)
        });
    }
    e
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn humanize(s: &str) -> String {
    capitalize(&s.replace('_', " "))
}

/// SHA-256 (hex) of the canonical JSON form: object keys sorted, no insignificant white space.
pub(crate) fn hash_doc<T: serde::Serialize>(doc: &T) -> String {
    let value = serde_json::to_value(doc).unwrap_or(serde_json::Value::Null);
    let mut out = String::new();
    canonical_json(&value, &mut out);
    let digest = Sha256::digest(out.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn canonical_json(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                if let Some(x) = m.get(*k) {
                    canonical_json(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbid_rules_apply_to_the_actions_a_scan_would_find() {
        let text = "rolecall: 1
resources: { a: {}, b: {}, c: {} }
actions:
  a.x: { requires: a:view }
  a.y: { requires: [a:manage, b:view] }
  b.x: { requires: b:authorize }
  c.z: { requires: [c:view, a:view] }
constraints:
  forbid:
    - { action: a.x }
    - { action: a.* }
    - { action: '*.*' }
    - { action: c.* }
    - { permission: a:view }
    - { permission: '*:view' }
    - { permission: 'b:*' }
    - { permission: '*:*' }
    - { permission: c:manage }
";
        let p = Policy::parse(text).map_err(|e| e.to_string());
        let p = match p {
            Ok(p) => p,
            Err(e) => return assert!(e.is_empty(), "{e}"),
        };
        for a in &p.actions {
            let scan: Vec<u32> = (0..p.forbids.len() as u32)
                .filter(|i| {
                    p.forbids
                        .get(*i as usize)
                        .is_some_and(|f| forbid_matches_action(f, a))
                })
                .collect();
            assert_eq!(a.forbids, scan, "{}", a.name);
        }
        let x = p.actions.first().map(|a| a.forbids.clone());
        assert_eq!(x, Some(vec![0, 1, 2, 4, 5, 7]));
    }

    #[test]
    fn the_hash_is_computed_on_first_use_and_still_matches_directories() {
        use crate::directory::Directory;
        use crate::eval::Evaluator;
        let text = "rolecall: 1\nresources: { a: {} }\nactions: { a.x: { requires: a:view } }\n";
        let other = "rolecall: 1\nresources: { b: {} }\nactions: { b.x: { requires: b:view } }\n";
        let dir = "scopes: [{ id: org }]\n";
        let parsed = [
            Policy::parse(text),
            Policy::parse(text),
            Policy::parse(other),
        ];
        let [Ok(p), Ok(same), Ok(q)] = parsed else {
            return assert!(parsed.iter().all(Result::is_ok), "the test policies parse");
        };
        let p = Arc::new(p);
        // A load (policy, directory, evaluator) never needs the hash.
        let d = Directory::parse(&p, dir);
        let ev = d.map(|d| Evaluator::new(Arc::clone(&p), d));
        assert!(matches!(ev, Ok(Ok(_))));
        assert!(
            p.stamp.hash.get().is_none(),
            "the hash was computed by a load"
        );
        // An equal policy parsed separately matches by hash; another policy does not.
        let for_same =
            Directory::parse(&same, dir).map(|d| Evaluator::new(Arc::clone(&p), d).is_ok());
        assert_eq!(for_same.ok(), Some(true));
        let for_other = Directory::parse(&q, dir)
            .map(|d| Evaluator::new(Arc::clone(&p), d).map_err(|e| e.code));
        assert!(matches!(for_other, Ok(Err(ErrorCode::PolicyMismatch))));
        assert_eq!(p.hash(), same.hash());
        assert_ne!(p.hash(), q.hash());
        assert_eq!(p.hash().len(), 64);
    }
}
