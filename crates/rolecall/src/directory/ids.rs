//! Stable ids of assignments and grants: checks the ids a document gives, generates the missing
//! ones (deterministically, from the item's content) and maps each id to the item's index, so
//! live updates and stores remove and change items by id, never by position.
//!
//! A generated id is `a_` (assignments) or `g_` (grants) and the first 16 hex digits of the
//! SHA-256 of the JSON array `[subject, role or permission or action, scope, context with its
//! keys sorted, except]`; when that id is taken (an identical item, or an explicit id), `_2`,
//! `_3`, ... is appended.

use crate::error::{bad_id, Error, ErrorCode};
use crate::model::{AssignmentDoc, ContextDoc, DirectoryDoc, GrantDoc};
use crate::names::is_id;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Item id to index, for assignments and grants.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemIds {
    pub assignments: HashMap<String, u32>,
    pub grants: HashMap<String, u32>,
}

/// Which list an id belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Assignment,
    Grant,
}

impl Kind {
    fn list(self) -> &'static str {
        match self {
            Kind::Assignment => "assignments",
            Kind::Grant => "grants",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Kind::Assignment => "a_",
            Kind::Grant => "g_",
        }
    }
}

impl ItemIds {
    fn map(&mut self, kind: Kind) -> &mut HashMap<String, u32> {
        match kind {
            Kind::Assignment => &mut self.assignments,
            Kind::Grant => &mut self.grants,
        }
    }

    /// Checks the explicit ids of `doc` and fills in the missing ones.
    pub(crate) fn assign(doc: &mut DirectoryDoc, errs: &mut Vec<Error>) -> ItemIds {
        let mut ids = ItemIds::default();
        let explicit_a = doc.assignments.iter().map(|a| a.id.as_deref());
        ids.explicit(Kind::Assignment, explicit_a, errs);
        let explicit_g = doc.grants.iter().map(|g| g.id.as_deref());
        ids.explicit(Kind::Grant, explicit_g, errs);
        for (i, a) in doc.assignments.iter_mut().enumerate() {
            if a.id.is_none() {
                let id = ids.fresh(Kind::Assignment, assignment_hash(a));
                ids.assignments.insert(id.clone(), i as u32);
                a.id = Some(id);
            }
        }
        for (i, g) in doc.grants.iter_mut().enumerate() {
            if g.id.is_none() {
                let id = ids.fresh(Kind::Grant, grant_hash(g));
                ids.grants.insert(id.clone(), i as u32);
                g.id = Some(id);
            }
        }
        ids
    }

    fn explicit<'a>(
        &mut self,
        kind: Kind,
        items: impl Iterator<Item = Option<&'a str>>,
        errs: &mut Vec<Error>,
    ) {
        for (i, id) in items.enumerate() {
            let Some(id) = id else { continue };
            let path = format!("{}[{i}].id", kind.list());
            if !is_id(id) {
                errs.push(bad_id(&path, id));
            } else if self.map(kind).insert(id.to_owned(), i as u32).is_some() {
                errs.push(duplicate(&path, id));
            }
        }
    }

    /// The id for a new item at `index`: its explicit id when free, else a generated one.
    ///
    /// # Errors
    /// `duplicate_id` (or the id's own error) at `id`; nothing is recorded then.
    pub(crate) fn claim(
        &mut self,
        kind: Kind,
        explicit: Option<&str>,
        hash: impl FnOnce() -> String,
        index: u32,
    ) -> Result<String, Error> {
        let id = match explicit {
            Some(id) if !is_id(id) => return Err(bad_id("id", id)),
            Some(id) if self.map(kind).contains_key(id) => return Err(duplicate("id", id)),
            Some(id) => id.to_owned(),
            None => self.fresh(kind, hash()),
        };
        self.map(kind).insert(id.clone(), index);
        Ok(id)
    }

    /// A generated id not yet taken.
    fn fresh(&mut self, kind: Kind, hash: String) -> String {
        let base = format!("{}{hash}", kind.prefix());
        let map = self.map(kind);
        if !map.contains_key(&base) {
            return base;
        }
        (2u32..)
            .map(|n| format!("{base}_{n}"))
            .find(|id| !map.contains_key(id))
            .unwrap_or(base)
    }

    /// Forgets `removed` (at `index`) and records that the item `moved` now sits at `index`.
    pub(crate) fn removed(
        &mut self,
        kind: Kind,
        removed: Option<&str>,
        moved: Option<&str>,
        index: u32,
    ) {
        let map = self.map(kind);
        if let Some(id) = removed {
            map.remove(id);
        }
        if let Some(id) = moved {
            map.insert(id.to_owned(), index);
        }
    }
}

fn duplicate(path: &str, id: &str) -> Error {
    Error::new(
        ErrorCode::DuplicateId,
        path,
        format!("the id `{id}` is used twice"),
    )
}

/// 16 hex digits of the SHA-256 of `[subject, role, scope, context, except]`.
pub(crate) fn assignment_hash(a: &AssignmentDoc) -> String {
    let value = (
        &a.subject.0,
        &a.role,
        &a.scope.0,
        sorted(&a.context),
        &a.except,
    );
    short_hash(&serde_json::to_string(&value).unwrap_or_default())
}

/// 16 hex digits of the SHA-256 of `[subject, permission or action, scope, context, []]`.
pub(crate) fn grant_hash(g: &GrantDoc) -> String {
    let what = g
        .permission
        .as_deref()
        .or(g.action.as_deref())
        .unwrap_or("");
    let none: [&str; 0] = [];
    let value = (&g.subject.0, what, &g.scope.0, sorted(&g.context), none);
    short_hash(&serde_json::to_string(&value).unwrap_or_default())
}

fn sorted(c: &ContextDoc) -> BTreeMap<&String, &crate::model::OneOrMany> {
    c.iter().collect()
}

fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}
