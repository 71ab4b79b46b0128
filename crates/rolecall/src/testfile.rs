//! Policy test files (SPEC section 6): users' own tests of their policies. The runner is a
//! library function so the CLI, the Rust tests and the JS tests run the same files the same way;
//! reading the referenced policy and directory is left to a caller-supplied loader (the core does
//! no I/O).

use crate::de::from_node;
use crate::error::first;
use crate::error::{did_you_mean, Error, ErrorCode};
use crate::eval::{Decision, Evaluator};
use crate::model::{CaseDoc, Expect};
use crate::policy::Policy;
use crate::tree::{self, Node, NodeKind};
use crate::Directory;
use serde::Serialize;
use std::sync::Arc;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The case's name, or `case N`.
    pub name: String,
    /// Its index in `cases`.
    pub index: usize,
    /// Its line in the test file.
    pub line: usize,
    /// Whether the actual outcome matched.
    pub passed: bool,
    /// `allow`, `deny (missing_permission)`, `error (unknown_action)`.
    pub expected: String,
    /// The same form, for what happened, with the message.
    pub actual: String,
}

/// The outcome of one test file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// Every case, in order.
    pub cases: Vec<CaseResult>,
}

impl TestReport {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// Runs a policy test file. `load` reads a path named by the file (relative to it: the caller
/// resolves it) and returns its text or a message.
///
/// # Errors
/// When the file, its policy or its directory does not load: the first error, with its origin
/// and location. A case whose outcome differs from its expectation is not an error: it is a
/// failed [`CaseResult`].
pub fn run_test_file(
    text: &str,
    load: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<TestReport, Error> {
    let node = tree::parse(text)?;
    let NodeKind::Map(entries) = &node.kind else {
        return Err(Error::new(
            ErrorCode::InvalidValue,
            "",
            "a test file is a map with `policy`, `directory` and `cases`",
        ));
    };
    for (k, _) in entries {
        let key = k.scalar_text().unwrap_or("");
        if !["policy", "directory", "cases"].contains(&key) {
            let mut e = Error::new(
                ErrorCode::UnknownField,
                key,
                format!("unknown field `{key}`"),
            );
            e.location = Some(k.loc);
            return Err(match did_you_mean(key, ["policy", "directory", "cases"]) {
                Some(h) => e.with_help(h),
                None => e,
            });
        }
    }
    let field = |name: &str| -> Result<&Node, Error> {
        node.get(name).ok_or_else(|| {
            let mut e = Error::new(
                ErrorCode::MissingField,
                "",
                format!("missing field `{name}`"),
            );
            e.location = Some(node.loc);
            e
        })
    };
    let policy = match &field("policy")?.kind {
        NodeKind::Scalar { text: path, .. } => {
            let t = load(path)
                .map_err(|m| io_error("policy", field("policy").map(|n| n.loc).ok(), path, &m))?;
            Policy::parse(&t).map_err(|e| e.with_origin(path))?
        }
        _ => Policy::from_node(field("policy")?).map_err(|e| first(e).under("policy"))?,
    };
    let directory = match &field("directory")?.kind {
        NodeKind::Scalar { text: path, .. } => {
            let t = load(path).map_err(|m| {
                io_error(
                    "directory",
                    field("directory").map(|n| n.loc).ok(),
                    path,
                    &m,
                )
            })?;
            Directory::parse(&policy, &t).map_err(|e| e.with_origin(path))?
        }
        _ => Directory::from_node(&policy, field("directory")?)
            .map_err(|e| first(e).under("directory"))?,
    };
    let eval = Evaluator::new(Arc::new(policy), directory)?;
    let cases_node = field("cases")?;
    let cases: Vec<CaseDoc> = from_node(cases_node).map_err(|e| e.under("cases"))?;
    let lines: Vec<usize> = match &cases_node.kind {
        NodeKind::Seq(items) => items.iter().map(|n| n.loc.line).collect(),
        _ => Vec::new(),
    };
    let results = cases
        .iter()
        .enumerate()
        .map(|(i, c)| run_case(&eval, c, i, lines.get(i).copied().unwrap_or(0)))
        .collect();
    Ok(TestReport { cases: results })
}

fn io_error(field: &str, loc: Option<crate::Location>, path: &str, message: &str) -> Error {
    let mut e = Error::new(
        ErrorCode::Io,
        field,
        format!("cannot read `{path}`: {message}"),
    );
    e.location = loc;
    e
}

fn run_case(eval: &Evaluator, c: &CaseDoc, index: usize, line: usize) -> CaseResult {
    let name = c
        .name
        .clone()
        .unwrap_or_else(|| format!("case {}", index + 1));
    let expected = match &c.reason {
        Some(r) => format!("{} ({r})", c.expect.as_str()),
        None => c.expect.as_str().to_owned(),
    };
    let fail = |actual: String| CaseResult {
        name: name.clone(),
        index,
        line,
        passed: false,
        expected: expected.clone(),
        actual,
    };
    if let Some(r) = &c.reason {
        if !crate::codes::case_codes().any(|code| code == r.as_str()) {
            let hint = did_you_mean(r, crate::codes::case_codes()).unwrap_or_default();
            return fail(format!("the case names an unknown reason `{r}` {hint}"));
        }
    }
    let kinds = [
        c.query.is_some(),
        c.assign.is_some(),
        c.revoke.is_some(),
        c.copy.is_some(),
        c.define.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return fail(
            "a case needs exactly one of `query`, `assign`, `revoke`, `copy`, `define`".to_owned(),
        );
    }
    let outcome: Result<Decision, Error> = if let Some(q) = &c.query {
        eval.check_doc(q)
    } else if let Some(a) = &c.assign {
        eval.can_assign(a)
    } else if let Some(a) = &c.revoke {
        eval.can_revoke(a)
    } else if let Some(cp) = &c.copy {
        eval.can_copy(cp)
    } else if let Some(d) = &c.define {
        eval.can_define_role(d)
    } else {
        return fail("empty case".to_owned());
    };
    let (passed, actual) = match &outcome {
        Ok(d) => {
            let got = if d.allowed {
                Expect::Allow
            } else {
                Expect::Deny
            };
            let ok = got == c.expect && c.reason.as_ref().is_none_or(|r| r == d.reason.as_str());
            (
                ok,
                format!("{} ({}): {}", got.as_str(), d.reason.as_str(), d.message),
            )
        }
        Err(e) => {
            let ok =
                c.expect == Expect::Error && c.reason.as_ref().is_none_or(|r| r == e.code.as_str());
            (ok, format!("error ({}): {}", e.code.as_str(), e.message))
        }
    };
    CaseResult {
        name,
        index,
        line,
        passed,
        expected,
        actual,
    }
}
