//! Stable ids of assignments and grants: checks the ids a document gives, generates the missing
//! ones (deterministically, from the item's content) and maps each id to the item's index, so
//! live updates and stores remove and change items by id, never by position.
//!
//! A generated id is `a_` (assignments) or `g_` (grants) and the first 16 hex digits of the
//! SHA-256 of the item's fields, each followed by a 0 byte: subject, role (a grant: its
//! permission or action), scope; then the context between two `\x01` bytes (each dimension in
//! sorted order, then its values sorted, then a `\x02` byte); then an assignment's `except`
//! entries, sorted. When that id is taken (an identical item, or an explicit id), `_2`, `_3`,
//! ... is appended. (Fed to the hasher directly: generating 100k ids costs no allocation but the
//! id itself.)

use crate::error::{bad_id, Error, ErrorCode};
use crate::model::{AssignmentDoc, ContextDoc, DirectoryDoc, GrantDoc, OneOrMany};
use crate::names::is_id;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

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

/// 16 hex digits of the SHA-256 of the assignment's fields (see the module's comment).
pub(crate) fn assignment_hash(a: &AssignmentDoc) -> String {
    let mut h = Sha256::new();
    for field in [&a.subject.0, &a.role, &a.scope.0] {
        field_into(&mut h, field);
    }
    context_into(&mut h, &a.context);
    let mut except: Vec<&String> = a.except.iter().collect();
    crate::sorting::sort(&mut except);
    for e in except {
        field_into(&mut h, e);
    }
    short(h)
}

/// 16 hex digits of the SHA-256 of the grant's fields (see the module's comment).
pub(crate) fn grant_hash(g: &GrantDoc) -> String {
    let what = g
        .permission
        .as_deref()
        .or(g.action.as_deref())
        .unwrap_or("");
    let mut h = Sha256::new();
    for field in [g.subject.0.as_str(), what, g.scope.0.as_str()] {
        field_into(&mut h, field);
    }
    context_into(&mut h, &g.context);
    short(h)
}

/// The field's bytes and a 0 byte (a NUL inside a field could only make two items share a
/// hash, which the `_2` suffix resolves).
fn field_into(h: &mut Sha256, field: &str) {
    h.update(field.as_bytes());
    h.update([0u8]);
}

/// `\x01`, then each dimension (sorted) and its values (sorted), each as a field; `\x01` again.
fn context_into(h: &mut Sha256, c: &ContextDoc) {
    h.update([1u8]);
    let mut dims: Vec<(&String, &OneOrMany)> = c.iter().collect();
    crate::sorting::sort_by(&mut dims, |x, y| x.0.cmp(y.0));
    for (dim, values) in dims {
        field_into(h, dim);
        let mut vs: Vec<&String> = values.0.iter().collect();
        crate::sorting::sort(&mut vs);
        for v in vs {
            field_into(h, v);
        }
        h.update([2u8]);
    }
    h.update([1u8]);
}

fn short(h: Sha256) -> String {
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}
