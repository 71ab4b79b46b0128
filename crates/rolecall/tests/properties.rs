//! Properties of the semantics over many random policies and directories (SPEC 3, 4, 5).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use rolecall::gen::{generate, Case, Options, Size};
use rolecall::model::{AssignDoc, AssignmentDoc, QueryDoc, Text};
use rolecall::{Directory, Evaluator, Policy};
use std::sync::Arc;

fn build(case: &Case) -> Evaluator {
    let policy = Arc::new(
        Policy::from_doc(case.policy.clone())
            .unwrap_or_else(|e| panic!("generated policy invalid: {e:?}")),
    );
    let dir = Directory::from_doc(&policy, case.directory.clone())
        .unwrap_or_else(|e| panic!("generated directory invalid: {e:?}"));
    Evaluator::new(policy, dir).unwrap()
}

fn allowed(e: &Evaluator, q: &QueryDoc) -> Option<bool> {
    e.check_doc(q).ok().map(|d| d.allowed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn adding_an_assignment_never_turns_an_allow_into_a_deny(seed in any::<u64>(), extra in any::<u64>()) {
        let case = generate(seed, Size::default(), Options { no_forbid: true });
        let before = build(&case);
        let mut more = case.clone();
        let pick = generate(extra, Size::default(), Options { no_forbid: true });
        let Some(a) = pick.directory.assignments.first() else { return Ok(()) };
        let role = format!("role{}", (extra as usize) % case.policy.roles.len());
        let scope = case.directory.scopes[(extra as usize / 7) % case.directory.scopes.len()].id.clone();
        let context = a.context.iter().filter(|(d, _)| case.policy.dimensions.contains(d)).map(|(d, v)| (d.clone(), v.clone())).collect();
        more.directory.assignments.push(AssignmentDoc { id: None, subject: a.subject.clone(), role, scope, context, except: vec![] });
        let after = build(&more);
        for q in &case.queries {
            if allowed(&before, q) == Some(true) {
                prop_assert_eq!(allowed(&after, q), Some(true), "query {:?}", q);
            }
        }
    }

    #[test]
    fn a_grant_at_a_scope_covers_exactly_that_scope_and_its_descendants(seed in any::<u64>(), pick in any::<usize>()) {
        let mut case = generate(seed, Size::default(), Options { no_forbid: true });
        case.directory.assignments.clear();
        case.directory.api_keys.clear();
        let scopes = case.directory.scopes.clone();
        let at = scopes[pick % scopes.len()].id.clone();
        case.directory.grants = vec![rolecall::model::GrantDoc { id: None, subject: Text("u0".into()), permission: Some("*:*".into()), action: None, scope: at.clone(), context: Default::default() }];
        let e = build(&case);
        let perm = e.policy().permission_names()[0].clone();
        for s in &scopes {
            // Independent ancestry: walk parents from `s` up to the root.
            let mut cur = Some(s.id.clone());
            let mut covered = false;
            while let Some(c) = cur {
                if c == at { covered = true; break; }
                cur = scopes.iter().find(|x| x.id == c).and_then(|x| x.parent.clone());
            }
            let q = QueryDoc { subject: Text("u0".into()), permission: Some(perm.clone()), scope: s.id.clone(), ..Default::default() };
            prop_assert_eq!(allowed(&e, &q), Some(covered), "grant at {:?}, query at {:?}", at, s.id);
        }
    }

    #[test]
    fn snapshot_decisions_equal_full_decisions(seed in any::<u64>()) {
        let case = generate(seed, Size::default(), Options::default());
        let full = build(&case);
        let mut subjects: Vec<String> = full.directory().subject_ids().map(str::to_owned).collect();
        subjects.push("nobody".into());
        for subject in &subjects {
            let snap = full.snapshot(subject);
            let json = snap.to_json();
            prop_assert!(!json.contains("\"subject\":\"u") || subjects.iter().all(|o| o == subject || !json.contains(&format!("\"{o}\"")) || case.directory.api_keys.iter().any(|k| &k.id.0 == subject && &k.owner.0 == o)),
                "snapshot of {} mentions another subject: {}", subject, json);
            let client = Evaluator::from_snapshot(full.policy().clone(), &rolecall::Snapshot::from_json(&json).unwrap()).unwrap();
            let reachable: Vec<String> = snap.scopes.iter().filter(|s| s.reachable).map(|s| s.id.clone()).collect();
            for q in case.queries.iter() {
                let q = QueryDoc { subject: Text(subject.clone()), ..q.clone() };
                let client_says = client.check_doc(&q);
                if reachable.contains(&q.scope.0) {
                    prop_assert_eq!(client_says, full.check_doc(&q), "subject {} query {:?}", subject, q);
                } else if let Ok(d) = client_says {
                    prop_assert_eq!(d.reason, rolecall::Reason::OutOfScope);
                }
            }
            for scope in &reachable {
                let full_actions = full.allowed_actions(subject, scope, &[], Some(rolecall::Timestamp(0)));
                prop_assert_eq!(client.allowed_actions(subject, scope, &[], Some(rolecall::Timestamp(0))), full_actions);
            }
        }
    }

    #[test]
    fn can_assign_never_grants_more_than_the_actor_holds(seed in any::<u64>(), pick in any::<u64>()) {
        let case = generate(seed, Size::default(), Options { no_forbid: true });
        let e = build(&case);
        let users: Vec<&str> = vec!["u0", "u1", "u2", "u3", "u4", "u5"];
        let p = pick as usize;
        let scope = case.directory.scopes[p % case.directory.scopes.len()].id.clone();
        let role = format!("role{}", (p / 3) % case.policy.roles.len());
        let context = case.directory.assignments.get(p % 5).map(|a| a.context.clone()).unwrap_or_default();
        let req = AssignDoc { actor: Text(users[p % 6].into()), subject: Text(users[(p / 6) % 6].into()), role: role.clone(), scope: scope.clone(), context: context.clone() };
        let d = e.can_assign(&req).unwrap();
        if !d.allowed { return Ok(()); }
        // Every permission the new assignment gives, at every point of its context, the actor holds.
        let mut probe = case.clone();
        probe.directory.assignments = vec![AssignmentDoc { id: None, subject: Text("probe".into()), role, scope: scope.clone(), context: context.clone(), except: vec![] }];
        probe.directory.grants.clear();
        probe.directory.api_keys.clear();
        let given = build(&probe);
        let mut points: Vec<Vec<(String, String)>> = vec![vec![]];
        for (dim, vals) in &context {
            let concrete: Vec<&String> = vals.0.iter().filter(|v| *v != "*").collect();
            if concrete.len() != vals.0.len() { return Ok(()); }
            points = points.into_iter().flat_map(|pt| concrete.iter().map(move |v| { let mut x = pt.clone(); x.push((dim.clone(), (*v).clone())); x })).collect();
        }
        for perm in e.policy().permission_names() {
            for pt in &points {
                let ctx: indexmap::IndexMap<String, Text> = pt.iter().map(|(k, v)| (k.clone(), Text(v.clone()))).collect();
                let q = |s: &str| QueryDoc { subject: Text(s.into()), permission: Some(perm.clone()), scope: scope.clone(), context: ctx.clone(), ..Default::default() };
                if allowed(&given, &q("probe")) == Some(true) {
                    let qa = QueryDoc { context: pt.iter().map(|(k, v)| (k.clone(), Text(v.clone()))).collect(), ..q(users[p % 6]) };
                    prop_assert_eq!(allowed(&e, &qa), Some(true), "actor lacks {} at {:?} under {:?}", perm, scope, pt);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn live_updates_decide_exactly_like_a_fresh_load(seed in any::<u64>(), ops in proptest::collection::vec(any::<u64>(), 1..12)) {
        let case = generate(seed, Size::default(), Options::default());
        let mut live = build(&case);
        let pool = generate(seed ^ 0x9e37_79b9, Size::default(), Options::default());
        for op in ops {
            let n = op as usize;
            match n % 6 {
                0 | 1 => {
                    if let Some(a) = pool.directory.assignments.get(n / 6 % pool.directory.assignments.len().max(1)) {
                        let a = AssignmentDoc { id: None,
                            role: format!("role{}", n % case.policy.roles.len()),
                            scope: case.directory.scopes[n / 7 % case.directory.scopes.len()].id.clone(),
                            context: a.context.iter().filter(|(d, _)| case.policy.dimensions.contains(d)).map(|(d, v)| (d.clone(), v.clone())).collect(),
                            except: vec![],
                            subject: a.subject.clone(),
                        };
                        let _ = live.add_assignment(a);
                    }
                }
                2 => { let len = live.directory().doc().assignments.len(); if len > 0 { live.remove_assignment(n / 6 % len).unwrap(); } }
                3 => { let len = live.directory().doc().grants.len(); if len > 0 { live.remove_grant(n / 6 % len).unwrap(); } }
                4 => {
                    let ids: Vec<String> = live.directory().doc().api_keys.iter().map(|k| k.id.0.clone()).collect();
                    if let Some(id) = ids.get(n / 6 % ids.len().max(1)) { live.remove_api_key(id).unwrap(); }
                }
                _ => {
                    if let Some(g) = pool.directory.grants.first() {
                        let g = rolecall::model::GrantDoc { id: None, scope: case.directory.scopes[n / 5 % case.directory.scopes.len()].id.clone(), context: Default::default(), permission: Some("*:view".into()), action: None, subject: g.subject.clone() };
                        live.add_grant(g).unwrap();
                    }
                }
            }
        }
        let fresh = Evaluator::new(live.policy().clone(), Directory::from_doc(live.policy(), live.directory().doc().clone()).unwrap()).unwrap();
        for q in &case.queries {
            prop_assert_eq!(live.check_doc(q), fresh.check_doc(q), "query {:?}", q);
        }
        for a in &pool.directory.assignments {
            let req = AssignDoc { actor: Text("u0".into()), subject: a.subject.clone(), role: a.role.clone(), scope: a.scope.clone(), context: Default::default() };
            if live.policy().role_names().any(|r| r == a.role) && live.directory().scope_ids().any(|s| s == a.scope.0) {
                prop_assert_eq!(live.can_assign(&req), fresh.can_assign(&req));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn the_effective_report_is_the_same_after_live_changes_as_after_a_fresh_load(seed in any::<u64>(), k in 0usize..8) {
        let case = generate(seed, Size::default(), Options::default());
        let mut live = build(&case);
        let n = live.directory().doc().assignments.len();
        if n > 0 { live.remove_assignment(k % n).unwrap(); }
        let fresh = Evaluator::new(live.policy().clone(), Directory::from_doc(live.policy(), live.directory().doc().clone()).unwrap()).unwrap();
        prop_assert_eq!(live.effective_permissions(), fresh.effective_permissions());
    }
}
