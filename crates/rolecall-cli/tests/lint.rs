//! `rolecall lint`: every validation error of SPEC section 2 is reported with its file, line and
//! column and names the offending item; smells are warnings that do not fail the run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::run;

/// Lints `policy` (and `directory`), expects exit 1, and returns stderr.
fn lint_fails(args: &[&str]) -> String {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    let (code, _, err) = run(&all);
    assert_eq!(code, 1, "lint should fail:\n{err}");
    err
}

fn directory_fails(directory: &str) -> String {
    lint_fails(&["policy.yaml", "--directory", directory])
}

#[test]
fn a_valid_policy_and_directory_pass_without_warnings() {
    let (code, _, err) = run(&["lint", "policy.yaml", "--directory", "directory.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "0 errors, 0 warnings\n");
}

#[test]
fn every_example_policy_lints_clean_with_its_directory() {
    let examples = common::repo().join("examples/policies");
    for entry in std::fs::read_dir(&examples).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let directory = dir.join("directory.yaml");
        for policy in [dir.join("policy.yaml"), dir.join("policy.json")] {
            if !policy.exists() {
                continue;
            }
            let (code, _, err) = run(&[
                "lint",
                policy.to_str().unwrap(),
                "-d",
                directory.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{}: {err}", policy.display());
            assert!(err.ends_with("0 errors, 0 warnings\n"), "{err}");
        }
    }
}

#[test]
fn an_unknown_role_in_includes_is_reported_with_its_line_and_a_hint() {
    let err = lint_fails(&["invalid/policy-unknown-role.yaml"]);
    insta::assert_snapshot!(err);
}

#[test]
fn an_unknown_resource_in_grants_names_the_resource_and_its_line() {
    let err = lint_fails(&["invalid/policy-unknown-resource.yaml"]);
    assert!(
        err.contains("error[unknown_resource]: unknown resource `refundz`"),
        "{err}"
    );
    assert!(
        err.contains("invalid/policy-unknown-resource.yaml:5:"),
        "{err}"
    );
}

#[test]
fn an_unknown_level_in_grants_names_the_level_and_its_line() {
    let err = lint_fails(&["invalid/policy-unknown-level.yaml"]);
    assert!(
        err.contains("error[unknown_level]: unknown level `mange`"),
        "{err}"
    );
    assert!(
        err.contains("invalid/policy-unknown-level.yaml:5:"),
        "{err}"
    );
}

#[test]
fn a_cycle_in_role_includes_names_the_roles_and_its_line() {
    let err = lint_fails(&["invalid/policy-role-cycle.yaml"]);
    assert!(
        err.contains("error[cycle]: roles include each other in a cycle: a → b → c → a"),
        "{err}"
    );
    assert!(err.contains("invalid/policy-role-cycle.yaml:5:"), "{err}");
}

#[test]
fn a_cycle_in_level_implication_names_the_levels_and_its_line() {
    let err = lint_fails(&["invalid/policy-level-cycle.yaml"]);
    assert!(err.contains("error[cycle]"), "{err}");
    assert!(err.contains("view → manage → view"), "{err}");
    assert!(err.contains("invalid/policy-level-cycle.yaml:3:"), "{err}");
}

#[test]
fn every_policy_error_is_reported_at_once_in_file_order() {
    let err = lint_fails(&["invalid/policy-many-errors.yaml"]);
    let level = err.find("unknown level `mange`").expect(&err);
    let resource = err.find("unknown resource `refundz`").expect(&err);
    let role = err.find("unknown role `viewr`").expect(&err);
    assert!(level < resource && resource < role, "{err}");
    assert!(err.contains("policy-many-errors.yaml:4:"), "{err}");
    assert!(err.contains("policy-many-errors.yaml:5:"), "{err}");
    assert!(err.contains("policy-many-errors.yaml:7:"), "{err}");
    assert!(err.ends_with("3 errors, 0 warnings\n"), "{err}");
}

#[test]
fn a_syntax_error_is_an_error_with_a_location() {
    let err = lint_fails(&["invalid/policy-syntax.yaml"]);
    assert!(err.contains("error[syntax]"), "{err}");
    assert!(err.contains("invalid/policy-syntax.yaml:3:1"), "{err}");
}

#[test]
fn an_error_in_a_json_policy_points_at_the_json_line_and_underlines_the_string() {
    let err = lint_fails(&["policy.json"]);
    assert!(
        err.contains("error[unknown_role]: unknown role `operatons`"),
        "{err}"
    );
    assert!(err.contains("policy.json:7:31"), "{err}");
    assert!(
        err.contains("^^^^^^^^^^^"),
        "the quoted name is underlined:\n{err}"
    );
    assert!(err.contains("help: did you mean `operations`?"), "{err}");
}

#[test]
fn a_missing_policy_file_is_an_io_error() {
    let err = lint_fails(&["no-such-policy.yaml"]);
    assert!(
        err.contains("error[io]: cannot read `no-such-policy.yaml`"),
        "{err}"
    );
}

#[test]
fn an_unknown_role_in_an_assignment_is_reported_with_its_line() {
    let err = directory_fails("invalid/directory-unknown-role.yaml");
    insta::assert_snapshot!(err);
}

#[test]
fn an_unknown_scope_in_an_assignment_is_reported_with_its_line() {
    let err = directory_fails("invalid/directory-unknown-scope.yaml");
    assert!(
        err.contains("error[unknown_scope]: unknown scope `acme-mx`"),
        "{err}"
    );
    assert!(err.contains("directory-unknown-scope.yaml:5:48"), "{err}");
}

#[test]
fn an_unknown_resource_in_a_direct_grant_is_reported_with_its_line() {
    let err = directory_fails("invalid/directory-unknown-resource.yaml");
    assert!(
        err.contains("error[unknown_resource]: unknown resource `refundz`"),
        "{err}"
    );
    assert!(err.contains("directory-unknown-resource.yaml:4:"), "{err}");
}

#[test]
fn a_level_the_resource_does_not_declare_is_reported_with_its_line() {
    let err = directory_fails("invalid/directory-unknown-level.yaml");
    assert!(err.contains("error[unknown_level]"), "{err}");
    assert!(err.contains("`refunds` has no level `authorize`"), "{err}");
    assert!(err.contains("directory-unknown-level.yaml:4:"), "{err}");
}

#[test]
fn an_unknown_dimension_in_a_context_is_reported_with_its_line() {
    let err = directory_fails("invalid/directory-unknown-dimension.yaml");
    assert!(
        err.contains("error[unknown_dimension]: unknown dimension `region`"),
        "{err}"
    );
    assert!(err.contains("directory-unknown-dimension.yaml:4:"), "{err}");
}

#[test]
fn a_cycle_in_scope_parents_names_the_scopes_and_its_line() {
    let err = directory_fails("invalid/directory-scope-cycle.yaml");
    assert!(err.contains("error[cycle]"), "{err}");
    assert!(err.contains("a → b → a"), "{err}");
    assert!(err.contains("directory-scope-cycle.yaml:3:"), "{err}");
}

#[test]
fn a_scope_id_used_twice_is_reported_at_the_second_use() {
    let err = directory_fails("invalid/directory-duplicate-id.yaml");
    assert!(
        err.contains("error[duplicate_id]: scope `acme-cl` is declared twice"),
        "{err}"
    );
    assert!(err.contains("directory-duplicate-id.yaml:4:"), "{err}");
}

#[test]
fn more_holders_than_max_holders_is_reported_at_the_extra_assignment() {
    let err = directory_fails("invalid/directory-max-holders.yaml");
    assert!(err.contains("error[max_holders_exceeded]"), "{err}");
    assert!(err.contains("role `owner`"), "{err}");
    assert!(err.contains("directory-max-holders.yaml:6:"), "{err}");
}

#[test]
fn an_assignment_at_a_scope_kind_outside_assignable_at_is_reported_with_its_line() {
    let err = directory_fails("invalid/directory-assignable-at.yaml");
    assert!(err.contains("error[scope_kind_not_allowed]"), "{err}");
    assert!(err.contains("role `owner`"), "{err}");
    assert!(err.contains("directory-assignable-at.yaml:4:"), "{err}");
}

#[test]
fn exclusive_roles_in_overlapping_scopes_are_reported_at_the_second_assignment() {
    let err = directory_fails("invalid/directory-exclusive.yaml");
    assert!(err.contains("error[exclusive_roles]"), "{err}");
    assert!(err.contains("`initiator` and `approver`"), "{err}");
    assert!(err.contains("directory-exclusive.yaml:6:"), "{err}");
}

#[test]
fn smells_are_warnings_in_file_order_and_exit_zero() {
    let (code, _, err) = run(&["lint", "invalid/policy-smells.yaml"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn a_resource_no_action_requires_is_a_warning() {
    let (_, _, err) = run(&["lint", "invalid/policy-smells.yaml"]);
    assert!(
        err.contains("warning: resource `archive` is required by no action"),
        "{err}"
    );
    assert!(!err.contains("resource `refunds`"), "{err}");
}

#[test]
fn a_role_that_grants_nothing_is_a_warning() {
    let (_, _, err) = run(&["lint", "invalid/policy-smells.yaml"]);
    assert!(
        err.contains("warning: role `placeholder` grants nothing"),
        "{err}"
    );
    assert!(!err.contains("role `operations`"), "{err}");
}

#[test]
fn an_action_no_role_can_reach_is_a_warning() {
    let (_, _, err) = run(&["lint", "invalid/policy-smells.yaml"]);
    assert!(
        err.contains("warning: action `transfers.approve` is reachable by no role"),
        "{err}"
    );
    assert!(!err.contains("action `refunds.create`"), "{err}");
}

#[test]
fn a_declared_level_no_role_grants_is_a_warning() {
    let (_, _, err) = run(&["lint", "invalid/policy-smells.yaml"]);
    assert!(
        err.contains("warning: level `approve` is granted by no role"),
        "{err}"
    );
    assert!(
        !err.contains("level `view`"),
        "implied levels count as granted: {err}"
    );
}

#[test]
fn an_action_reached_only_through_a_single_action_grant_is_not_a_smell() {
    // `product` reaches `webhooks.send_test` through `actions`, although no role grants
    // webhooks:manage; `transfers.approve` has `distinct_from` and is still reachable.
    let (code, _, err) = run(&["lint", "policy.yaml"]);
    assert_eq!(code, 0);
    assert!(!err.contains("webhooks.send_test"), "{err}");
    assert!(!err.contains("transfers.approve"), "{err}");
}

#[test]
fn warnings_are_still_printed_when_the_directory_has_errors() {
    let (code, _, err) = run(&[
        "lint",
        "invalid/policy-smells.yaml",
        "-d",
        "invalid/directory-scope-cycle.yaml",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("warning: role `placeholder` grants nothing"),
        "{err}"
    );
    assert!(err.contains("error[cycle]"), "{err}");
    assert!(err.ends_with("1 error, 4 warnings\n"), "{err}");
}
