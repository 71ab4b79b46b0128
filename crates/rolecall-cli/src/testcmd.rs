//! `rolecall test`: runs policy test files (SPEC 6) with the core's runner, one line per failing
//! case, then exactly `N passed, N failed`.

use crate::diagnostics::{render, Located, SourceFile};
use crate::input;
use rolecall::testfile::run_test_file;
use rolecall::{Error, ErrorCode};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Run policy test files.
///
/// Each FILE is a policy test file (YAML or JSON with `policy`, `directory` and `cases`); the
/// paths it names are relative to its own folder. A directory stands for every `*.yaml`, `*.yml`
/// and `*.json` file under it whose top level has `cases`. Prints
/// `FILE:LINE: NAME: expected X, got Y` for each failing case, a diagnostic for each file that
/// does not load (counted as one failure), and ends with the line `N passed, N failed`. Exits 1
/// when anything failed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Test files or directories of test files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

pub fn run(args: &Args) -> ExitCode {
    let mut tally = Tally::default();
    for arg in &args.files {
        if arg.is_dir() {
            let files = test_files_under(arg);
            if files.is_empty() {
                let mut e = Error::new(ErrorCode::Io, "", "no policy test files in this directory")
                    .with_help("a test file is a `.yaml`, `.yml` or `.json` file with `cases`");
                e.origin = Some(arg.display().to_string());
                eprint!("{}", render(&Located::bare(e)));
                tally.failed += 1;
            }
            for f in files {
                run_file(&f, &mut tally);
            }
        } else {
            run_file(arg, &mut tally);
        }
    }
    crate::outln!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_file(path: &Path, tally: &mut Tally) {
    let file = match input::read(path) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{}", render(&e));
            tally.failed += 1;
            return;
        }
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    // Keep what the loader read so an error in a referenced file can show its line.
    let mut loaded: HashMap<String, SourceFile> = HashMap::new();
    let mut load = |name: &str| -> Result<String, String> {
        let full = tidy(&folder.join(name));
        let text = input::read_limited(&full).map_err(|e| e.message)?;
        loaded.insert(
            name.to_owned(),
            SourceFile::new(full.display().to_string(), text.as_str().into()),
        );
        Ok(text)
    };
    match run_test_file(&file.text, &mut load) {
        Ok(report) => {
            for c in report.cases.iter().filter(|c| !c.passed) {
                crate::outln!(
                    "{}:{}: {}: expected {}, got {}",
                    file.name,
                    c.line,
                    c.name,
                    c.expected,
                    c.actual
                );
            }
            tally.passed += report.passed();
            tally.failed += report.failed();
        }
        Err(e) => {
            let located = match &e.origin {
                Some(o) => {
                    // A named file that is not a document at all (`/etc/passwd`) is not quoted:
                    // its error says where, not what is written there. A mistake inside a
                    // document (a path below its top level) keeps its line.
                    let in_document = e.path.contains(['.', '[']);
                    let source = loaded.remove(o);
                    let mut e = e;
                    if e.path.is_empty() {
                        e.message = "not a rolecall document (a YAML or JSON map)".to_owned();
                        e.help = None;
                    }
                    Located::new(e, source.as_ref()).quoting(in_document)
                }
                None => Located::new(e, Some(&file)),
            };
            eprint!("{}", render(&located));
            tally.failed += 1;
        }
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system (so names stay as the user wrote
/// them, relative when they were).
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// Every test file under `dir`, sorted; hidden folders, `target` and `node_modules` skipped.
fn test_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    stack.push(p);
                }
            } else if is_test_file(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn is_test_file(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(ext, "yaml" | "yml" | "json")
        && input::read_limited(p).is_ok_and(|t| rolecall::locate_key(&t, "cases").is_some())
}
