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

use super::assignments::Assignments;
use crate::error::{bad_id, Error, ErrorCode};
use crate::model::{AssignmentDoc, ContextDoc, DirectoryDoc, GrantDoc, OneOrMany};
use crate::names::is_id;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write;

type Map = HashMap<IdKey, u32, foldhash::fast::RandomState>;

/// Item id to index, for assignments and grants.
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemIds {
    assignments: Map,
    grants: Map,
}

/// An item id as held in memory: a generated one (`a_` or `g_`, 16 hex digits, maybe `_n`) as
/// its hash and suffix, any other as its text. A million generated ids then take 12 bytes each
/// instead of a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IdKey {
    /// The hash and the suffix (1: none, else `_n`).
    Generated(u64, u32),
    Given(Box<str>),
}

impl IdKey {
    /// The key of `id` in `kind`'s list: generated when it is exactly that form.
    pub(crate) fn parse(kind: Kind, id: &str) -> IdKey {
        match generated(kind, id) {
            Some((h, n)) => IdKey::Generated(h, n),
            None => IdKey::Given(id.into()),
        }
    }

    /// The id's text.
    pub(crate) fn text(&self, kind: Kind) -> String {
        match self {
            IdKey::Generated(h, n) => generated_text(kind, *h, *n),
            IdKey::Given(s) => s.to_string(),
        }
    }
}

/// The text of a generated id.
pub(crate) fn generated_text(kind: Kind, hash: u64, n: u32) -> String {
    let mut s = format!("{}{hash:016x}", kind.prefix());
    if n > 1 {
        let _ = write!(s, "_{n}");
    }
    s
}

/// The hash and suffix of a generated id of `kind` (exactly the form [`generated_text`]
/// writes), or none.
pub(crate) fn generated(kind: Kind, id: &str) -> Option<(u64, u32)> {
    let rest = id.strip_prefix(kind.prefix())?;
    let hex = rest.get(..16)?;
    if !hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let h = u64::from_str_radix(hex, 16).ok()?;
    let tail = rest.get(16..)?;
    if tail.is_empty() {
        return Some((h, 1));
    }
    let digits = tail.strip_prefix('_')?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    (n >= 2).then_some((h, n))
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
    fn map(&mut self, kind: Kind) -> &mut Map {
        match kind {
            Kind::Assignment => &mut self.assignments,
            Kind::Grant => &mut self.grants,
        }
    }

    /// The index of the item with id `id`.
    pub(crate) fn index(&self, kind: Kind, id: &str) -> Option<u32> {
        let map = match kind {
            Kind::Assignment => &self.assignments,
            Kind::Grant => &self.grants,
        };
        map.get(&IdKey::parse(kind, id)).copied()
    }

    /// Checks the explicit ids of `doc`'s grants and `assignments` and fills in the missing ones.
    pub(crate) fn assign(
        doc: &mut DirectoryDoc,
        assignments: &mut Assignments,
        errs: &mut Vec<Error>,
    ) -> ItemIds {
        let mut ids = ItemIds::default();
        ids.map(Kind::Assignment).reserve(assignments.len());
        for i in 0..assignments.len() {
            if let Some(key) = assignments.id(i) {
                ids.explicit(Kind::Assignment, i, key, errs);
            }
        }
        for (i, g) in doc.grants.iter().enumerate() {
            if let Some(id) = g.id.as_deref() {
                ids.explicit(Kind::Grant, i, IdKey::parse(Kind::Grant, id), errs);
            }
        }
        for i in 0..assignments.len() {
            if assignments.id(i).is_none() {
                let Some(h) = assignments.hash(i) else {
                    continue;
                };
                let key = ids.fresh(Kind::Assignment, h);
                ids.assignments.insert(key.clone(), i as u32);
                assignments.set_id(i, key);
            }
        }
        for (i, g) in doc.grants.iter_mut().enumerate() {
            if g.id.is_none() {
                let key = ids.fresh(Kind::Grant, grant_hash(g));
                g.id = Some(key.text(Kind::Grant));
                ids.grants.insert(key, i as u32);
            }
        }
        ids
    }

    fn explicit(&mut self, kind: Kind, i: usize, key: IdKey, errs: &mut Vec<Error>) {
        let path = || format!("{}[{i}].id", kind.list());
        if let IdKey::Given(id) = &key {
            if !is_id(id) {
                errs.push(bad_id(&path(), id));
                return;
            }
        }
        if self.map(kind).contains_key(&key) {
            errs.push(duplicate(&path(), &key.text(kind)));
        } else {
            self.map(kind).insert(key, i as u32);
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
        hash: impl FnOnce() -> u64,
        index: u32,
    ) -> Result<String, Error> {
        let key = match explicit {
            Some(id) if !is_id(id) => return Err(bad_id("id", id)),
            Some(id) => {
                let key = IdKey::parse(kind, id);
                if self.map(kind).contains_key(&key) {
                    return Err(duplicate("id", id));
                }
                key
            }
            None => self.fresh(kind, hash()),
        };
        let id = key.text(kind);
        self.map(kind).insert(key, index);
        Ok(id)
    }

    /// A generated id not yet taken.
    fn fresh(&mut self, kind: Kind, hash: u64) -> IdKey {
        let map = self.map(kind);
        (1u32..)
            .map(|n| IdKey::Generated(hash, n))
            .find(|id| !map.contains_key(id))
            .unwrap_or(IdKey::Generated(hash, 1))
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
            map.remove(&IdKey::parse(kind, id));
        }
        if let Some(id) = moved {
            map.insert(IdKey::parse(kind, id), index);
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
pub(crate) fn assignment_hash(a: &AssignmentDoc) -> u64 {
    assignment_hash_of(&a.subject.0, &a.role, &a.scope.0, &a.context, &a.except)
}

/// [`assignment_hash`] of an assignment's fields.
pub(crate) fn assignment_hash_of(
    subject: &str,
    role: &str,
    scope: &str,
    context: &ContextDoc,
    except: &[String],
) -> u64 {
    let mut h = Sha256::new();
    for field in [subject, role, scope] {
        field_into(&mut h, field);
    }
    context_into(&mut h, context);
    let mut except: Vec<&String> = except.iter().collect();
    except.sort();
    for e in except {
        field_into(&mut h, e);
    }
    short(h)
}

/// 16 hex digits of the SHA-256 of the grant's fields (see the module's comment).
pub(crate) fn grant_hash(g: &GrantDoc) -> u64 {
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
    dims.sort_by(|x, y| x.0.cmp(y.0));
    for (dim, values) in dims {
        field_into(h, dim);
        let mut vs: Vec<&String> = values.0.iter().collect();
        vs.sort();
        for v in vs {
            field_into(h, v);
        }
        h.update([2u8]);
    }
    h.update([1u8]);
}

/// The first 8 bytes of the digest, big-endian: written as 16 hex digits, the id's hash.
fn short(h: Sha256) -> u64 {
    let d = h.finalize();
    d.iter()
        .take(8)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}
