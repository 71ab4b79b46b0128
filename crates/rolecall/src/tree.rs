//! The located document tree: YAML or JSON text parsed into nodes that remember their line and
//! column, so that any later error (a shape error while decoding, an unknown role found while
//! compiling) can point at the exact place. Built iteratively from parser events with a depth
//! limit, so no input can overflow the stack, neither while building nor while dropping.

use crate::error::{Error, ErrorCode, Location, Result};
use crate::limits;
#[cfg(feature = "yaml")]
use saphyr_parser::{Event, Parser, ScalarStyle};

/// One node of a parsed document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub loc: Location,
}

/// What a node holds. Scalars keep their text; `plain` tells an unquoted YAML scalar (which may
/// be a number, a boolean or null) from a quoted string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Scalar { text: String, plain: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// True for a plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A short name of the node's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "null",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a map",
        }
    }

    /// The value of `key` in a map node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.scalar_text() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn scalar_text(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The location of the key of the last step of `path`, when that step is a map key;
    /// otherwise as [`Node::locate`].
    pub fn locate_key(&self, path: &str) -> Location {
        let Some(cut) = path.rfind(['.', '[']) else {
            return self.key_loc(path).unwrap_or_else(|| self.locate(path));
        };
        let (parent, last) = path.split_at(cut);
        if last.starts_with('[') {
            return self.locate(path);
        }
        let key = last.trim_start_matches('.');
        let parent_node = self.node_at(parent);
        // Dots inside a key (action names) mean the split may be wrong: fall back to the value.
        parent_node
            .and_then(|n| n.key_loc(key))
            .unwrap_or_else(|| self.locate(path))
    }

    /// The location of the key at the end of `path`, only when that key exists.
    pub fn key_location(&self, path: &str) -> Option<Location> {
        if let Some(loc) = self.key_loc(path) {
            return Some(loc);
        }
        // Keys may contain dots (action names): try every split, the last dot first.
        path.match_indices('.').rev().find_map(|(cut, _)| {
            let (parent, key) = (path.get(..cut)?, path.get(cut + 1..)?);
            self.node_at(parent).and_then(|n| n.key_loc(key))
        })
    }

    fn key_loc(&self, key: &str) -> Option<Location> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.scalar_text() == Some(key))
                .map(|(k, _)| k.loc),
            _ => None,
        }
    }

    /// The node at exactly `path`, if it exists.
    fn node_at(&self, path: &str) -> Option<&Node> {
        match self.walk(path) {
            (n, true) => Some(n),
            _ => None,
        }
    }

    /// The location of the node at `path` (`roles.admin.includes[0]`), or of its nearest ancestor
    /// that exists. Map keys may contain dots (action names), so each step takes the longest key
    /// that matches.
    pub fn locate(&self, path: &str) -> Location {
        self.walk(path).0.loc
    }

    /// The error with the line and column of its path attached (unless it has them already).
    pub(crate) fn place(&self, mut e: Error) -> Error {
        if e.location.is_none() {
            // When the error names the path's last key (`unknown resource `refundz``), the key is
            // the offending text; otherwise the value is (`role: ghost`).
            let last_key = e.path.rsplit(['.', ']']).next().unwrap_or("");
            let names_key = !last_key.is_empty() && e.message.contains(&format!("`{last_key}`"));
            e.location = Some(if names_key {
                self.locate_key(&e.path)
            } else {
                self.locate(&e.path)
            });
        }
        e
    }

    /// The node at `path` and whether it exists, or its nearest existing ancestor and `false`.
    fn walk(&self, path: &str) -> (&Node, bool) {
        let mut node = self;
        let mut rest = path;
        loop {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.is_empty() {
                return (node, true);
            }
            let next = if let Some(after) = rest.strip_prefix('[') {
                let Some(end) = after.find(']') else {
                    return (node, false);
                };
                let idx: Option<usize> = after.get(..end).and_then(|s| s.parse().ok());
                let child = match (&node.kind, idx) {
                    (NodeKind::Seq(items), Some(i)) => items.get(i),
                    _ => None,
                };
                child.map(|c| (c, after.get(end + 1..).unwrap_or("")))
            } else {
                match &node.kind {
                    NodeKind::Map(entries) => entries
                        .iter()
                        .filter_map(|(k, v)| {
                            let key = k.scalar_text()?;
                            let after = rest.strip_prefix(key)?;
                            (after.is_empty() || after.starts_with('.') || after.starts_with('['))
                                .then_some((key.len(), v, after))
                        })
                        .max_by_key(|(len, _, _)| *len)
                        .map(|(_, v, after)| (v, after)),
                    _ => None,
                }
            };
            match next {
                Some((child, after)) => {
                    node = child;
                    rest = after;
                }
                None => return (node, false),
            }
        }
    }
}

