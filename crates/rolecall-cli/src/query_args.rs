//! The flags a question about one action needs, shared by `check` and `who-can`: the action or
//! permission, the scope, the context, the resource and the time.

use crate::diagnostics::{argument_error, Located};
use rolecall::{Target, Timestamp};

/// What is asked and where.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["action", "permission"])))]
pub struct QueryArgs {
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
}

impl QueryArgs {
    /// The action or the permission.
    pub fn target(&self) -> Result<Target<'_>, Vec<Located>> {
        match (&self.action, &self.permission) {
            (Some(a), _) => Ok(Target::Action(a)),
            (None, Some(p)) => Ok(Target::Permission(p)),
            (None, None) => Err(vec![argument_error(
                "--action",
                "give --action or --permission",
            )]),
        }
    }

    /// `--now`, parsed.
    pub fn now(&self) -> Result<Option<Timestamp>, Vec<Located>> {
        match &self.now {
            Some(t) => Ok(Some(
                Timestamp::parse(t).map_err(|m| vec![argument_error("--now", m)])?,
            )),
            None => Ok(None),
        }
    }

    /// `--context` as pairs.
    pub fn context(&self) -> Vec<(&str, &str)> {
        pairs(&self.context)
    }

    /// `--resource` as pairs.
    pub fn resource(&self) -> Vec<(&str, &str)> {
        pairs(&self.resource)
    }
}

fn pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
