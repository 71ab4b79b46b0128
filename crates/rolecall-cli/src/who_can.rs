//! `rolecall who-can`: every subject allowed an action (or one permission) at a scope, each with
//! the sources that allow it, and those denied only by a context or an `except`; text or JSON.

use crate::check::{query_error, source_text};
use crate::diagnostics::Located;
use crate::input;
use crate::query_args::QueryArgs;
use rolecall::{Evaluator, Holder, Timestamp};
use std::path::PathBuf;
use std::process::ExitCode;

/// List who may do ACTION (or hold PERMISSION) in SCOPE, and through what.
///
/// Lists every subject (users and API keys) whose `check` allows there, each with the sources
/// that allow it (an assignment's role and the scope it was given at, a direct grant, an API key
/// and its owner), then, for review, the subjects denied only by a context or by an `except`.
/// Without --resource an action's `distinct_from` is not checked. Exits 0, or 1 on an error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// The directory file (YAML or JSON).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: PathBuf,
    /// The action or permission, the scope, the context, a resource, the time (by default now:
    /// expiring API keys are judged by the clock).
    #[command(flatten)]
    pub query: QueryArgs,
    /// Print the answer (or the error) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let eval = input::evaluator(&args.policy, &args.directory)?;
    // "Who can, today?": an expiring key is judged by the clock unless told otherwise.
    let now = args.query.now()?.or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| Timestamp::from_millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)))
    });
    let q = &args.query;
    let answer = eval
        .who_can(q.target()?, &q.scope, &q.context(), &q.resource(), now)
        .map_err(|e| vec![query_error(e)])?;
    if args.json {
        crate::outln!("{}", crate::check::json_of(&answer));
        return Ok(ExitCode::SUCCESS);
    }
    if answer.allowed.is_empty() {
        crate::outln!("nobody is allowed");
    }
    for h in &answer.allowed {
        crate::out!("{}", holder_text(&eval, h));
    }
    if !answer.review.is_empty() {
        crate::outln!("denied only by a context or an except:");
        for h in &answer.review {
            crate::out!("{}", holder_text(&eval, h));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `alice`, or `key_ci (API key of bob)`, then one line per source; a review entry says what
/// denies it.
fn holder_text(eval: &Evaluator, h: &Holder) -> String {
    let mut out = h.subject.clone();
    if let Some(owner) = &h.owner {
        out.push_str(&format!(" (API key of {owner})"));
    }
    if let Some(why) = h.denied_by {
        out.push_str(&format!(" [{why}]"));
    }
    out.push('\n');
    for s in &h.sources {
        out.push_str(&format!("  via {}", source_text(eval, &s.source)));
        if let Some(c) = &s.context {
            out.push_str(&format!(" [{c}]"));
        }
        out.push('\n');
    }
    out
}
