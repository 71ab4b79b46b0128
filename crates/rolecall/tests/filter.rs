//! `filter` (issue 15) is exact: for random policies, directories and rows (and every example),
//! for every subject, action and permission, a row is matched by the plan exactly when its check
//! allows; the same from the subject's snapshot; and the plan survives a JSON round trip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use proptest::prelude::*;
use rolecall::gen::{generate, Options, Size};
use rolecall::{Evaluator, Plan, Query, Target, Timestamp};
use std::sync::Arc;

/// A row: scope, context values, resource attributes.
#[derive(Debug, Clone)]
struct Row {
    scope: String,
    context: Vec<(String, String)>,
    resource: Vec<(String, String)>,
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Every value worth a row's dimension: the directory's, `*`, one nobody lists.
fn values(eval: &Evaluator, dim: &str) -> Vec<String> {
    let mut out = vec!["*".to_owned(), "unlisted".to_owned()];
    for a in &eval.directory().doc().assignments {
        if let Some(vs) = a.context.get(dim) {
            out.extend(vs.0.iter().cloned());
        }
    }
    for g in &eval.directory().doc().grants {
        if let Some(vs) = g.context.get(dim) {
            out.extend(vs.0.iter().cloned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `n` rows drawn from `seed`: every scope, each dimension absent or one of its values, the
/// `created_by` attribute absent, a subject, or someone else.
fn rows(eval: &Evaluator, seed: u64, n: usize) -> Vec<Row> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let scopes: Vec<String> = eval.directory().scope_ids().map(str::to_owned).collect();
    let subjects: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
    let dims: Vec<(String, Vec<String>)> = eval
        .policy()
        .doc()
        .dimensions
        .iter()
        .map(|d| (d.clone(), values(eval, d)))
        .collect();
    (0..n)
        .map(|_| {
            let mut context = Vec::new();
            for (d, vs) in &dims {
                if rng.u8(..4) > 0 {
                    context.push((d.clone(), vs[rng.usize(..vs.len())].clone()));
                }
            }
            let mut resource = Vec::new();
            match rng.u8(..5) {
                0 => {}
                1 => resource.push(("created_by".to_owned(), "someone_else".to_owned())),
                _ if !subjects.is_empty() => resource.push((
                    "created_by".to_owned(),
                    subjects[rng.usize(..subjects.len())].clone(),
                )),
                _ => {}
            }
            Row {
                scope: scopes[rng.usize(..scopes.len())].clone(),
                context,
                resource,
            }
        })
        .collect()
}

/// Whether the check of a row allows (an input error, such as a missing attribute, denies).
fn allows(
    eval: &Evaluator,
    subject: &str,
    target: Target<'_>,
    row: &Row,
    fixed: &[(&str, &str)],
    now: Timestamp,
) -> bool {
    let mut ctx = pairs(&row.context);
    ctx.retain(|(k, _)| !fixed.iter().any(|(f, _)| f == k));
    ctx.extend_from_slice(fixed);
    let q = Query {
        subject,
        target,
        scope: &row.scope,
        context: &ctx,
        resource: &pairs(&row.resource),
        now: Some(now),
    };
    eval.can(&q).unwrap_or(false)
}

/// Asserts that plans agree with checks for every subject and target over `rows`, from the
/// evaluator and from each subject's snapshot; returns the number of rows compared.
fn agrees(eval: &Evaluator, rows: &[Row], fixed: &[(&str, &str)], what: &str) -> usize {
    let mut n = 0;
    let policy = Arc::clone(eval.policy());
    let perms = policy.permission_names();
    let mut targets: Vec<Target<'_>> = policy.action_names().map(Target::Action).collect();
    targets.extend(perms.iter().map(|p| Target::Permission(p)));
    let mut subjects: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
    subjects.push("nobody".to_owned());
    for now in ["2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"] {
        let now = Timestamp::parse(now).unwrap();
        for s in &subjects {
            let snap = Evaluator::from_snapshot(Arc::clone(&policy), &eval.snapshot(s)).unwrap();
            for t in &targets {
                let plan = eval.filter(s, *t, fixed, Some(now)).unwrap();
                let from_snap = snap.filter(s, *t, fixed, Some(now)).unwrap();
                let json = serde_json::to_string(&plan).unwrap();
                assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
                for row in rows {
                    let allowed = allows(eval, s, *t, row, fixed, now);
                    let ctx = pairs(&row.context);
                    let res = pairs(&row.resource);
                    assert_eq!(
                        plan.matches(&row.scope, &ctx, &res),
                        allowed,
                        "{what}: {s} {t:?} {row:?} fixed {fixed:?}: plan {json}"
                    );
                    assert_eq!(
                        from_snap.matches(&row.scope, &ctx, &res),
                        allowed,
                        "{what} (snapshot): {s} {t:?} {row:?}: plan {}",
                        serde_json::to_string(&from_snap).unwrap()
                    );
                    n += 1;
                }
            }
        }
    }
    n
}

fn build(seed: u64) -> Option<Evaluator> {
    let case = generate(seed, Size::default(), Options::default());
    Evaluator::from_text(
        &serde_json::to_string(&case.policy).unwrap(),
        &serde_json::to_string(&case.directory).unwrap(),
    )
    .ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn a_plan_matches_exactly_the_rows_whose_check_allows(seed in any::<u64>(), row_seed in any::<u64>(), fix in any::<bool>()) {
        let Some(eval) = build(seed) else { return Ok(()) };
        let rows = rows(&eval, row_seed, 40);
        // Sometimes one dimension is fixed by the request instead of read from the row.
        let dims = eval.policy().doc().dimensions.clone();
        let fixed_values = dims.first().map(|d| values(&eval, d));
        let fixed: Vec<(&str, &str)> = match (fix, dims.first(), &fixed_values) {
            (true, Some(d), Some(vs)) => vec![(d.as_str(), vs[(row_seed as usize) % vs.len()].as_str())],
            _ => Vec::new(),
        };
        agrees(&eval, &rows, &fixed, &format!("seed {seed}"));
    }
}

#[test]
fn a_plan_matches_exactly_the_rows_whose_check_allows_in_every_example() {
    for (d, eval) in common::example_evaluators() {
        let rows = rows(&eval, 7, 60);
        let n = agrees(&eval, &rows, &[], &d);
        assert!(n > 1000, "{d}: only {n} rows");
    }
}
