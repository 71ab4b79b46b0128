//! Helpers shared by the CLI tests: the binary, run from the fixtures folder so that file names in
//! its output are short and stable.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::PathBuf;

/// The folder of the test fixtures.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root (for `examples/`).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `rolecall ARGS...` run in the fixtures folder, without colors.
pub fn rolecall(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.current_dir(fixtures()).env("NO_COLOR", "1").args(args);
    cmd
}

/// The output of a finished command as text: (status code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = rolecall(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
