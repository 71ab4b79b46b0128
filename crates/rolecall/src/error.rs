//! Errors as values: a SPEC code, a lowercase message, the path in the document and, for text
//! input, the line and column. Every public fallible function returns [`Error`]; nothing panics.
//! Also the helpers every compiling module builds its errors with: unknown names with their
//! "did you mean" hints, name checks, permission errors before they have a path, and locating
//! an error's path in the parsed text.

use crate::codes::code_enum;
use crate::limits;
use crate::names::is_name;
use std::fmt;

crate::error_codes! { code_enum! {
    /// The machine-readable kind of an [`Error`]. The string forms (`unknown_action`, ...) are the
    /// codes of SPEC sections 2 and 3, listed once in `codes.rs`, and are stable across Rust,
    /// WebAssembly and the CLI.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum ErrorCode
} }

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position in text input: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// One problem with an input: what (code, message), where (path, location) and a hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// Where in the document: `roles.operations.includes[0]`; empty for the whole input.
    pub path: String,
    /// The line and column, when the input was text.
    pub location: Option<Location>,
    /// A suggestion ("did you mean `operations`?").
    pub help: Option<String>,
    /// Which input the error is in (`policy`, `directory`, a file name, ...), when known.
    pub origin: Option<String>,
}

impl Error {
    /// A new error at `path` (no location yet).
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            path: path.into(),
            location: None,
            help: None,
            origin: None,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the input the error is in, unless it already names one.
    pub fn with_origin(mut self, origin: &str) -> Self {
        if self.origin.is_none() {
            self.origin = Some(origin.to_owned());
        }
        self
    }

    /// Prefixes the path (an inline policy inside a test file lives under `policy.`).
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = join_path(prefix, &self.path);
        self
    }

    fn render(&self) -> String {
        let mut s = String::new();
        if let Some(o) = &self.origin {
            s.push_str(o);
            if let Some(l) = self.location {
                s.push_str(&format!(":{}:{}", l.line, l.column));
            }
            s.push_str(": ");
        } else if let Some(l) = self.location {
            s.push_str(&format!("line {}, column {}: ", l.line, l.column));
        }
        s.push_str(&self.message);
        if !self.path.is_empty() {
            s.push_str(&format!(" (at `{}`)", self.path));
        }
        if let Some(h) = &self.help {
            s.push_str(&format!("; {h}"));
        }
        s
    }
}

/// Joins two path parts: `roles` + `admin` = `roles.admin`, `assignments` + `[3]` = `assignments[3]`.
pub(crate) fn join_path(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_owned()
    } else if rest.is_empty() {
        prefix.to_owned()
    } else if rest.starts_with('[') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}.{rest}")
    }
}

/// The first errors of one input that always get a "did you mean" hint, however many names
/// there are to compare with.
pub(crate) const ALWAYS_HINTED: usize = 10;

/// Beyond [`ALWAYS_HINTED`], the `n`th error of an input (counting from 1) gets a hint only while
/// `n` × the number of names to compare with stays within this many comparisons. A thousand
/// unknown scopes among a thousand scopes all get their hint; a hundred thousand among a
/// hundred thousand do not cost ten billion comparisons: hints cost at most
/// `ALWAYS_HINTED` × names + `HINT_WORK` × (1 + ln errors) comparisons in all.
pub(crate) const HINT_WORK: usize = 1 << 22;

/// Whether the error about to be added after `nth` others (0-based: `errs.len()`) gets a
/// hint computed against `candidates` names. The first errors keep exactly the hint they had.
pub(crate) fn hint_allowed(nth: usize, candidates: usize) -> bool {
    nth < ALWAYS_HINTED || nth.saturating_add(1).saturating_mul(candidates) <= HINT_WORK
}

/// Most character pairs one "did you mean" hint compares (the word's length × the candidates'
/// lengths, summed): a few milliseconds at most, whatever the word and however many names there
/// are. Past it the candidates not yet compared are skipped, so the hint may be missing, never
/// slow.
pub(crate) const HINT_BUDGET: usize = 1 << 22;

