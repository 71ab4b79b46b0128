//! The compiled directory: the scope tree as an Euler tour (ancestry is two integer
//! comparisons), subjects interned to dense ids, and each subject's grant sources (assignments,
//! direct grants, its API key) as flat records pointing into deduplicated bitset arenas. Loading
//! validates everything SPEC section 2 lists for a directory against its policy.

use crate::bitset::{Bits, SetArena, SetId};
use crate::error::{first, locate, unknown};
use crate::error::{Error, ErrorCode, Result};
use crate::limits;
use crate::model::{ApiKeyDoc, AssignmentDoc, ContextDoc, DirectoryDoc, GrantDoc, SubjectKind};
use crate::names::{is_id, IdMap};
use crate::policy::{Policy, PolicyIdentity};
use crate::time::Timestamp;
use crate::tree::{self, Node};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) const NONE: u32 = u32::MAX;

/// Where a grant source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Origin {
    Assignment(u32),
    Grant(u32),
    Key(u32),
}

/// One grant source of a subject, laid out for the hot loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source {
    /// The source's scope covers query scopes whose `tin` is in `tin..=tout`.
    pub tin: u32,
    pub tout: u32,
    pub scope: u32,
    /// 0: no context; otherwise index + 1 into `contexts`.
    pub ctx: u32,
    pub perms: SetId,
    pub actions: SetId,
    pub origin: Origin,
    /// The role, for assignments.
    pub role: u32,
}

/// One dimension an assignment constrains.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DimRule {
    pub dim: u32,
    /// `"*"` was listed: any value, but the dimension must be given.
    pub any: bool,
    /// Sorted value ids.
    pub values: Vec<u32>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Scopes {
    pub ids: IdMap,
    pub parent: Vec<u32>,
    pub kind: Vec<Option<String>>,
    pub tin: Vec<u32>,
    pub tout: Vec<u32>,
    /// Scope index by `tin`, for walking the tree in preorder.
    pub preorder: Vec<u32>,
    /// False for the placeholder ancestors of a snapshot (known ids, never evaluated).
    pub reachable: Vec<bool>,
}

impl Scopes {
    #[inline]
    pub fn covers(&self, ancestor: u32, scope: u32) -> bool {
        match (
            self.tin.get(ancestor as usize),
            self.tout.get(ancestor as usize),
            self.tin.get(scope as usize),
        ) {
            (Some(a), Some(b), Some(t)) => a <= t && t <= b,
            _ => false,
        }
    }

    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn name(&self, s: u32) -> &str {
        self.ids.name(s)
    }

