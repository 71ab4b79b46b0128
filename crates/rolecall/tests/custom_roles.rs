//! Custom roles (directory `roles`, docs/format.md and docs/semantics.md): loading and its
//! located errors, decisions as the equivalent policy role, the assignment scope rule,
//! `can_assign`'s `role_out_of_scope`, `can_define_role`, deleting (`role_in_use`), `diff` of
//! an edit, and snapshots carrying only the subject's custom roles.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rolecall::model::{AssignDoc, CustomRoleDoc, DefineDoc, QueryDoc, Text};
use rolecall::{diff, Directory, ErrorCode, Evaluator, Policy, Reason, Snapshot};
use std::sync::Arc;

const POLICY: &str = r#"
rolecall: 1
resources: { refunds: {}, transfers: {}, team: {}, payroll: {} }
dimensions: [region]
actions:
  refunds.create: { requires: refunds:manage }
  transfers.approve: { requires: transfers:authorize, distinct_from: created_by }
  payroll.export: { requires: payroll:manage }
roles:
  viewer: { grants: { refunds: [view], transfers: [view] } }
  operations: { includes: [viewer], grants: { refunds: [manage] } }
  manager: { includes: [operations], grants: { team: [manage], transfers: [authorize] } }
  auditor: { assignable: false, grants: { "*": [view] } }
administration: { assign_requires: team:manage }
constraints:
  forbid: [{ subject_kind: api_key, permission: "transfers:authorize" }]
"#;

const SCOPES: &str = r#"
scopes:
  - { id: org }
  - { id: acme, parent: org, kind: tenant }
  - { id: acme-cl, parent: acme }
  - { id: beta, parent: org, kind: tenant }
"#;

const ROLES: &str = r#"
roles:
  - { id: refund_clerk, label: Refund clerk, scope: acme, includes: [viewer], grants: { refunds: [manage] }, actions: [transfers.approve] }
  - { id: clerk_plus, scope: acme-cl, includes: [refund_clerk] }
assignments:
  - { subject: mia, role: manager, scope: acme }
  - { subject: carl, role: refund_clerk, scope: acme-cl, context: { region: [cl] }, except: [refunds:manage] }
  - { subject: dora, role: clerk_plus, scope: acme-cl }
  - { subject: bob, role: manager, scope: beta }
  - { subject: ana, role: operations, scope: acme }
"#;

fn eval(directory: &str) -> Evaluator {
    Evaluator::from_text(POLICY, directory).unwrap_or_else(|e| panic!("{e}"))
}

fn dir_err(directory: &str) -> rolecall::Error {
    let p = Policy::parse(POLICY).unwrap();
    Directory::parse(&p, directory).expect_err("directory should be refused")
}

fn query(subject: &str, action: &str, scope: &str) -> QueryDoc {
    QueryDoc {
        subject: Text(subject.into()),
        action: Some(action.into()),
        permission: None,
        scope: Text(scope.into()),
        context: Default::default(),
        resource: Default::default(),
        now: None,
    }
}

fn role(id: &str, scope: &str, grants: &[(&str, &[&str])]) -> CustomRoleDoc {
    CustomRoleDoc {
        id: Text(id.into()),
        scope: Text(scope.into()),
        grants: grants
            .iter()
            .map(|(r, l)| {
                (
                    (*r).to_owned(),
                    rolecall::model::OneOrMany(l.iter().map(|x| (*x).to_owned()).collect()),
                )
            })
            .collect(),
        ..CustomRoleDoc::default()
    }
}

fn define(actor: &str, role: CustomRoleDoc) -> DefineDoc {
    DefineDoc {
        actor: Text(actor.into()),
        role,
    }
}

fn assign(actor: &str, subject: &str, role: &str, scope: &str) -> AssignDoc {
    AssignDoc {
        actor: Text(actor.into()),
        subject: Text(subject.into()),
        role: role.into(),
        scope: Text(scope.into()),
        context: Default::default(),
    }
}

