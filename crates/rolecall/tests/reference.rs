//! The permission reference (`Policy::reference`, issue 18): the payments example reproduces the
//! product table it was modelled on (seed 001, in `tests/docs/payments-001.md`) row by row, and
//! the reference resolves includes, wildcards, level implication and single-action grants.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rolecall::{Evaluator, Policy, Query, ADMIN_ONLY};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

/// The rows of a Markdown table: cells of each `| a | b |` line after the separator.
fn table_rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("| ---"))
        .skip(1)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_payments_reference_matches_the_product_table_row_by_row() {
    let expected = table_rows(&read("tests/docs/payments-001.md"));
    assert_eq!(expected.len(), 32, "seed 001's table has 32 rows");
    let policy = Policy::parse(&read("examples/policies/payments/policy.yaml")).unwrap();
    let reference = policy.reference();
    assert!(reference.actions.len() >= expected.len());
    for (row, got) in expected.iter().zip(&reference.actions) {
        let (label, resource, level, roles) = (&row[0], &row[1], &row[2], &row[3]);
        assert_eq!(&got.label, label);
        assert_eq!(got.requires.len(), 1, "{label}");
        assert_eq!(&got.requires[0].resource, resource, "{label}");
        assert_eq!(&got.requires[0].level, level, "{label}");
        // The product writes "Admin Only"; the reference, "Admin only".
        if roles.eq_ignore_ascii_case(ADMIN_ONLY) {
            assert_eq!(got.allowed_by, ADMIN_ONLY, "{label}");
            assert!(got.roles.is_empty(), "{label}");
        } else {
            assert_eq!(&got.allowed_by, roles, "{label}");
        }
    }
}

#[test]
fn the_json_policy_gives_the_same_rows_in_its_own_declared_order() {
    let yaml = Policy::parse(&read("examples/policies/payments/policy.yaml")).unwrap();
    let json = Policy::parse(&read("examples/policies/payments/policy.json")).unwrap();
    let mut a: Vec<_> = yaml.reference().actions;
    let mut b: Vec<_> = json.reference().actions;
    a.sort_by(|x, y| x.name.cmp(&y.name));
    b.sort_by(|x, y| x.name.cmp(&y.name));
    for (x, y) in a.iter().zip(&b) {
        let mut rx = x.roles.clone();
        let mut ry = y.roles.clone();
        rx.sort();
        ry.sort();
        assert_eq!((&x.name, &x.requires, rx), (&y.name, &y.requires, ry));
    }
}

const POLICY: &str = r#"
rolecall: 1
resources:
  refunds: {}
  webhooks: { label: Webhooks }
  transfers: {}
actions:
  refunds.create: { requires: refunds:manage }
  refunds.view: { requires: refunds:view }
  webhooks.send_test: { requires: webhooks:manage }
  webhooks.create: { requires: webhooks:manage }
  transfers.approve: { requires: transfers:authorize, distinct_from: created_by }
  transfers.create:
    requires: transfers:manage
    distinct_from: approved_by
    self_approval_message: The approver may not create it
roles:
  base: { grants: { refunds: [view] }, assignable: false }
  ops: { includes: [base], grants: { refunds: [manage] } }
  product: { includes: [base], actions: [webhooks.send_test] }
  admin: { grants: { "*": ["*"] }, assignable: false }
  owner: { includes: [admin], max_holders: 1, assignable_at: [organization] }
constraints:
  exclusive_roles: [[ops, product]]
  forbid: [{ subject_kind: api_key, permission: transfers:authorize }]
"#;

#[test]
fn roles_are_resolved_through_includes_implication_wildcards_and_single_actions() {
    let r = Policy::parse(POLICY).unwrap().reference();
    let row = |name: &str| r.actions.iter().find(|a| a.name == name).unwrap();
    // manage implies view; `base` is not assignable but `ops` and `product` include it.
    assert_eq!(row("refunds.view").roles, ["ops", "product", "owner"]);
    assert_eq!(row("refunds.create").roles, ["ops", "owner"]);
    assert_eq!(row("webhooks.send_test").roles, ["product", "owner"]);
    assert_eq!(row("webhooks.create").roles, ["owner"]);
    assert_eq!(row("webhooks.create").allowed_by, "Owner");
}

