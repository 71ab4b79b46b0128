//! `rolecall diff`: what every subject gains and loses at every scope between two
//! (policy, directory) pairs, for an access review; readable text or JSON.

use crate::diagnostics::Located;
use crate::input;
use rolecall::AccessDiff;
use std::path::PathBuf;
use std::process::ExitCode;

/// Compare access before and after a change of policy or directory.
///
/// Lists, per subject and scope, the permissions (and single actions) gained (`+`) and lost
/// (`-`), grouped by subject: the evidence an access review needs. Permissions held only under a
/// context carry it: `refunds:manage [country: CL]`. Exits 0 whether or not anything changed,
/// 1 when an input does not load.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy and directory before the change.
    #[arg(long, num_args = 2, value_names = ["POLICY", "DIR"], required = true)]
    pub before: Vec<PathBuf>,
    /// The policy and directory after the change.
    #[arg(long, num_args = 2, value_names = ["POLICY", "DIR"], required = true)]
    pub after: Vec<PathBuf>,
    /// Print the diff (or the error) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, Vec<Located>> {
    let load = |v: &[PathBuf]| match v {
        [p, d] => input::evaluator(p, d),
        _ => Err(vec![crate::diagnostics::argument_error(
            "--before",
            "give a policy and a directory",
        )]),
    };
    let before = load(&args.before)?;
    let after = load(&args.after)?;
    let d = rolecall::diff(&before, &after);
    if args.json {
        crate::outln!("{}", crate::check::json_of(&d));
    } else {
        crate::out!("{}", text(&d));
    }
    Ok(ExitCode::SUCCESS)
}

/// Grouped by subject, then scope: `alice`, `  at org`, `    + refunds:manage`.
fn text(d: &AccessDiff) -> String {
    if d.changes.is_empty() {
        return "no access changes\n".to_owned();
    }
    let mut out = String::new();
    let mut subject: Option<&str> = None;
    let (mut gained, mut lost) = (0, 0);
    for c in &d.changes {
        if subject != Some(c.subject.as_str()) {
            out.push_str(&format!("{}\n", c.subject));
            subject = Some(&c.subject);
        }
        out.push_str(&format!("  at {}\n", c.scope));
        for g in &c.gained {
            out.push_str(&format!("    + {g}\n"));
        }
        for l in &c.lost {
            out.push_str(&format!("    - {l}\n"));
        }
        gained += c.gained.len();
        lost += c.lost.len();
    }
    let subjects = {
        let mut s: Vec<&str> = d.changes.iter().map(|c| c.subject.as_str()).collect();
        s.dedup();
        s.len()
    };
    out.push_str(&format!(
        "{subjects} subject(s) changed: {gained} gained, {lost} lost\n"
    ));
    out
}