#[cfg(feature = "yaml")]
enum Frame {
    Seq(Vec<Node>, Location),
    Map(Vec<(Node, Node)>, Location, Option<Node>),
}

#[cfg(feature = "yaml")]
fn loc_of(m: &saphyr_parser::Marker) -> Location {
    Location {
        line: m.line(),
        column: m.col() + 1,
    }
}

/// Parses YAML (and therefore JSON, its flow subset) into a located tree; JSON only in builds
/// without the `yaml` feature. An empty document is a null scalar.
pub(crate) fn parse(text: &str) -> Result<Node> {
    check_size(text)?;
    // JSON text goes through the small JSON reader first (as in the browser build): faster, and
    // far less code for a WebAssembly engine to compile on first use. YAML flow style that is
    // not JSON (`{a: 1}`), and every error, is the YAML reader's.
    // What the JSON reader refuses as JSON but not as syntax (nesting too deep, an unpaired
    // surrogate) is refused alike by both readers, with the JSON reader's code and place.
    #[cfg(feature = "yaml")]
    if text.trim_start().starts_with('{') {
        match crate::json::parse(text) {
            Ok(node) => return Ok(node),
            Err(e) if matches!(e.code, ErrorCode::LimitExceeded | ErrorCode::InvalidValue) => {
                return Err(e)
            }
            Err(_) => {}
        }
    }
    #[cfg(feature = "yaml")]
    return parse_yaml(text);
    #[cfg(not(feature = "yaml"))]
    return crate::json::parse(text);
}

/// `limit_exceeded` for text over [`limits::MAX_INPUT_BYTES`].
pub(crate) fn check_size(text: &str) -> Result<()> {
    if text.len() > limits::MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!(
                "input of {} bytes is larger than the limit of {} bytes",
                text.len(),
                limits::MAX_INPUT_BYTES
            ),
        ));
    }
    Ok(())
}

