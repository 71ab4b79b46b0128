//! Decoding a located [`Node`] tree into the document types with serde. The path to the current
//! node is a chain of borrowed segments on the stack, rendered only when an error needs it, so
//! decoding a large directory allocates nothing for paths.

use crate::error::{did_you_mean, Error, ErrorCode, Location};
use crate::tree::{Node, NodeKind};
use serde::de::{
    self, DeserializeSeed, Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;

/// One step of the path to a node.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

impl Path<'_> {
    fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            segs.push(p.seg);
            cur = p.parent;
        }
        let mut out = String::new();
        for seg in segs.iter().rev() {
            match seg {
                Seg::Root => {}
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// The decoding error: becomes an [`Error`] with the path and location of the innermost node.
/// Boxed: every decoder's `Result` carries it, one copy per document type, and a pointer-sized
/// error keeps those copies small (bench/results.md, "Module size").
#[derive(Debug)]
pub(crate) struct DeError(Box<DeErrorData>);

#[derive(Debug)]
struct DeErrorData {
    code: ErrorCode,
    message: String,
    help: Option<String>,
    path: Option<String>,
    loc: Option<Location>,
}

impl DeError {
    fn new(code: ErrorCode, message: String, help: Option<String>) -> Self {
        DeError(Box::new(DeErrorData {
            code,
            message,
            help,
            path: None,
            loc: None,
        }))
    }

    fn at(mut self, path: &Path<'_>, loc: Location) -> Self {
        if self.0.path.is_none() {
            self.0.path = Some(path.render());
            self.0.loc = Some(loc);
        }
        self
    }

    pub fn into_error(self) -> Error {
        let d = *self.0;
        let mut e = Error::new(d.code, d.path.unwrap_or_default(), d.message);
        e.location = d.loc;
        e.help = d.help;
        e
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError::new(ErrorCode::InvalidValue, msg.to_string(), None)
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid type: {}, expected {exp}",
            Shown(unexp)
        ))
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid value: {}, expected {exp}",
            Shown(unexp)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let help = did_you_mean(field, expected.iter().copied())
            .or_else(|| Some(format!("expected one of {}", list(expected))));
        DeError::new(
            ErrorCode::UnknownField,
            format!("unknown field `{field}`"),
            help,
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = did_you_mean(variant, expected.iter().copied())
            .or_else(|| Some(format!("expected one of {}", list(expected))));
        DeError::new(
            ErrorCode::InvalidValue,
            format!("unknown value `{variant}`"),
            help,
        )
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::new(
            ErrorCode::MissingField,
            format!("missing field `{field}`"),
            None,
        )
    }
}

/// serde's `Unexpected` as serde shows it, except a float: the located tree has no floats, and
/// formatting one would bring the float printer (about 14 KB) into the WebAssembly build.
struct Shown<'a>(de::Unexpected<'a>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use de::Unexpected as U;
        match self.0 {
            U::Bool(b) => write!(f, "boolean `{b}`"),
            U::Unsigned(n) => write!(f, "integer `{n}`"),
            U::Signed(n) => write!(f, "integer `{n}`"),
            U::Float(_) => f.write_str("floating point number"),
            U::Char(c) => write!(f, "character `{c}`"),
            U::Str(s) => write!(f, "string {s:?}"),
            U::Bytes(_) => f.write_str("byte array"),
            U::Unit => f.write_str("unit value"),
            U::Option => f.write_str("Option value"),
            U::NewtypeStruct => f.write_str("newtype struct"),
            U::Seq => f.write_str("sequence"),
            U::Map => f.write_str("map"),
            U::Enum => f.write_str("enum"),
            U::UnitVariant => f.write_str("unit variant"),
            U::NewtypeVariant => f.write_str("newtype variant"),
            U::TupleVariant => f.write_str("tuple variant"),
            U::StructVariant => f.write_str("struct variant"),
            U::Other(o) => f.write_str(o),
        }
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Decodes `T` from a located tree.
pub(crate) fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, Error> {
    let root = Path {
        parent: None,
        seg: Seg::Root,
    };
    T::deserialize(NodeDe { node, path: &root }).map_err(DeError::into_error)
}

struct NodeDe<'de, 'p> {
    node: &'de Node,
    path: &'p Path<'p>,
}

impl<'de> NodeDe<'de, '_> {
    fn fail(&self, e: DeError) -> DeError {
        e.at(self.path, self.node.loc)
    }

    fn scalar(&self) -> Option<(&'de str, bool)> {
        match &self.node.kind {
            NodeKind::Scalar { text, plain } => Some((text.as_str(), *plain)),
            _ => None,
        }
    }

    fn invalid(&self, expected: &str) -> DeError {
        let found = match self.scalar() {
            Some((t, _)) if !self.node.is_null() => format!("`{}`", truncate(t)),
            _ => self.node.type_name().to_owned(),
        };
        self.fail(DeError::custom(format!(
            "expected {expected}, found {found}"
        )))
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_owned()
    }
}

macro_rules! forward_to_any {
    ($($m:ident)*) => { $(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> { self.deserialize_any(visitor) }
    )* };
}