#[test]
fn a_custom_role_decides_as_the_policy_role_with_the_same_grants() {
    let custom = eval(&format!("{SCOPES}{ROLES}"));
    // The same roles written in the policy, the directory without `roles`.
    let policy = POLICY.replace(
        "administration:",
        "  refund_clerk: { label: Refund clerk, includes: [viewer], grants: { refunds: [manage] }, actions: [transfers.approve] }\n  clerk_plus: { includes: [refund_clerk] }\nadministration:",
    );
    let plain = Evaluator::from_text(
        &policy,
        &format!(
            "{SCOPES}{}",
            ROLES
                .split("assignments:")
                .nth(1)
                .map(|a| format!("assignments:{a}"))
                .unwrap()
        ),
    )
    .unwrap();
    let mut compared = 0;
    for subject in ["carl", "dora", "mia", "bob", "ana", "nobody"] {
        for action in ["refunds.create", "transfers.approve", "payroll.export"] {
            for scope in ["org", "acme", "acme-cl", "beta"] {
                for region in [None, Some("cl"), Some("ar")] {
                    let mut q = query(subject, action, scope);
                    q.resource.insert("created_by".into(), Text("zed".into()));
                    if let Some(r) = region {
                        q.context.insert("region".into(), Text(r.into()));
                    }
                    assert_eq!(custom.check_doc(&q), plain.check_doc(&q), "{q:?}");
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 6 * 3 * 4 * 3);
    // Spot checks that the comparison covers both outcomes and the role's own reasons.
    let mut q = query("carl", "transfers.approve", "acme-cl");
    q.resource.insert("created_by".into(), Text("carl".into()));
    q.context.insert("region".into(), Text("cl".into()));
    assert_eq!(custom.check_doc(&q).unwrap().reason, Reason::SelfApproval);
    let d = custom
        .check_doc(&query("dora", "refunds.create", "acme-cl"))
        .unwrap();
    assert!(d.allowed);
    assert_eq!(d.sources[0].role.as_deref(), Some("clerk_plus"));
    let d = custom
        .check_doc(&query("carl", "refunds.create", "acme-cl"))
        .unwrap();
    assert!(!d.allowed, "`except` removes the role's refunds:manage");
}

#[test]
fn loading_refuses_bad_roles_with_located_errors() {
    let cases: &[(&str, ErrorCode, &str, usize)] = &[
        (
            "  - { id: viewer, scope: acme }",
            ErrorCode::DuplicateId,
            "roles[1].id",
            3,
        ),
        (
            "  - { id: x, scope: acme, grants: { nope: [view] } }",
            ErrorCode::UnknownResource,
            "roles[1].grants.nope",
            3,
        ),
        (
            "  - { id: x, scope: acme, grants: { refunds: [nope] } }",
            ErrorCode::UnknownLevel,
            "roles[1].grants.refunds[0]",
            3,
        ),
        (
            "  - { id: x, scope: acme, actions: [nope.do] }",
            ErrorCode::UnknownAction,
            "roles[1].actions[0]",
            3,
        ),
        (
            "  - { id: x, scope: acme, includes: [nope] }",
            ErrorCode::UnknownRole,
            "roles[1].includes[0]",
            3,
        ),
        (
            "  - { id: x, scope: nowhere }",
            ErrorCode::UnknownScope,
            "roles[1].scope",
            3,
        ),
        (
            "  - { id: x, scope: beta, includes: [a] }",
            ErrorCode::RoleOutOfScope,
            "roles[1].includes[0]",
            3,
        ),
        (
            "  - { id: a, scope: acme }",
            ErrorCode::DuplicateId,
            "roles[1].id",
            3,
        ),
    ];
    for (line, code, path, at_line) in cases {
        let text = format!("{SCOPES}roles:\n  - {{ id: a, scope: acme }}\n{line}\n");
        let e = dir_err(&text);
        assert_eq!((e.code, e.path.as_str()), (*code, *path), "{line}: {e}");
        let loc = e.location.expect("located");
        assert_eq!(loc.line, SCOPES.lines().count() + at_line, "{line}");
    }
    let e = dir_err(&format!(
        "{SCOPES}roles:\n  - {{ id: a, scope: acme, includes: [b] }}\n  - {{ id: b, scope: acme, includes: [a] }}\n"
    ));
    assert_eq!(e.code, ErrorCode::Cycle, "{e}");
    assert!(
        e.message.contains("a → b → a") || e.message.contains("b → a → b"),
        "{e}"
    );
    // An assignment outside the role's subtree.
    let e = dir_err(&format!(
        "{SCOPES}roles:\n  - {{ id: a, scope: acme }}\nassignments:\n  - {{ subject: x, role: a, scope: beta }}\n"
    ));
    assert_eq!(
        (e.code, e.path.as_str()),
        (ErrorCode::RoleOutOfScope, "assignments[0].scope")
    );
    assert!(e.message.contains("defined at `acme`"), "{e}");
    // Including a custom role from an ancestor is allowed; from a descendant is not.
    eval(&format!("{SCOPES}roles:\n  - {{ id: a, scope: org }}\n  - {{ id: b, scope: acme, includes: [a] }}\n"));
    let e = dir_err(&format!("{SCOPES}roles:\n  - {{ id: a, scope: acme-cl }}\n  - {{ id: b, scope: acme, includes: [a] }}\n"));
    assert_eq!(e.code, ErrorCode::RoleOutOfScope);
}

#[test]
fn can_assign_checks_role_out_of_scope_after_not_assignable() {
    let e = eval(&format!("{SCOPES}{ROLES}"));
    let d = e
        .can_assign(&assign("mia", "zoe", "refund_clerk", "acme-cl"))
        .unwrap();
    assert!(d.allowed, "{d:?}");
    // bob manages beta, but refund_clerk is acme's: out of scope before missing_permission.
    let d = e
        .can_assign(&assign("bob", "zoe", "refund_clerk", "beta"))
        .unwrap();
    assert_eq!(d.reason, Reason::RoleOutOfScope, "{d:?}");
    assert_eq!(
        d.message,
        "Refund clerk is defined for acme: it can only be assigned there or below"
    );
    // Above its scope too, even for an actor holding everything needed there.
    let d = e
        .can_assign(&assign("mia", "zoe", "refund_clerk", "org"))
        .unwrap();
    assert_eq!(d.reason, Reason::RoleOutOfScope);
    let d = e
        .can_revoke(&assign("bob", "dora", "clerk_plus", "acme-cl"))
        .unwrap();
    assert_eq!(d.reason, Reason::MissingPermission, "{d:?}");
    // not_assignable wins.
    let mut t = format!("{SCOPES}{ROLES}");
    t = t.replace(
        "{ id: clerk_plus, scope",
        "{ id: clerk_plus, assignable: false, scope",
    );
    let e = eval(&t);
    let d = e
        .can_assign(&assign("bob", "zoe", "clerk_plus", "beta"))
        .unwrap();
    assert_eq!(d.reason, Reason::NotAssignable);
    // The live update refuses it too.
    let mut e = e;
    let err = e
        .add_assignment(rolecall::model::AssignmentDoc {
            subject: Text("zoe".into()),
            role: "refund_clerk".into(),
            scope: Text("beta".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::RoleOutOfScope);
}

#[test]
fn can_define_role_requires_the_permission_then_no_escalation() {
    let e = eval(&format!("{SCOPES}{ROLES}"));
    let ok = role(
        "desk",
        "acme",
        &[("refunds", &["manage"]), ("team", &["manage"])],
    );
    assert!(
        e.can_define_role(&define("mia", ok.clone()))
            .unwrap()
            .allowed
    );
    // A new version of an existing role, within what mia holds.
    let mut edit = ok.clone();
    edit.id = Text("refund_clerk".into());
    assert!(e.can_define_role(&define("mia", edit)).unwrap().allowed);
    // ana holds refunds:manage but not team:manage (the default define_roles_requires).
    let d = e
        .can_define_role(&define(
            "ana",
            role("desk", "acme", &[("refunds", &["view"])]),
        ))
        .unwrap();
    assert_eq!(
        (d.reason, d.missing.clone()),
        (Reason::MissingPermission, vec!["team:manage".to_owned()])
    );
    // bob manages beta, not acme.
    let d = e.can_define_role(&define("bob", ok.clone())).unwrap();
    assert_eq!(d.reason, Reason::MissingPermission);
    // Payroll is held by no one: escalation, naming what is missing.
    let mut more = ok.clone();
    more.actions = vec!["payroll.export".into()];
    let d = e.can_define_role(&define("mia", more)).unwrap();
    assert_eq!(
        (d.reason, d.missing.clone()),
        (Reason::Escalation, vec!["payroll.export".to_owned()])
    );
    // Through an include of a role the actor could not assign.
    let mut inc = role("desk", "acme", &[]);
    inc.includes = vec!["auditor".into()];
    let d = e.can_define_role(&define("mia", inc)).unwrap();
    assert_eq!(d.reason, Reason::Escalation);
    assert!(d.missing.contains(&"payroll:view".to_owned()), "{d:?}");
    // Moving acme's role to beta needs the permission at its scope too: bob may not take it.
    let moved = role("clerk_plus", "beta", &[("refunds", &["view"])]);
    let d = e.can_define_role(&define("bob", moved)).unwrap();
    assert_eq!(d.reason, Reason::MissingPermission);
    assert!(d.message.contains("at acme-cl"), "{d:?}");
    // The role's own errors, at `role...`.
    let err = e
        .can_define_role(&define("mia", role("viewer", "acme", &[])))
        .unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::DuplicateId, "role.id")
    );
    let err = e
        .can_define_role(&define("mia", role("x", "acme", &[("refunds", &["nope"])])))
        .unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::UnknownLevel, "role.grants.refunds[0]")
    );
}

#[test]
fn define_roles_requires_replaces_the_default() {
    let policy = POLICY.replace(
        "administration: { assign_requires: team:manage }",
        "administration: { assign_requires: team:manage, define_roles_requires: team:authorize }",
    );
    let e = Evaluator::from_text(&policy, &format!("{SCOPES}{ROLES}")).unwrap();
    let d = e
        .can_define_role(&define(
            "mia",
            role("desk", "acme", &[("refunds", &["view"])]),
        ))
        .unwrap();
    assert_eq!(
        (d.reason, d.missing.clone()),
        (Reason::MissingPermission, vec!["team:authorize".to_owned()])
    );
    let bad = POLICY.replace(
        "administration: { assign_requires: team:manage }",
        "administration: { define_roles_requires: nope:view }",
    );
    let err = Policy::parse(&bad).unwrap_err();
    assert_eq!(err.path, "administration.define_roles_requires");
}

#[test]
fn deleting_an_assigned_role_is_refused_unless_its_assignments_go_too() {
    let mut e = eval(&format!("{SCOPES}{ROLES}"));
    let err = e.remove_role("refund_clerk", true).unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::RoleInUse,
        "clerk_plus includes it: {err}"
    );
    let err = e.remove_role("clerk_plus", false).unwrap_err();
    assert_eq!(err.code, ErrorCode::RoleInUse);
    assert!(e
        .can(&rolecall::Query::action(
            "dora",
            "refunds.create",
            "acme-cl"
        ))
        .unwrap());
    let removed = e.remove_role("clerk_plus", true).unwrap();
    assert_eq!(removed.id.0, "clerk_plus");
    assert!(!e
        .can(&rolecall::Query::action(
            "dora",
            "refunds.create",
            "acme-cl"
        ))
        .unwrap());
    assert!(e
        .directory()
        .doc()
        .assignments
        .iter()
        .all(|a| a.role != "clerk_plus"));
    assert_eq!(
        e.remove_role("nope", true).unwrap_err().code,
        ErrorCode::UnknownRole
    );
    assert_eq!(
        e.remove_role("viewer", true).unwrap_err().code,
        ErrorCode::UnknownRole
    );
}

