//! Properties of the decision semantics (SPEC 3 and 4, docs/semantics.md) over random policies,
//! directories and queries from `rolecall::gen`: deny by default, forbid wins, `except` removes
//! only what it names, context qualifiers never widen access, an API key never exceeds its owner,
//! and `diff` lists exactly the decisions that changed (at the granularity it reports).
//!
//! The expected outcomes are computed here independently of the core (scope ancestry by walking
//! parents, pattern matching of `forbid`/`except` on names, context satisfaction on the query's
//! text), so a property fails when the core and SPEC disagree, not only when the core disagrees
//! with itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use indexmap::IndexMap;
use proptest::prelude::*;
use rolecall::gen::{generate, Case, Options, Size};
use rolecall::model::{
    AssignmentDoc, ContextDoc, DirectoryDoc, ForbidDoc, GrantDoc, OneOrMany, PolicyDoc, QueryDoc,
    SubjectKind, Text,
};
use rolecall::{diff, Decision, Directory, Error, Evaluator, Policy, Reason};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Before the generated keys' `expires_at` (2026-06-01): nothing is expired, and keys that
/// expire can be queried.
const T0: &str = "2026-01-01T00:00:00Z";
/// Context values the generator uses (`z` is one no directory lists).
const VALUES: [&str; 4] = ["a", "b", "c", "z"];

type Outcome = Result<Decision, Error>;

fn try_build(policy: &PolicyDoc, directory: &DirectoryDoc) -> Option<Evaluator> {
    let policy = Arc::new(Policy::from_doc(policy.clone()).ok()?);
    let dir = Directory::from_doc(&policy, directory.clone()).ok()?;
    Evaluator::new(policy, dir).ok()
}

fn build(policy: &PolicyDoc, directory: &DirectoryDoc) -> Evaluator {
    let p = Arc::new(
        Policy::from_doc(policy.clone()).unwrap_or_else(|e| panic!("policy invalid: {e:?}")),
    );
    let d = Directory::from_doc(&p, directory.clone())
        .unwrap_or_else(|e| panic!("directory invalid: {e:?}"));
    Evaluator::new(p, d).unwrap()
}

fn build_case(case: &Case) -> Evaluator {
    build(&case.policy, &case.directory)
}

/// A small deterministic stream of choices drawn from one proptest value (splitmix64).
struct Pick(u64);

impl Pick {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }
    fn of<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---- Independent models of the parts of SPEC the properties rely on. ----

/// Whether `scope` is `root` or lies below it (SPEC 3: inheritance is downward only).
fn within(dir: &DirectoryDoc, scope: &str, root: &str) -> bool {
    let mut cur = Some(scope.to_owned());
    let mut steps = 0;
    while let Some(c) = cur {
        if c == root {
            return true;
        }
        steps += 1;
        assert!(steps <= dir.scopes.len() + 1, "scope cycle");
        cur = dir
            .scopes
            .iter()
            .find(|s| s.id.0 == c)
            .and_then(|s| s.parent.as_ref().map(|p| p.0.clone()));
    }
    false
}

/// The scope and its ancestors, from the scope up.
fn ancestry(dir: &DirectoryDoc, scope: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = Some(scope.to_owned());
    while let Some(c) = cur {
        if out.contains(&c) || out.len() > dir.scopes.len() {
            break;
        }
        cur = dir
            .scopes
            .iter()
            .find(|s| s.id.0 == c)
            .and_then(|s| s.parent.as_ref().map(|p| p.0.clone()));
        out.push(c);
    }
    out
}

/// `resource:level` against a pattern with `*` for either part, matched exactly (no level
/// implication: docs/semantics.md, "`except` and `forbid` patterns match exactly").
fn perm_matches(pattern: &str, perm: &str) -> bool {
    let (Some((pr, pl)), Some((r, l))) = (pattern.split_once(':'), perm.split_once(':')) else {
        return false;
    };
    (pr == "*" || pr == r) && (pl == "*" || pl == l)
}

/// An action against an action pattern: the name itself, `prefix.*` or `*.*`.
fn action_matches(pattern: &str, action: &str) -> bool {
    match pattern.split_once('.') {
        Some(("*", "*")) => true,
        Some((x, "*")) => action.split_once('.').is_some_and(|(y, _)| x == y),
        _ => pattern == action,
    }
}

/// The permissions a query requires, in declared order (empty for an unknown action).
fn required(policy: &PolicyDoc, q: &QueryDoc) -> Vec<String> {
    match (&q.action, &q.permission) {
        (Some(a), None) => policy
            .actions
            .get(a)
            .map(|a| a.requires.0.clone())
            .unwrap_or_default(),
        (None, Some(p)) => vec![p.clone()],
        _ => Vec::new(),
    }
}

fn kind_of(dir: &DirectoryDoc, subject: &str) -> SubjectKind {
    if dir.api_keys.iter().any(|k| k.id.0 == subject) {
        SubjectKind::ApiKey
    } else {
        SubjectKind::User
    }
}