/// The closest candidate to `word`, if it is close enough to be a likely typo. A word longer
/// than any name or id gets none (it cannot be a typo of one), and the comparisons stop at
/// [`HINT_BUDGET`].
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    if word.len() > limits::MAX_ID_LEN {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    let mut work = 0usize;
    for c in candidates {
        work = work.saturating_add(word.len().max(1).saturating_mul(c.len().max(1)));
        if work > HINT_BUDGET {
            break;
        }
        let score = strsim::jaro_winkler(word, c);
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Checks a policy name (SPEC section 1): at most [`limits::MAX_NAME_LEN`] bytes, lowercase
/// letters, digits and `_`, starting with a letter.
pub(crate) fn check_name(name: &str, path: &str, errs: &mut Vec<Error>) {
    if name.len() > limits::MAX_NAME_LEN {
        errs.push(Error::new(
            ErrorCode::LimitExceeded,
            path,
            format!(
                "a name is at most {} bytes, and this one has {}",
                limits::MAX_NAME_LEN,
                name.len()
            ),
        ));
    } else if !is_name(name) {
        errs.push(
            Error::new(
                ErrorCode::InvalidValue,
                path,
                format!("`{name}` is not a valid name"),
            )
            .with_help("names are lowercase letters, digits and `_`, starting with a letter"),
        );
    }
}

/// The error for a list longer than its documented limit (`at most 256 roles` at `roles`), or
/// `None` within it. The callers then read only the first `max` items.
pub(crate) fn over_limit(path: &str, len: usize, max: usize, what: &str) -> Option<Error> {
    (len > max).then(|| {
        Error::new(
            ErrorCode::LimitExceeded,
            path,
            format!("at most {max} {what}"),
        )
    })
}

/// The error for a name or id in a query longer than `max` bytes: refused by its length before
/// any lookup or hint, and never quoted (it may be megabytes).
pub(crate) fn too_long(path: &str, what: &str, len: usize, max: usize) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!("{what} is at most {max} bytes, and this one has {len}"),
    )
}

/// The error for a directory id that breaks SPEC's id rule (too long, or with control
/// characters).
pub(crate) fn bad_id(path: &str, id: &str) -> Error {
    if id.len() > limits::MAX_ID_LEN {
        return Error::new(
            ErrorCode::LimitExceeded,
            path,
            format!(
                "an id is at most {} bytes, and this one has {}",
                limits::MAX_ID_LEN,
                id.len()
            ),
        );
    }
    Error::new(
        ErrorCode::InvalidValue,
        path,
        format!("`{id}` is not a valid id"),
    )
    .with_help(format!(
        "ids are 1 to {} bytes without control characters",
        limits::MAX_ID_LEN
    ))
}

/// An unknown name, with a "did you mean" hint among `known` when the error, the `nth` of its
/// input (`errs.len()`), may still have one (see [`hint_allowed`]).
pub(crate) fn unknown<'a>(
    code: ErrorCode,
    path: &str,
    what: &str,
    name: &str,
    known: impl ExactSizeIterator<Item = &'a str>,
    nth: usize,
) -> Error {
    let e = Error::new(code, path, format!("unknown {what} `{name}`"));
    if !hint_allowed(nth, known.len()) {
        return e;
    }
    match did_you_mean(name, known) {
        Some(h) => e.with_help(h),
        None => e,
    }
}

/// A problem with a permission or a pattern, before it is placed at a path.
#[derive(Debug, Clone)]
pub(crate) struct PermError {
    pub code: ErrorCode,
    pub message: String,
    pub help: Option<String>,
}

impl PermError {
    pub(crate) fn new(code: ErrorCode, message: String) -> Self {
        PermError {
            code,
            message,
            help: None,
        }
    }

    /// The error at `path` in a document.
    pub fn at(self, path: &str) -> Error {
        let e = Error::new(self.code, path, self.message);
        match self.help {
            Some(h) => e.with_help(h),
            None => e,
        }
    }
}

/// The first of an input's errors, for the functions that report one.
pub(crate) fn first(mut errs: Vec<Error>) -> Error {
    if errs.is_empty() {
        Error::new(ErrorCode::InvalidValue, "", "invalid input")
    } else {
        errs.swap_remove(0)
    }
}

/// `Result` with rolecall's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