    /// Builds the Euler tour over a forest given by `parent`. Iterative.
    fn build_tour(&mut self) {
        let n = self.parent.len();
        let mut child_count = vec![0u32; n + 1];
        for &p in &self.parent {
            if p != NONE {
                if let Some(c) = child_count.get_mut(p as usize) {
                    *c += 1;
                }
            }
        }
        // CSR of children, in declaration order.
        let mut start = vec![0u32; n + 1];
        for i in 0..n {
            let s = start.get(i).copied().unwrap_or(0) + child_count.get(i).copied().unwrap_or(0);
            if let Some(x) = start.get_mut(i + 1) {
                *x = s;
            }
        }
        let mut fill = start.clone();
        let mut children = vec![0u32; n];
        for (i, &p) in self.parent.iter().enumerate() {
            if p != NONE {
                if let Some(f) = fill.get_mut(p as usize) {
                    if let Some(c) = children.get_mut(*f as usize) {
                        *c = i as u32;
                    }
                    *f += 1;
                }
            }
        }
        self.tin = vec![0; n];
        self.tout = vec![0; n];
        self.preorder = Vec::with_capacity(n);
        let mut clock = 0u32;
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in (0..n as u32).filter(|i| self.parent.get(*i as usize) == Some(&NONE)) {
            stack.push((root, 0));
            if let Some(t) = self.tin.get_mut(root as usize) {
                *t = clock;
            }
            self.preorder.push(root);
            clock += 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let first = start.get(node as usize).copied().unwrap_or(0);
                let end = start.get(node as usize + 1).copied().unwrap_or(0);
                if first + *next < end {
                    let child = children.get((first + *next) as usize).copied().unwrap_or(0);
                    *next += 1;
                    if let Some(t) = self.tin.get_mut(child as usize) {
                        *t = clock;
                    }
                    self.preorder.push(child);
                    clock += 1;
                    stack.push((child, 0));
                } else {
                    if let Some(t) = self.tout.get_mut(node as usize) {
                        *t = clock - 1;
                    }
                    stack.pop();
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SubjectInfo {
    pub kind: SubjectKind,
    pub sources: Vec<Source>,
    /// For an API key: its index in `keys`.
    pub key: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct KeyInfo {
    pub source: Source,
    /// The owner's subject index.
    pub owner: u32,
    pub expires_at: Option<Timestamp>,
}

/// A compiled, validated directory for one policy.
#[derive(Debug, Clone)]
pub struct Directory {
    /// The policy it was compiled for (its document and hash).
    pub(crate) policy: Arc<PolicyIdentity>,
    pub(crate) doc: DirectoryDoc,
    pub(crate) scopes: Scopes,
    pub(crate) subjects: IdMap,
    pub(crate) subject_info: Vec<SubjectInfo>,
    pub(crate) perm_sets: SetArena,
    pub(crate) action_sets: SetArena,
    pub(crate) contexts: Vec<Vec<DimRule>>,
    pub(crate) values: Vec<IdMap>,
    pub(crate) keys: Vec<KeyInfo>,
    /// Per policy forbid rule: its scope (NONE: everywhere; a rule whose scope the directory
    /// does not hold never applies, which only happens in a snapshot).
    pub(crate) forbid_scopes: Vec<Option<u32>>,
    pub(crate) sets: Interner,
    /// Subjects holding each `max_holders` role at each scope node: (role, scope) to subjects.
    pub(crate) holders: HashMap<(u32, u32), Vec<u32>>,
}

/// Deduplication of sets and contexts, kept so live updates intern into the same arenas.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    perm_dedup: HashMap<Vec<u64>, SetId>,
    action_dedup: HashMap<Vec<u64>, SetId>,
    ctx_dedup: HashMap<Vec<DimRule>, u32>,
    role_sets: HashMap<u32, (SetId, SetId)>,
}

impl Interner {
    fn perm(&mut self, arena: &mut SetArena, bits: Bits) -> SetId {
        intern_set(arena, &mut self.perm_dedup, bits)
    }

    fn action(&mut self, arena: &mut SetArena, bits: Bits) -> SetId {
        intern_set(arena, &mut self.action_dedup, bits)
    }
}

impl Directory {
    /// Parses and compiles a directory (YAML or JSON) for `policy`.
    ///
    /// # Errors
    /// The first problem found, with its path, line and column.
    pub fn parse(policy: &Policy, text: &str) -> Result<Directory> {
        Self::parse_all(policy, text).map_err(first)
    }

    /// Parses and compiles a directory, reporting every problem found.
    ///
    /// # Errors
    /// Every validation error, each with its path and location.
    pub fn parse_all(policy: &Policy, text: &str) -> Result<Directory, Vec<Error>> {
        // Directories are large and usually JSON from the host application: decode JSON
        // directly (about ten times faster than the located parser) and read the text again
        // through the located parser only when an error needs its line.
        tree::check_size(text).map_err(|e| vec![e])?;
        #[cfg(feature = "fast-json")]
        if text.trim_start().starts_with('{') {
            if let Ok(d) = serde_json::from_str::<DirectoryDoc>(text) {
                return Self::from_doc(policy, d).map_err(|errs| match tree::parse(text) {
                    Ok(node) => errs.into_iter().map(|e| locate(e, &node)).collect(),
                    Err(_) => errs,
                });
            }
        }
        let node = tree::parse(text).map_err(|e| vec![e])?;
        Self::from_node(policy, &node)
    }

    pub(crate) fn from_node(policy: &Policy, node: &Node) -> Result<Directory, Vec<Error>> {
        let d: DirectoryDoc = crate::de::from_node(node).map_err(|e| vec![e])?;
        Self::from_doc(policy, d)
            .map_err(|errs| errs.into_iter().map(|e| locate(e, node)).collect())
    }

    /// Compiles a directory document against `policy`.
    ///
    /// # Errors
    /// Every validation error, each with its path.
    pub fn from_doc(policy: &Policy, d: DirectoryDoc) -> Result<Directory, Vec<Error>> {
        let mut errs = Vec::new();
        for (what, n) in [
            ("scopes", d.scopes.len()),
            ("assignments", d.assignments.len()),
            ("grants", d.grants.len()),
            ("api_keys", d.api_keys.len()),
        ] {
            if n > limits::MAX_DIRECTORY_ITEMS {
                return Err(vec![Error::new(
                    ErrorCode::LimitExceeded,
                    what,
                    format!("at most {} {what}", limits::MAX_DIRECTORY_ITEMS),
                )]);
            }
        }
        let scopes = build_scopes(&d, &mut errs, true);
        let mut dir = Directory::empty(policy, scopes, d);
        dir.resolve_forbid_scopes(policy, &mut errs, true);
        dir.build_sources(policy, &mut errs);
        if errs.is_empty() {
            dir.check_constraints(policy, &mut errs);
        }
        if errs.is_empty() {
            Ok(dir)
        } else {
            Err(errs)
        }
    }

    pub(crate) fn empty(policy: &Policy, scopes: Scopes, doc: DirectoryDoc) -> Directory {
        Directory {
            policy: Arc::clone(&policy.identity),
            doc,
            scopes,
            subjects: IdMap::default(),
            subject_info: Vec::new(),
            perm_sets: SetArena::new(policy.perm_count() as usize),
            action_sets: SetArena::new(policy.actions.len()),
            contexts: Vec::new(),
            values: vec![IdMap::default(); policy.dimensions.len()],
            keys: Vec::new(),
            forbid_scopes: Vec::new(),
            sets: Interner::default(),
            holders: HashMap::new(),
        }
    }

    /// The directory as a document.
    pub fn doc(&self) -> &DirectoryDoc {
        &self.doc
    }

    /// The hash of the policy this directory was compiled for.
    pub fn policy_hash(&self) -> &str {
        self.policy.hash()
    }

    /// Scope ids, in declared order.
    pub fn scope_ids(&self) -> impl Iterator<Item = &str> {
        self.scopes.ids.names()
    }

    /// Subject ids known to the directory (assignment and grant subjects, API keys and owners).
    pub fn subject_ids(&self) -> impl Iterator<Item = &str> {
        self.subjects.names()
    }

    pub(crate) fn resolve_forbid_scopes(
        &mut self,
        policy: &Policy,
        errs: &mut Vec<Error>,
        strict: bool,
    ) {
        self.forbid_scopes = policy
            .forbids
            .iter()
            .enumerate()
            .map(|(i, f)| match &f.scope {
                None => Some(NONE),
                Some(s) => match self.scopes.ids.get(s) {
                    Some(id) => Some(id),
                    None => {
                        if strict {
                            errs.push(
                                unknown(
                                    ErrorCode::UnknownScope,
                                    &format!("constraints.forbid[{i}].scope"),
                                    "scope",
                                    s,
                                    self.scopes.ids.names(),
                                    errs.len(),
                                )
                                .with_origin("policy"),
                            );
                        }
                        None
                    }
                },
            })
            .collect();
    }

    fn subject(&mut self, id: &str) -> u32 {
        let ix = self.subjects.intern(id);
        if self.subject_info.len() <= ix as usize {
            self.subject_info.push(SubjectInfo {
                kind: SubjectKind::User,
                sources: Vec::new(),
                key: NONE,
            });
        }
        ix
    }

    pub(crate) fn build_sources(&mut self, policy: &Policy, errs: &mut Vec<Error>) {
        let doc = std::mem::take(&mut self.doc);
        // API keys first, so that assignments naming a key can be refused.
        let mut key_ids: HashMap<&str, usize> = HashMap::new();
        for (i, k) in doc.api_keys.iter().enumerate() {
            if !is_id(&k.id.0) {
                errs.push(bad_id(&format!("api_keys[{i}].id"), &k.id.0));
            }
            if key_ids.insert(&k.id.0, i).is_some() {
                errs.push(Error::new(
                    ErrorCode::DuplicateId,
                    format!("api_keys[{i}].id"),
                    format!("API key `{}` is declared twice", k.id.0),
                ));
            }
        }
        let is_key = |id: &str| key_ids.contains_key(id);
        for (i, a) in doc.assignments.iter().enumerate() {
            if let Some((s, src)) = self.compile_assignment(policy, a, i as u32, &is_key, errs) {
                self.push_source(s, src);
            }
        }
        for (i, g) in doc.grants.iter().enumerate() {
            if let Some((s, src)) = self.compile_grant(policy, g, i as u32, &is_key, errs) {
                self.push_source(s, src);
            }
        }
        for (i, k) in doc.api_keys.iter().enumerate() {
            self.compile_key(policy, k, i as u32, &is_key, errs);
        }
        self.doc = doc;
    }

    pub(crate) fn push_source(&mut self, subject: u32, src: Source) {
        if let Some(info) = self.subject_info.get_mut(subject as usize) {
            info.sources.push(src);
        }
    }

    /// Compiles assignment `i` into a source of its subject (nothing is stored).
    pub(crate) fn compile_assignment(
        &mut self,
        policy: &Policy,
        a: &AssignmentDoc,
        i: u32,
        is_key: &dyn Fn(&str) -> bool,
        errs: &mut Vec<Error>,
    ) -> Option<(u32, Source)> {
        let path = || format!("assignments[{i}]");
        if is_key(&a.subject.0) {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("{}.subject", path()),
                format!(
                    "`{}` is an API key; keys hold only their own `permissions`",
                    a.subject.0
                ),
            ));
            return None;
        }
        if !is_id(&a.subject.0) {
            errs.push(bad_id(&format!("{}.subject", path()), &a.subject.0));
        }
        let Some(role) = policy.role_ix.get(&a.role) else {
            errs.push(unknown(
                ErrorCode::UnknownRole,
                &format!("{}.role", path()),
                "role",
                &a.role,
                policy.role_ix.names(),
                errs.len(),
            ));
            return None;
        };
        let scope = self.scope_ref(&a.scope.0, &|| format!("{}.scope", path()), errs)?;
        let ctx = self.context(policy, &a.context, &|| format!("{}.context", path()), errs);
        let (perms, actions) = match self.sets.role_sets.get(&role) {
            Some(pair) if a.except.is_empty() => *pair,
            _ => {
                let r = policy.roles.get(role as usize);
                let mut p = r.map(|r| r.perms.clone()).unwrap_or_default();
                let mut ac = r.map(|r| r.actions.clone()).unwrap_or_default();
                for (j, e) in a.except.iter().enumerate() {
                    let epath = || format!("{}.except[{j}]", path());
                    if e.contains(':') {
                        match policy.expand_pattern(e, false, errs.len()) {
                            Ok(x) => x.iter().for_each(|bit| p.clear(bit)),
                            Err(e) => errs.push(e.at(&epath())),
                        }
                    } else if let Some(prefix) = e.strip_suffix(".*") {
                        for (ai, act) in policy.actions.iter().enumerate() {
                            if prefix == "*"
                                || act.name.split_once('.').is_some_and(|(x, _)| x == prefix)
                            {
                                ac.clear(ai as u32);
                            }
                        }
                    } else {
                        match policy.action_ix.get(e) {
                            Some(ai) => ac.clear(ai),
                            None => errs.push(unknown(
                                ErrorCode::UnknownAction,
                                &epath(),
                                "permission or action",
                                e,
                                policy.action_ix.names(),
                                errs.len(),
                            )),
                        }
                    }
                }
                let Some(pair) = self.intern_sets(p, ac) else {
                    errs.push(sets_limit(&path()));
                    return None;
                };
                if a.except.is_empty() {
                    self.sets.role_sets.insert(role, pair);
                }
                pair
            }
        };
        let s = self.subject(&a.subject.0);
        Some((
            s,
            self.source(scope, ctx, perms, actions, Origin::Assignment(i), role),
        ))
    }

    /// Compiles direct grant `i` into a source of its subject (nothing is stored).
    pub(crate) fn compile_grant(
        &mut self,
        policy: &Policy,
        g: &GrantDoc,
        i: u32,
        is_key: &dyn Fn(&str) -> bool,
        errs: &mut Vec<Error>,
    ) -> Option<(u32, Source)> {
        let path = || format!("grants[{i}]");
        if is_key(&g.subject.0) {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("{}.subject", path()),
                format!(
                    "`{}` is an API key; keys hold only their own `permissions`",
                    g.subject.0
                ),
            ));
            return None;
        }
        if !is_id(&g.subject.0) {
            errs.push(bad_id(&format!("{}.subject", path()), &g.subject.0));
        }
        let mut p = Bits::new(policy.perm_count() as usize);
        let mut ac = Bits::new(policy.actions.len());
        match (&g.permission, &g.action) {
            (Some(perm), None) => match policy.expand_pattern(perm, true, errs.len()) {
                Ok(x) => p = x,
                Err(e) => errs.push(e.at(&format!("{}.permission", path()))),
            },
            (None, Some(act)) => match policy.action_ix.get(act) {
                Some(ai) => ac.set(ai),
                None => errs.push(unknown(
                    ErrorCode::UnknownAction,
                    &format!("{}.action", path()),
                    "action",
                    act,
                    policy.action_ix.names(),
                    errs.len(),
                )),
            },
            _ => errs.push(Error::new(
                ErrorCode::InvalidValue,
                path(),
                "a grant names exactly one of `permission` or `action`",
            )),
        }
        let scope = self.scope_ref(&g.scope.0, &|| format!("{}.scope", path()), errs)?;
        let ctx = self.context(policy, &g.context, &|| format!("{}.context", path()), errs);
        let Some((perms, actions)) = self.intern_sets(p, ac) else {
            errs.push(sets_limit(&path()));
            return None;
        };
        let s = self.subject(&g.subject.0);
        Some((
            s,
            self.source(scope, ctx, perms, actions, Origin::Grant(i), NONE),
        ))
    }

