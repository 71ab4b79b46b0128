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
use hashbrown::HashTable;
use sha2::{Digest, Sha256};
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt::Write;
use std::hash::BuildHasher;

type Map = HashMap<IdKey, u32, foldhash::fast::RandomState>;

/// Item id to index, for assignments and grants. Assignment ids are held by the assignments'
/// store; their table holds only indexes into it (hashed by the id at that index).
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemIds {
    assignments: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    grants: Map,
}

/// An id, borrowed: what the assignments' table hashes and compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum IdRef<'a> {
    Generated(u64, u32),
    Given(&'a str),
}

impl IdRef<'_> {
    fn of(kind: Kind, id: &str) -> IdRef<'_> {
        match generated(kind, id) {
            Some((h, n)) => IdRef::Generated(h, n),
            None => IdRef::Given(id),
        }
    }
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
    /// The index of the assignment with id `id` (ids as `store` holds them).
    fn find(&self, id: IdRef<'_>, store: &Assignments) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        self.assignments
            .find(hash, |&i| store.id_ref(i as usize) == Some(id))
            .copied()
    }

    /// Records that the assignment at `index` has id `id` (`store` holds every other one's).
    fn put(&mut self, id: IdRef<'_>, index: u32, store: &Assignments) {
        let hasher = &self.hasher;
        self.assignments
            .insert_unique(hasher.hash_one(id), index, |&i| {
                store.id_ref(i as usize).map_or(0, |r| hasher.hash_one(r))
            });
    }

    fn taken(&self, kind: Kind, id: IdRef<'_>, store: &Assignments) -> bool {
        match (kind, id) {
            (Kind::Assignment, _) => self.find(id, store).is_some(),
            (Kind::Grant, IdRef::Generated(h, n)) => {
                self.grants.contains_key(&IdKey::Generated(h, n))
            }
            (Kind::Grant, IdRef::Given(s)) => self.grants.contains_key(&IdKey::Given(s.into())),
        }
    }

    /// The index of the item with id `id`.
    pub(crate) fn index(&self, kind: Kind, id: &str, store: &Assignments) -> Option<u32> {
        match kind {
            Kind::Assignment => self.find(IdRef::of(kind, id), store),
            Kind::Grant => self.grants.get(&IdKey::parse(kind, id)).copied(),
        }
    }

    /// Checks the explicit ids of `doc`'s grants and `assignments` and fills in the missing ones.
    pub(crate) fn assign(
        doc: &mut DirectoryDoc,
        assignments: &mut Assignments,
        errs: &mut Vec<Error>,
    ) -> ItemIds {
        let mut ids = ItemIds::default();
        ids.assignments.reserve(assignments.len(), |_| 0);
        // An explicit id that is bad or taken is left out of the table: a later generated id
        // must not collide with it either, so those are kept aside until ids are generated.
        let mut refused: Vec<u32> = Vec::new();
        for i in 0..assignments.len() {
            let Some(id) = assignments.id_ref(i) else {
                continue;
            };
            let path = || format!("{}[{i}].id", Kind::Assignment.list());
            if let IdRef::Given(s) = id {
                if !is_id(s) {
                    errs.push(bad_id(&path(), s));
                    refused.push(i as u32);
                    continue;
                }
            }
            if ids.find(id, assignments).is_some() {
                errs.push(duplicate(&path(), &id_text(Kind::Assignment, id)));
                refused.push(i as u32);
            } else {
                ids.put(id, i as u32, assignments);
            }
        }
        for (i, g) in doc.grants.iter().enumerate() {
            if let Some(id) = g.id.as_deref() {
                let path = format!("{}[{i}].id", Kind::Grant.list());
                if !is_id(id) {
                    errs.push(bad_id(&path, id));
                } else {
                    match ids.grants.entry(IdKey::parse(Kind::Grant, id)) {
                        Entry::Occupied(_) => errs.push(duplicate(&path, id)),
                        Entry::Vacant(v) => {
                            v.insert(i as u32);
                        }
                    }
                }
            }
        }
        if !refused.is_empty() {
            // Errors are reported and the directory will not load: ids need not be generated.
            return ids;
        }
        for i in 0..assignments.len() {
            if assignments.id_ref(i).is_none() {
                let Some(h) = assignments.hash(i) else {
                    continue;
                };
                let n = (1u32..)
                    .find(|&n| ids.find(IdRef::Generated(h, n), assignments).is_none())
                    .unwrap_or(1);
                assignments.set_generated(i, h, n);
                ids.put(IdRef::Generated(h, n), i as u32, assignments);
            }
        }
        for (i, g) in doc.grants.iter_mut().enumerate() {
            if g.id.is_none() {
                let key = ids.fresh_grant(grant_hash(g));
                g.id = Some(key.text(Kind::Grant));
                ids.grants.insert(key, i as u32);
            }
        }
        ids
    }

    /// The id for a new item at `index`: its explicit id when free, else a generated one.
    ///
    /// # Errors
    /// `duplicate_id` (or the id's own error) at `id`; nothing is recorded then.
    /// (`store` is the assignments before the new one is added at `index`.)
    pub(crate) fn claim(
        &mut self,
        kind: Kind,
        explicit: Option<&str>,
        hash: impl FnOnce() -> u64,
        index: u32,
        store: &Assignments,
    ) -> Result<String, Error> {
        let id = match explicit {
            Some(id) if !is_id(id) => return Err(bad_id("id", id)),
            Some(id) => {
                if self.taken(kind, IdRef::of(kind, id), store) {
                    return Err(duplicate("id", id));
                }
                id.to_owned()
            }
            None => {
                let h = hash();
                let n = (1u32..)
                    .find(|&n| !self.taken(kind, IdRef::Generated(h, n), store))
                    .unwrap_or(1);
                generated_text(kind, h, n)
            }
        };
        match kind {
            Kind::Assignment => self.put(IdRef::of(kind, &id), index, store),
            Kind::Grant => {
                self.grants.insert(IdKey::parse(kind, &id), index);
            }
        }
        Ok(id)
    }

    /// A generated grant id not yet taken.
    fn fresh_grant(&self, hash: u64) -> IdKey {
        (1u32..)
            .map(|n| IdKey::Generated(hash, n))
            .find(|id| !self.grants.contains_key(id))
            .unwrap_or(IdKey::Generated(hash, 1))
    }

    /// After a `swap_remove` of the item at `index` (`last` was the list's last index): forgets
    /// `removed` and records that the item `moved` (from `last`) now sits at `index`. `store` is
    /// the assignments after the removal.
    pub(crate) fn removed(
        &mut self,
        kind: Kind,
        removed: Option<&str>,
        moved: Option<&str>,
        index: u32,
        last: u32,
        store: &Assignments,
    ) {
        match kind {
            Kind::Assignment => {
                if let Some(id) = removed {
                    let hash = self.hasher.hash_one(IdRef::of(kind, id));
                    if let Ok(e) = self.assignments.find_entry(hash, |&i| i == index) {
                        e.remove();
                    }
                }
                if let Some(id) = moved {
                    let id = IdRef::of(kind, id);
                    let hash = self.hasher.hash_one(id);
                    if let Some(slot) = self.assignments.find_mut(hash, |&i| i == last) {
                        *slot = index;
                    } else {
                        self.put(id, index, store);
                    }
                }
            }
            Kind::Grant => {
                if let Some(id) = removed {
                    self.grants.remove(&IdKey::parse(kind, id));
                }
                if let Some(id) = moved {
                    self.grants.insert(IdKey::parse(kind, id), index);
                }
            }
        }
    }
}

/// The text of an id.
fn id_text(kind: Kind, id: IdRef<'_>) -> String {
    match id {
        IdRef::Generated(h, n) => generated_text(kind, h, n),
        IdRef::Given(s) => s.to_owned(),
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
    crate::sorting::sort(&mut except);
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

/// The first 8 bytes of the digest, big-endian: written as 16 hex digits, the id's hash.
fn short(h: Sha256) -> u64 {
    let d = h.finalize();
    d.iter()
        .take(8)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}