#[test]
fn defining_live_then_assigning_and_a_refused_edit_changes_nothing() {
    let mut e = eval(&format!("{SCOPES}{ROLES}"));
    assert!(!e
        .define_role(role("payroll_clerk", "beta", &[("payroll", &["manage"])]))
        .unwrap());
    e.add_assignment(rolecall::model::AssignmentDoc {
        subject: Text("pia".into()),
        role: "payroll_clerk".into(),
        scope: Text("beta".into()),
        ..Default::default()
    })
    .unwrap();
    assert!(e
        .can(&rolecall::Query::action("pia", "payroll.export", "beta"))
        .unwrap());
    // Moving clerk_plus to beta would strand dora's assignment at acme-cl.
    let before = e.directory().doc().clone();
    let err = e.define_role(role("clerk_plus", "beta", &[])).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::RoleOutOfScope, "assignments[2].scope")
    );
    // Moving refund_clerk to beta would strand clerk_plus's include.
    let err = e
        .define_role(role("refund_clerk", "beta", &[]))
        .unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::RoleOutOfScope, "roles[1].includes[0]")
    );
    assert_eq!(e.directory().doc(), before);
    let err = e
        .define_role(role("x", "acme", &[("nope", &["view"])]))
        .unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::UnknownResource, "role.grants.nope")
    );
}

