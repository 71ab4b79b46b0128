//! `rolecall snapshot`: one subject's client snapshot (SPEC 5) as pretty JSON.

use crate::diagnostics::Located;
use crate::input;
use std::path::PathBuf;
use std::process::ExitCode;

/// Print the client snapshot of one subject as JSON.
///
/// The snapshot is what a browser needs to decide for that subject: the policy hash, the
/// subject's own sources and only the scopes it can reach; nothing about other subjects. An
/// unknown subject gets an empty snapshot.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// The directory file (YAML or JSON).
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: PathBuf,
    /// Whose snapshot.
    #[arg(long, short = 's')]
    pub subject: String,
    /// Add the subject's prepared decisions, which a page answers from before its WebAssembly
    /// loads (`rolecall/decisions`; docs/format.md, "Prepared decisions").
    #[arg(long)]
    pub decisions: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let eval = input::evaluator(&args.policy, &args.directory)?;
    if args.decisions {
        let prepared = eval
            .prepared_snapshot(&args.subject)
            .map_err(|e| vec![Located::bare(e)])?;
        crate::outln!("{}", crate::check::json_of(&prepared));
    } else {
        crate::outln!("{}", crate::check::json_of(&eval.snapshot(&args.subject)));
    }
    Ok(ExitCode::SUCCESS)
}