    /// Compiles API key `i` and stores it (keys are their own subjects). Returns its subject.
    pub(crate) fn compile_key(
        &mut self,
        policy: &Policy,
        k: &ApiKeyDoc,
        i: u32,
        is_key: &dyn Fn(&str) -> bool,
        errs: &mut Vec<Error>,
    ) -> Option<u32> {
        let path = || format!("api_keys[{i}]");
        if is_key(&k.owner.0) {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                format!("{}.owner", path()),
                format!("the owner `{}` is itself an API key", k.owner.0),
            ));
            return None;
        }
        let scope = self.scope_ref(&k.scope.0, &|| format!("{}.scope", path()), errs)?;
        let mut p = Bits::new(policy.perm_count() as usize);
        let mut ac = Bits::new(policy.actions.len());
        for (j, perm) in k.permissions.iter().enumerate() {
            let ppath = || format!("{}.permissions[{j}]", path());
            if perm.contains(':') {
                match policy.expand_pattern(perm, true, errs.len()) {
                    Ok(x) => p.union_with(&x.0),
                    Err(e) => errs.push(e.at(&ppath())),
                }
            } else {
                match policy.action_ix.get(perm) {
                    Some(ai) => ac.set(ai),
                    None => errs.push(unknown(
                        ErrorCode::UnknownPermission,
                        &ppath(),
                        "permission or action",
                        perm,
                        policy.action_ix.names(),
                        errs.len(),
                    )),
                }
            }
        }
        let expires_at = match &k.expires_at {
            None => None,
            Some(t) => match Timestamp::parse(t) {
                Ok(ts) => Some(ts),
                Err(m) => {
                    errs.push(Error::new(
                        ErrorCode::InvalidValue,
                        format!("{}.expires_at", path()),
                        m,
                    ));
                    None
                }
            },
        };
        let Some((perms, actions)) = self.intern_sets(p, ac) else {
            errs.push(sets_limit(&path()));
            return None;
        };
        let owner = self.subject(&k.owner.0);
        let s = self.subject(&k.id.0);
        let source = self.source(scope, 0, perms, actions, Origin::Key(i), NONE);
        let key = self.keys.len() as u32;
        self.keys.push(KeyInfo {
            source,
            owner,
            expires_at,
        });
        if let Some(info) = self.subject_info.get_mut(s as usize) {
            info.kind = SubjectKind::ApiKey;
            info.key = key;
        }
        Some(s)
    }

    /// Interns a permission set and an action set, unless new sets would take the directory's
    /// sets (and their deduplication index) past [`limits::MAX_SET_BYTES`].
    fn intern_sets(&mut self, p: Bits, a: Bits) -> Option<(SetId, SetId)> {
        let mut need = 0usize;
        if !self.sets.perm_dedup.contains_key(&p.0) {
            need += 2 * self.perm_sets.set_bytes();
        }
        if !self.sets.action_dedup.contains_key(&a.0) {
            need += 2 * self.action_sets.set_bytes();
        }
        let used = 2 * (self.perm_sets.bytes() + self.action_sets.bytes());
        if need > 0 && used.saturating_add(need) > limits::MAX_SET_BYTES {
            return None;
        }
        Some((
            self.sets.perm(&mut self.perm_sets, p),
            self.sets.action(&mut self.action_sets, a),
        ))
    }

    fn source(
        &self,
        scope: u32,
        ctx: u32,
        perms: SetId,
        actions: SetId,
        origin: Origin,
        role: u32,
    ) -> Source {
        Source {
            tin: self.scopes.tin.get(scope as usize).copied().unwrap_or(0),
            tout: self.scopes.tout.get(scope as usize).copied().unwrap_or(0),
            scope,
            ctx,
            perms,
            actions,
            origin,
            role,
        }
    }

    fn scope_ref(&self, id: &str, path: &dyn Fn() -> String, errs: &mut Vec<Error>) -> Option<u32> {
        let s = self.scopes.ids.get(id);
        if s.is_none() {
            errs.push(unknown(
                ErrorCode::UnknownScope,
                &path(),
                "scope",
                id,
                self.scopes.ids.names(),
                errs.len(),
            ));
        }
        s
    }

    fn context(
        &mut self,
        policy: &Policy,
        ctx: &ContextDoc,
        path: &dyn Fn() -> String,
        errs: &mut Vec<Error>,
    ) -> u32 {
        if ctx.is_empty() {
            return 0;
        }
        let path = path();
        let mut rules = Vec::with_capacity(ctx.len());
        for (dim, vals) in ctx {
            let Some(d) = policy.dim_ix.get(dim) else {
                errs.push(unknown(
                    ErrorCode::UnknownDimension,
                    &format!("{path}.{dim}"),
                    "dimension",
                    dim,
                    policy.dim_ix.names(),
                    errs.len(),
                ));
                continue;
            };
            if vals.0.is_empty() {
                errs.push(Error::new(
                    ErrorCode::InvalidValue,
                    format!("{path}.{dim}"),
                    "a context dimension needs at least one value",
                ));
            }
            let mut rule = DimRule {
                dim: d,
                any: false,
                values: Vec::with_capacity(vals.0.len()),
            };
            for (j, v) in vals.0.iter().enumerate() {
                if v == "*" {
                    rule.any = true;
                } else if !is_id(v) {
                    errs.push(bad_id(&format!("{path}.{dim}[{j}]"), v));
                } else if let Some(m) = self.values.get_mut(d as usize) {
                    rule.values.push(m.intern(v));
                }
            }
            rule.values.sort_unstable();
            rule.values.dedup();
            rules.push(rule);
        }
        rules.sort_by_key(|r| r.dim);
        if let Some(&id) = self.sets.ctx_dedup.get(&rules) {
            return id;
        }
        self.contexts.push(rules.clone());
        let id = self.contexts.len() as u32;
        self.sets.ctx_dedup.insert(rules, id);
        id
    }

    /// `max_holders`, `assignable_at` and `exclusive_roles` over the whole directory.
    fn check_constraints(&mut self, policy: &Policy, errs: &mut Vec<Error>) {
        let mut holders: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        // The constrained roles and exclusive groups of each assigned role, computed once per
        // role.
        let mut constrained: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut exclusive: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for (s, info) in self.subject_info.iter().enumerate() {
            for src in &info.sources {
                let Origin::Assignment(i) = src.origin else {
                    continue;
                };
                if !policy
                    .roles
                    .get(src.role as usize)
                    .is_some_and(|r| r.constrains)
                {
                    continue;
                }
                let cs = constrained
                    .entry(src.role)
                    .or_insert_with(|| policy.constrained(src.role));
                for &c in cs.iter() {
                    let Some(cr) = policy.roles.get(c as usize) else {
                        continue;
                    };
                    if let Some(e) = self.kind_error(cr, src.scope, i) {
                        errs.push(e);
                    }
                    if let Some(max) = cr.max_holders {
                        // Subjects are visited in order, so each list is sorted and a subject
                        // already in it is its last element.
                        let h = holders.entry((c, src.scope)).or_default();
                        if h.last() != Some(&(s as u32)) {
                            h.push(s as u32);
                            if h.len() > max as usize {
                                errs.push(max_error(cr, max, self.scopes.name(src.scope), i));
                            }
                        }
                    }
                }
            }
            if !policy.exclusive.is_empty() {
                self.check_exclusive(policy, s as u32, &info.sources, &mut exclusive, errs);
            }
        }
        self.holders = holders;
    }

    /// Exclusive roles: every pair of one subject's assignments at overlapping scopes whose
    /// roles hold different members of one group, in the order of a scan of all pairs. Only
    /// the pairs that conflict are visited (see [`exclusive_pairs`]), so a subject with many
    /// assignments costs O(k log k) for k assignments of roles in a group, plus the errors.
    fn check_exclusive(
        &self,
        policy: &Policy,
        s: u32,
        sources: &[Source],
        cache: &mut HashMap<u32, Vec<(u32, u32)>>,
        errs: &mut Vec<Error>,
    ) {
        let in_group = |x: &Source| {
            matches!(x.origin, Origin::Assignment(_))
                && policy
                    .roles
                    .get(x.role as usize)
                    .is_some_and(|r| r.in_exclusive)
        };
        if sources.iter().filter(|x| in_group(x)).nth(1).is_none() {
            return;
        }
        for x in sources.iter().filter(|x| in_group(x)) {
            cache
                .entry(x.role)
                .or_insert_with(|| policy.exclusive_of(x.role));
        }
        let asg: Vec<(&Source, &[(u32, u32)])> = sources
            .iter()
            .filter(|x| in_group(x))
            .filter_map(|x| cache.get(&x.role).map(|l| (x, l.as_slice())))
            .collect();
        for (x, y) in exclusive_pairs(&asg) {
            let (Some((_, la)), Some((b, lb))) = (asg.get(x as usize), asg.get(y as usize)) else {
                continue;
            };
            let Origin::Assignment(i) = b.origin else {
                continue;
            };
            if let Some((r1, r2)) = conflict_in(la, lb) {
                errs.push(exclusive_error(policy, self.subjects.name(s), r1, r2, i));
            }
        }
    }

    /// The `assignable_at` error for a role held at a scope, if its kind is not allowed.
    pub(crate) fn kind_error(
        &self,
        role: &crate::policy::RoleInfo,
        scope: u32,
        i: u32,
    ) -> Option<Error> {
        let kinds = role.assignable_at.as_ref()?;
        let kind = self.scopes.kind.get(scope as usize).cloned().flatten();
        if kind.as_ref().is_some_and(|k| kinds.contains(k)) {
            return None;
        }
        Some(Error::new(
            ErrorCode::ScopeKindNotAllowed,
            format!("assignments[{i}].scope"),
            format!(
                "role `{}` may only be assigned at scopes of kind {}, and `{}` is {}",
                role.name,
                kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.scopes.name(scope),
                kind.map_or("of no kind".to_owned(), |k| format!("of kind `{k}`"))
            ),
        ))
    }
}

