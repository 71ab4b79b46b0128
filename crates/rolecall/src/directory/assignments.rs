//! The directory's assignments in compact form: a fixed-size record per assignment (subject,
//! role and scope as interned ids, the id as its hash when it was generated), with the rare
//! parts (a context, `except`, an id that is not of the generated form) aside. The evaluator
//! keeps this instead of the document's `Vec<AssignmentDoc>` (about 40 bytes an assignment
//! instead of about 300), and rebuilds the documents for export, snapshots and live updates:
//! the same documents, field for field.

use super::ids::{assignment_hash_of, generated, generated_text, IdRef, Kind};
use crate::model::{AssignmentDoc, ContextDoc, Text};
use crate::names::IdMap;

/// The extra of an assignment with none.
const NO_EXTRA: u32 = u32::MAX;

/// One assignment: indexes into the directory's subjects and the store's role and scope names.
#[derive(Debug, Clone, Copy)]
struct Rec {
    /// The generated id's hash, when `n > 0`.
    hash: u64,
    /// The generated id's suffix (1: none); 0 when the id is not generated (see the extra).
    n: u32,
    subject: u32,
    role: u32,
    scope: u32,
    /// Index into `extras`, or [`NO_EXTRA`].
    extra: u32,
}

/// What few assignments have.
#[derive(Debug, Clone, Default, PartialEq)]
struct Extra {
    /// An id not of the generated form.
    id: Option<String>,
    context: ContextDoc,
    except: Vec<String>,
}

impl Extra {
    fn is_empty(&self) -> bool {
        self.id.is_none() && self.context.is_empty() && self.except.is_empty()
    }
}

/// An assignment's fields, borrowed from the store (the subject as its directory index).
pub(crate) struct AssignmentView<'a> {
    pub subject: u32,
    pub role: &'a str,
    /// The role's index among the store's role names ([`Assignments::role_names`]).
    pub role_ix: u32,
    pub scope: &'a str,
    /// The scope's index among the store's scope names ([`Assignments::scope_names`]).
    pub scope_ix: u32,
    pub context: &'a ContextDoc,
    pub except: &'a [String],
}

/// The assignments of a directory, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Assignments {
    recs: Vec<Rec>,
    extras: Vec<Extra>,
    /// Free slots of `extras`.
    free: Vec<u32>,
    roles: IdMap,
    scopes: IdMap,
    /// Subject names while reading: the directory takes them as its subjects when it compiles.
    pub(super) subjects: IdMap,
    /// The context of an assignment without one.
    no_context: ContextDoc,
}

impl Assignments {
    pub(crate) fn len(&self) -> usize {
        self.recs.len()
    }

    /// Appends `a`, naming its subject through the store's own subjects (reading).
    pub(super) fn push_read(&mut self, a: AssignmentDoc) {
        let s = self.subjects.intern(&a.subject.0);
        self.push(a, s);
    }

    /// Appends `a`, whose subject is `subject`.
    pub(crate) fn push(&mut self, a: AssignmentDoc, subject: u32) {
        self.push_parts(a.id, subject, &a.role, &a.scope.0, a.context, a.except);
    }

    /// Appends an assignment of these fields, whose subject is `subject`.
    pub(super) fn push_parts(
        &mut self,
        id: Option<String>,
        subject: u32,
        role: &str,
        scope: &str,
        context: ContextDoc,
        except: Vec<String>,
    ) {
        let (hash, n, id) = match id {
            Some(id) => match generated(Kind::Assignment, &id) {
                Some((h, n)) => (h, n, None),
                None => (0, 0, Some(id)),
            },
            None => (0, 0, None),
        };
        let extra = Extra {
            id,
            context,
            except,
        };
        let extra = if extra.is_empty() {
            NO_EXTRA
        } else if let Some(slot) = self.free.pop() {
            if let Some(e) = self.extras.get_mut(slot as usize) {
                *e = extra;
            }
            slot
        } else {
            self.extras.push(extra);
            (self.extras.len() - 1) as u32
        };
        self.recs.push(Rec {
            hash,
            n,
            subject,
            role: self.roles.intern(role),
            scope: self.scopes.intern(scope),
            extra,
        });
    }

    fn extra(&self, r: &Rec) -> Option<&Extra> {
        self.extras.get(r.extra as usize)
    }

