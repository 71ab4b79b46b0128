//! Reading a directory without building its assignment documents: the same document type as
//! [`DirectoryDoc`] (same fields, defaults and errors, through serde_json or the located
//! reader), except that each assignment goes into the compact [`Assignments`] store as soon as
//! it is read, so a `Vec<AssignmentDoc>` of the whole list never exists; an assignment's
//! subject, role and scope are borrowed from the text when they can be (no escapes), not
//! copied into strings of their own.

use super::assignments::Assignments;
use crate::model::{ContextDoc, DirectoryDoc};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
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
                while let Some(a) = seq.next_element::<AssignmentDoc<'de>>()? {
                    let subject = out.subjects.intern(&a.subject.0);
                    out.push_parts(a.id, subject, &a.role, &a.scope.0, a.context, a.except);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V)
    }
}

/// An assignment as read: [`crate::model::AssignmentDoc`]'s fields, defaults and errors (its
/// name too, which serde's messages quote), its subject, role and scope borrowed from the text
/// when they can be.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignmentDoc<'a> {
    #[serde(default)]
    id: Option<String>,
    #[serde(borrow)]
    subject: TextIn<'a>,
    #[serde(borrow)]
    role: Cow<'a, str>,
    #[serde(borrow)]
    scope: TextIn<'a>,
    #[serde(default)]
    context: ContextDoc,
    #[serde(default)]
    except: Vec<String>,
}

/// [`crate::model::Text`] (a string, or a number or boolean written as one), borrowed when it
/// can be.
struct TextIn<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for TextIn<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TextIn<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<TextIn<'de>, E> {
                Ok(TextIn(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::DirectoryInput;
    use crate::model::DirectoryDoc;

    /// Each assignment read the way the model's `AssignmentDoc` reads it: the same values
    /// (escaped and numeric names too) and, for a bad one, the same error, through serde_json
    /// and through the located reader.
    #[test]
    fn assignments_read_as_the_model_reads_them() {
        let item = |a: &str| format!(r#"{{"scopes":[{{"id":"org"}}],"assignments":[{a}]}}"#);
        let good = [
            r#"{"subject":"sam","role":"support","scope":"org"}"#,
            r#"{"subject":"s\u00e1m\n","role":"sup\"port","scope":"o\\rg"}"#,
            r#"{"subject":42,"role":"support","scope":true,"id":"x","except":["a"]}"#,
            r#"{"subject":-1.5,"role":"r","scope":"org","context":{"country":"CL"}}"#,
        ];
        for a in good {
            let text = item(a);
            let want: DirectoryDoc = serde_json::from_str(&text).unwrap();
            let node = crate::tree::parse(&text).unwrap();
            let inputs = [
                serde_json::from_str::<DirectoryInput>(&text).unwrap(),
                crate::de::from_node::<DirectoryInput>(&node).unwrap(),
            ];
            for got in inputs {
                let subjects = &got.assignments.subjects;
                let doc = got.assignments.get(0, subjects).unwrap();
                assert_eq!(doc, want.assignments[0], "{a}");
            }
        }
        let bad = [
            r#"{"subject":"sam","role":"support","scope":"org","colour":"red"}"#,
            r#"{"role":"support","scope":"org"}"#,
            r#"{"subject":"sam","role":5,"scope":"org"}"#,
            r#"{"subject":{"a":1},"role":"support","scope":"org"}"#,
            r#"{"subject":"sam","subject":"bob","role":"support","scope":"org"}"#,
            r#"{"subject":"sam","role":"support","scope":"org","except":"a"}"#,
            r#"["sam","support"]"#,
            r#""sam""#,
        ];
        for a in bad {
            let text = item(a);
            let want = serde_json::from_str::<DirectoryDoc>(&text).unwrap_err();
            let got = serde_json::from_str::<DirectoryInput>(&text).unwrap_err();
            assert_eq!(got.to_string(), want.to_string(), "{a}");
            // The located reader reads a scalar as text (`role: 5` is the role "5"); a
            // repeated key is its own parser's error, before any of this.
            let Ok(node) = crate::tree::parse(&text) else {
                continue;
            };
            let want = crate::de::from_node::<DirectoryDoc>(&node)
                .map(|d| d.assignments)
                .map_err(|e| (e.code, e.path, e.message));
            let got = crate::de::from_node::<DirectoryInput>(&node)
                .map(|d| {
                    d.assignments
                        .get(0, &d.assignments.subjects)
                        .into_iter()
                        .collect()
                })
                .map_err(|e| (e.code, e.path, e.message));
            assert_eq!(got, want, "{a}");
        }
    }
}
