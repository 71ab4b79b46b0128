//! Reading a directory without building its assignment documents: the same document type as
//! [`DirectoryDoc`] (same fields, defaults and errors, through serde_json or the located
//! reader), except that each assignment goes into the compact [`Assignments`] store as soon as
//! it is read, so a `Vec<AssignmentDoc>` of the whole list never exists.

use super::assignments::Assignments;
use crate::model::{AssignmentDoc, DirectoryDoc};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// A directory as read: the document without its assignments, and the assignments.
#[derive(Debug, Default)]
pub(crate) struct DirectoryInput {
    /// Everything but the assignments (its `assignments` is empty).
    pub doc: DirectoryDoc,
    pub assignments: Assignments,
}

impl From<DirectoryDoc> for DirectoryInput {
    fn from(mut doc: DirectoryDoc) -> DirectoryInput {
        let mut assignments = Assignments::default();
        for a in std::mem::take(&mut doc.assignments) {
            assignments.push_read(a);
        }
        DirectoryInput { doc, assignments }
    }
}

/// The fields of [`DirectoryDoc`], as its derived `Deserialize` names them.
const FIELDS: &[&str] = &["scopes", "assignments", "grants", "api_keys", "roles"];

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Scopes,
    Assignments,
    Grants,
    ApiKeys,
    Roles,
}

impl<'de> Deserialize<'de> for DirectoryInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_struct("DirectoryDoc", FIELDS, InputVisitor)
    }
}

struct InputVisitor;

impl<'de> Visitor<'de> for InputVisitor {
    type Value = DirectoryInput;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct DirectoryDoc")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DirectoryInput, A::Error> {
        let mut out = DirectoryInput::default();
        if let Some(v) = seq.next_element()? {
            out.doc.scopes = v;
        }
        if let Some(v) = seq.next_element()? {
            out.assignments = v;
        }
        if let Some(v) = seq.next_element()? {
            out.doc.grants = v;
        }
        if let Some(v) = seq.next_element()? {
            out.doc.api_keys = v;
        }
        if let Some(v) = seq.next_element()? {
            out.doc.roles = v;
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DirectoryInput, A::Error> {
        let mut out = DirectoryInput::default();
        let mut seen = [false; 5];
        while let Some(key) = map.next_key::<Field>()? {
            let (at, name) = match key {
                Field::Scopes => (0, "scopes"),
                Field::Assignments => (1, "assignments"),
                Field::Grants => (2, "grants"),
                Field::ApiKeys => (3, "api_keys"),
                Field::Roles => (4, "roles"),
            };
            if let Some(s) = seen.get_mut(at) {
                if *s {
                    return Err(de::Error::duplicate_field(name));
                }
                *s = true;
            }
            match key {
                Field::Scopes => out.doc.scopes = map.next_value()?,
                Field::Assignments => out.assignments = map.next_value()?,
                Field::Grants => out.doc.grants = map.next_value()?,
                Field::ApiKeys => out.doc.api_keys = map.next_value()?,
                Field::Roles => out.doc.roles = map.next_value()?,
            }
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for Assignments {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Assignments;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Assignments, A::Error> {
                let mut out = Assignments::default();
                while let Some(a) = seq.next_element::<AssignmentDoc>()? {
                    out.push_read(a);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V)
    }
}
