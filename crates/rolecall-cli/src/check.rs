//! `rolecall check`: one decision, as text (`allow`/`deny`, the reason code, the message) or as
//! JSON. Exit 0 on allow, 2 on deny, 1 on input errors.

use crate::diagnostics::{argument_error, Located};
use crate::input;
use rolecall::{Decision, Evaluator, Query, SourceKind, Target, Timestamp};
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
#[command(group(clap::ArgGroup::new("target").required(true).args(["action", "permission"])))]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// The directory file (YAML or JSON).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: PathBuf,
    /// Who asks (an unknown subject holds nothing).
    #[arg(long, short = 's')]
    pub subject: String,
    /// The action (`transfers.approve`).
    #[arg(long, short = 'a')]
    pub action: Option<String>,
    /// One permission instead of an action (`transfers:authorize`).
    #[arg(long, short = 'p')]
    pub permission: Option<String>,
    /// The scope id.
    #[arg(long)]
    pub scope: String,
    /// A context value (`country=CL`, or `country=*` for any value); repeatable.
    #[arg(long = "context", short = 'c', value_name = "DIM=VALUE", value_parser = pair)]
    pub context: Vec<(String, String)>,
    /// A resource attribute (`created_by=bob`); repeatable.
    #[arg(long = "resource", short = 'r', value_name = "ATTR=VALUE", value_parser = pair)]
    pub resource: Vec<(String, String)>,
    /// The time of the query, RFC 3339 (`2026-01-31T12:00:00Z`); needed for expiring API keys.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Explain the decision: which assignment, role, scope or grant allowed it, or what is
    /// missing and the nearest thing the subject holds.
    #[arg(long)]
    pub explain: bool,
    /// Print the decision (or the error) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

fn pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let eval = input::evaluator(&args.policy, &args.directory)?;
    let now = match &args.now {
        Some(t) => Some(Timestamp::parse(t).map_err(|m| vec![argument_error("--now", m)])?),
        None => None,
    };
    let context = pairs(&args.context);
    let resource = pairs(&args.resource);
    let target = match (&args.action, &args.permission) {
        (Some(a), _) => Target::Action(a),
        (None, Some(p)) => Target::Permission(p),
        (None, None) => {
            return Err(vec![argument_error(
                "--action",
                "give --action or --permission",
            )])
        }
    };
    let query = Query {
        subject: &args.subject,
        target,
        scope: &args.scope,
        context: &context,
        resource: &resource,
        now,
    };
    let decision = if args.explain {
        crate::explain::run(&eval, &query, args.json)?
    } else {
        let d = eval.check(&query).map_err(|e| vec![query_error(e)])?;
        if args.json {
            println!("{}", json_of(&d));
        } else {
            print!("{}", text(&eval, &d));
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

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
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
