//! Reading the files a command names and compiling them, keeping each file's text so that an
//! error can show the offending line.

use crate::diagnostics::{Located, SourceFile};
use rolecall::limits::MAX_INPUT_BYTES;
use rolecall::{Directory, Error, ErrorCode, Evaluator, Policy};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Errors a command stops on; the caller prints them and exits 1.
pub type Failure = Vec<Located>;

/// Reads a file as text.
pub fn read(path: &Path) -> Result<SourceFile, Located> {
    let name = path.display().to_string();
    match read_limited(path) {
        Ok(text) => Ok(SourceFile::new(name, text.into())),
        Err(mut e) => {
            e.message = format!("cannot read `{name}`: {}", e.message);
            e.origin = Some(name);
            Err(Located::bare(e))
        }
    }
}

/// Reads a file as UTF-8 text of at most [`MAX_INPUT_BYTES`], the core's input limit: a larger
/// file (or an endless one, `/dev/zero`) is refused with `limit_exceeded` after reading one byte
/// past the limit, never read whole. The error says why, and never quotes the content.
pub fn read_limited(path: &Path) -> Result<String, Error> {
    let io = |e: std::io::Error| Error::new(ErrorCode::Io, "", e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let too_large = || {
        Error::new(
            ErrorCode::LimitExceeded,
            "",
            format!("larger than the limit of {MAX_INPUT_BYTES} bytes"),
        )
    };
    let meta = file.metadata().map_err(io)?;
    if meta.is_file() && meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(too_large());
    }
    // A regular file's size is known; a device or a pipe (`/dev/zero`) may be endless. The
    // buffer is reserved once, at most one byte past the limit, so it never doubles on the way
    // (a doubling would hold twice the limit for a moment).
    let expected = if meta.is_file() {
        meta.len() as usize + 1
    } else {
        MAX_INPUT_BYTES + 1
    };
    let mut bytes = Vec::with_capacity(expected.min(MAX_INPUT_BYTES + 1));
    file.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| Error::new(ErrorCode::Io, "", "not UTF-8 text"))
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
