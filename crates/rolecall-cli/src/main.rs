//! The `rolecall` command line: parses arguments and hands each command to its module. Exit
//! status: 0 success (or allow), 1 an error in the input or the arguments (or a failing test),
//! 2 a deny from `check`.

mod check;
mod codegen;
mod diagnostics;
mod diff;
mod docs;
mod explain;
mod filter;
mod input;
mod lint;
mod output;
mod query_args;
mod report;
mod schema;
mod smells;
mod snapshot;
mod testcmd;
mod who_can;

use clap::{Parser, Subcommand};
use diagnostics::{render, to_json, Located};
use std::process::ExitCode;

/// Permission evaluator for business dashboards: may this subject do this action in this scope,
/// and why?
///
/// Exit status: 0 on success (and on allow), 1 on an error in the input or the arguments (and
/// when a policy test fails), 2 when `check` denies.
#[derive(Debug, Parser)]
#[command(name = "rolecall", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Lint(lint::Args),
    Check(check::Args),
    Test(testcmd::Args),
    Diff(diff::Args),
    Snapshot(snapshot::Args),
    Codegen(codegen::Args),
    Schema(schema::Args),
    Docs(docs::Args),
    WhoCan(who_can::Args),
    Filter(filter::Args),
    Report(report::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` are not errors; a usage error exits 1 like any other
            // input error, so that 2 always means "denied".
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match &cli.command {
        Command::Lint(a) => lint::run(a),
        Command::Check(a) => finish(check::run(a), a.json),
        Command::Test(a) => testcmd::run(a),
        Command::Diff(a) => finish(diff::run(a), a.json),
        Command::Snapshot(a) => finish(snapshot::run(a), false),
        Command::Codegen(a) => finish(codegen::run(a), false),
        Command::Schema(a) => finish(schema::run(a), false),
        Command::Docs(a) => finish(docs::run(a), false),
        Command::WhoCan(a) => finish(who_can::run(a), a.json),
        Command::Filter(a) => finish(filter::run(a), a.json),
        Command::Report(a) => finish(report::run(a), false),
    }
}

/// Prints a command's errors (as diagnostics on stderr, or as one JSON object on stdout) and
/// turns the outcome into the exit status.
fn finish(outcome: Result<ExitCode, Vec<Located>>, json: bool) -> ExitCode {
    match outcome {
        Ok(code) => code,
        Err(errs) => {
            if json {
                if let Some(first) = errs.first() {
                    crate::outln!("{}", to_json(first));
                }
            } else {
                for e in &errs {
                    eprint!("{}", render(e));
                }
            }
            ExitCode::FAILURE
        }
    }
}