impl<'de> de::Deserializer<'de> for NodeDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.kind {
            NodeKind::Scalar { text, plain } => {
                if self.node.is_null() {
                    visitor.visit_unit()
                } else if *plain {
                    match text.as_str() {
                        "true" | "True" | "TRUE" => visitor.visit_bool(true),
                        "false" | "False" | "FALSE" => visitor.visit_bool(false),
                        t => match t.parse::<u64>() {
                            Ok(n) => visitor.visit_u64(n),
                            Err(_) => match t.parse::<i64>() {
                                Ok(n) => visitor.visit_i64(n),
                                Err(_) => visitor.visit_borrowed_str(t),
                            },
                        },
                    }
                } else {
                    visitor.visit_borrowed_str(text)
                }
            }
            NodeKind::Seq(items) => visitor.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
                path: self.path,
            }),
            NodeKind::Map(entries) => visitor.visit_map(MapDe {
                entries: entries.iter(),
                value: None,
                path: self.path,
            }),
        };
        r.map_err(|e| self.fail(e))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Any non-null scalar is text where text is expected: `id: 123` is the id "123".
        match self.scalar() {
            Some((t, _)) if !self.node.is_null() => {
                visitor.visit_borrowed_str(t).map_err(|e| self.fail(e))
            }
            _ => Err(self.invalid("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar() {
            Some(("true", true)) => visitor.visit_bool(true),
            Some(("false", true)) => visitor.visit_bool(false),
            _ => return Err(self.invalid("`true` or `false`")),
        }
        .map_err(|e| self.fail(e))
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.scalar().and_then(|(t, _)| t.parse::<u64>().ok()) {
            Some(n) => visitor.visit_u64(n).map_err(|e| self.fail(e)),
            None => Err(self.invalid("a whole number")),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Seq(items) => visitor
                .visit_seq(SeqDe {
                    items: items.iter(),
                    index: 0,
                    path: self.path,
                })
                .map_err(|e| self.fail(e)),
            _ => Err(self.invalid("a list")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Map(entries) => visitor
                .visit_map(MapDe {
                    entries: entries.iter(),
                    value: None,
                    path: self.path,
                })
                .map_err(|e| self.fail(e)),
            _ if self.node.is_null() => visitor
                .visit_map(MapDe {
                    entries: [].iter(),
                    value: None,
                    path: self.path,
                })
                .map_err(|e| self.fail(e)),
            _ => Err(self.invalid("a map")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.scalar() {
            Some((t, _)) => visitor
                .visit_enum(t.into_deserializer())
                .map_err(|e: DeError| self.fail(e)),
            None => Err(self.invalid("a name")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    forward_to_any! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16
        deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes deserialize_byte_buf
        deserialize_unit
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }
}

struct SeqDe<'de, 'p> {
    items: std::slice::Iter<'de, Node>,
    index: usize,
    path: &'p Path<'p>,
}

impl<'de> SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        let path = Path {
            parent: Some(self.path),
            seg: Seg::Index(self.index),
        };
        self.index += 1;
        seed.deserialize(NodeDe { node, path: &path })
            .map(Some)
            .map_err(|e| e.at(&path, node.loc))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'de, 'p> {
    entries: std::slice::Iter<'de, (Node, Node)>,
    value: Option<(&'de Node, &'de Node)>,
    path: &'p Path<'p>,
}

impl<'de> MapAccess<'de> for MapDe<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((k, v));
        let key = k.scalar_text().unwrap_or("");
        let path = Path {
            parent: Some(self.path),
            seg: Seg::Key(key),
        };
        seed.deserialize(NodeDe {
            node: k,
            path: &path,
        })
        .map(Some)
        .map_err(|e| e.at(&path, k.loc))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((k, node)) = self.value.take() else {
            return Err(DeError::custom("value requested before key"));
        };
        let path = Path {
            parent: Some(self.path),
            seg: Seg::Key(k.scalar_text().unwrap_or("")),
        };
        seed.deserialize(NodeDe { node, path: &path })
            .map_err(|e| e.at(&path, node.loc))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        count: Option<u32>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[test]
    fn unknown_fields_name_the_path_the_line_and_a_suggestion() {
        let node = parse("items:\n  - name: a\n  - nme: b\n").unwrap();
        let err = from_node::<Outer>(&node).unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownField);
        assert_eq!(err.path, "items[1].nme");
        assert_eq!(err.location.unwrap().line, 3);
        assert_eq!(err.help.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn missing_fields_point_at_their_map() {
        let node = parse("items:\n  - count: 3\n").unwrap();
        let err = from_node::<Outer>(&node).unwrap_err();
        assert_eq!(err.code, ErrorCode::MissingField);
        assert_eq!(err.path, "items[0]");
    }

    #[test]
    fn wrong_types_say_what_was_found() {
        let node = parse("items:\n  - name: a\n    count: many\n").unwrap();
        let err = from_node::<Outer>(&node).unwrap_err();
        assert_eq!(err.path, "items[0].count");
        assert!(err.message.contains("`many`"), "{}", err.message);
    }
}
