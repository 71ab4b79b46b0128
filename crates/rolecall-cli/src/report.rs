//! `rolecall report`: the access-review export, every permission each subject's sources grant,
//! as CSV (for auditors' spreadsheets) or JSON.

use crate::diagnostics::{io_error, Located};
use crate::input;
use std::path::PathBuf;
use std::process::ExitCode;

/// Export who holds what, for an access review.
///
/// One row per subject, source and permission (or single action) the source grants: subject,
/// kind (`user` or `api_key`), the scope the source was given at (it covers that scope's
/// subtree), permission, source (`role operations (assignment 0)`, `direct grant 1`, `API key of
/// bob`) and context. Subjects by id; CSV fields that start like a formula are prefixed with `'`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// The directory file (YAML or JSON).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: PathBuf,
    /// `csv` or `json`.
    #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
    pub format: String,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let eval = input::evaluator(&args.policy, &args.directory)?;
    let rows = eval.access_report();
    let text = if args.format == "json" {
        format!("{}\n", crate::check::json_of(&rows))
    } else {
        rolecall::access_report_csv(&rows)
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| vec![io_error(&path.display().to_string(), &e)])?,
        None => crate::out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
