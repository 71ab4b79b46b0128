//! Properties of custom roles over random cases from `rolecall::gen`: a custom role decides as
//! the equivalent policy role (every query, every snapshot, every assignment request inside its
//! subtree), and defining a role is allowed exactly when the actor holds the define permission
//! and every permission and action the role would give, one by one: defining never lets an actor
//! create a role they could not have assigned permission by permission.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use rolecall::gen::{generate, with_custom_roles, Case, Options, Size};
use rolecall::model::{AssignDoc, AssignmentDoc, CustomRoleDoc, DefineDoc, OneOrMany, Text};
use rolecall::{Directory, Evaluator, Policy, Query, Reason};
use std::sync::Arc;

fn build(case: &Case) -> Evaluator {
    let p = Arc::new(Policy::from_doc(case.policy.clone()).unwrap());
    let d = Directory::from_doc(&p, case.directory.clone())
        .unwrap_or_else(|e| panic!("directory invalid: {e:?}"));
    Evaluator::new(p, d).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn a_custom_role_decides_as_the_equivalent_policy_role(seed in any::<u64>(), from in 0usize..6) {
        let case = generate(seed, Size { queries: 40, ..Size::default() }, Options::default());
        let custom_case = with_custom_roles(&case, from);
        let plain = build(&case);
        let custom = build(&custom_case);
        prop_assert_eq!(custom.policy().role_names().count(), plain.policy().role_names().count());
        for q in &case.queries {
            prop_assert_eq!(custom.check_doc(q), plain.check_doc(q), "{:?}", q);
        }
        // Snapshots decide for their subject as the server does, custom roles included.
        for s in ["u0", "u1", "u2"] {
            let snap = custom.snapshot(s);
            let held: Vec<&str> = snap.assignments.iter().map(|(_, a)| a.role.as_str()).collect();
            for r in &snap.roles {
                let named = held.contains(&r.id.0.as_str())
                    || snap.roles.iter().any(|o| o.includes.contains(&r.id.0));
                prop_assert!(named, "{} carries a role it does not hold: {}", s, r.id.0);
            }
            let client = Evaluator::from_snapshot(Arc::clone(custom.policy()), &snap).unwrap();
            for q in case.queries.iter().filter(|q| q.subject.0 == s) {
                let reachable = snap.scopes.iter().any(|x| x.id == q.scope.0 && x.reachable);
                if reachable {
                    prop_assert_eq!(client.check_doc(q), plain.check_doc(q), "{:?}", q);
                }
            }
        }
        // Assignment requests inside the role's subtree decide the same.
        for (i, r) in custom_case.directory.roles.iter().enumerate() {
            let actor = format!("u{}", i % 6);
            let req = AssignDoc {
                actor: Text(actor),
                subject: Text("fresh".into()),
                role: r.id.0.clone(),
                scope: r.scope.clone(),
                context: Default::default(),
            };
            prop_assert_eq!(custom.can_assign(&req), plain.can_assign(&req));
        }
    }

    #[test]
    fn defining_never_gives_more_than_could_be_assigned_one_by_one(
        seed in any::<u64>(),
        picks in proptest::collection::vec(any::<u16>(), 8),
    ) {
        let case = generate(seed, Size { queries: 0, ..Size::default() }, Options { no_forbid: true });
        let eval = build(&case);
        let policy = eval.policy().clone();
        let perms: Vec<String> = case
            .policy
            .resources
            .keys()
            .flat_map(|r| ["view", "manage", "authorize"].map(|l| format!("{r}:{l}")))
            .filter(|p| eval.can(&Query::permission("nobody", p, "s0")).is_ok())
            .collect();
        let actions: Vec<&str> = policy.action_names().collect();
        let roles: Vec<&str> = policy.role_names().collect();
        let scopes: Vec<&str> = eval.directory().scope_ids().collect();
        let pick = |i: usize, n: usize| picks[i] as usize % n.max(1);
        let scope = scopes[pick(0, scopes.len())].to_owned();
        let mut role = CustomRoleDoc {
            id: Text("probe_role".into()),
            scope: Text(scope.clone()),
            ..CustomRoleDoc::default()
        };
        for k in 0..(picks[1] % 3) as usize {
            if let Some(p) = perms.get(pick(2 + k, perms.len())) {
                let (r, l) = p.split_once(':').unwrap();
                role.grants.entry(r.to_owned()).or_insert_with(|| OneOrMany(Vec::new())).0.push(l.to_owned());
            }
        }
        if picks[5] % 2 == 0 {
            role.actions.push(actions[pick(6, actions.len())].to_owned());
        }
        if picks[7] % 3 == 0 {
            role.includes.push(roles[pick(7, roles.len())].to_owned());
        }
        // What the role gives, read from decisions: a probe subject holding it alone.
        let mut with_probe = eval.clone();
        with_probe.define_role(role.clone()).unwrap();
        with_probe
            .add_assignment(AssignmentDoc {
                subject: Text("probe".into()),
                role: "probe_role".into(),
                scope: Text(scope.clone()),
                ..AssignmentDoc::default()
            })
            .unwrap();
        let resource = [("created_by", "someone_else")];
        for actor in ["u0", "u1", "u2", "u3", "u4", "u5"] {
            let d = eval
                .can_define_role(&DefineDoc { actor: Text(actor.into()), role: role.clone() })
                .unwrap();
            let holds = |who: &Evaluator, subject: &str, perm: Option<&str>, action: Option<&str>| {
                match (perm, action) {
                    (Some(p), _) => who.can(&Query::permission(subject, p, &scope)).unwrap(),
                    (_, Some(a)) => who.can(&Query::action(subject, a, &scope).resource(&resource)).unwrap(),
                    _ => false,
                }
            };
            let mut covered = true;
            for p in &perms {
                if holds(&with_probe, "probe", Some(p), None) && !holds(&eval, actor, Some(p), None) {
                    covered = false;
                }
            }
            for a in &actions {
                if holds(&with_probe, "probe", None, Some(a)) && !holds(&eval, actor, None, Some(a)) {
                    covered = false;
                }
            }
            let may_define = case
                .policy
                .administration
                .assign_requires
                .as_deref()
                .is_none_or(|need| holds(&eval, actor, Some(need), None));
            prop_assert_eq!(d.allowed, may_define && covered, "{} {:?} {:?}", actor, role, d);
            if !d.allowed {
                let expected = if may_define { Reason::Escalation } else { Reason::MissingPermission };
                prop_assert_eq!(d.reason, expected);
            }
        }
    }
}
