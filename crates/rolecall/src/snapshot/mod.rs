//! Client snapshots (SPEC section 5): what a browser needs to decide for one subject, and
//! nothing about anyone else. A snapshot holds the subject's own grant sources (for an API key,
//! the key and its owner's sources) and the scopes they reach; ancestors outside those subtrees
//! appear only when the policy itself names them (forbid scopes) or a key's owner holds
//! something there, and then as unreachable placeholders that keep ancestry exact.
//! `decisions` adds, on request, the answers a page gives before its engine has loaded.

use crate::directory::{
    build_scopes, with_custom_roles, Directory, ForbidScope, Origin, NO_PARENT, NO_ROLE,
};
use crate::error::{Error, ErrorCode, Result};
use crate::eval::Evaluator;
use crate::limits;
use crate::model::{
    ApiKeyDoc, AssignmentDoc, CustomRoleDoc, DirectoryDoc, GrantDoc, ScopeDoc, Text,
};
use crate::policy::Policy;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

mod decisions;

pub use decisions::{
    Expiry, PreparedDecisions, PreparedSnapshot, MAX_CONTEXT_CLASSES, MAX_PREPARED_CHECKS,
};

/// The snapshot format version.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A scope in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotScope {
    /// The id.
    pub id: String,
    /// The nearest ancestor the snapshot holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// False for a placeholder ancestor: known so ancestry is exact, never decided on.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub reachable: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// One subject's view of a directory, for a browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Format version.
    pub rolecall_snapshot: u32,
    /// The hash of the policy it was taken under.
    pub policy_hash: String,
    /// Whose snapshot it is.
    pub subject: String,
    /// The scopes it can reach (and placeholders).
    pub scopes: Vec<SnapshotScope>,
    /// Its assignments, with their directory indexes.
    pub assignments: Vec<(usize, AssignmentDoc)>,
    /// Its direct grants, with their directory indexes.
    pub grants: Vec<(usize, GrantDoc)>,
    /// Its API key, when the subject is one (the owner's sources are in the lists above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<(usize, ApiKeyDoc)>,
    /// The custom roles its assignments name, and the custom roles they include: no other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<CustomRoleDoc>,
    /// The decisions a server prepared for a page ([`PreparedSnapshot`]): read past here, since
    /// an evaluator decides from the rest.
    #[serde(default, skip_serializing)]
    pub decisions: Option<IgnoredAny>,
}

impl Snapshot {
    /// Reads a snapshot from JSON.
    ///
    /// # Errors
    /// A located input error (`syntax`, `unknown_field`, `missing_field`, `invalid_value`), with
    /// the line and column; `limit_exceeded` for text over
    /// [`limits::MAX_INPUT_BYTES`], nesting deeper than [`limits::MAX_DEPTH`] (with the line and
    /// column where it goes too deep: a snapshot nests 6 levels, so deeper text never decodes and
    /// the located reader refuses it) or more than [`limits::MAX_DIRECTORY_ITEMS`] scopes,
    /// assignments or grants.
    pub fn from_json(text: &str) -> Result<Snapshot> {
        let snap: Snapshot = crate::from_json(text)?;
        snap.check_items()?;
        Ok(snap)
    }