#[test]
fn an_action_only_non_assignable_roles_allow_reads_admin_only() {
    let doc = POLICY.replace("max_holders: 1, ", "assignable: false, max_holders: 1, ");
    let r = Policy::parse(&doc).unwrap().reference();
    let row = r
        .actions
        .iter()
        .find(|a| a.name == "webhooks.create")
        .unwrap();
    assert_eq!(row.allowed_by, ADMIN_ONLY);
    assert!(r.note.contains("Base, Admin, Owner"), "{}", r.note);
}

#[test]
fn the_matrix_gives_the_highest_levels_and_counts_single_actions() {
    let r = Policy::parse(POLICY).unwrap().reference();
    let col = |role: &str| r.roles.iter().position(|x| x.name == role).unwrap();
    let row = |res: &str| r.matrix.iter().find(|m| m.resource == res).unwrap();
    assert_eq!(row("refunds").cells[col("ops")].text, "Manage");
    assert_eq!(row("refunds").cells[col("product")].text, "View");
    assert_eq!(row("webhooks").cells[col("product")].text, "1 action");
    assert_eq!(
        row("transfers").cells[col("admin")].text,
        "Manage, Authorize"
    );
    assert_eq!(row("transfers").cells[col("ops")].text, "");
}

#[test]
fn levels_and_rules_are_each_one_sentence() {
    let r = Policy::parse(POLICY).unwrap().reference();
    let manage = r.levels.iter().find(|l| l.name == "manage").unwrap();
    assert_eq!(manage.implies, ["View"]);
    let texts: Vec<&str> = r.rules.iter().map(|x| x.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Base cannot be assigned through the product.",
            "Admin cannot be assigned through the product.",
            "Owner is held by at most one subject at each scope.",
            "Owner is assigned only at scopes of kind organization.",
            "No one holds both Ops and Product in overlapping scopes.",
            "API keys never hold Authorize on Transfers, whatever their roles grant.",
            "Transfers approve: Must be done by someone else.",
            "Transfers create: The approver may not create it.",
        ]
    );
}

#[test]
fn a_self_approval_denial_says_what_to_do_not_the_attribute_name() {
    let dir = "scopes: [{ id: org, kind: organization }]\nassignments: [{ subject: al, role: owner, scope: org }]";
    let eval = Evaluator::from_text(POLICY, dir).unwrap();
    let d = eval
        .check(&Query::action("al", "transfers.approve", "org").resource(&[("created_by", "al")]))
        .unwrap();
    assert_eq!(d.reason.as_str(), "self_approval");
    assert_eq!(d.message, "Must be done by someone else");
    let d = eval
        .check(&Query::action("al", "transfers.create", "org").resource(&[("approved_by", "al")]))
        .unwrap();
    assert_eq!(d.message, "The approver may not create it");
}

#[test]
fn a_self_approval_message_changes_the_hash_and_its_absence_does_not() {
    let plain = Policy::parse("rolecall: 1\nresources: { t: {} }\nactions: { t.a: { requires: t:view, distinct_from: by } }").unwrap();
    let same = Policy::parse(r#"{"rolecall":1,"resources":{"t":{}},"actions":{"t.a":{"distinct_from":"by","requires":"t:view"}}}"#).unwrap();
    let worded = Policy::parse("rolecall: 1\nresources: { t: {} }\nactions: { t.a: { requires: t:view, distinct_from: by, self_approval_message: Not you } }").unwrap();
    assert_eq!(plain.hash(), same.hash());
    assert_ne!(plain.hash(), worded.hash());
}
