//! `rolecall check`: one decision, as text (`allow`/`deny`, the reason code, the message) or as
//! JSON. Exit 0 on allow, 2 on deny, 1 on input errors.

use crate::diagnostics::Located;
use crate::input;
use crate::query_args::QueryArgs;
use rolecall::{Decision, Evaluator, Query, SourceKind};
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit status of a deny.
pub const DENIED: u8 = 2;

/// Decide one query: may SUBJECT do ACTION (or hold PERMISSION) in SCOPE?
///
/// Prints `allow` or `deny`, the reason code and the one-line message, then the sources that
/// granted it or the permissions missing. Exits 0 on allow, 2 on deny, 1 on an error (an unknown
/// action, scope or dimension, a missing resource attribute, an invalid policy or directory).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// The directory file (YAML or JSON).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: PathBuf,
    /// Who asks (an unknown subject holds nothing).
    #[arg(long, short = 's')]
    pub subject: String,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Explain the decision: which assignment, role, scope or grant allowed it, or what is
    /// missing and the nearest thing the subject holds.
    #[arg(long)]
    pub explain: bool,
    /// Print the decision (or the error) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let eval = input::evaluator(&args.policy, &args.directory)?;
    let now = args.query.now()?;
    let context = args.query.context();
    let resource = args.query.resource();
    let target = args.query.target()?;
    let query = Query {
        subject: &args.subject,
        target,
        scope: &args.query.scope,
        context: &context,
        resource: &resource,
        now,
    };
    let decision = if args.explain {
        crate::explain::run(&eval, &query, args.json)?
    } else {
        let d = eval.check(&query).map_err(|e| vec![query_error(e)])?;
        if args.json {
            crate::outln!("{}", json_of(&d));
        } else {
            crate::out!("{}", text(&eval, &d));
        }
        d
    };
    Ok(if decision.allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(DENIED)
    })
}

/// A query error names the query field it is about; on the command line that is a flag.
pub fn query_error(mut e: rolecall::Error) -> Located {
    // `context.region` is the `--context` flag; the message names the dimension.
    if let Some(head) = e.path.split(['.', '[']).next().filter(|h| !h.is_empty()) {
        e.path = format!("--{head}");
    }
    Located::bare(e)
}

/// A value as pretty JSON (the core's serialized [`Decision`] or trace).
pub fn json_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// `allow (granted): message` or `deny (reason): message`, then one line per granting source or
/// missing permission.
pub fn text(eval: &Evaluator, d: &Decision) -> String {
    let mut out = verdict(d);
    for s in &d.sources {
        out.push_str(&format!("  granted by {}\n", source_text(eval, s)));
    }
    for m in &d.missing {
        out.push_str(&format!("  missing {m}\n"));
    }
    out
}

/// `allow (granted): message` or `deny (reason): message`, one line.
pub fn verdict(d: &Decision) -> String {
    let word = if d.allowed { "allow" } else { "deny" };
    format!("{word} ({}): {}\n", d.reason.as_str(), d.message)
}

/// `assignment #2 (role operations at org)`, `grant #0 (refunds:manage at acme-cl)`,
/// `API key key_ci (at org)`.
pub fn source_text(eval: &Evaluator, s: &rolecall::GrantSource) -> String {
    let doc = eval.directory().doc();
    match s.kind {
        SourceKind::Assignment => format!(
            "assignment #{} (role {} at {})",
            s.index,
            s.role.as_deref().unwrap_or("?"),
            s.scope
        ),
        SourceKind::Grant => {
            let what = doc.grants.get(s.index).and_then(|g| {
                g.permission
                    .as_deref()
                    .or(g.action.as_deref())
                    .map(str::to_owned)
            });
            format!(
                "grant #{} ({} at {})",
                s.index,
                what.as_deref().unwrap_or("?"),
                s.scope
            )
        }
        SourceKind::ApiKey => {
            let id = doc.api_keys.get(s.index).map_or("?", |k| k.id.0.as_str());
            format!("API key {id} (at {})", s.scope)
        }
    }
}
