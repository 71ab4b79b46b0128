//! Turns the core's [`rolecall::Error`] values into terminal text in the style of rustc (file,
//! line, column, the offending line with the text underlined, the hint) and into the stable JSON
//! error object of `--json`. This is the only place that knows how errors look on a terminal.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use rolecall::{Error, ErrorCode, Location};
use serde_json::{json, Value};
use std::io::IsTerminal;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A file the CLI read: its name as the user wrote it, and its text (to show the offending line).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    /// Where each line starts, and whether it is ASCII: found once per file, on the first error
    /// shown, so that showing n errors costs time linear in the text, not n times its length.
    lines: Arc<OnceLock<Vec<LineStart>>>,
    /// Whether errors may quote the file's lines (false for a file the CLI could not use).
    pub quotable: bool,
}

#[derive(Debug, Clone, Copy)]
struct LineStart {
    at: usize,
    ascii: bool,
}

impl SourceFile {
    /// A file and its text; its lines may be quoted in errors.
    pub fn new(name: String, text: Arc<str>) -> Self {
        SourceFile {
            name,
            text,
            lines: Arc::default(),
            quotable: true,
        }
    }

    /// The 1-based `line` of the text (without its line break), and whether it is ASCII.
    fn line(&self, line: usize) -> Option<(&str, bool)> {
        let starts = self.lines.get_or_init(|| {
            let mut out = Vec::new();
            let mut at = 0;
            for l in self.text.split_inclusive('\n') {
                out.push(LineStart {
                    at,
                    ascii: l.is_ascii(),
                });
                at += l.len();
            }
            out
        });
        let start = starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(self.text.len(), |n| n.at);
        let text = self.text.get(start.at..end)?;
        let text = text.strip_suffix('\n').unwrap_or(text);
        Some((text.strip_suffix('\r').unwrap_or(text), start.ascii))
    }
}

/// An error together with the file it is in, when the CLI knows it.
#[derive(Debug, Clone)]
pub struct Located {
    pub error: Error,
    pub file: Option<SourceFile>,
}

impl Located {
    /// An error in `file`.
    pub fn new(error: Error, file: Option<&SourceFile>) -> Self {
        Located {
            error,
            file: file.cloned(),
        }
    }

    /// Whether the error may quote its file's lines.
    pub fn quoting(mut self, quote: bool) -> Self {
        if let Some(f) = &mut self.file {
            f.quotable = quote;
        }
        self
    }

    /// An error that is in no file (a bad argument, an error of a query).
    pub fn bare(error: Error) -> Self {
        Located { error, file: None }
    }

    /// The name shown for the file: the CLI's file name, else the core's origin.
    fn origin(&self) -> Option<&str> {
        self.file
            .as_ref()
            .map(|f| f.name.as_str())
            .or(self.error.origin.as_deref())
    }
}

