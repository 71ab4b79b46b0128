//! Reading the files a command names and compiling them, keeping each file's text so that an
//! error can show the offending line.

use crate::diagnostics::{io_error, Located, SourceFile};
use rolecall::{Directory, Evaluator, Policy};
use std::path::Path;
use std::sync::Arc;

/// Errors a command stops on; the caller prints them and exits 1.
pub type Failure = Vec<Located>;

/// Reads a file as text.
pub fn read(path: &Path) -> Result<SourceFile, Located> {
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(SourceFile {
            name,
            text: text.into(),
        }),
        Err(e) => Err(io_error(&name, &e)),
    }
}

/// Reads and compiles a policy, reporting every validation error.
pub fn policy(path: &Path) -> Result<(Policy, SourceFile), Failure> {
    let file = read(path).map_err(|e| vec![e])?;
    match Policy::parse_all(&file.text) {
        Ok(p) => Ok((p, file)),
        Err(errs) => Err(in_file(errs, &file)),
    }
}

/// Reads and compiles a directory for `policy`, reporting every validation error.
pub fn directory(policy: &Policy, path: &Path) -> Result<(Directory, SourceFile), Failure> {
    let file = read(path).map_err(|e| vec![e])?;
    match Directory::parse_all(policy, &file.text) {
        Ok(d) => Ok((d, file)),
        Err(errs) => Err(in_file(errs, &file)),
    }
}

/// A policy and a directory compiled into an evaluator.
pub fn evaluator(policy_path: &Path, directory_path: &Path) -> Result<Evaluator, Failure> {
    let (p, _) = policy(policy_path)?;
    let (d, _) = directory(&p, directory_path)?;
    Evaluator::new(Arc::new(p), d).map_err(|e| vec![Located::bare(e)])
}

fn in_file(errs: Vec<rolecall::Error>, file: &SourceFile) -> Failure {
    errs.into_iter()
        .map(|e| Located::new(e, Some(file)))
        .collect()
}
