//! `rolecall filter`: the plan of the rows a subject may act on (docs/filter.md), as JSON, and
//! with `--sql` that plan as a PostgreSQL condition over the application's columns.

use crate::check::query_error;
use crate::diagnostics::{argument_error, Located};
use crate::input;
use rolecall::{Columns, Target, Timestamp};
use std::path::PathBuf;
use std::process::ExitCode;

/// Print the plan of the rows SUBJECT may do ACTION on (or hold PERMISSION on).
///
/// A row is matched exactly when its check allows, with the row's scope, context values and
/// resource attributes. `--context` fixes a dimension for every row; the others are read from
/// the row. With `--sql`, also the condition for a PostgreSQL `WHERE` over `--columns` (every
/// value a parameter). Exits 0, or 1 on an error.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["action", "permission"])))]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// The directory file (YAML or JSON).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: PathBuf,
    /// Whose rows (an unknown subject holds nothing).
    #[arg(long, short = 's')]
    pub subject: String,
    /// The action (`payments.refund`).
    #[arg(long, short = 'a')]
    pub action: Option<String>,
    /// One permission instead of an action (`payments:view`).
    #[arg(long, short = 'p')]
    pub permission: Option<String>,
    /// A context value fixed for every row (`country=CL`, or `country=*`); repeatable.
    #[arg(long = "context", short = 'c', value_name = "DIM=VALUE", value_parser = pair)]
    pub context: Vec<(String, String)>,
    /// The time, RFC 3339 (by default now: an expiring API key is judged by the clock).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Also print the plan as a PostgreSQL condition (needs --columns).
    #[arg(long, requires = "columns")]
    pub sql: bool,
    /// The columns, as JSON: `{"scope": "scope_id", "context": {"country": "country"},
    /// "resource": {"created_by": "created_by"}}` (docs/filter.md).
    #[arg(long, value_name = "JSON")]
    pub columns: Option<String>,
    /// Print `{"plan", "sql"}` (or the error) as one JSON object on stdout.
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
    let columns: Option<Columns> = match &args.columns {
        Some(text) => Some(
            rolecall::from_json(text)
                .map_err(|e| vec![argument_error("--columns", e.to_string())])?,
        ),
        None => None,
    };
    let eval = input::evaluator(&args.policy, &args.directory)?;
    let now = match &args.now {
        Some(t) => Some(Timestamp::parse(t).map_err(|m| vec![argument_error("--now", m)])?),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| Timestamp::from_millis(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))),
    };
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
    let context: Vec<(&str, &str)> = args
        .context
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let plan = eval
        .filter(&args.subject, target, &context, now)
        .map_err(|e| vec![query_error(e)])?;
    let sql = match (&columns, args.sql) {
        (Some(c), true) => Some(plan.to_sql(c).map_err(|e| vec![query_error(e)])?),
        _ => None,
    };
    if args.json {
        let out = serde_json::json!({ "plan": plan, "sql": sql });
        crate::outln!("{}", crate::check::json_of(&out));
        return Ok(ExitCode::SUCCESS);
    }
    crate::outln!("{}", crate::check::json_of(&plan));
    if let Some(sql) = sql {
        crate::outln!("WHERE {}", sql.text);
        for (i, v) in sql.values.iter().enumerate() {
            crate::outln!(
                "  ${} = {}",
                i + 1 + columns.as_ref().map_or(0, |c| c.offset),
                serde_json::to_string(v).unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