/// A smell found by `lint`: not an error, but likely a mistake.
#[derive(Debug, Clone)]
pub struct Warning {
    pub message: String,
    pub path: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

/// An error reading a file, in the core's error type so it renders like every other error.
pub fn io_error(path: &str, err: &std::io::Error) -> Located {
    let mut e = Error::new(ErrorCode::Io, "", format!("cannot read `{path}`: {err}"));
    e.origin = Some(path.to_owned());
    Located::bare(e)
}

/// An error in a command-line argument.
pub fn argument_error(flag: &str, message: impl Into<String>) -> Located {
    Located::bare(Error::new(ErrorCode::InvalidValue, flag, message))
}

/// Whether stderr gets colors: a terminal, and `NO_COLOR` unset.
fn renderer() -> Renderer {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// What a rendered diagnostic shows, errors and warnings alike.
struct Parts<'a> {
    level: Level<'a>,
    code: Option<&'a str>,
    message: &'a str,
    path: &'a str,
    help: Option<&'a str>,
    location: Option<Location>,
    file: Option<&'a SourceFile>,
    origin: Option<&'a str>,
}

/// The error as rustc-style text, ending with a newline.
pub fn render(l: &Located) -> String {
    let e = &l.error;
    render_parts(&Parts {
        level: Level::ERROR,
        code: Some(e.code.as_str()),
        message: &e.message,
        path: &e.path,
        help: e.help.as_deref(),
        location: e.location,
        file: l.file.as_ref(),
        origin: l.origin(),
    })
}

/// A lint warning as rustc-style text, pointing into the policy file.
pub fn render_warning(w: &Warning, file: &SourceFile) -> String {
    render_parts(&Parts {
        level: Level::WARNING,
        code: None,
        message: &w.message,
        path: &w.path,
        help: w.help.as_deref(),
        location: w.location,
        file: Some(file),
        origin: Some(&file.name),
    })
}

fn render_parts(p: &Parts<'_>) -> String {
    let mut title = p.level.clone().primary_title(p.message);
    if let Some(code) = p.code {
        title = title.id(code);
    }
    let mut group = Group::with_title(title);
    let line = p.location.and_then(|loc| {
        let file = p.file.filter(|f| f.quotable)?;
        let (text, ascii) = file.line(loc.line)?;
        Some((file, loc, text, ascii))
    });
    let mut excerpt = None;
    match (line, p.location, p.origin) {
        (Some((file, loc, text, _)), _, _) if text.len() <= MAX_SHOWN_LINE => {
            group = group.element(
                Snippet::source(text)
                    .line_start(loc.line)
                    .path(file.name.as_str())
                    .annotation(AnnotationKind::Primary.span(token_span(text, loc.column))),
            );
        }
        (Some((file, loc, text, ascii)), _, _) => {
            // A long line (minified JSON) is cropped around the column: shown whole for each of
            // its errors, it made the output quadratic in the line's length.
            group = group.element(
                Origin::path(file.name.as_str())
                    .line(loc.line)
                    .char_column(loc.column),
            );
            excerpt = Some(format!("near `{}`", crop(text, loc.column, ascii)));
        }
        (None, Some(loc), Some(origin)) => {
            group = group.element(Origin::path(origin).line(loc.line).char_column(loc.column));
        }
        (None, None, Some(origin)) => group = group.element(Origin::path(origin)),
        (None, _, None) => {}
    }
    if let Some(x) = &excerpt {
        group = group.element(Level::NOTE.message(x.as_str()));
    }
    let at = format!("at `{}`", p.path);
    if !p.path.is_empty() {
        group = group.element(Level::NOTE.message(at.as_str()));
    }
    if let Some(h) = p.help {
        group = group.element(Level::HELP.message(h));
    }
    let mut out = renderer().render(&[group]);
    out.push('\n');
    out
}

/// Longest line shown whole under an error; a longer one is cropped to [`CROP`] bytes either
/// side of the column.
const MAX_SHOWN_LINE: usize = 240;
const CROP: usize = 60;

/// Up to [`CROP`] bytes either side of the 1-based character `column` of a long `line`, on
/// character boundaries, with `…` where it was cut. Finding the column is a subtraction on an
/// ASCII line, so cropping costs no more than the excerpt.
fn crop(line: &str, column: usize, ascii: bool) -> String {
    let at = if ascii {
        column.saturating_sub(1).min(line.len())
    } else {
        line.char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
    };
    let mut start = at.saturating_sub(CROP);
    while !line.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = at.saturating_add(CROP).min(line.len());
    while !line.is_char_boundary(end) {
        end += 1;
    }
    format!(
        "{}{}{}",
        if start > 0 { "…" } else { "" },
        line.get(start..end).unwrap_or(""),
        if end < line.len() { "…" } else { "" }
    )
}

/// The stable JSON form of an error: `{ "error": { code, message, path, origin, line, column,
/// help } }`; absent values are `null`.
pub fn to_json(l: &Located) -> Value {
    let e = &l.error;
    json!({
        "error": {
            "code": e.code.as_str(),
            "message": e.message,
            "path": e.path,
            "origin": l.origin(),
            "line": e.location.map(|x| x.line),
            "column": e.location.map(|x| x.column),
            "help": e.help,
        }
    })
}

/// The byte range to underline in `line` for an error at 1-based character `column`: the token
/// that starts there (a quoted string, a bracketed flow collection, or a plain scalar up to the
/// next delimiter). Never empty unless the line is.
pub fn token_span(line: &str, column: usize) -> Range<usize> {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = line.get(start..).unwrap_or("");
    let len = match rest.chars().next() {
        None => 0,
        Some(q @ ('"' | '\'')) => quoted_len(rest, q),
        Some(open @ ('{' | '[')) => bracket_len(rest, open),
        Some(_) => plain_len(rest),
    };
    if len == 0 && start > 0 {
        // Past the end of the line: underline its last character.
        let prev = line.char_indices().last().map_or(0, |(i, _)| i);
        return prev..line.len();
    }
    start..start + len
}

fn quoted_len(rest: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote == '"' {
            escaped = true;
        } else if c == quote {
            return i + c.len_utf8();
        }
    }
    rest.trim_end().len()
}

fn bracket_len(rest: &str, open: char) -> usize {
    let close = if open == '{' { '}' } else { ']' };
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c == open => depth += 1,
            (None, c) if c == close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + c.len_utf8();
                }
            }
            _ => {}
        }
    }
    rest.trim_end().len()
}

fn plain_len(rest: &str) -> usize {
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let ends = match c {
            ',' | ']' | '}' => true,
            '#' => i > 0,
            ':' => next.is_none_or(|n| n == ' '),
            _ => false,
        };
        if ends {
            return rest.get(..i).map_or(i, |s| s.trim_end().len());
        }
    }
    rest.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn under(line: &str, column: usize) -> &str {
        line.get(token_span(line, column)).unwrap_or("")
    }

    #[test]
    fn a_plain_scalar_in_a_flow_map_ends_at_the_comma() {
        let line = "  - { subject: alice, role: operatoins, scope: org }";
        assert_eq!(under(line, 29), "operatoins");
    }

    #[test]
    fn a_block_key_ends_at_its_colon() {
        assert_eq!(under("  operatoins:", 3), "operatoins");
    }

    #[test]
    fn a_permission_keeps_its_inner_colon() {
        assert_eq!(
            under("requires: api_keys:manag # typo", 11),
            "api_keys:manag"
        );
    }

    #[test]
    fn a_quoted_json_string_is_underlined_with_its_quotes() {
        assert_eq!(under(r#"  "role": "ops\"x", "#, 11), r#""ops\"x""#);
    }

    #[test]
    fn a_flow_collection_is_underlined_to_its_matching_bracket() {
        let line = "  - { subject: a, context: { c: [x] } } # c";
        assert_eq!(under(line, 5), "{ subject: a, context: { c: [x] } }");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(under("label: é, role: x", 17), "x");
    }

    #[test]
    fn a_column_past_the_end_underlines_the_last_character() {
        assert_eq!(under("abc", 9), "c");
    }
}