/// Whether a forbid rule matches a query (SPEC 3 step 2 and docs/semantics.md "forbid").
fn forbid_matches(rule: &ForbidDoc, policy: &PolicyDoc, dir: &DirectoryDoc, q: &QueryDoc) -> bool {
    if rule
        .subject_kind
        .is_some_and(|k| k != kind_of(dir, &q.subject.0))
    {
        return false;
    }
    if let Some(s) = &rule.scope {
        if !within(dir, &q.scope.0, s) {
            return false;
        }
    }
    match (&rule.permission, &rule.action) {
        (Some(p), None) => required(policy, q).iter().any(|r| perm_matches(p, r)),
        (None, Some(a)) => q.action.as_deref().is_some_and(|x| action_matches(a, x)),
        _ => false,
    }
}

/// Whether a qualifier is satisfied by a query's context (SPEC 3 "Context"): every dimension it
/// constrains is given, with a listed value or `*`; a listed `*` accepts any given value.
fn satisfies(qualifier: &ContextDoc, context: &IndexMap<String, Text>) -> bool {
    qualifier.iter().all(|(dim, vals)| match context.get(dim) {
        None => false,
        Some(v) => v.0 == "*" || vals.0.iter().any(|x| x == "*" || *x == v.0),
    })
}

/// Whether a qualifier accepts at most what another does (a restriction of it).
fn narrower_or_equal(new: &ContextDoc, old: &ContextDoc) -> bool {
    old.iter().all(|(dim, old_vals)| match new.get(dim) {
        None => false,
        Some(new_vals) => {
            old_vals.0.iter().any(|x| x == "*")
                || (!new_vals.0.iter().any(|x| x == "*")
                    && new_vals.0.iter().all(|v| old_vals.0.contains(v)))
        }
    })
}

/// The query, and the query with each dimension absent, `*`, and each value (listed or not).
fn variants(q: &QueryDoc, dims: &[String]) -> Vec<QueryDoc> {
    let mut out = vec![q.clone()];
    for d in dims {
        let mut absent = q.clone();
        absent.context.shift_remove(d);
        out.push(absent);
        for v in VALUES.iter().chain(["*"].iter()) {
            let mut x = q.clone();
            x.context.insert(d.clone(), Text((*v).into()));
            out.push(x);
        }
    }
    out
}

fn with_subject(q: &QueryDoc, subject: &str) -> QueryDoc {
    QueryDoc {
        subject: Text(subject.into()),
        ..q.clone()
    }
}

fn perm_query(subject: &str, perm: &str, scope: &str, ctx: &IndexMap<String, Text>) -> QueryDoc {
    QueryDoc {
        subject: Text(subject.into()),
        permission: Some(perm.into()),
        scope: Text(scope.into()),
        context: ctx.clone(),
        now: Some(T0.into()),
        ..Default::default()
    }
}

fn action_query(
    subject: &str,
    action: &str,
    scope: &str,
    ctx: &IndexMap<String, Text>,
) -> QueryDoc {
    QueryDoc {
        subject: Text(subject.into()),
        action: Some(action.into()),
        scope: Text(scope.into()),
        context: ctx.clone(),
        // Someone else made it: `self_approval` never applies.
        resource: [("created_by".to_owned(), Text("someone-else".into()))].into(),
        now: Some(T0.into()),
        ..Default::default()
    }
}

fn wildcard_context(policy: &PolicyDoc) -> IndexMap<String, Text> {
    policy
        .dimensions
        .iter()
        .map(|d| (d.clone(), Text("*".into())))
        .collect()
}

fn is_allowed(o: &Outcome) -> bool {
    matches!(o, Ok(d) if d.allowed)
}

fn scope_ids(dir: &DirectoryDoc) -> Vec<String> {
    dir.scopes.iter().map(|s| s.id.0.clone()).collect()
}

fn users() -> Vec<String> {
    (0..6).map(|i| format!("u{i}")).collect()
}