#[test]
fn diff_of_a_role_edit_shows_every_holder() {
    let before = eval(&format!("{SCOPES}{ROLES}"));
    let mut after = before.clone();
    let mut edit = role("refund_clerk", "acme", &[("payroll", &["view"])]);
    edit.includes = vec!["viewer".into()];
    assert!(after.define_role(edit).unwrap());
    let d = diff(&before, &after);
    let subjects: Vec<&str> = d.changes.iter().map(|c| c.subject.as_str()).collect();
    assert!(
        subjects.contains(&"carl") && subjects.contains(&"dora"),
        "{d:?}"
    );
    assert!(
        !subjects.contains(&"mia") && !subjects.contains(&"ana"),
        "{d:?}"
    );
    let dora = d.changes.iter().find(|c| c.subject == "dora").unwrap();
    assert!(
        dora.gained.iter().any(|p| p.starts_with("payroll:view")),
        "{dora:?}"
    );
    assert!(
        dora.lost.iter().any(|p| p.starts_with("refunds:manage")),
        "{dora:?}"
    );
}

#[test]
fn a_snapshot_carries_only_the_subjects_custom_roles() {
    let e = eval(&format!("{SCOPES}{ROLES}"));
    let ids = |s: &Snapshot| s.roles.iter().map(|r| r.id.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&e.snapshot("carl")), ["refund_clerk"]);
    assert_eq!(ids(&e.snapshot("dora")), ["refund_clerk", "clerk_plus"]);
    assert!(e.snapshot("mia").roles.is_empty());
    // carl reaches acme-cl only: the scope refund_clerk is defined at (acme) is not revealed.
    let carl = e.snapshot("carl");
    assert_eq!(carl.roles[0].scope.0, "");
    assert!(!carl.to_json().contains("\"acme\""), "{}", carl.to_json());
    let client = Evaluator::from_snapshot(Arc::clone(e.policy()), &carl).unwrap();
    let mut q = query("carl", "refunds.view", "acme-cl");
    q.action = None;
    q.permission = Some("refunds:view".into());
    q.context.insert("region".into(), Text("cl".into()));
    assert!(client.check_doc(&q).unwrap().allowed);
    // dora's roles: clerk_plus is defined at acme-cl, which she reaches.
    let dora = e.snapshot("dora");
    assert_eq!(dora.roles[1].scope.0, "acme-cl");
    assert!(!e.snapshot("mia").to_json().contains("\"roles\""));
    let snap = Snapshot::from_json(&e.snapshot("dora").to_json()).unwrap();
    let client = Evaluator::from_snapshot(Arc::clone(e.policy()), &snap).unwrap();
    for action in ["refunds.create", "payroll.export"] {
        let q = query("dora", action, "acme-cl");
        assert_eq!(client.check_doc(&q), e.check_doc(&q), "{action}");
    }
    // A snapshot taken from the base policy evaluator decides the same.
    let base = Arc::new(Policy::parse(POLICY).unwrap());
    let client = Evaluator::from_snapshot(base, &snap).unwrap();
    assert!(client
        .can_doc(&query("dora", "refunds.create", "acme-cl"))
        .unwrap());
}

