//! `rolecall lint`: every validation error of a policy (and optionally a directory) at once, then
//! warnings for smells. Exit 1 on errors; warnings alone exit 0.

use crate::diagnostics::{render, render_warning};
use crate::{input, smells};
use std::path::PathBuf;
use std::process::ExitCode;

/// Validate a policy (and a directory) and warn about likely mistakes.
///
/// Prints every validation error at once, each with its file, line and column, the offending
/// line underlined and a hint; then a warning for each smell: a resource no action requires, a
/// role that grants nothing, an action no role can reach, a declared level no role grants.
/// Exits 1 when there is an error, 0 otherwise (warnings alone exit 0).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy file (YAML or JSON).
    pub policy: PathBuf,
    /// Also validate this directory file against the policy.
    #[arg(long, short = 'd', value_name = "DIR")]
    pub directory: Option<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    let (policy, file) = match input::policy(&args.policy) {
        Ok(x) => x,
        Err(errs) => return report(&errs, 0),
    };
    let warnings = smells::find(&policy, &file.text);
    for w in &warnings {
        eprint!("{}", render_warning(w, &file));
    }
    if let Some(dir) = &args.directory {
        if let Err(errs) = input::directory(&policy, dir) {
            return report(&errs, warnings.len());
        }
    }
    eprintln!("{}", summary(0, warnings.len()));
    ExitCode::SUCCESS
}

fn report(errs: &[crate::diagnostics::Located], warnings: usize) -> ExitCode {
    for e in errs {
        eprint!("{}", render(e));
    }
    eprintln!("{}", summary(errs.len(), warnings));
    ExitCode::FAILURE
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
