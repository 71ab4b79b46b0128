//! `who_can` (SPEC 8, issue 18) agrees with `check`: for every example directory and for random
//! cases, every action and permission, every scope and several contexts, a subject is listed as
//! allowed exactly when its check allows, and a subject listed for review is denied.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use rolecall::gen::{generate, Options, Size};
use rolecall::{Evaluator, Query, Target, Timestamp};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn now() -> Timestamp {
    Timestamp::parse("2026-01-01T00:00:00Z").unwrap()
}

/// The contexts worth asking: none, and per dimension `*` and every value the directory lists.
fn contexts(eval: &Evaluator) -> Vec<Vec<(String, String)>> {
    let mut out = vec![Vec::new()];
    let mut values: BTreeSet<(String, String)> = BTreeSet::new();
    for a in &eval.directory().doc().assignments {
        for (dim, vs) in &a.context {
            values.insert((dim.clone(), "*".to_owned()));
            for v in &vs.0 {
                values.insert((dim.clone(), v.clone()));
            }
        }
    }
    out.extend(values.into_iter().map(|p| vec![p]));
    out
}

/// Asserts that `who_can` lists exactly the subjects `check` allows; the number of queries.
fn agrees(eval: &Evaluator, what: &str) -> usize {
    let policy = eval.policy().clone();
    let subjects: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
    let scopes: Vec<String> = eval.directory().scope_ids().map(str::to_owned).collect();
    let perms = policy.permission_names();
    let mut targets: Vec<Target<'_>> = policy.action_names().map(Target::Action).collect();
    targets.extend(perms.iter().map(|p| Target::Permission(p)));
    // A resource naming one subject, so that self-approval is exercised.
    let maker = subjects.first().cloned().unwrap_or_default();
    let mut n = 0;
    for target in &targets {
        for scope in &scopes {
            for ctx in contexts(eval) {
                let ctx: Vec<(&str, &str)> =
                    ctx.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let attrs: Vec<(&str, &str)> = match target {
                    Target::Action(a) => distinct_from(eval, a)
                        .map(|attr| vec![(attr, maker.as_str())])
                        .unwrap_or_default(),
                    Target::Permission(_) => Vec::new(),
                };
                let who = eval
                    .who_can(*target, scope, &ctx, &attrs, Some(now()))
                    .unwrap();
                let listed: BTreeSet<&str> =
                    who.allowed.iter().map(|h| h.subject.as_str()).collect();
                for s in &subjects {
                    let q = Query {
                        subject: s,
                        target: *target,
                        scope,
                        context: &ctx,
                        resource: &attrs,
                        now: Some(now()),
                    };
                    let d = eval.check(&q).unwrap();
                    n += 1;
                    assert_eq!(
                        d.allowed,
                        listed.contains(s.as_str()),
                        "{what}: {s} {target:?} at {scope} {ctx:?}: check says {d:?}"
                    );
                }
                for h in &who.allowed {
                    assert!(!h.sources.is_empty(), "{what}: {} has no source", h.subject);
                }
                for h in &who.review {
                    assert!(!listed.contains(h.subject.as_str()));
                    assert!(!h.sources.is_empty(), "{what}: {} has no source", h.subject);
                }
            }
        }
    }
    n
}

/// The action's `distinct_from` attribute, if it has one.
fn distinct_from<'e>(eval: &'e Evaluator, action: &str) -> Option<&'e str> {
    eval.policy()
        .doc()
        .actions
        .get(action)?
        .distinct_from
        .as_deref()
}

#[test]
fn who_can_lists_exactly_the_subjects_check_allows_in_every_example() {
    for (d, eval) in common::example_evaluators() {
        let n = agrees(&eval, &d);
        assert!(n > 100, "{d}: only {n} queries");
    }
}

#[test]
fn who_can_lists_exactly_the_subjects_check_allows_in_random_cases() {
    for seed in 0..60 {
        let case = generate(seed, Size::default(), Options::default());
        let Ok(eval) = Evaluator::from_text(
            &serde_json::to_string(&case.policy).unwrap(),
            &serde_json::to_string(&case.directory).unwrap(),
        ) else {
            continue;
        };
        agrees(&eval, &format!("seed {seed}"));
    }
}

const PAYMENTS: &str = "../../examples/policies/payments";