#[cfg(feature = "yaml")]
fn parse_yaml(text: &str) -> Result<Node> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            // Refused alike by both readers: an escape that is no character (`"\ud800"`, an
            // unpaired surrogate) is not text, and the scanner's own flow-depth limit (deeper
            // than ours, reached before our count in flow style) is nesting over the limit.
            let code = if e.info().contains("invalid Unicode character escape") {
                ErrorCode::InvalidValue
            } else if e.info().contains("recursion limit exceeded") {
                ErrorCode::LimitExceeded
            } else {
                ErrorCode::Syntax
            };
            let mut err = Error::new(code, "", format!("invalid YAML/JSON: {}", e.info()));
            err.location = Some(loc_of(e.marker()));
            err
        })?;
        let loc = loc_of(&span.start);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(located(
                        ErrorCode::Syntax,
                        loc,
                        "expected one document, found several",
                    ));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(located(
                    ErrorCode::InvalidValue,
                    loc,
                    "YAML aliases (`*name`) are not supported",
                )
                .with_help("write the value out in full"));
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= limits::MAX_DEPTH {
                    return Err(located(
                        ErrorCode::LimitExceeded,
                        loc,
                        &format!("nesting deeper than {} levels", limits::MAX_DEPTH),
                    ));
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq(Vec::new(), loc),
                    _ => Frame::Map(Vec::new(), loc, None),
                });
                continue;
            }
            Event::Scalar(value, style, _, _) => Node {
                kind: NodeKind::Scalar {
                    text: value.into_owned(),
                    plain: style == ScalarStyle::Plain,
                },
                loc,
            },
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, l)) => Node {
                    kind: NodeKind::Seq(items),
                    loc: l,
                },
                Some(Frame::Map(entries, l, _)) => {
                    check_duplicate_keys(&entries)?;
                    Node {
                        kind: NodeKind::Map(entries),
                        loc: l,
                    }
                }
                None => continue,
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, _, pending)) => match pending.take() {
                None => {
                    if !matches!(node.kind, NodeKind::Scalar { .. }) {
                        return Err(located(
                            ErrorCode::InvalidValue,
                            node.loc,
                            "a map key must be a plain name",
                        ));
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root.unwrap_or(Node {
        kind: NodeKind::Scalar {
            text: String::new(),
            plain: true,
        },
        loc: Location { line: 1, column: 1 },
    }))
}

pub(crate) fn located(code: ErrorCode, loc: Location, message: &str) -> Error {
    let mut e = Error::new(code, "", message);
    e.location = Some(loc);
    e
}

pub(crate) fn check_duplicate_keys(entries: &[(Node, Node)]) -> Result<()> {
    let dup = if entries.len() <= 8 {
        entries.iter().enumerate().find_map(|(i, (k, _))| {
            entries
                .iter()
                .take(i)
                .any(|(p, _)| p.scalar_text() == k.scalar_text())
                .then_some(k)
        })
    } else {
        let mut seen = std::collections::HashSet::with_capacity(entries.len());
        entries
            .iter()
            .find_map(|(k, _)| (!seen.insert(k.scalar_text())).then_some(k))
    };
    match dup {
        Some(k) => Err(located(
            ErrorCode::DuplicateId,
            k.loc,
            &format!(
                "key `{}` appears twice in one map",
                k.scalar_text().unwrap_or("")
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_remember_lines_and_columns() {
        let n = parse("a:\n  b: [x, y]\n").unwrap();
        let b = n.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.loc, Location { line: 2, column: 6 });
        assert_eq!(
            n.locate("a.b[1]"),
            Location {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn locate_takes_the_longest_key_with_dots() {
        let n = parse("actions:\n  transfers.approve:\n    requires: x\n").unwrap();
        assert_eq!(n.locate("actions.transfers.approve.requires").line, 3);
        assert_eq!(
            n.locate("actions.nope.requires").line,
            2,
            "the nearest existing ancestor"
        );
    }

    #[test]
    fn json_parses_as_the_same_tree() {
        let y = parse("a: [1, 'x']").unwrap();
        let j = parse(r#"{"a": [1, "x"]}"#).unwrap();
        assert_eq!(
            y.get("a").unwrap().type_name(),
            j.get("a").unwrap().type_name()
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let err = parse(&"[".repeat(100_000)).unwrap_err();
        assert!(
            matches!(err.code, ErrorCode::LimitExceeded | ErrorCode::Syntax),
            "{err}"
        );
        let err = parse(&format!("{}{}", "[".repeat(65), "]".repeat(65))).unwrap_err();
        assert_eq!(err.code, ErrorCode::LimitExceeded, "{err}");
    }

    #[test]
    fn duplicate_keys_are_rejected_with_their_line() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.code, ErrorCode::DuplicateId);
        assert_eq!(err.location.unwrap().line, 3);
    }

    #[test]
    fn aliases_are_rejected() {
        let err = parse("a: &x [1]\nb: *x\n").unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidValue);
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let err = parse("a: [1, 2\nb: 3").unwrap_err();
        assert_eq!(err.code, ErrorCode::Syntax);
        assert!(err.location.is_some());
    }
}
