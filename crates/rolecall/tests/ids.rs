//! Stable ids of assignments and grants (docs/format.md): generated from the content when
//! absent (the same document, the same ids), refused when repeated, and followed by live
//! updates, so removing by id removes that item even after other removals moved it.

use rolecall::model::{AssignmentDoc, Text};
use rolecall::{ErrorCode, Evaluator};

const POLICY: &str = r#"
rolecall: 1
levels: { view: {}, manage: { implies: [view] } }
resources: { refunds: { levels: [view, manage] } }
actions:
  refunds.view: { requires: refunds:view }
  refunds.create: { requires: refunds:manage }
roles:
  viewer: { grants: { refunds: [view] } }
  support: { grants: { refunds: [manage] } }
"#;

const DIRECTORY: &str = r#"
scopes: [{ id: org }, { id: cl, parent: org }]
assignments:
  - { subject: ada, role: support, scope: org }
  - { id: vic-viewer, subject: vic, role: viewer, scope: org }
  - { subject: sam, role: support, scope: cl, context: { b: [x], a: y } }
  - { subject: sam, role: support, scope: cl, context: { a: y, b: [x] } }
grants:
  - { subject: bob, action: refunds.view, scope: cl }
"#;

fn ids(e: &Evaluator) -> Vec<String> {
    let doc = e.directory().doc();
    doc.assignments
        .iter()
        .map(|a| a.id.clone().unwrap_or_default())
        .collect()
}

fn assignment(subject: &str, role: &str, scope: &str) -> AssignmentDoc {
    AssignmentDoc {
        id: None,
        subject: Text(subject.into()),
        role: role.into(),
        scope: Text(scope.into()),
        context: Default::default(),
        except: vec![],
    }
}

fn policy_with_dimensions() -> String {
    format!("{POLICY}dimensions: [a, b]\n")
}

#[test]
fn missing_ids_are_generated_from_the_content_and_are_the_same_on_every_load() {
    let p = policy_with_dimensions();
    let e = Evaluator::from_text(&p, DIRECTORY).unwrap();
    let first = ids(&e);
    assert_eq!(first, ids(&Evaluator::from_text(&p, DIRECTORY).unwrap()));
    assert!(
        first[0].starts_with("a_") && first[0].len() == 18,
        "{first:?}"
    );
    assert_eq!(first[1], "vic-viewer");
    // The same content (context keys in another order): the second gets `_2`.
    assert_eq!(first[3], format!("{}_2", first[2]));
    let grant = e.directory().doc().grants[0].id.clone().unwrap();
    assert!(grant.starts_with("g_"), "{grant}");
    // By index, as the binding's `grantId` and `assignmentId` ask (without rebuilding the document).
    assert_eq!(e.directory().grant_id(0), Some(grant));
    assert_eq!(e.directory().grant_id(1), None);
    assert_eq!(
        e.directory().assignment_id(1).as_deref(),
        Some("vic-viewer")
    );
    // The JSON export, loaded again, keeps every id.
    let json = serde_json::to_string(&e.directory().doc()).unwrap();
    assert_eq!(ids(&Evaluator::from_text(&p, &json).unwrap()), first);
}

#[test]
fn an_id_used_twice_is_refused_where_it_is() {
    let dir = r#"
scopes: [{ id: org }]
assignments:
  - { id: x, subject: ada, role: support, scope: org }
  - { id: x, subject: vic, role: viewer, scope: org }
"#;
    let err = Evaluator::from_text(POLICY, dir).unwrap_err();
    assert_eq!(err.code, ErrorCode::DuplicateId);
    assert_eq!(err.path, "assignments[1].id");
    assert_eq!(err.location.map(|l| l.line), Some(5));
}

#[test]
fn live_updates_remove_by_id_after_other_removals_moved_the_item() {
    let p = policy_with_dimensions();
    let mut e = Evaluator::from_text(&p, DIRECTORY).unwrap();
    let before = ids(&e);
    // Removing the first moves the last into its index; its id still finds it.
    e.remove_assignment(0).unwrap();
    let last = before[3].clone();
    assert_eq!(e.assignment_index(&last), Some(0));
    let removed = e.remove_assignment_by_id(&last).unwrap();
    assert_eq!(removed.id.as_deref(), Some(last.as_str()));
    assert_eq!(e.assignment_index(&last), None);
    let err = e.remove_assignment_by_id(&last).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::UnknownAssignment, "id")
    );
    assert_eq!(e.assignment_index("vic-viewer"), Some(1));
    // Added: generated from the content; identical again: the same item, nothing added.
    let i = e.add_assignment(assignment("new", "viewer", "cl")).unwrap();
    let id = e.directory().doc().assignments[i].id.clone().unwrap();
    assert_eq!(
        e.add_assignment(assignment("new", "viewer", "cl")).unwrap(),
        i
    );
    assert_eq!(e.assignment_index(&id), Some(i));
    // An explicit id already used is refused, and nothing changes.
    let mut dup = assignment("other", "viewer", "cl");
    dup.id = Some("vic-viewer".into());
    let count = e.directory().doc().assignments.len();
    let err = e.add_assignment(dup).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::DuplicateId, "id")
    );
    assert_eq!(e.directory().doc().assignments.len(), count);
    let g = e.directory().doc().grants[0].id.clone().unwrap();
    e.remove_grant_by_id(&g).unwrap();
    assert!(e.directory().doc().grants.is_empty());
}