    /// Assignment `i`'s fields.
    pub(crate) fn view(&self, i: usize) -> Option<AssignmentView<'_>> {
        let r = self.recs.get(i)?;
        let extra = self.extra(r);
        Some(AssignmentView {
            subject: r.subject,
            role: self.roles.name(r.role),
            role_ix: r.role,
            scope: self.scopes.name(r.scope),
            scope_ix: r.scope,
            context: extra.map_or(&self.no_context, |e| &e.context),
            except: extra.map_or(&[][..], |e| e.except.as_slice()),
        })
    }

    /// The role names the assignments use, each once, in the order of their indexes.
    pub(crate) fn role_names(&self) -> impl Iterator<Item = &str> {
        self.roles.names()
    }

    /// The scope names the assignments use, each once, in the order of their indexes.
    pub(crate) fn scope_names(&self) -> impl Iterator<Item = &str> {
        self.scopes.names()
    }

    /// Assignment `i`'s id, if the store holds it (a generated one may still wait: see
    /// `ids`).
    pub(crate) fn id_ref(&self, i: usize) -> Option<IdRef<'_>> {
        let r = self.recs.get(i)?;
        if r.n > 0 {
            return Some(IdRef::Generated(r.hash, r.n));
        }
        self.extra(r)?.id.as_deref().map(IdRef::Given)
    }

    /// Assignment `i`'s id text, if the store holds it (as [`Assignments::id_ref`]).
    pub(crate) fn id_text(&self, i: usize) -> Option<String> {
        let r = self.recs.get(i)?;
        if r.n > 0 {
            return Some(generated_text(Kind::Assignment, r.hash, r.n));
        }
        self.extra(r)?.id.clone()
    }

    /// The hash a generated id of assignment `i` starts from (subject names from `subjects`).
    pub(super) fn hash(&self, i: usize, subjects: &IdMap) -> Option<u64> {
        let v = self.view(i)?;
        let subject = subjects.name(v.subject);
        Some(assignment_hash_of(
            subject, v.role, v.scope, v.context, v.except,
        ))
    }

    /// Gives assignment `i` the generated id of hash `hash` and suffix `n`.
    pub(super) fn set_generated(&mut self, i: usize, hash: u64, n: u32) {
        if let Some(r) = self.recs.get_mut(i) {
            r.hash = hash;
            r.n = n.max(1);
        }
    }

    /// Assignment `i` as a document (subject names from `subjects`), with the id the store
    /// holds: [`crate::Directory`]'s `assignment` fills in one still waiting.
    pub(super) fn get(&self, i: usize, subjects: &IdMap) -> Option<AssignmentDoc> {
        let v = self.view(i)?;
        Some(AssignmentDoc {
            id: self.id_text(i),
            subject: Text(subjects.name(v.subject).to_owned()),
            role: v.role.to_owned(),
            scope: Text(v.scope.to_owned()),
            context: v.context.clone(),
            except: v.except.to_vec(),
        })
    }

    /// Removes assignment `i`, the last taking its place; the removed one as a document (the
    /// directory's ids settled first: see `ids`).
    pub(crate) fn swap_remove(&mut self, i: usize, subjects: &IdMap) -> Option<AssignmentDoc> {
        let doc = self.get(i, subjects)?;
        let r = self.recs.swap_remove(i);
        if let Some(e) = self.extras.get_mut(r.extra as usize) {
            *e = Extra::default();
            self.free.push(r.extra);
        }
        Some(doc)
    }

    /// The subject of assignment `i`.
    pub(crate) fn subject(&self, i: usize) -> Option<u32> {
        self.recs.get(i).map(|r| r.subject)
    }

    /// Renumbers subjects: `map[old]` is each one's new index.
    pub(super) fn renumber_subjects(&mut self, map: &[u32]) {
        for r in &mut self.recs {
            r.subject = map.get(r.subject as usize).copied().unwrap_or(r.subject);
        }
    }

    /// How many assignments hold role `role`.
    pub(crate) fn count_role(&self, role: &str) -> usize {
        match self.roles.get(role) {
            Some(ix) => self.recs.iter().filter(|r| r.role == ix).count(),
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use crate::model::{AssignmentDoc, DirectoryDoc};
    use crate::{Directory, Policy};

    const POLICY: &str = include_str!("../../../../examples/policies/payments/policy.yaml");

    /// Export rebuilds, field for field, the document as read (the assignments' ids filled in
    /// as they were generated), through both readers and from a document: every kind of item
    /// the store keeps aside, generated ids that collide (`_2`), an explicit id of the
    /// generated form, and a subject written as a number.
    #[test]
    fn export_is_the_document_read_with_its_ids() {
        let policy = Policy::parse(POLICY).unwrap();
        let text = r#"{"scopes":[{"id":"org","kind":"organization"},{"id":"acme-cl","parent":"org","kind":"subtenant"}],
          "assignments":[
            {"subject":"carla","role":"operations","scope":"org","context":{"country":["CL","*"]}},
            {"subject":"bob","role":"developer","scope":"acme-cl","except":["api_keys:manage"]},
            {"subject":"sam","role":"support","scope":"org"},
            {"subject":"sam","role":"support","scope":"org"},
            {"id":"a_0123456789abcdef","subject":"ann","role":"support","scope":"acme-cl"},
            {"id":"a_0123456789abcdef_7","subject":"ann","role":"product","scope":"acme-cl"},
            {"id":"mine","subject":42,"role":"product","scope":"org"}],
          "grants":[{"subject":"bob","permission":"refunds:view","scope":"org"}]}"#;
        let read: DirectoryDoc = serde_json::from_str(text).unwrap();
        for d in [
            Directory::parse(&policy, text).unwrap(),
            Directory::from_node(&policy, &crate::tree::parse(text).unwrap()).unwrap(),
            Directory::from_doc(&policy, read.clone()).unwrap(),
        ] {
            let out = d.doc();
            assert_eq!(out.assignments.len(), read.assignments.len());
            for (a, b) in out.assignments.iter().zip(&read.assignments) {
                let filled = AssignmentDoc {
                    id: b.id.clone().or_else(|| a.id.clone()),
                    ..b.clone()
                };
                assert_eq!(*a, filled);
            }
            let ids: Vec<_> = out
                .assignments
                .iter()
                .map(|a| a.id.clone().unwrap())
                .collect();
            assert_eq!(ids[3], format!("{}_2", ids[2]));
            assert_eq!(d.assignment_id(6).as_deref(), Some("mine"));
            assert_eq!(out.assignments[6].subject.0, "42");
            assert_eq!(out.scopes, read.scopes);
            assert_eq!(out.grants[0].subject, read.grants[0].subject);
        }
    }
}
