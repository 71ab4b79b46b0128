//! Stable ids of assignments and grants: checks the ids a document gives, generates the missing
//! ones (from the item's content: `id_hash`, which says how) and maps each id to the item's
//! index, so live updates and stores remove and change items by id, never by position. When a
//! generated id is taken (an identical item, or an explicit id), `_2`, `_3`, ... is appended.
//!
//! Loading checks the explicit ids at once but generates the missing assignment ids on first
//! use (an id lookup, an id asked for, an export; a live update settles them first), in the
//! same order and so the same ids: a server that never asks for an id never hashes its
//! assignments. Grant ids, few, are generated at load.

use super::assignments::Assignments;
pub(crate) use super::id_hash::{assignment_hash, assignment_hash_of, grant_hash};
use crate::error::{bad_id, Error, ErrorCode};
use crate::model::DirectoryDoc;
use crate::names::{is_id, IdMap};
use hashbrown::HashTable;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt::Write;
use std::hash::BuildHasher;
use std::sync::OnceLock;

type Map = HashMap<IdKey, u32, foldhash::fast::RandomState>;

/// Item id to index, for assignments and grants. Assignment ids are held by the assignments'
/// store; their table holds only indexes into it (hashed by the id at that index).
#[derive(Debug, Clone, Default)]
pub(crate) struct ItemIds {
    /// Every assignment id, unless `waiting` (then only the explicit ones).
    assignments: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    grants: Map,
    /// Whether assignments loaded without an id wait for their generated one: until
    /// [`ItemIds::settle`], `made` (filled on first use) holds them.
    waiting: bool,
    made: OnceLock<Made>,
}

/// The ids generated on first use, while the store still lacks them.
#[derive(Debug, Clone)]
struct Made {
    /// Every assignment id (`Made::ids` resolving the generated ones).
    table: HashTable<u32>,
    /// Per assignment: its generated id's hash and suffix (suffix 0: it has its own id).
    ids: Vec<(u64, u32)>,
}

/// The assignment ids as they stand: the store's, and those made while it waits for them.
#[derive(Clone, Copy)]
struct Resolve<'a> {
    store: &'a Assignments,
    made: Option<&'a [(u64, u32)]>,
}

impl<'a> Resolve<'a> {
    fn id(self, i: u32) -> Option<IdRef<'a>> {
        if let Some(r) = self.store.id_ref(i as usize) {
            return Some(r);
        }
        let &(h, n) = self.made?.get(i as usize)?;
        (n > 0).then_some(IdRef::Generated(h, n))
    }
}

/// The index of the assignment with id `id` in `table`.
fn find_in(
    table: &HashTable<u32>,
    hasher: &foldhash::fast::RandomState,
    id: IdRef<'_>,
    ids: Resolve<'_>,
) -> Option<u32> {
    table
        .find(hasher.hash_one(id), |&i| ids.id(i) == Some(id))
        .copied()
}

