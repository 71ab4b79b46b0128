//! The located JSON reader: JSON inputs (queries, requests, snapshots) in every build, and every
//! input of builds without the `yaml` feature (the browser's WebAssembly build). JSON text into
//! the same located [`Node`] tree the YAML reader builds, so paths, lines and columns of every
//! later error are the same. Scalars keep their text as YAML would read
//! it: strings are quoted scalars, numbers, `true`, `false` and `null` are plain ones.

use crate::error::{ErrorCode, Location, Result};
use crate::limits;
use crate::tree::{check_duplicate_keys, located, Node, NodeKind};

/// Parses JSON text into a located tree. An empty document is a null scalar, as in YAML.
pub(crate) fn parse(text: &str) -> Result<Node> {
    let mut r = Reader {
        chars: text.char_indices().peekable(),
        text,
        line: 1,
        column: 1,
    };
    r.skip_ws();
    if r.peek().is_none() {
        return Ok(scalar(String::new(), true, Location { line: 1, column: 1 }));
    }
    let node = r.value(0)?;
    r.skip_ws();
    match r.peek() {
        None => Ok(node),
        Some(_) => Err(r.error("expected the end of the document")),
    }
}

fn scalar(text: String, plain: bool, loc: Location) -> Node {
    Node {
        kind: NodeKind::Scalar { text, plain },
        loc,
    }
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
    line: usize,
    column: usize,
}