#[test]
fn a_live_role_change_keeps_every_subject_handle() {
    let mut e = eval(&format!("{SCOPES}{ROLES}"));
    // A grant added live interns `gus` after every assignment's subject; a recompile from the
    // document alone would give `gus` another handle (grants come after assignments).
    e.add_grant(rolecall::model::GrantDoc {
        subject: Text("gus".into()),
        permission: Some("payroll:manage".into()),
        action: None,
        scope: Text("beta".into()),
        context: Default::default(),
        id: None,
    })
    .unwrap();
    e.add_assignment(rolecall::model::AssignmentDoc {
        subject: Text("hal".into()),
        role: "viewer".into(),
        scope: Text("org".into()),
        ..Default::default()
    })
    .unwrap();
    let names = ["mia", "carl", "dora", "bob", "ana", "gus", "hal"];
    let before: Vec<u32> = names.iter().map(|s| e.subject_handle(s)).collect();
    e.define_role(role("extra", "org", &[("refunds", &["view"])]))
        .unwrap();
    let after: Vec<u32> = names.iter().map(|s| e.subject_handle(s)).collect();
    assert_eq!(before, after);
    let action = e.policy().action_id("payroll.export").unwrap();
    let beta = e.scope_handle("beta").unwrap();
    assert!(e.can_prepared(before[5], action, beta, None));
}

#[test]
fn an_evaluator_decides_with_its_own_directorys_roles_whatever_policy_value_it_is_given() {
    let custom = eval(&format!("{SCOPES}{ROLES}"));
    // The extended policy of one evaluator, given with a directory that defines no roles.
    let plain_dir =
        Directory::parse(custom.policy(), &format!("{SCOPES}assignments: []\n")).unwrap();
    let e = Evaluator::new(Arc::clone(custom.policy()), plain_dir).unwrap();
    assert_eq!(e.policy().role_names().count(), 4);
    let err = e
        .can_assign(&assign("mia", "zoe", "refund_clerk", "acme"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownRole);
    // And a directory compiled for the base policy, given the extended one.
    let base = Policy::parse(POLICY).unwrap();
    let dir = Directory::parse(&base, &format!("{SCOPES}assignments: []\n")).unwrap();
    let e = Evaluator::new(Arc::clone(custom.policy()), dir).unwrap();
    assert_eq!(e.policy().role_names().count(), 4);
}