pub(crate) fn max_error(role: &crate::policy::RoleInfo, max: u32, scope: &str, i: u32) -> Error {
    Error::new(
        ErrorCode::MaxHoldersExceeded,
        format!("assignments[{i}]"),
        format!(
            "role `{}` may have at most {max} {} at `{scope}`",
            role.name,
            if max == 1 { "holder" } else { "holders" }
        ),
    )
}

pub(crate) fn exclusive_error(policy: &Policy, subject: &str, r1: u32, r2: u32, i: u32) -> Error {
    Error::new(
        ErrorCode::ExclusiveRoles,
        format!("assignments[{i}]"),
        format!(
            "`{subject}` would hold both `{}` and `{}`, which must be held by different people",
            policy.role_name(r1),
            policy.role_name(r2)
        ),
    )
}

/// Two distinct roles of one exclusive group, one held through a role whose groups are `la`,
/// the other through a role whose groups are `lb` (see [`Policy::exclusive_of`]): the first
/// such group, in the policy's order.
pub(crate) fn conflict_in(la: &[(u32, u32)], lb: &[(u32, u32)]) -> Option<(u32, u32)> {
    let (mut ea, mut eb) = (la.iter().peekable(), lb.iter().peekable());
    while let (Some(&&(ga, ma)), Some(&&(gb, mb))) = (ea.peek(), eb.peek()) {
        match ga.cmp(&gb) {
            std::cmp::Ordering::Less => {
                ea.next();
            }
            std::cmp::Ordering::Greater => {
                eb.next();
            }
            std::cmp::Ordering::Equal => {
                if ma != mb {
                    return Some((ma, mb));
                }
                ea.next();
                eb.next();
            }
        }
    }
    None
}