/// Records in `table` that the assignment at `index` has id `id` (`ids` resolves every other).
fn put_in(
    table: &mut HashTable<u32>,
    hasher: &foldhash::fast::RandomState,
    id: IdRef<'_>,
    index: u32,
    ids: Resolve<'_>,
) {
    table.insert_unique(hasher.hash_one(id), index, |&i| {
        ids.id(i).map_or(0, |r| hasher.hash_one(r))
    });
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
    /// The index of the assignment with id `id` (ids as `store` holds them: settled, or
    /// during the load's checks).
    fn find(&self, id: IdRef<'_>, store: &Assignments) -> Option<u32> {
        let ids = Resolve { store, made: None };
        find_in(&self.assignments, &self.hasher, id, ids)
    }

    /// Records that the assignment at `index` has id `id` (`store` holds every other one's).
    fn put(&mut self, id: IdRef<'_>, index: u32, store: &Assignments) {
        let ids = Resolve { store, made: None };
        put_in(&mut self.assignments, &self.hasher, id, index, ids);
    }

    /// The table of every assignment id and how to read each, the waiting ones generated now
    /// if this is their first use (`subjects`: the directory's, which the store's name).
    fn current<'a>(
        &'a self,
        store: &'a Assignments,
        subjects: &IdMap,
    ) -> (&'a HashTable<u32>, Resolve<'a>) {
        if !self.waiting {
            return (&self.assignments, Resolve { store, made: None });
        }
        let made = self.made.get_or_init(|| self.make(store, subjects));
        let ids = Resolve {
            store,
            made: Some(&made.ids),
        };
        (&made.table, ids)
    }

    /// Generates the ids of the assignments without one, in order, each the first of its
    /// hash's suffixes not taken by an explicit id or an earlier generated one.
    fn make(&self, store: &Assignments, subjects: &IdMap) -> Made {
        let mut table = self.assignments.clone();
        let mut ids = vec![(0u64, 0u32); store.len()];
        let hasher = &self.hasher;
        {
            let ids = Resolve { store, made: None };
            table.reserve(store.len().saturating_sub(table.len()), |&i| {
                ids.id(i).map_or(0, |r| hasher.hash_one(r))
            });
        }
        for i in 0..store.len() {
            if store.id_ref(i).is_some() {
                continue;
            }
            let Some(h) = store.hash(i, subjects) else {
                continue;
            };
            let n = (1u32..)
                .find(|&n| {
                    let ids = Resolve {
                        store,
                        made: Some(&ids),
                    };
                    find_in(&table, hasher, IdRef::Generated(h, n), ids).is_none()
                })
                .unwrap_or(1);
            if let Some(slot) = ids.get_mut(i) {
                *slot = (h, n);
            }
            let resolve = Resolve {
                store,
                made: Some(&ids),
            };
            put_in(
                &mut table,
                hasher,
                IdRef::Generated(h, n),
                i as u32,
                resolve,
            );
        }
        Made { table, ids }
    }

    /// Writes the generated ids into the store (generating them if nothing asked yet), so
    /// every later change starts from them: call before any change to the assignments.
    pub(crate) fn settle(&mut self, store: &mut Assignments, subjects: &IdMap) {
        if !self.waiting {
            return;
        }
        let made = match self.made.take() {
            Some(m) => m,
            None => self.make(store, subjects),
        };
        for (i, &(h, n)) in made.ids.iter().enumerate() {
            if n > 0 {
                store.set_generated(i, h, n);
            }
        }
        self.assignments = made.table;
        self.waiting = false;
    }

    /// The id of assignment `i` (generated now if this is the first use of the waiting ids).
    pub(crate) fn assignment_id(
        &self,
        i: usize,
        store: &Assignments,
        subjects: &IdMap,
    ) -> Option<String> {
        let (_, ids) = self.current(store, subjects);
        ids.id(u32::try_from(i).ok()?)
            .map(|r| id_text(Kind::Assignment, r))
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
    pub(crate) fn index(
        &self,
        kind: Kind,
        id: &str,
        store: &Assignments,
        subjects: &IdMap,
    ) -> Option<u32> {
        match kind {
            Kind::Assignment => {
                let (table, ids) = self.current(store, subjects);
                find_in(table, &self.hasher, IdRef::of(kind, id), ids)
            }
            Kind::Grant => self.grants.get(&IdKey::parse(kind, id)).copied(),
        }
    }

    /// Checks the explicit ids of `doc`'s grants and `assignments` and fills in the missing
    /// grant ids; the missing assignment ids wait for their first use.
    pub(crate) fn assign(
        doc: &mut DirectoryDoc,
        assignments: &Assignments,
        errs: &mut Vec<Error>,
    ) -> ItemIds {
        // Only explicit ids go in now (few, usually none): the table grows with them.
        let mut ids = ItemIds::default();
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
        ids.waiting = (0..assignments.len()).any(|i| assignments.id_ref(i).is_none());
        for (i, g) in doc.grants.iter_mut().enumerate() {
            if g.id.is_none() {
                let key = ids.fresh_grant(grant_hash(g));
                g.id = Some(key.text(Kind::Grant));
                ids.grants.insert(key, i as u32);
            }
        }
        ids
    }

    /// The id for a new item at `index`: its explicit id when free, else a generated one (for
    /// an assignment, the ids settled first: [`ItemIds::settle`]).
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
    /// the assignments after the removal (for an assignment, the ids settled before it).
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::assignment_hash;
    use crate::model::{AssignmentDoc, Text};
    use crate::{Directory, Evaluator, Policy};
    use std::sync::Arc;

    const POLICY: &str = include_str!("../../../../examples/policies/payments/policy.yaml");

    fn assignment(subject: &str) -> AssignmentDoc {
        AssignmentDoc {
            id: None,
            subject: Text(subject.into()),
            role: "support".into(),
            scope: Text("org".into()),
            context: Default::default(),
            except: vec![],
        }
    }

    /// A directory whose generated ids collide with each other and with explicit ids of the
    /// generated form (which, wherever they stand, are taken first), and the ids it must get.
    fn directory() -> (String, Vec<String>) {
        let h = assignment_hash(&assignment("sam"));
        let b = assignment_hash(&assignment("bob"));
        let text = format!(
            r#"{{"scopes":[{{"id":"org","kind":"organization"}}],"assignments":[
              {{"subject":"sam","role":"support","scope":"org"}},
              {{"id":"a_{h:016x}_2","subject":"ann","role":"support","scope":"org"}},
              {{"subject":"sam","role":"support","scope":"org"}},
              {{"subject":"bob","role":"support","scope":"org"}},
              {{"id":"a_{h:016x}","subject":"vic","role":"support","scope":"org"}}]}}"#
        );
        let want = vec![
            format!("a_{h:016x}_3"),
            format!("a_{h:016x}_2"),
            format!("a_{h:016x}_4"),
            format!("a_{b:016x}"),
            format!("a_{h:016x}"),
        ];
        (text, want)
    }

    fn ids(d: &Directory) -> Vec<String> {
        (0..d.assignments.len())
            .map(|i| d.assignment_id(i).unwrap())
            .collect()
    }

    fn load() -> (Evaluator, Vec<String>) {
        let policy = Arc::new(Policy::parse(POLICY).unwrap());
        let (text, want) = directory();
        let d = Directory::parse(&policy, &text).unwrap();
        (Evaluator::new(policy, d).unwrap(), want)
    }

    #[test]
    fn loading_generates_no_assignment_id_until_one_is_used() {
        let (e, want) = load();
        let d = e.directory();
        assert!(d.ids.waiting);
        assert!(d.ids.made.get().is_none());
        assert_eq!(d.assignments.id_text(0), None);
        assert_eq!(d.assignments.id_text(1).as_ref(), Some(&want[1]));
        assert_eq!(d.assignment_id(0).as_ref(), Some(&want[0]));
        assert!(d.ids.made.get().is_some());
    }

    /// Whatever uses the ids first (an id, a lookup by id, an export, a live update, a clone),
    /// they are the same, and the same as generating them at once.
    #[test]
    fn ids_made_on_first_use_are_the_same_whatever_uses_them_first() {
        let (e, want) = load();
        assert_eq!(ids(e.directory()), want);

        let (e, want) = load();
        assert_eq!(e.assignment_index(&want[2]), Some(2));
        assert_eq!(e.assignment_index(&want[0]), Some(0));
        assert_eq!(ids(e.directory()), want);

        let (e, want) = load();
        let got: Vec<String> = e
            .directory()
            .doc()
            .assignments
            .into_iter()
            .map(|a| a.id.unwrap())
            .collect();
        assert_eq!(got, want);

        let (mut e, want) = load();
        e.dir.settle_ids();
        assert!(!e.dir.ids.waiting);
        assert_eq!(e.dir.assignments.id_text(0).as_ref(), Some(&want[0]));
        assert_eq!(ids(e.directory()), want);

        // A removal first: the last moves into the freed index with its id.
        let (mut e, want) = load();
        let removed = e.remove_assignment(0).unwrap();
        assert_eq!(removed.id.as_ref(), Some(&want[0]));
        let moved = vec![
            want[4].clone(),
            want[1].clone(),
            want[2].clone(),
            want[3].clone(),
        ];
        assert_eq!(ids(e.directory()), moved);
        assert_eq!(e.assignment_index(&want[4]), Some(0));

        // An addition first: a new identical item takes the next suffix.
        let (mut e, want) = load();
        let i = e.add_assignment(assignment("sam")).unwrap();
        assert_eq!(i, 0, "identical to assignment 0: nothing added");
        let i = e
            .add_assignment(AssignmentDoc {
                except: vec!["refunds:manage".into()],
                ..assignment("sam")
            })
            .unwrap();
        assert_eq!(i, 5);
        assert_eq!(ids(e.directory())[..5], want[..]);

        // A clone used first, then the original: each makes the same.
        let (e, want) = load();
        let copy = e.directory().clone();
        assert_eq!(ids(&copy), want);
        assert_eq!(ids(e.directory()), want);
    }

    #[test]
    fn the_evaluator_stays_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Evaluator>();
        shared::<Directory>();
    }
}
