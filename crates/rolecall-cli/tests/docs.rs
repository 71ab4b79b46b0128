//! `rolecall docs`, `rolecall who-can` and `rolecall report` (issue 18): the permission
//! reference as Markdown and HTML (snapshots), who may do an action and through what, and the
//! access-review export.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{repo, run};
use serde_json::Value;

fn example(name: &str, file: &str) -> String {
    repo()
        .join("examples/policies")
        .join(name)
        .join(file)
        .display()
        .to_string()
}

#[test]
fn the_payments_reference_in_markdown_is_stable() {
    let (code, out, err) = run(&["docs", &example("payments", "policy.yaml")]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn the_payments_reference_in_html_is_one_page_without_scripts() {
    let (code, out, err) = run(&[
        "docs",
        &example("payments", "policy.yaml"),
        "--format",
        "html",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("<script"), "no scripts");
    assert!(!out.contains("http"), "no requests");
    insta::assert_snapshot!(out);
}

#[test]
fn the_admin_console_reference_in_markdown_is_stable() {
    let (code, out, err) = run(&["docs", &example("admin-console", "policy.yaml")]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn docs_writes_to_a_file_with_o() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roles.html");
    let (code, out, err) = run(&[
        "docs",
        &example("payments", "policy.yaml"),
        "--format",
        "html",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let page = std::fs::read_to_string(file).unwrap();
    assert!(page.contains("<td class=\"admin\">Admin only</td>"));
}

fn who_can(extra: &[&str]) -> (i32, String, String) {
    let policy = example("payments", "policy.yaml");
    let dir = example("payments", "directory.yaml");
    let mut args = vec![
        "who-can",
        &policy,
        "-d",
        &dir,
        "--now",
        "2026-01-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn who_can_lists_the_subjects_allowed_with_the_sources_that_allow_them() {
    let (code, out, err) = who_can(&[
        "-a",
        "refunds.create",
        "--scope",
        "acme-cl",
        "--context",
        "country=CL",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "ada\n  via assignment #0 (role administrator at org)\n\
         carla\n  via assignment #6 (role operations at org) [country: CL]\n\
         olga\n  via assignment #8 (role operations at org)\n\
         oscar\n  via assignment #1 (role operations at org)\n"
    );
}

#[test]
fn who_can_lists_for_review_those_denied_only_by_a_context() {
    let (_, out, _) = who_can(&["-a", "refunds.create", "--scope", "acme-cl"]);
    assert!(
        out.ends_with("denied only by a context or an except:\ncarla [context_mismatch]\n  via assignment #6 (role operations at org) [country: CL]\n"),
        "{out}"
    );
}

#[test]
fn who_can_json_has_allowed_and_review_with_sources() {
    let (code, out, err) = who_can(&["-a", "webhooks.send_test", "--scope", "org", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let key = v["allowed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["subject"] == "key_ci")
        .unwrap();
    assert_eq!(key["kind"], "api_key");
    assert_eq!(key["owner"], "diego");
    assert_eq!(key["sources"][0]["kind"], "api_key");
    assert_eq!(key["sources"][1]["role"], "developer");
    assert!(v["review"].as_array().unwrap().is_empty());
}

#[test]
fn who_can_reports_an_unknown_action_as_an_error_naming_the_flag() {
    let (code, out, _) = who_can(&["-a", "refunds.nope", "--scope", "org", "--json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "unknown_action");
    assert_eq!(v["error"]["path"], "--action");
}

#[test]
fn report_csv_has_one_row_per_subject_source_and_permission() {
    let policy = example("payments", "policy.yaml");
    let dir = example("payments", "directory.yaml");
    let (code, out, err) = run(&["report", &policy, "-d", &dir]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.split("\r\n").collect();
    assert_eq!(lines[0], "subject,kind,scope,permission,source,context");
    assert!(
        lines.contains(&"carla,user,org,refunds:manage,role operations (assignment 6),country: CL")
    );
    assert!(lines.contains(&"key_ci,api_key,org,webhooks:manage,API key of diego,"));
    assert!(lines.contains(&"olga,user,org,users:manage,direct grant 0,"));
    // bob's `except: [api_keys:manage]` is not in his rows.
    assert!(!lines
        .iter()
        .any(|l| l.starts_with("bob,user,acme-cl,api_keys:manage")));
    assert!(lines.contains(&"bob,user,acme-cl,api_keys:view,role developer (assignment 7),"));
}

#[test]
fn report_json_rows_carry_the_source_and_the_context() {
    let policy = example("payments", "policy.yaml");
    let dir = example("payments", "directory.yaml");
    let (code, out, err) = run(&["report", &policy, "-d", &dir, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subject"] == "carla" && r["permission"] == "refunds:manage")
        .unwrap();
    assert_eq!(row["scope"], "org");
    assert_eq!(row["source"]["kind"], "assignment");
    assert_eq!(row["source"]["role"], "operations");
    assert_eq!(row["context"], "country: CL");
}

#[test]
fn the_new_commands_have_help_that_names_their_arguments() {
    let cases: [(&str, &[&str]); 3] = [
        ("docs", &["POLICY", "--format", "--output", "Admin only"]),
        (
            "who-can",
            &[
                "--directory",
                "--action",
                "--permission",
                "--scope",
                "--context",
                "--json",
            ],
        ),
        ("report", &["--directory", "--format", "csv", "--output"]),
    ];
    for (cmd, words) in cases {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0, "{cmd}");
        for w in words {
            assert!(
                out.contains(w),
                "`rolecall {cmd} --help` lacks `{w}`:\n{out}"
            );
        }
    }
    let (_, top, _) = run(&["--help"]);
    for c in ["docs", "who-can", "report"] {
        assert!(top.contains(&format!("  {c}")), "{c}:\n{top}");
    }
}