/// The pairs (x, y), x < y, of these assignments (with what their roles hold of exclusive
/// groups, see [`Policy::exclusive_of`]) at scopes where
/// one is the other or its ancestor that hold different members of one group, sorted. Per
/// group, the assignments are sorted by member and then by position in the scope tree (`tin`),
/// so the assignments of another member under an assignment's scope are one range, found by
/// binary search: the cost is O(k log k) for k assignments (times the members a subject holds
/// of one group, at most the group's size), plus the pairs found.
fn exclusive_pairs(asg: &[(&Source, &[(u32, u32)])]) -> Vec<(u32, u32)> {
    /// (group, member, tin, tout, position in `asg`).
    type Item = (u32, u32, u32, u32, u32);
    let mut items: Vec<Item> = Vec::new();
    for (x, (a, list)) in asg.iter().enumerate() {
        for &(g, m) in list.iter() {
            items.push((g, m, a.tin, a.tout, x as u32));
        }
    }
    items.sort_unstable();
    let mut pairs = Vec::new();
    for group in items.chunk_by(|a, b| a.0 == b.0) {
        let runs: Vec<&[Item]> = group.chunk_by(|a, b| a.1 == b.1).collect();
        if runs.len() < 2 {
            continue;
        }
        for (ri, run) in runs.iter().enumerate() {
            for &(_, _, tin, tout, x) in run.iter() {
                for (_, other) in runs.iter().enumerate().filter(|(rj, _)| *rj != ri) {
                    let lo = other.partition_point(|e| e.2 < tin);
                    let hi = other.partition_point(|e| e.2 <= tout);
                    for e in other.get(lo..hi).unwrap_or(&[]) {
                        pairs.push((x.min(e.4), x.max(e.4)));
                    }
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

fn intern_set(arena: &mut SetArena, dedup: &mut HashMap<Vec<u64>, SetId>, bits: Bits) -> SetId {
    if let Some(id) = dedup.get(&bits.0) {
        return *id;
    }
    let id = arena.push(&bits.0);
    dedup.insert(bits.0, id);
    id
}

fn sets_limit(path: &str) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!(
            "the directory's distinct permission and action sets would take more than the limit of {} bytes",
            limits::MAX_SET_BYTES
        ),
    )
    .with_help("each distinct set takes (resources × levels + actions) / 8 bytes under this policy; use fewer distinct grants, or a policy with fewer resources, levels or actions")
}

fn bad_id(path: &str, id: &str) -> Error {
    if id.len() > limits::MAX_ID_LEN {
        return Error::new(
            ErrorCode::LimitExceeded,
            path,
            format!(
                "an id is at most {} bytes, and this one has {}",
                limits::MAX_ID_LEN,
                id.len()
            ),
        );
    }
    Error::new(
        ErrorCode::InvalidValue,
        path,
        format!("`{id}` is not a valid id"),
    )
    .with_help(format!(
        "ids are 1 to {} bytes without control characters",
        limits::MAX_ID_LEN
    ))
}

/// Validates and builds the scope tree. With `one_root`, exactly one root is required (a
/// snapshot is a forest).
pub(crate) fn build_scopes(d: &DirectoryDoc, errs: &mut Vec<Error>, one_root: bool) -> Scopes {
    let mut s = Scopes::default();
    let mut doc_index = Vec::with_capacity(d.scopes.len());
    for (i, sc) in d.scopes.iter().enumerate() {
        let path = format!("scopes[{i}].id");
        if !is_id(&sc.id.0) {
            errs.push(bad_id(&path, &sc.id.0));
        }
        if s.ids.get(&sc.id.0).is_some() {
            errs.push(Error::new(
                ErrorCode::DuplicateId,
                path,
                format!("scope `{}` is declared twice", sc.id.0),
            ));
            continue;
        }
        s.ids.insert(&sc.id.0, s.parent.len() as u32);
        doc_index.push(i);
        s.parent.push(NONE);
        s.kind.push(sc.kind.clone());
        s.reachable.push(true);
    }
    let mut roots = Vec::new();
    for (i, sc) in d.scopes.iter().enumerate() {
        let Some(me) = s.ids.get(&sc.id.0) else {
            continue;
        };
        if doc_index.get(me as usize) != Some(&i) {
            continue; // a duplicate, already reported
        }
        match &sc.parent {
            None => roots.push(sc.id.0.clone()),
            Some(p) => match s.ids.get(&p.0) {
                Some(pid) => {
                    if let Some(x) = s.parent.get_mut(me as usize) {
                        *x = pid;
                    }
                }
                None => errs.push(unknown(
                    ErrorCode::UnknownScope,
                    &format!("scopes[{i}].parent"),
                    "scope",
                    &p.0,
                    s.ids.names(),
                    errs.len(),
                )),
            },
        }
    }
    if one_root {
        if roots.is_empty() && !d.scopes.is_empty() {
            errs.push(Error::new(
                ErrorCode::Cycle,
                "scopes",
                "no scope is the root: every scope has a parent, so the parents form a cycle",
            ));
        } else if d.scopes.is_empty() {
            errs.push(Error::new(
                ErrorCode::MissingField,
                "scopes",
                "a directory needs a scope tree with exactly one root",
            ));
        } else if roots.len() > 1 {
            errs.push(Error::new(
                ErrorCode::InvalidValue,
                "scopes",
                format!(
                    "the scope tree must have exactly one root, but {} have no parent",
                    roots
                        .iter()
                        .take(5)
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    s.build_tour();
    // Scopes the tour did not reach hang off a cycle.
    if s.preorder.len() < s.parent.len() {
        let mut seen = vec![false; s.parent.len()];
        for &p in &s.preorder {
            if let Some(x) = seen.get_mut(p as usize) {
                *x = true;
            }
        }
        if let Some(bad) = (0..s.parent.len()).find(|i| !seen.get(*i).copied().unwrap_or(true)) {
            // Walk up to find the cycle.
            let mut cur = bad as u32;
            let mut visited = std::collections::HashSet::new();
            while visited.insert(cur) {
                cur = s.parent.get(cur as usize).copied().unwrap_or(NONE);
                if cur == NONE {
                    break;
                }
            }
            let mut cycle = vec![s.ids.name(cur).to_owned()];
            let mut x = s.parent.get(cur as usize).copied().unwrap_or(NONE);
            while x != cur && x != NONE && cycle.len() < 10 {
                cycle.push(s.ids.name(x).to_owned());
                x = s.parent.get(x as usize).copied().unwrap_or(NONE);
            }
            let at = d
                .scopes
                .iter()
                .position(|sc| sc.id.0 == s.ids.name(cur))
                .unwrap_or(0);
            errs.push(Error::new(
                ErrorCode::Cycle,
                format!("scopes[{at}].parent"),
                format!(
                    "scopes are each other's parents in a cycle: {} → {}",
                    cycle.join(" → "),
                    s.ids.name(cur)
                ),
            ));
        }
    }
    s
}