/// Asserts the decision for a subject that holds nothing: denied, and the reason is the first
/// step of SPEC 3 that fails, computed here: `forbidden` if a rule matches, else
/// `self_approval` if the resource's `distinct_from` attribute names the subject, else
/// `missing_permission` with every required permission missing. (SPEC has no separate code for
/// "no grant at all": a subject with nothing is `missing_permission`.)
fn assert_holds_nothing(
    e: &Evaluator,
    policy: &PolicyDoc,
    dir: &DirectoryDoc,
    q: &QueryDoc,
) -> Result<(), TestCaseError> {
    let Ok(d) = e.check_doc(q) else {
        return Ok(()); // input errors are errors, not denials
    };
    let forbidden = policy
        .constraints
        .forbid
        .iter()
        .any(|r| forbid_matches(r, policy, dir, q));
    let self_approval = q
        .action
        .as_ref()
        .and_then(|a| policy.actions.get(a))
        .and_then(|a| a.distinct_from.as_ref())
        .is_some_and(|attr| q.resource.get(attr).is_some_and(|v| v.0 == q.subject.0));
    let expect = if forbidden {
        Reason::Forbidden
    } else if self_approval {
        Reason::SelfApproval
    } else {
        Reason::MissingPermission
    };
    prop_assert!(!d.allowed, "allowed with nothing held: {:?} -> {:?}", q, d);
    prop_assert_eq!(d.reason, expect, "query {:?}", q);
    if expect == Reason::MissingPermission {
        prop_assert_eq!(d.missing, required(policy, q), "query {:?}", q);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 1. Deny by default (SPEC 3: "An unknown subject is not an error: it holds nothing").
    /// A subject with no assignment, grant or key of its own, known to the directory or not, is
    /// denied every query; and a directory stripped of every assignment, grant and key denies
    /// every query, with the reason SPEC's order gives (`missing_permission` when neither a forbid
    /// rule nor `self_approval` comes first).
    #[test]
    fn a_subject_with_nothing_is_denied_everything(seed in any::<u64>()) {
        let case = generate(seed, Size::default(), Options::default());
        let e = build_case(&case);
        let dir = &case.directory;
        let mut bare: Vec<String> = users()
            .into_iter()
            .filter(|u| !dir.assignments.iter().any(|a| a.subject.0 == *u))
            .filter(|u| !dir.grants.iter().any(|g| g.subject.0 == *u))
            .collect();
        bare.push("nobody".into());
        bare.push(format!("ghost-{seed}"));
        for q in &case.queries {
            for s in &bare {
                assert_holds_nothing(&e, &case.policy, dir, &with_subject(q, s))?;
            }
        }

        let mut empty = case.directory.clone();
        empty.assignments.clear();
        empty.grants.clear();
        empty.api_keys.clear();
        let e0 = build(&case.policy, &empty);
        let mut subjects: Vec<String> = users();
        subjects.extend(case.directory.api_keys.iter().map(|k| k.id.0.clone()));
        subjects.push("nobody".into());
        for q in &case.queries {
            assert_holds_nothing(&e0, &case.policy, &empty, q)?;
            for s in &subjects {
                assert_holds_nothing(&e0, &case.policy, &empty, &with_subject(q, s))?;
            }
        }
        for sc in scope_ids(&empty) {
            for s in &subjects {
                prop_assert!(e0.allowed_actions(s, &sc, &[], None).unwrap().is_empty());
            }
        }
        prop_assert!(e0.effective_permissions().is_empty());
    }
}

/// A forbid rule that names query `q` (its action, an action pattern covering it, or one of its
/// required permissions, exactly or by pattern), for the subject's kind or every kind, at the
/// query scope, an ancestor of it, or everywhere.
fn forbid_naming(
    pick: &mut Pick,
    policy: &PolicyDoc,
    dir: &DirectoryDoc,
    q: &QueryDoc,
) -> ForbidDoc {
    let req = required(policy, q);
    let p = pick.of(&req).clone();
    let (r, l) = p.split_once(':').unwrap();
    let mut choices: Vec<(Option<String>, Option<String>)> = vec![
        (Some(p.clone()), None),
        (Some(format!("{r}:*")), None),
        (Some(format!("*:{l}")), None),
        (Some("*:*".into()), None),
    ];
    if let Some(a) = &q.action {
        let prefix = a.split_once('.').unwrap().0;
        choices.push((None, Some(a.clone())));
        choices.push((None, Some(format!("{prefix}.*"))));
        choices.push((None, Some("*.*".into())));
    }
    let (permission, action) = pick.of(&choices).clone();
    let subject_kind = pick.one_in(2).then(|| kind_of(dir, &q.subject.0));
    let up = ancestry(dir, &q.scope.0);
    let scope = (!pick.one_in(3)).then(|| pick.of(&up).clone());
    ForbidDoc {
        subject_kind,
        permission,
        action,
        scope,
    }
}

/// A random forbid rule over the policy's names.
fn random_forbid(pick: &mut Pick, policy: &PolicyDoc, dir: &DirectoryDoc) -> ForbidDoc {
    let actions: Vec<&String> = policy.actions.keys().collect();
    let resources: Vec<&String> = policy.resources.keys().collect();
    let a = pick.of(&actions);
    let r = pick.of(&resources);
    let l = *pick.of(&["view", "manage", "authorize", "*"]);
    let (permission, action) = match pick.below(4) {
        0 => (None, Some((*a).clone())),
        1 => (None, Some(format!("{}.*", a.split_once('.').unwrap().0))),
        2 => (Some(format!("*:{l}")), None),
        _ => (Some(format!("{r}:*")), None),
    };
    let subject_kind = match pick.below(3) {
        0 => Some(SubjectKind::User),
        1 => Some(SubjectKind::ApiKey),
        _ => None,
    };
    let scopes = scope_ids(dir);
    let scope = pick.one_in(2).then(|| pick.of(&scopes).clone());
    ForbidDoc {
        subject_kind,
        permission,
        action,
        scope,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 2a. Forbid always wins (SPEC 3 step 2; docs/semantics.md: "A forbid rule always wins,
    /// even over a single-action grant"): a rule naming a query's action or permission, for its
    /// subject's kind and scope, denies it whatever assignments, grants and keys say, with reason
    /// `forbidden` (or `expired`, the only step before it). Queries allowed before are preferred,
    /// so the rule overrides real grants.
    #[test]
    fn a_forbid_rule_naming_a_query_denies_it_whatever_grants_it(seed in any::<u64>(), pick in any::<u64>()) {
        let case = generate(seed, Size::default(), Options::default());
        let before = build_case(&case);
        let mut pick = Pick(pick);
        let valid: Vec<(&QueryDoc, Decision)> = case
            .queries
            .iter()
            .filter_map(|q| before.check_doc(q).ok().map(|d| (q, d)))
            .collect();
        let allowed: Vec<&(&QueryDoc, Decision)> =
            valid.iter().filter(|(_, d)| d.allowed).collect();
        for _ in 0..4 {
            if valid.is_empty() {
                return Ok(());
            }
            let (q, d) = if !allowed.is_empty() && !pick.one_in(4) {
                *pick.of(&allowed)
            } else {
                pick.of(&valid)
            };
            let rule = forbid_naming(&mut pick, &case.policy, &case.directory, q);
            prop_assert!(forbid_matches(&rule, &case.policy, &case.directory, q));
            let mut policy = case.policy.clone();
            policy.constraints.forbid.push(rule.clone());
            let after = build(&policy, &case.directory);
            let now = after.check_doc(q).unwrap();
            prop_assert!(
                !now.allowed,
                "rule {:?} did not deny {:?}: {:?}",
                rule,
                q,
                now
            );
            let expect = if d.reason == Reason::Expired {
                Reason::Expired
            } else {
                Reason::Forbidden
            };
            prop_assert_eq!(now.reason, expect, "rule {:?} query {:?}", rule, q);
        }
    }

    /// 2b. Adding a forbid rule is monotone and local: it never turns a deny into an allow, it
    /// denies (`forbidden`, or `expired` first) exactly the queries it matches, and every other
    /// decision is unchanged, reason, sources and message included.
    #[test]
    fn adding_a_forbid_rule_changes_only_the_queries_it_matches(seed in any::<u64>(), pick in any::<u64>()) {
        let case = generate(seed, Size::default(), Options::default());
        let before = build_case(&case);
        let mut pick = Pick(pick);
        let rule = random_forbid(&mut pick, &case.policy, &case.directory);
        let mut policy = case.policy.clone();
        policy.constraints.forbid.push(rule.clone());
        let after = build(&policy, &case.directory);
        let mut subjects: Vec<String> = users();
        subjects.extend(case.directory.api_keys.iter().map(|k| k.id.0.clone()));
        for q0 in &case.queries {
            for s in &subjects {
                let q = with_subject(q0, s);
                let (b, a) = (before.check_doc(&q), after.check_doc(&q));
                if is_allowed(&a) {
                    prop_assert!(
                        is_allowed(&b),
                        "forbid {:?} turned a deny into an allow: {:?}",
                        rule,
                        q
                    );
                }
                match (&b, &a) {
                    (Ok(bd), Ok(ad)) if forbid_matches(&rule, &policy, &case.directory, &q) => {
                        prop_assert!(!ad.allowed, "rule {:?} matches but allows {:?}", rule, q);
                        let expect = if bd.reason == Reason::Expired {
                            Reason::Expired
                        } else {
                            Reason::Forbidden
                        };
                        prop_assert_eq!(ad.reason, expect, "rule {:?} query {:?}", rule, q);
                    }
                    _ => prop_assert_eq!(&b, &a, "rule {:?} does not match {:?}", rule, q),
                }
            }
        }
    }
}

/// Whether an `except` entry names something query `q` needs: one of its required permissions
/// (a `:` pattern), or its action (an action name or `prefix.*`).
fn except_touches(entry: &str, policy: &PolicyDoc, q: &QueryDoc) -> bool {
    if entry.contains(':') {
        required(policy, q).iter().any(|p| perm_matches(entry, p))
    } else {
        q.action
            .as_deref()
            .is_some_and(|a| action_matches(entry, a))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 3. `except` removes only what it names (SPEC 3: "`except` removes exactly the listed
    /// permissions or actions (wildcards allowed) from that one assignment's closed set; what other
    /// sources grant is unaffected"). Adding an entry to one assignment leaves every decision that
    /// needs none of what the entry names unchanged (for every subject, keys included), never
    /// turns a deny into an allow, and really removes: a subject holding only that assignment is
    /// denied each permission the entry names, at the assignment's own scope, in any context.
    #[test]
    fn except_removes_only_what_it_names(seed in any::<u64>(), pick in any::<u64>()) {
        let case = generate(seed, Size::default(), Options::default());
        if case.directory.assignments.is_empty() {
            return Ok(());
        }
        let before = build_case(&case);
        let mut pick = Pick(pick);
        let perms = before.policy().permission_names();
        let actions: Vec<&String> = case.policy.actions.keys().collect();
        let resources: Vec<&String> = case.policy.resources.keys().collect();
        let entry = match pick.below(5) {
            0 | 1 => pick.of(&perms).clone(),
            2 => format!("{}:*", pick.of(&resources)),
            3 => (*pick.of(&actions)).clone(),
            _ => format!("{}.*", pick.of(&actions).split_once('.').unwrap().0),
        };
        let i = pick.below(case.directory.assignments.len());
        let mut dir = case.directory.clone();
        dir.assignments[i].except.push(entry.clone());
        let after = build(&case.policy, &dir);

        let mut subjects: Vec<String> = users();
        subjects.extend(case.directory.api_keys.iter().map(|k| k.id.0.clone()));
        for q0 in &case.queries {
            for q in variants(q0, &case.policy.dimensions) {
                for s in &subjects {
                    let q = with_subject(&q, s);
                    let (b, a) = (before.check_doc(&q), after.check_doc(&q));
                    if except_touches(&entry, &case.policy, &q) {
                        prop_assert!(
                            !is_allowed(&a) || is_allowed(&b),
                            "except {:?} turned a deny into an allow: {:?}",
                            entry,
                            q
                        );
                        prop_assert_eq!(b.is_err(), a.is_err());
                    } else {
                        prop_assert_eq!(
                            &b,
                            &a,
                            "except {:?} on assignment {} changed {:?}",
                            entry,
                            i,
                            q
                        );
                    }
                }
            }
        }

        // It really removes: a probe holding only the excepted assignment.
        let a = &dir.assignments[i];
        let mut probe = case.directory.clone();
        probe.assignments = vec![AssignmentDoc { id: None,
            subject: Text("probe".into()),
            ..a.clone()
        }];
        probe.grants.clear();
        probe.api_keys.clear();
        let probe_e = build(&case.policy, &probe);
        let ctx = wildcard_context(&case.policy);
        for p in perms.iter().filter(|p| perm_matches(&entry, p)) {
            let q = perm_query("probe", p, &a.scope.0, &ctx);
            prop_assert!(
                !probe_e.check_doc(&q).unwrap().allowed,
                "except {:?} left {} held",
                entry,
                p
            );
        }
        for act in actions
            .iter()
            .filter(|x| !entry.contains(':') && action_matches(&entry, x))
        {
            // Held only if it still is through its required permissions.
            let q = action_query("probe", act, &a.scope.0, &ctx);
            let via_perms = case.policy.actions[*act].requires.0.iter().all(|p| {
                probe_e
                    .check_doc(&perm_query("probe", p, &a.scope.0, &ctx))
                    .unwrap()
                    .allowed
            });
            let forbidden = case
                .policy
                .constraints
                .forbid
                .iter()
                .any(|r| forbid_matches(r, &case.policy, &probe, &q));
            prop_assert_eq!(
                probe_e.check_doc(&q).unwrap().allowed,
                via_perms && !forbidden,
                "except {:?} action {}",
                entry,
                act
            );
        }
    }
}

/// A random qualifier over the policy's dimensions: each constrained with probability 1/2 by a
/// non-empty list of values, sometimes `*`.
fn random_qualifier(pick: &mut Pick, dims: &[String]) -> ContextDoc {
    let mut c = ContextDoc::new();
    for d in dims {
        if pick.one_in(2) {
            continue;
        }
        let mut vals: Vec<String> = ["a", "b", "c", "*"]
            .iter()
            .filter(|_| pick.one_in(2))
            .map(|v| (*v).to_owned())
            .collect();
        if vals.is_empty() {
            vals.push("a".into());
        }
        c.insert(d.clone(), OneOrMany(vals));
    }
    c
}

/// A restriction of `old`: one dimension newly constrained, or a constrained one narrowed to a
/// non-empty subset of what it accepted (`*` may be replaced by listed values).
fn narrow(pick: &mut Pick, old: &ContextDoc, dims: &[String]) -> ContextDoc {
    let mut new = old.clone();
    let d = pick.of(dims).clone();
    let accepts_any = old.get(&d).is_none_or(|v| v.0.iter().any(|x| x == "*"));
    let pool: Vec<String> = if accepts_any {
        ["a", "b", "c", "*"]
            .iter()
            .map(|v| (*v).to_owned())
            .collect()
    } else {
        old[&d].0.clone()
    };
    let mut vals: Vec<String> = pool.iter().filter(|_| pick.one_in(2)).cloned().collect();
    if vals.is_empty() {
        vals.push(pick.of(&pool).clone());
    }
    new.insert(d, OneOrMany(vals));
    new
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 4a. Context qualifiers never widen access: restricting the qualifier of one assignment or
    /// direct grant (constraining another dimension, or narrowing a dimension's values) never
    /// turns a deny into an allow, for any subject and any query context (each dimension absent,
    /// `*`, a listed value or an unlisted one).
    #[test]
    fn narrowing_a_context_qualifier_never_widens_access(seed in any::<u64>(), pick in any::<u64>()) {
        let mut case = generate(seed, Size::default(), Options::default());
        if case.policy.dimensions.is_empty() {
            case.policy.dimensions.push("d0".into());
        }
        let (na, ng) = (
            case.directory.assignments.len(),
            case.directory.grants.len(),
        );
        if na + ng == 0 {
            return Ok(());
        }
        let before = build_case(&case);
        let mut pick = Pick(pick);
        let i = pick.below(na + ng);
        let mut dir = case.directory.clone();
        let slot = if i < na {
            &mut dir.assignments[i].context
        } else {
            &mut dir.grants[i - na].context
        };
        let old = slot.clone();
        *slot = narrow(&mut pick, &old, &case.policy.dimensions);
        prop_assert!(narrower_or_equal(slot, &old));
        let new = slot.clone();
        let after = build(&case.policy, &dir);
        let mut subjects: Vec<String> = users();
        subjects.extend(case.directory.api_keys.iter().map(|k| k.id.0.clone()));
        for q0 in &case.queries {
            for q in variants(q0, &case.policy.dimensions) {
                for s in &subjects {
                    let q = with_subject(&q, s);
                    let (b, a) = (before.check_doc(&q), after.check_doc(&q));
                    prop_assert_eq!(b.is_err(), a.is_err());
                    prop_assert!(
                        !is_allowed(&a) || is_allowed(&b),
                        "qualifier {:?} -> {:?} on source {} turned a deny into an allow: {:?}",
                        old,
                        new,
                        i,
                        q
                    );
                }
            }
        }
    }

    /// 4b. A qualifier only filters (SPEC 3 "Context"): for a subject whose one source is an
    /// assignment with qualifier C, a query is allowed exactly when it would be allowed with no
    /// qualifier and its context satisfies C (every dimension C constrains is given, with a listed
    /// value or `*`; a missing dimension does not satisfy it; dimensions C leaves open are
    /// ignored). So more context never makes a query pass where C excludes it, and when C alone
    /// stands in the way the reason is `context_mismatch`.
    #[test]
    fn a_context_qualifier_only_filters(seed in any::<u64>(), pick in any::<u64>()) {
        let mut case = generate(seed, Size::default(), Options::default());
        if case.policy.dimensions.is_empty() {
            case.policy.dimensions.push("d0".into());
        }
        let mut pick = Pick(pick);
        let role = format!("role{}", pick.below(case.policy.roles.len()));
        let scopes = scope_ids(&case.directory);
        let scope = Text(pick.of(&scopes).clone());
        let qualifier = random_qualifier(&mut pick, &case.policy.dimensions);
        let probe = |context: ContextDoc| {
            let mut dir = case.directory.clone();
            dir.assignments.push(AssignmentDoc { id: None,
                subject: Text("probe".into()),
                role: role.clone(),
                scope: scope.clone(),
                context,
                except: vec![],
            });
            build(&case.policy, &dir)
        };
        let with = probe(qualifier.clone());
        let without = probe(ContextDoc::new());
        for q0 in &case.queries {
            for q in variants(&with_subject(q0, "probe"), &case.policy.dimensions) {
                let (w, wo) = (with.check_doc(&q), without.check_doc(&q));
                prop_assert_eq!(w.is_err(), wo.is_err());
                let (Ok(w), Ok(wo)) = (w, wo) else { continue };
                let sat = satisfies(&qualifier, &q.context);
                prop_assert_eq!(
                    w.allowed,
                    sat && wo.allowed,
                    "qualifier {:?} query {:?}",
                    qualifier,
                    q
                );
                if wo.allowed && !sat {
                    prop_assert_eq!(
                        w.reason,
                        Reason::ContextMismatch,
                        "qualifier {:?} query {:?}",
                        qualifier,
                        q
                    );
                }
                if sat {
                    prop_assert_eq!(
                        &w,
                        &wo,
                        "a satisfied qualifier changed the decision: {:?}",
                        q
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 5. An API key never exceeds its owner (SPEC 3: a key holds a permission only if its own
    /// permissions hold it at the scope and its owner holds it there at the same time; docs: a key
    /// holds a single action in its `permissions` when its owner may do that action, and
    /// `self_approval` compares `distinct_from` with the key's owner too, so the key's
    /// self-approval denials include the owner's and need no exclusion). For every query a key is
    /// allowed, its owner is allowed the same query (action or permission, scope, context,
    /// resource, time).
    ///
    /// One exception, by SPEC: a `forbid` rule with `subject_kind: user` denies the owner and not
    /// the key (a rule for users does not match keys). So when the owner is denied `forbidden`, the
    /// owner must be allowed once the `user`-only rules are dropped.
    ///
    /// Some keys also list single actions (the generator gives keys permissions only).
    #[test]
    fn an_api_key_never_exceeds_its_owner(seed in any::<u64>(), pick in any::<u64>()) {
        let mut case = generate(seed, Size::default(), Options::default());
        let mut pick = Pick(pick);
        let actions: Vec<String> = case.policy.actions.keys().cloned().collect();
        for k in &mut case.directory.api_keys {
            if pick.one_in(2) {
                k.permissions.push(pick.of(&actions).clone());
            }
        }
        let e = build_case(&case);
        let mut policy_no_user_rules = case.policy.clone();
        policy_no_user_rules
            .constraints
            .forbid
            .retain(|r| r.subject_kind != Some(SubjectKind::User));
        let e_users = build(&policy_no_user_rules, &case.directory);
        let wild = wildcard_context(&case.policy);
        let none = IndexMap::new();
        let perms = e.policy().permission_names();
        for k in &case.directory.api_keys {
            let mut qs: Vec<QueryDoc> = case
                .queries
                .iter()
                .flat_map(|q| variants(&with_subject(q, &k.id.0), &case.policy.dimensions))
                .collect();
            for sc in scope_ids(&case.directory) {
                for ctx in [&none, &wild] {
                    qs.extend(perms.iter().map(|p| perm_query(&k.id.0, p, &sc, ctx)));
                    qs.extend(actions.iter().map(|a| action_query(&k.id.0, a, &sc, ctx)));
                }
            }
            for q in &qs {
                if !is_allowed(&e.check_doc(q)) {
                    continue;
                }
                let qo = with_subject(q, &k.owner.0);
                let owner = e.check_doc(&qo).unwrap();
                if !owner.allowed {
                    prop_assert_eq!(
                        owner.reason,
                        Reason::Forbidden,
                        "key {} allowed, owner {} denied: {:?} -> {:?}",
                        k.id.0,
                        k.owner.0,
                        q,
                        owner
                    );
                    prop_assert!(
                        e_users.check_doc(&qo).unwrap().allowed,
                        "key {} allowed, owner {} denied by a rule that also applies to keys: {:?}",
                        k.id.0,
                        k.owner.0,
                        q
                    );
                }
            }
        }
    }
}

/// One random change of the directory: add or remove an assignment or a direct grant, or remove
/// an API key. `None` when there is nothing to remove or the change is invalid.
fn change(pick: &mut Pick, case: &Case, pool: &Case) -> Option<DirectoryDoc> {
    let mut dir = case.directory.clone();
    let scopes = scope_ids(&dir);
    let mut subjects = users();
    subjects.push("newcomer".into());
    let dims = &case.policy.dimensions;
    let context = |c: &ContextDoc| -> ContextDoc {
        c.iter()
            .filter(|(d, _)| dims.contains(d))
            .map(|(d, v)| (d.clone(), v.clone()))
            .collect()
    };
    match pick.below(5) {
        0 => {
            let from = pool.directory.assignments.first();
            dir.assignments.push(AssignmentDoc {
                id: None,
                subject: Text(pick.of(&subjects).clone()),
                role: format!("role{}", pick.below(case.policy.roles.len())),
                scope: Text(pick.of(&scopes).clone()),
                context: from.map(|a| context(&a.context)).unwrap_or_default(),
                except: vec![],
            });
        }
        1 => {
            if dir.assignments.is_empty() {
                return None;
            }
            let i = pick.below(dir.assignments.len());
            dir.assignments.remove(i);
        }
        2 => {
            let perms: Vec<String> = dir_perms(case);
            let actions: Vec<&String> = case.policy.actions.keys().collect();
            let (permission, action) = if pick.one_in(3) {
                (None, Some((*pick.of(&actions)).clone()))
            } else {
                (Some(pick.of(&perms).clone()), None)
            };
            let from = pool.directory.grants.first();
            dir.grants.push(GrantDoc {
                id: None,
                subject: Text(pick.of(&subjects).clone()),
                permission,
                action,
                scope: Text(pick.of(&scopes).clone()),
                context: from.map(|g| context(&g.context)).unwrap_or_default(),
            });
        }
        3 => {
            if dir.grants.is_empty() {
                return None;
            }
            let i = pick.below(dir.grants.len());
            dir.grants.remove(i);
        }
        _ => {
            if dir.api_keys.is_empty() {
                return None;
            }
            let i = pick.below(dir.api_keys.len());
            dir.api_keys.remove(i);
        }
    }
    Some(dir)
}

/// Permissions and patterns a direct grant may name.
fn dir_perms(case: &Case) -> Vec<String> {
    let p = Policy::from_doc(case.policy.clone()).unwrap();
    let mut out = p.permission_names();
    out.push("*:view".into());
    out.extend(case.policy.resources.keys().map(|r| format!("{r}:*")));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 6. `diff` is the evidence of what changed (SPEC 4). `diff(a, a)` is empty, and so is the
    /// diff against the same directory listed in another order. For one random change b of a,
    /// at the granularity `AccessDiff` has (per subject and scope, permission names and single
    /// actions, each plain when held unconditionally or suffixed `[context]` when held only under
    /// one; holdings, so forbid rules are off here and `now` is before every expiry):
    /// - for every subject, scope and permission p, the decision for p with no context changed
    ///   exactly when the diff lists plain `p` there: in `gained` when it became allowed, in `lost`
    ///   when it became denied;
    /// - with every dimension `*`, the decision for p changed only if the diff lists p there,
    ///   plain or suffixed;
    /// - the decision for an action with no context changed only if the diff lists, plain, the
    ///   action or one of the permissions it requires; a plain action gained (lost) is allowed
    ///   after (before).
    ///
    /// Some keys also list single actions (the generator gives keys permissions only): a key's
    /// single action shows in the report once its owner may do it (see
    /// `diff_shows_a_key_single_action_gained_through_its_owner`).
    #[test]
    fn diff_lists_exactly_the_decisions_that_changed(seed in any::<u64>(), pick in any::<u64>()) {
        let mut case = generate(seed, Size::default(), Options { no_forbid: true });
        let mut pick = Pick(pick);
        let actions: Vec<String> = case.policy.actions.keys().cloned().collect();
        for k in &mut case.directory.api_keys {
            if pick.one_in(2) {
                k.permissions.push(pick.of(&actions).clone());
            }
        }
        let a = build_case(&case);
        prop_assert!(diff(&a, &a).is_empty());
        let mut reordered = case.directory.clone();
        reordered.assignments.reverse();
        reordered.grants.reverse();
        reordered.api_keys.reverse();
        prop_assert!(diff(&a, &build(&case.policy, &reordered)).is_empty());

        let pool = generate(pick.next(), Size::default(), Options { no_forbid: true });
        let Some(dir_b) = change(&mut pick, &case, &pool) else {
            return Ok(());
        };
        let Some(b) = try_build(&case.policy, &dir_b) else {
            return Ok(());
        };
        let d = diff(&a, &b);
        prop_assert!(diff(&b, &b).is_empty());

        let mut listed: BTreeMap<(String, String), (BTreeSet<String>, BTreeSet<String>)> =
            BTreeMap::new();
        for c in &d.changes {
            prop_assert!(!c.gained.is_empty() || !c.lost.is_empty());
            let prev = listed.insert(
                (c.subject.clone(), c.scope.clone()),
                (
                    c.gained.iter().cloned().collect(),
                    c.lost.iter().cloned().collect(),
                ),
            );
            prop_assert!(prev.is_none(), "pair listed twice: {:?}", c);
        }
        let mut subjects: BTreeSet<String> =
            a.directory().subject_ids().map(str::to_owned).collect();
        subjects.extend(b.directory().subject_ids().map(str::to_owned));
        subjects.insert("nobody".into());
        for (s, _) in listed.keys() {
            prop_assert!(subjects.contains(s), "diff names unknown subject {}", s);
        }
        let empty_sets = (BTreeSet::new(), BTreeSet::new());
        let none = IndexMap::new();
        let wild = wildcard_context(&case.policy);
        let perms = a.policy().permission_names();
        let names_p = |set: &BTreeSet<String>, p: &str| {
            set.iter()
                .any(|n| n == p || n.starts_with(&format!("{p} [")))
        };
        for s in &subjects {
            for sc in scope_ids(&case.directory) {
                let (gained, lost) = listed.get(&(s.clone(), sc.clone())).unwrap_or(&empty_sets);
                for p in &perms {
                    let q = perm_query(s, p, &sc, &none);
                    let (was, is) = (
                        a.check_doc(&q).unwrap().allowed,
                        b.check_doc(&q).unwrap().allowed,
                    );
                    prop_assert_eq!(
                        gained.contains(p),
                        is && !was,
                        "{} {} {}: before {} after {}, diff {:?}",
                        s,
                        sc,
                        p,
                        was,
                        is,
                        d
                    );
                    prop_assert_eq!(
                        lost.contains(p),
                        was && !is,
                        "{} {} {}: before {} after {}, diff {:?}",
                        s,
                        sc,
                        p,
                        was,
                        is,
                        d
                    );
                    let q = perm_query(s, p, &sc, &wild);
                    if a.check_doc(&q).unwrap().allowed != b.check_doc(&q).unwrap().allowed {
                        prop_assert!(
                            names_p(gained, p) || names_p(lost, p),
                            "{} {} {} under {:?} changed, diff {:?}",
                            s,
                            sc,
                            p,
                            wild,
                            d
                        );
                    }
                }
                for (act, doc) in &case.policy.actions {
                    let q = action_query(s, act, &sc, &none);
                    let (was, is) = (
                        a.check_doc(&q).unwrap().allowed,
                        b.check_doc(&q).unwrap().allowed,
                    );
                    if was != is {
                        let mentioned = gained.contains(act)
                            || lost.contains(act)
                            || doc
                                .requires
                                .0
                                .iter()
                                .any(|p| gained.contains(p) || lost.contains(p));
                        prop_assert!(
                            mentioned,
                            "{} {} {}: before {} after {}, diff {:?}",
                            s,
                            sc,
                            act,
                            was,
                            is,
                            d
                        );
                    }
                    if gained.contains(act) {
                        prop_assert!(is, "{} {} {} gained but denied", s, sc, act);
                    }
                    if lost.contains(act) {
                        prop_assert!(was, "{} {} {} lost but was denied", s, sc, act);
                    }
                }
            }
        }
    }
}

/// Found by `diff_lists_exactly_the_decisions_that_changed` when keys list single actions, then
/// minimized (a regression test). A key that lists a single action may do it as soon as its owner
/// may (docs/semantics.md, API keys); the effective report, and so `diff`, showed a key's single
/// action only when the owner held that action as a single action, not when the owner held the
/// permissions it requires. Here the owner gains `r0:view` and the key becomes allowed `r0.act`:
/// an access review must see the key's new access.
#[test]
fn diff_shows_a_key_single_action_gained_through_its_owner() {
    let policy = r#"
rolecall: 1
resources: { r0: {} }
actions: { r0.act: { requires: r0:view } }
roles: { viewer: { grants: { r0: [view] } } }
"#;
    let before = r#"
scopes: [{ id: org }]
api_keys: [{ id: k, owner: alice, scope: org, permissions: [r0.act] }]
"#;
    let after = r#"
scopes: [{ id: org }]
assignments: [{ subject: alice, role: viewer, scope: org }]
api_keys: [{ id: k, owner: alice, scope: org, permissions: [r0.act] }]
"#;
    let a = Evaluator::from_text(policy, before).unwrap();
    let b = Evaluator::from_text(policy, after).unwrap();
    let q = rolecall::Query::action("k", "r0.act", "org");
    assert!(!a.can(&q).unwrap());
    assert!(b.can(&q).unwrap());
    let d = diff(&a, &b);
    assert!(
        d.changes.iter().any(|c| c.subject == "k"),
        "the key's new access is missing from {d:?}"
    );
}