    /// The item counts against [`limits::MAX_DIRECTORY_ITEMS`], as for a directory.
    fn check_items(&self) -> Result<()> {
        for (what, n) in [
            ("scopes", self.scopes.len()),
            ("assignments", self.assignments.len()),
            ("grants", self.grants.len()),
        ] {
            if n > limits::MAX_DIRECTORY_ITEMS {
                return Err(Error::new(
                    ErrorCode::LimitExceeded,
                    what,
                    format!(
                        "a snapshot holds at most {} {what}, and this one has {n}",
                        limits::MAX_DIRECTORY_ITEMS
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The snapshot as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Evaluator {
    /// The snapshot of one subject. An unknown subject gets an empty snapshot (it holds nothing).
    pub fn snapshot(&self, subject: &str) -> Snapshot {
        let d = &self.dir;
        let doc = &d.doc;
        let s = d.subject_or_unknown(subject);
        let key = self.key_of(s);
        let owner = key.map_or(s, |k| k.owner);
        let own = d
            .subject_info
            .get(owner as usize)
            .map_or(&[][..], |i| i.sources.as_slice());
        let n = d.scopes.len();
        // Reachable: the subtrees of the subject's sources (of the key, for a key).
        let mut reach = vec![false; n];
        let roots: Vec<u32> = match key {
            Some(k) => vec![k.source.scope],
            None => own.iter().map(|x| x.scope).collect(),
        };
        for &r in &roots {
            if let Some(x) = reach.get_mut(r as usize) {
                *x = true;
            }
        }
        for &sc in &d.scopes.preorder {
            let p = d
                .scopes
                .parent
                .get(sc as usize)
                .copied()
                .unwrap_or(NO_PARENT);
            if p != NO_PARENT && reach.get(p as usize).copied().unwrap_or(false) {
                if let Some(x) = reach.get_mut(sc as usize) {
                    *x = true;
                }
            }
        }
        // Placeholders: forbid scopes and, for a key, its owner's source scopes, when unreachable.
        let mut keep = reach.clone();
        let mut placeholders: Vec<u32> = d
            .forbid_scopes
            .iter()
            .filter_map(|f| match f {
                ForbidScope::At(s) => Some(*s),
                ForbidScope::Everywhere | ForbidScope::Nowhere => None,
            })
            .collect();
        if key.is_some() {
            placeholders.extend(own.iter().map(|x| x.scope));
        }
        for p in placeholders {
            if let Some(x) = keep.get_mut(p as usize) {
                *x = true;
            }
        }
        let nearest_kept = |mut x: u32| loop {
            x = d
                .scopes
                .parent
                .get(x as usize)
                .copied()
                .unwrap_or(NO_PARENT);
            if x == NO_PARENT || keep.get(x as usize).copied().unwrap_or(false) {
                return x;
            }
        };
        let scopes: Vec<SnapshotScope> = d
            .scopes
            .preorder
            .iter()
            .filter(|sc| keep.get(**sc as usize).copied().unwrap_or(false))
            .map(|&sc| {
                let reachable = reach.get(sc as usize).copied().unwrap_or(false);
                let parent = nearest_kept(sc);
                SnapshotScope {
                    id: d.scopes.name(sc).to_owned(),
                    parent: (parent != NO_PARENT).then(|| d.scopes.name(parent).to_owned()),
                    kind: if reachable {
                        d.scopes.kind.get(sc as usize).cloned().flatten()
                    } else {
                        None
                    },
                    reachable,
                }
            })
            .collect();
        let mut assignments = Vec::new();
        let mut grants = Vec::new();
        for src in own {
            match src.origin {
                Origin::Assignment(i) => {
                    if let Some(a) = d.assignment(i as usize) {
                        assignments.push((i as usize, a));
                    }
                }
                Origin::Grant(i) => {
                    if let Some(g) = doc.grants.get(i as usize) {
                        grants.push((i as usize, g.clone()));
                    }
                }
                Origin::Key(_) => {}
            }
        }
        let api_key = key.and_then(|k| match k.source.origin {
            Origin::Key(i) => doc
                .api_keys
                .get(i as usize)
                .map(|x| (i as usize, x.clone())),
            _ => None,
        });
        let roles = self.custom_roles_of(own, &scopes);
        Snapshot {
            rolecall_snapshot: SNAPSHOT_VERSION,
            policy_hash: self.policy.hash().to_owned(),
            subject: subject.to_owned(),
            scopes,
            assignments,
            grants,
            api_key,
            roles,
            decisions: None,
        }
    }

    /// The custom roles `sources` name and, transitively, the custom roles those include, in
    /// the directory's order. A role defined at a scope the snapshot does not hold has its
    /// `scope` written `""`: the subject must not learn scopes it cannot reach (SPEC 5), and the
    /// client needs it for nothing (the server checked where the role may be assigned).
    fn custom_roles_of(
        &self,
        sources: &[crate::directory::Source],
        kept: &[SnapshotScope],
    ) -> Vec<CustomRoleDoc> {
        let p = &self.policy;
        let base = p.policy_roles;
        let mut held = vec![false; p.roles.len().saturating_sub(base)];
        let mut stack: Vec<u32> = sources
            .iter()
            .filter(|s| s.role != NO_ROLE)
            .map(|s| s.role)
            .collect();
        while let Some(r) = stack.pop() {
            let Some(slot) = (r as usize).checked_sub(base).and_then(|k| held.get_mut(k)) else {
                continue;
            };
            if !*slot {
                *slot = true;
                if let Some(info) = p.roles.get(r as usize) {
                    stack.extend(info.includes.iter().copied());
                }
            }
        }
        self.dir
            .doc
            .roles
            .iter()
            .zip(held)
            .filter(|(_, h)| *h)
            .map(|(r, _)| {
                let mut r = r.clone();
                if !kept.iter().any(|s| s.id == r.scope.0) {
                    r.scope = Text(String::new());
                }
                r
            })
            .collect()
    }

    /// An evaluator that decides for the snapshot's subject exactly as the server does, at every
    /// reachable scope; any other scope is `out_of_scope`.
    ///
    /// # Errors
    /// `policy_mismatch` when the snapshot was taken under another policy; `invalid_value` when
    /// it is inconsistent; `limit_exceeded` when it is over a documented maximum (more than
    /// [`limits::MAX_DIRECTORY_ITEMS`] scopes, assignments or grants, an id over
    /// [`limits::MAX_ID_LEN`] bytes, sets over [`limits::MAX_SET_BYTES`]).
    pub fn from_snapshot(policy: Arc<Policy>, snap: &Snapshot) -> Result<Evaluator> {
        snap.check_items()?;
        if snap.policy_hash != policy.hash() {
            return Err(Error::new(
                ErrorCode::PolicyMismatch,
                "policy_hash",
                "the snapshot was taken under another policy; fetch a new snapshot",
            ));
        }
        if snap.rolecall_snapshot != SNAPSHOT_VERSION {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "rolecall_snapshot",
                format!("unsupported snapshot version `{}`", snap.rolecall_snapshot),
            ));
        }
        // Every query names the subject, and a query's subject over the id limit is refused: a
        // snapshot of such a subject would build an evaluator nothing can ask.
        if snap.subject.len() > limits::MAX_ID_LEN {
            return Err(crate::error::bad_id("subject", &snap.subject));
        }
        let doc = DirectoryDoc {
            scopes: snap
                .scopes
                .iter()
                .map(|s| ScopeDoc {
                    id: Text(s.id.clone()),
                    parent: s.parent.clone().map(Text),
                    kind: s.kind.clone(),
                    label: None,
                })
                .collect(),
            assignments: snap.assignments.iter().map(|(_, a)| a.clone()).collect(),
            grants: snap.grants.iter().map(|(_, g)| g.clone()).collect(),
            api_keys: snap.api_key.iter().map(|(_, k)| k.clone()).collect(),
            roles: snap.roles.clone(),
        };
        let mut errs = Vec::new();
        let mut scopes = build_scopes(&doc, &mut errs, false);
        for (i, s) in snap.scopes.iter().enumerate() {
            if let Some(r) = scopes.reachable.get_mut(i) {
                *r = s.reachable;
            }
        }
        let custom =
            with_custom_roles(&policy, &doc.roles, &scopes, false, &mut errs).map(Arc::new);
        let policy = custom.clone().unwrap_or(policy);
        let mut dir = Directory::empty(&policy, scopes, doc);
        dir.custom = custom;
        dir.resolve_forbid_scopes(&policy, &mut errs, false);
        dir.build_sources(&policy, &mut errs);
        if let Some(e) = errs.into_iter().next() {
            if e.code == ErrorCode::LimitExceeded {
                return Err(e);
            }
            return Err(Error::new(
                ErrorCode::InvalidValue,
                e.path,
                format!("inconsistent snapshot: {}", e.message),
            ));
        }
        // Keep the server's indexes, so decisions name the same sources.
        let remap = |o: Origin| match o {
            Origin::Assignment(i) => {
                Origin::Assignment(snap.assignments.get(i as usize).map_or(i, |x| x.0 as u32))
            }
            Origin::Grant(i) => {
                Origin::Grant(snap.grants.get(i as usize).map_or(i, |x| x.0 as u32))
            }
            Origin::Key(i) => Origin::Key(snap.api_key.as_ref().map_or(i, |x| x.0 as u32)),
        };
        for info in &mut dir.subject_info {
            for src in &mut info.sources {
                src.origin = remap(src.origin);
            }
        }
        for k in &mut dir.keys {
            k.source.origin = remap(k.source.origin);
        }
        Ok(Evaluator {
            policy,
            dir,
            snapshot: true,
        })
    }
}