fn payments() -> Evaluator {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(PAYMENTS);
    Evaluator::from_text(
        &std::fs::read_to_string(root.join("policy.yaml")).unwrap(),
        &std::fs::read_to_string(root.join("directory.yaml")).unwrap(),
    )
    .unwrap()
}

#[test]
fn refunds_in_acme_cl_under_a_chilean_context_lists_the_holders_with_their_sources() {
    let eval = payments();
    let who = eval
        .who_can(
            Target::Action("refunds.create"),
            "acme-cl",
            &[("country", "CL")],
            &[],
            Some(now()),
        )
        .unwrap();
    let names: Vec<&str> = who.allowed.iter().map(|h| h.subject.as_str()).collect();
    assert_eq!(names, ["ada", "carla", "olga", "oscar"]);
    let carla = &who.allowed[1];
    assert_eq!(carla.sources[0].source.role.as_deref(), Some("operations"));
    assert_eq!(carla.sources[0].source.scope, "org");
    assert_eq!(carla.sources[0].context.as_deref(), Some("country: CL"));
}

/// The review list of an action in acme-cl: (subject, what denies it).
fn review(action: &str) -> Vec<(String, Option<&'static str>)> {
    let who = payments()
        .who_can(Target::Action(action), "acme-cl", &[], &[], Some(now()))
        .unwrap();
    who.review
        .into_iter()
        .map(|h| (h.subject, h.denied_by))
        .collect()
}

#[test]
fn a_subject_denied_only_by_its_context_is_listed_for_review() {
    let carla = ("carla".to_owned(), Some("context_mismatch"));
    assert_eq!(review("refunds.create"), [carla]);
}

#[test]
fn a_subject_denied_only_by_an_except_is_listed_for_review() {
    let bob = ("bob".to_owned(), Some("except"));
    assert_eq!(review("api_keys.roll_secret"), [bob]);
}

#[test]
fn an_api_key_is_listed_with_its_owner_and_the_owners_sources() {
    let who = payments()
        .who_can(
            Target::Action("webhooks.send_test"),
            "org",
            &[],
            &[],
            Some(now()),
        )
        .unwrap();
    let key = who.allowed.iter().find(|h| h.subject == "key_ci").unwrap();
    assert_eq!(key.owner.as_deref(), Some("diego"));
    let kinds: Vec<&str> = key
        .sources
        .iter()
        .map(|s| match s.source.kind {
            rolecall::SourceKind::ApiKey => "key",
            rolecall::SourceKind::Assignment => "assignment",
            rolecall::SourceKind::Grant => "grant",
        })
        .collect();
    assert_eq!(kinds, ["key", "assignment"]);
}

#[test]
fn without_a_resource_maker_checker_is_left_to_the_check_on_the_real_resource() {
    let eval = payments();
    let who = eval
        .who_can(
            Target::Action("transfers.approve"),
            "org",
            &[],
            &[],
            Some(now()),
        )
        .unwrap();
    let names: Vec<&str> = who.allowed.iter().map(|h| h.subject.as_str()).collect();
    assert_eq!(names, ["ada", "pedro"], "key_treasury is forbidden");
    let who = eval
        .who_can(
            Target::Action("transfers.approve"),
            "org",
            &[],
            &[("created_by", "pedro")],
            Some(now()),
        )
        .unwrap();
    let names: Vec<&str> = who.allowed.iter().map(|h| h.subject.as_str()).collect();
    assert_eq!(names, ["ada"]);
}

#[test]
fn input_errors_are_the_checks() {
    let eval = payments();
    let code = |r: rolecall::Result<rolecall::WhoCan>| r.unwrap_err().code.as_str();
    assert_eq!(
        code(eval.who_can(Target::Action("nope.x"), "org", &[], &[], Some(now()))),
        "unknown_action"
    );
    assert_eq!(
        code(eval.who_can(
            Target::Action("refunds.create"),
            "nowhere",
            &[],
            &[],
            Some(now())
        )),
        "unknown_scope"
    );
    assert_eq!(
        code(eval.who_can(
            Target::Action("refunds.create"),
            "org",
            &[("planet", "x")],
            &[],
            Some(now())
        )),
        "unknown_dimension"
    );
    assert_eq!(
        code(eval.who_can(Target::Action("refunds.create"), "org", &[], &[], None)),
        "missing_time"
    );
    assert_eq!(
        code(eval.who_can(
            Target::Action("transfers.approve"),
            "org",
            &[],
            &[("id", "t1")],
            Some(now())
        )),
        "missing_resource_attribute"
    );
}
