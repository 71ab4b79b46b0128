//! `--help` documents every command and its flags; `--version` prints the version.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;

#[test]
fn every_command_has_help_that_names_its_arguments() {
    let cases: [(&[&str], &[&str]); 8] = [
        (&["lint"], &["POLICY", "--directory"]),
        (
            &["check"],
            &[
                "--subject",
                "--action",
                "--permission",
                "--scope",
                "--context",
                "--resource",
                "--now",
                "--explain",
                "--json",
                "Exits 0 on allow, 2 on deny, 1",
            ],
        ),
        (&["test"], &["FILE", "N passed, N failed"]),
        (&["diff"], &["--before", "--after", "--json"]),
        (&["snapshot"], &["--directory", "--subject"]),
        (&["codegen"], &["ts"]),
        (&["codegen", "ts"], &["POLICY", "--output", "never"]),
        (&["schema"], &["policy", "directory", "test", "$defs"]),
    ];
    for (cmd, words) in cases {
        let mut args = cmd.to_vec();
        args.push("--help");
        let (code, out, _) = run(&args);
        assert_eq!(code, 0, "{cmd:?}");
        for w in words {
            assert!(
                out.contains(w),
                "`rolecall {} --help` lacks `{w}`:\n{out}",
                cmd.join(" ")
            );
        }
    }
}

#[test]
fn top_level_help_lists_every_command_and_the_exit_codes() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for c in [
        "lint", "check", "test", "diff", "snapshot", "codegen", "schema",
    ] {
        assert!(out.contains(&format!("  {c}")), "{c}:\n{out}");
    }
    assert!(out.contains("2 when `check` denies"), "{out}");
}

#[test]
fn version_prints_the_crate_version() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out, format!("rolecall {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn no_command_is_a_usage_error() {
    let (code, _, err) = run(&[]);
    assert_eq!(code, 1);
    assert!(err.contains("Usage: rolecall <COMMAND>"), "{err}");
}