impl Reader<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|(_, c)| *c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn loc(&self) -> Location {
        Location {
            line: self.line,
            column: self.column,
        }
    }

    fn error(&self, message: &str) -> crate::Error {
        let loc = self.loc();
        self.help(located(
            ErrorCode::Syntax,
            loc,
            &format!("invalid JSON: {message}"),
        ))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: char) -> Result<()> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(&format!("expected `{c}`")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node> {
        self.skip_ws();
        let loc = self.loc();
        match self.peek() {
            Some('{' | '[') if depth >= limits::MAX_DEPTH => Err(located(
                ErrorCode::LimitExceeded,
                loc,
                &format!("nesting deeper than {} levels", limits::MAX_DEPTH),
            )),
            Some('{') => self.object(depth, loc),
            Some('[') => self.array(depth, loc),
            Some('"') => Ok(scalar(self.string()?, false, loc)),
            Some(c) if c == '-' || c.is_ascii_alphanumeric() => {
                let mut word = String::new();
                while let Some(c) = self
                    .peek()
                    .filter(|c| matches!(c, '-' | '+' | '.') || c.is_ascii_alphanumeric())
                {
                    word.push(c);
                    self.bump();
                }
                if is_literal(&word) {
                    Ok(scalar(word, true, loc))
                } else {
                    let message = format!("invalid JSON: unexpected `{word}`");
                    Err(self.help(located(ErrorCode::Syntax, loc, &message)))
                }
            }
            Some(c) => Err(self.error(&format!("unexpected `{c}`"))),
            None => Err(self.error("unexpected end of input")),
        }
    }

    /// Text that does not even start like JSON is probably YAML: say why it is refused.
    fn help(&self, e: crate::Error) -> crate::Error {
        // With `yaml`, this reader only sees JSON-only inputs (queries, snapshots): no hint.
        if cfg!(feature = "yaml") || self.text.trim_start().starts_with(['{', '[']) {
            e
        } else {
            e.with_help(
                "this build (the browser's WebAssembly) reads JSON only: send JSON, e.g. on the \
                 server `Policy.parse(yamlText).toJSON()` for a policy, `JSON.stringify(doc)` for \
                 a parsed document",
            )
        }
    }

    fn object(&mut self, depth: usize, loc: Location) -> Result<Node> {
        self.bump();
        let mut entries = Vec::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
        } else {
            loop {
                self.skip_ws();
                let key_loc = self.loc();
                if self.peek() != Some('"') {
                    return Err(self.error("expected a key in quotes"));
                }
                let key = scalar(self.string()?, false, key_loc);
                self.expect(':')?;
                let value = self.value(depth + 1)?;
                entries.push((key, value));
                self.skip_ws();
                match self.bump() {
                    Some(',') => continue,
                    Some('}') => break,
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }
        check_duplicate_keys(&entries)?;
        Ok(Node {
            kind: NodeKind::Map(entries),
            loc,
        })
    }

    fn array(&mut self, depth: usize, loc: Location) -> Result<Node> {
        self.bump();
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
        } else {
            loop {
                items.push(self.value(depth + 1)?);
                self.skip_ws();
                match self.bump() {
                    Some(',') => continue,
                    Some(']') => break,
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
        }
        Ok(Node {
            kind: NodeKind::Seq(items),
            loc,
        })
    }

    fn string(&mut self) -> Result<String> {
        self.bump();
        let mut out = String::new();
        loop {
            let at = self.loc();
            match self.bump() {
                None => return Err(self.error("unterminated string")),
                Some('"') => return Ok(out),
                Some('\\') => {
                    let c = match self.bump() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => self.unicode()?,
                        _ => return Err(self.error("invalid escape in a string")),
                    };
                    out.push(c);
                }
                Some(c) if (c as u32) < 0x20 => {
                    let e = located(
                        ErrorCode::Syntax,
                        at,
                        "invalid JSON: control character in a string",
                    );
                    return Err(self.help(e));
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut v = 0;
        for _ in 0..4 {
            let d = self
                .bump()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.error("invalid `\\u` escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn unicode(&mut self) -> Result<char> {
        let at = self.loc();
        let hi = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&hi) {
            if self.peek() != Some('\\') {
                return Err(unpaired(at));
            }
            self.bump();
            if self.bump() != Some('u') {
                return Err(self.error("invalid escape in a string"));
            }
            let lo = self.hex4()?;
            if !(0xdc00..0xe000).contains(&lo) {
                return Err(unpaired(at));
            }
            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| unpaired(at))
    }
}

/// An unpaired UTF-16 surrogate (`\ud800` alone): well-formed JSON, but no text. Refused as
/// `invalid_value` wherever text enters rolecall (the SDK refuses it in JavaScript strings the
/// same way), never replaced by U+FFFD: `f\ud800` and `f\ufffd` must not become one id.
fn unpaired(at: Location) -> crate::Error {
    located(
        ErrorCode::InvalidValue,
        at,
        "an unpaired UTF-16 surrogate in a `\\u` escape",
    )
    .with_help("text must be well-formed Unicode")
}

/// `true`, `false`, `null` or a JSON number.
fn is_literal(word: &str) -> bool {
    if matches!(word, "true" | "false" | "null") {
        return true;
    }
    let digits = word.strip_prefix('-').unwrap_or(word);
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (digits.get(..i).unwrap_or(""), digits.get(i + 1..)),
        None => (digits, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(all_digits)
        && exponent.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_nodes_remember_lines_and_columns() {
        let n = parse("{\n  \"a\": {\"b\": [1, \"x\"]}\n}").unwrap();
        let b = n.get("a").unwrap().get("b").unwrap();
        assert_eq!(
            b.loc,
            Location {
                line: 2,
                column: 14
            }
        );
        assert_eq!(
            n.locate("a.b[1]"),
            Location {
                line: 2,
                column: 18
            }
        );
    }

    #[test]
    fn json_scalars_read_as_yaml_reads_them() {
        let n = parse(r#"{"s": "1", "n": -1.5e3, "t": true, "z": null, "e": "\u00e9\n"}"#).unwrap();
        let plain = |k: &str| match &n.get(k).unwrap().kind {
            NodeKind::Scalar { text, plain } => (text.clone(), *plain),
            _ => panic!("not a scalar"),
        };
        assert_eq!(plain("s"), ("1".to_owned(), false));
        assert_eq!(plain("n"), ("-1.5e3".to_owned(), true));
        assert_eq!(plain("t"), ("true".to_owned(), true));
        assert!(n.get("z").unwrap().is_null());
        assert_eq!(plain("e"), ("é\n".to_owned(), false));
    }

    #[test]
    fn json_the_yaml_reader_would_reject_is_rejected_with_its_place() {
        for (text, line, column) in [
            ("{\"a\": 1,}", 1, 9),
            ("{\"a\": 01}", 1, 7),
            ("{\"a\" 1}", 1, 6),
            ("[1, 2", 1, 6),
            ("{\"a\": \"x\ny\"}", 1, 9),
            ("{} {}", 1, 4),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.code, ErrorCode::Syntax, "{text}");
            assert_eq!(e.location, Some(Location { line, column }), "{text}: {e}");
        }
    }

    #[test]
    fn yaml_text_is_a_syntax_error_that_says_this_build_reads_json() {
        let e = parse("rolecall: 1\n").unwrap_err();
        assert_eq!(e.code, ErrorCode::Syntax);
        // Only a JSON-only build says so; with `yaml` this reader sees JSON-only inputs.
        let help = e.help.unwrap_or_default();
        assert_eq!(
            help.contains("JSON only"),
            !cfg!(feature = "yaml"),
            "{help}"
        );
    }

    #[test]
    fn json_duplicate_keys_and_deep_nesting_are_refused() {
        assert_eq!(
            parse(r#"{"a": 1, "a": 2}"#).unwrap_err().code,
            ErrorCode::DuplicateId
        );
        let deep = "[".repeat(limits::MAX_DEPTH + 1);
        assert_eq!(parse(&deep).unwrap_err().code, ErrorCode::LimitExceeded);
    }
}
