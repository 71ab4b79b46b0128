//! A subject's grant sources: each assignment, direct grant and API key of the directory
//! compiled into one flat [`Source`] record (its scope's subtree, its context, its permission
//! and action sets), validated against the policy with every problem reported at its path.

use super::Directory;
use crate::bitset::{Bits, SetId};
use crate::error::{bad_id, unknown, Error, ErrorCode};
use crate::model::{ApiKeyDoc, AssignmentDoc, ContextDoc, GrantDoc, SubjectKind};
use crate::names::is_id;
use crate::policy::Policy;
use crate::time::Timestamp;
use std::collections::HashMap;

use super::interning::{sets_limit, NO_CONTEXT};
use super::scopes::Subtree;
use super::KeyInfo;

/// An assignment's fields but its subject, borrowed from a document or the compact store, with
/// its role and scope looked up (`None`: not in the policy, the directory).
struct Parts<'a> {
    role: &'a str,
    role_ix: Option<u32>,
    scope: &'a str,
    scope_ix: Option<u32>,
    context: &'a ContextDoc,
    except: &'a [String],
}

/// Checks an item's subject (`path` is the item's): false when the item cannot be compiled (an
/// API key holds only its own permissions); a malformed id is an error the item goes on with.
fn subject_ok(
    subject: &str,
    path: &dyn Fn() -> String,
    is_key: &dyn Fn(&str) -> bool,
    errs: &mut Vec<Error>,
) -> bool {
    if is_key(subject) {
        errs.push(Error::new(
            ErrorCode::InvalidValue,
            format!("{}.subject", path()),
            format!("`{subject}` is an API key; keys hold only their own `permissions`"),
        ));
        return false;
    }
    if !is_id(subject) {
        errs.push(bad_id(&format!("{}.subject", path()), subject));
    }
    true
}

/// The role of a source that is not an assignment (a direct grant, an API key).
pub(crate) const NO_ROLE: u32 = u32::MAX;

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
    /// The source's scope's subtree: the query scopes it covers.
    pub subtree: Subtree,
    pub scope: u32,
    /// [`NO_CONTEXT`], or index + 1 into the directory's `contexts`.
    pub ctx: u32,
    pub perms: SetId,
    pub actions: SetId,
    pub origin: Origin,
    /// The role, for assignments; [`NO_ROLE`] otherwise.
    pub role: u32,
}

impl Directory {
    /// Compiles every API key, assignment and grant of the document into its subject's sources.
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
        let store = std::mem::take(&mut self.assignments);
        // Each role and scope the assignments name, looked up once.
        let roles: Vec<Option<u32>> = store.role_names().map(|r| policy.role_ix.get(r)).collect();
        let scopes: Vec<Option<u32>> = store
            .scope_names()
            .map(|s| self.scopes.ids.get(s))
            .collect();
        for i in 0..store.len() {
            let Some(a) = store.view(i) else { continue };
            let name = self.subjects.name(a.subject);
            if !subject_ok(name, &|| format!("assignments[{i}]"), &is_key, errs) {
                continue;
            }
            let parts = Parts {
                role: a.role,
                role_ix: roles.get(a.role_ix as usize).copied().flatten(),
                scope: a.scope,
                scope_ix: scopes.get(a.scope_ix as usize).copied().flatten(),
                context: a.context,
                except: a.except,
            };
            if let Some(src) = self.compile_assignment_parts(policy, &parts, i as u32, errs) {
                self.push_source(a.subject, src);
            }
        }
        self.assignments = store;
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

    /// Compiles assignment `i` into a source of its subject (nothing is stored).
    pub(crate) fn compile_assignment(
        &mut self,
        policy: &Policy,
        a: &AssignmentDoc,
        i: u32,
        is_key: &dyn Fn(&str) -> bool,
        errs: &mut Vec<Error>,
    ) -> Option<(u32, Source)> {
        if !subject_ok(&a.subject.0, &|| format!("assignments[{i}]"), is_key, errs) {
            return None;
        }
        let parts = Parts {
            role: &a.role,
            role_ix: policy.role_ix.get(&a.role),
            scope: &a.scope.0,
            scope_ix: self.scopes.ids.get(&a.scope.0),
            context: &a.context,
            except: &a.except,
        };
        let src = self.compile_assignment_parts(policy, &parts, i, errs)?;
        Some((self.subject(&a.subject.0), src))
    }

    /// Compiles assignment `i`'s role, scope, context and `except` (its subject checked by
    /// [`subject_ok`]).
    fn compile_assignment_parts(
        &mut self,
        policy: &Policy,
        a: &Parts<'_>,
        i: u32,
        errs: &mut Vec<Error>,
    ) -> Option<Source> {
        let path = || format!("assignments[{i}]");
        let Some(role) = a.role_ix else {
            errs.push(unknown(
                ErrorCode::UnknownRole,
                &format!("{}.role", path()),
                "role",
                a.role,
                policy.role_ix.names(),
                errs.len(),
            ));
            return None;
        };
        let Some(scope) = a.scope_ix else {
            errs.push(self.unknown_scope(a.scope, &format!("{}.scope", path()), errs.len()));
            return None;
        };
        if let Some(e) = self.role_scope_error(policy, role, scope, &|| format!("{}.scope", path()))
        {
            errs.push(e);
            return None;
        }
        let ctx = self.context(policy, a.context, &|| format!("{}.context", path()), errs);
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
        Some(self.source(scope, ctx, perms, actions, Origin::Assignment(i), role))
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
        if !subject_ok(&g.subject.0, &path, is_key, errs) {
            return None;
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
            self.source(scope, ctx, perms, actions, Origin::Grant(i), NO_ROLE),
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
        let source = self.source(scope, NO_CONTEXT, perms, actions, Origin::Key(i), NO_ROLE);
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

    /// The source record of a scope, context and sets, laid out for the hot loop.
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
            subtree: self.scopes.subtree(scope),
            scope,
            ctx,
            perms,
            actions,
            origin,
            role,
        }
    }

    /// The scope `id` names, or the `unknown_scope` error at `path`.
    fn scope_ref(&self, id: &str, path: &dyn Fn() -> String, errs: &mut Vec<Error>) -> Option<u32> {
        let s = self.scopes.ids.get(id);
        if s.is_none() {
            errs.push(self.unknown_scope(id, &path(), errs.len()));
        }
        s
    }

    /// `unknown_scope` for `id` at `path`, the `nth` error (past some, no hints).
    fn unknown_scope(&self, id: &str, path: &str, nth: usize) -> Error {
        unknown(
            ErrorCode::UnknownScope,
            path,
            "scope",
            id,
            self.scopes.ids.names(),
            nth,
        )
    }
}
