//! How loading grows with input size: each scenario at several sizes, timed, with the growth
//! factor from the previous size (×10 size: about ×10 time is linear, about ×100 quadratic).
//! A scenario stops before a step projected (at the last step's growth) to exceed the budget.
//!
//! `cargo run --release -p rolecall --example scale [-- SCENARIO...] [--budget SECONDS]`
//!
//! Scenarios: scope-chain, role-chain, assignments, assignments-json, one-subject,
//! one-subject-exclusive, max-holders, max-holders-live, unknown-scopes, role-chain-cycle,
//! role-chain-constrained, role-chain-exclusive, grant-sets, forbid-rules.

use rolecall::model::{AssignmentDoc, Text};
use rolecall::{Directory, Evaluator, Policy, Query};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One step: the time of the operation that matters (the growth is computed from it) and a
/// line describing what was measured. Building the input text is not timed.
type Step = Box<dyn Fn(usize) -> Result<(Duration, String), String>>;

struct Scenario {
    name: &'static str,
    what: &'static str,
    sizes: &'static [usize],
    run: Step,
}

const POLICY: &str = "rolecall: 1
resources: { refunds: {}, reports: {} }
actions:
  refunds.create: { requires: refunds:manage }
  reports.view: { requires: reports:view }
roles:
  viewer: { grants: { \"*\": [view] } }
  operations: { includes: [viewer], grants: { refunds: [manage] } }
  owner: { includes: [operations], max_holders: 10000000 }
  initiator: { grants: { refunds: [view] } }
  approver: { grants: { refunds: [manage] } }
constraints:
  exclusive_roles: [[initiator, approver]]
";

fn policy() -> Result<Arc<Policy>, String> {
    Policy::parse(POLICY)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

fn timed<T>(f: impl FnOnce() -> Result<T, String>) -> Result<(T, Duration), String> {
    let start = Instant::now();
    let out = f()?;
    Ok((out, start.elapsed()))
}

fn secs(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

fn load(p: &Arc<Policy>, text: &str) -> Result<(Evaluator, Duration), String> {
    timed(|| {
        let d = Directory::parse(p, text).map_err(|e| e.to_string())?;
        Evaluator::new(p.clone(), d).map_err(|e| e.to_string())
    })
}

fn scope_chain(n: usize) -> Result<(Duration, String), String> {
    let mut d = String::from("scopes:\n  - { id: s0 }\n");
    for i in 1..n {
        let _ = writeln!(d, "  - {{ id: s{i}, parent: s{} }}", i - 1);
    }
    d.push_str("assignments:\n  - { subject: a, role: operations, scope: s0 }\n");
    let p = policy()?;
    let (e, t) = load(&p, &d)?;
    let leaf = format!("s{}", n - 1);
    let (ok, tc) = timed(|| {
        e.can(&Query::action("a", "refunds.create", &leaf))
            .map_err(|x| x.to_string())
    })?;
    let (snap, ts) = timed(|| Ok(e.snapshot("a")))?;
    let (_, tf) = timed(|| Evaluator::from_snapshot(p.clone(), &snap).map_err(|x| x.to_string()))?;
    Ok((
        t,
        format!(
            "load {} | check at the leaf {} ({ok}) | snapshot of {} scopes {} | from_snapshot {}",
            secs(t),
            secs(tc),
            snap.scopes.len(),
            secs(ts),
            secs(tf)
        ),
    ))
}

/// Roles `r0..r{n-1}`; `down`: r{i} includes r{i-1} (bottom-up); otherwise r{i} includes
/// r{i+1} (top-down, the order people write "admin includes manager includes ...").
fn role_chain_text(n: usize, down: bool, extra: &str) -> String {
    let mut p = String::from("rolecall: 1\nresources: { r: {} }\nroles:\n");
    for i in 0..n {
        let inc = match (down, i) {
            (true, 0) => String::new(),
            (true, _) => format!("includes: [r{}], ", i - 1),
            (false, _) if i + 1 == n => String::new(),
            (false, _) => format!("includes: [r{}], ", i + 1),
        };
        let _ = writeln!(p, "  r{i}: {{ {inc}grants: {{ r: [view] }}{extra} }}");
    }
    p
}

fn parse_policy(text: &str) -> Result<(bool, Duration), String> {
    timed(|| Ok(Policy::parse(text).is_ok()))
}

/// The process's resident memory in MB (Linux), read while the compiled input is alive.
fn rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or_else(|| "?".to_owned(), |kb| format!("{} MB", kb / 1024))
}

/// Parses a policy and reports the time and the resident memory while it is alive.
fn parse_policy_rss(text: &str) -> Result<(bool, Duration, String), String> {
    let (p, t) = timed(|| Ok(Policy::parse(text)))?;
    let rss = rss_mb();
    Ok((p.is_ok(), t, rss))
}

fn role_chain(n: usize) -> Result<(Duration, String), String> {
    let (ok, t) = parse_policy(&role_chain_text(n, true, ""))?;
    let (ok2, t2) = parse_policy(&role_chain_text(n, false, ""))?;
    Ok((
        t.max(t2),
        format!(
            "load bottom-up {} ({ok}) | top-down {} ({ok2})",
            secs(t),
            secs(t2)
        ),
    ))
}

fn role_chain_cycle(n: usize) -> Result<(Duration, String), String> {
    // A top-down chain and, beside it, a two-role cycle: the error path names the cycle.
    let mut text = role_chain_text(n, false, "");
    text.push_str("  x: { includes: [y] }\n  y: { includes: [x] }\n");
    let (ok, t) = parse_policy(&text)?;
    // The same chain leading into the cycle (its last role includes `x`).
    let mut into = role_chain_text(n, false, "");
    let last = format!("  r{}: {{ grants", n - 1);
    into = into.replace(&last, &format!("  r{}: {{ includes: [x], grants", n - 1));
    into.push_str("  x: { includes: [y] }\n  y: { includes: [x] }\n");
    let (ok2, t2) = parse_policy(&into)?;
    Ok((
        t.max(t2),
        format!(
            "refused in {} (accepted: {ok}) | leading into the cycle {} (accepted: {ok2})",
            secs(t),
            secs(t2)
        ),
    ))
}

fn role_chain_constrained(n: usize) -> Result<(Duration, String), String> {
    // Every role of the chain has `max_holders`, so each role's list of constrained roles it
    // includes is the rest of the chain.
    let (ok, t, rss) = parse_policy_rss(&role_chain_text(n, true, ", max_holders: 100"))?;
    Ok((t, format!("load {} ({ok}) | resident {rss}", secs(t))))
}

fn role_chain_exclusive(n: usize) -> Result<(Duration, String), String> {
    // A bottom-up chain of n roles, each in an exclusive group with a role of its own outside
    // the chain (2n roles, n groups): the top of the chain holds a member of every group.
    let mut p = role_chain_text(n, true, "");
    for i in 0..n {
        let _ = writeln!(p, "  x{i}: {{ grants: {{ r: [view] }} }}");
    }
    p.push_str("constraints:\n  exclusive_roles:\n");
    for i in 0..n {
        let _ = writeln!(p, "    - [r{i}, x{i}]");
    }
    let (ok, t, rss) = parse_policy_rss(&p)?;
    Ok((t, format!("load {} ({ok}) | resident {rss}", secs(t))))
}

fn assignments_text(n: usize, json: bool) -> String {
    let users = (n / 2).max(1);
    let scopes = 100;
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut d = String::new();
    if json {
        d.push_str("{\"scopes\": [{\"id\": \"org\"}");
        for i in 0..scopes {
            let _ = write!(d, ", {{\"id\": \"t{i}\", \"parent\": \"org\"}}");
        }
        d.push_str("], \"assignments\": [");
        for i in 0..n {
            let sep = if i == 0 { "" } else { ", " };
            let u = next() % users as u64;
            let s = next() % scopes;
            let r = if next() % 2 == 0 {
                "viewer"
            } else {
                "operations"
            };
            let _ = write!(
                d,
                "{sep}{{\"subject\": \"u{u}\", \"role\": \"{r}\", \"scope\": \"t{s}\"}}"
            );
        }
        d.push_str("]}");
    } else {
        d.push_str("scopes:\n  - { id: org }\n");
        for i in 0..scopes {
            let _ = writeln!(d, "  - {{ id: t{i}, parent: org }}");
        }
        d.push_str("assignments:\n");
        for _ in 0..n {
            let u = next() % users as u64;
            let s = next() % scopes;
            let r = if next() % 2 == 0 {
                "viewer"
            } else {
                "operations"
            };
            let _ = writeln!(d, "  - {{ subject: u{u}, role: {r}, scope: t{s} }}");
        }
    }
    d
}

fn assignments(n: usize, json: bool) -> Result<(Duration, String), String> {
    let text = assignments_text(n, json);
    let p = policy()?;
    let (e, t) = load(&p, &text)?;
    let (ok, tc) = timed(|| {
        e.can(&Query::action("u0", "refunds.create", "t1"))
            .map_err(|x| x.to_string())
    })?;
    Ok((
        t,
        format!(
            "load {} ({} MB of text) | one check {} ({ok})",
            secs(t),
            text.len() / 1_000_000,
            secs(tc)
        ),
    ))
}

/// A directory's `scopes:` section: `org` and n subtenants `{prefix}0..` under it.
fn siblings(n: usize, prefix: &str) -> String {
    let mut d = String::from("scopes:\n  - { id: org }\n");
    for i in 0..n {
        let _ = writeln!(d, "  - {{ id: {prefix}{i}, parent: org }}");
    }
    d
}

fn one_subject(n: usize) -> Result<(Duration, String), String> {
    // One subject (a service account, an admin of every subtenant) assigned at n scopes.
    let mut d = siblings(n, "t");
    d.push_str("assignments:\n");
    for i in 0..n {
        let _ = writeln!(d, "  - {{ subject: admin, role: viewer, scope: t{i} }}");
    }
    let (_, t) = load(&policy()?, &d)?;
    Ok((t, format!("load {}", secs(t))))
}

fn one_subject_exclusive(n: usize) -> Result<(Duration, String), String> {
    // One subject at n sibling scopes, `initiator` in half and `approver` (exclusive with it)
    // in the other half: allowed, since no two of its scopes overlap.
    let mut d = siblings(n, "t");
    d.push_str("assignments:\n");
    for i in 0..n {
        let r = if i < n / 2 { "initiator" } else { "approver" };
        let _ = writeln!(d, "  - {{ subject: admin, role: {r}, scope: t{i} }}");
    }
    let (_, t) = load(&policy()?, &d)?;
    Ok((t, format!("load {}", secs(t))))
}

fn max_holders_live(n: usize) -> Result<(Duration, String), String> {
    // n holders of `owner` at one scope added one by one to a live evaluator, then removed.
    let p = policy()?;
    let (mut e, _) = load(&p, "scopes:\n  - { id: org }\n")?;
    let (_, t) = timed(|| {
        for i in 0..n {
            e.add_assignment(AssignmentDoc {
                id: None,
                subject: Text(format!("u{i}")),
                role: "owner".into(),
                scope: Text("org".into()),
                ..AssignmentDoc::default()
            })
            .map_err(|x| x.to_string())?;
        }
        Ok(())
    })?;
    let (_, tr) = timed(|| {
        for _ in 0..n {
            e.remove_assignment(0).map_err(|x| x.to_string())?;
        }
        Ok(())
    })?;
    Ok((t.max(tr), format!("add {} | remove {}", secs(t), secs(tr))))
}

fn max_holders(n: usize) -> Result<(Duration, String), String> {
    // n subjects hold `owner` (max_holders: 10,000,000) at one scope.
    let mut d = String::from("scopes:\n  - { id: org }\nassignments:\n");
    for i in 0..n {
        let _ = writeln!(d, "  - {{ subject: u{i}, role: owner, scope: org }}");
    }
    let (_, t) = load(&policy()?, &d)?;
    Ok((t, format!("load {}", secs(t))))
}

fn unknown_scopes(n: usize) -> Result<(Duration, String), String> {
    // n scopes, and n assignments each naming a scope that does not exist: every error gets a
    // "did you mean" hint computed against every scope.
    let mut d = siblings(n, "team");
    d.push_str("assignments:\n");
    for i in 0..n {
        let _ = writeln!(d, "  - {{ subject: u{i}, role: viewer, scope: teem{i} }}");
    }
    let p = policy()?;
    let (errs, t) = timed(|| Ok(Directory::parse_all(&p, &d).err().unwrap_or_default()))?;
    let hinted = errs.iter().filter(|e| e.help.is_some()).count();
    Ok((
        t,
        format!(
            "refused with {} errors ({hinted} with a hint) in {}",
            errs.len(),
            secs(t)
        ),
    ))
}

fn grant_sets(n: usize) -> Result<(Duration, String), String> {
    // n resources with 64 levels each, and n roles each granting one permission: every role's
    // closed grant set is a bitset over all n x 64 permissions.
    let mut p = String::from("rolecall: 1\nlevels:\n");
    for l in 0..64 {
        let _ = writeln!(p, "  l{l}: {{}}");
    }
    p.push_str("resources:\n");
    for i in 0..n {
        let _ = writeln!(p, "  r{i}: {{}}");
    }
    p.push_str("roles:\n");
    for i in 0..n {
        let _ = writeln!(p, "  g{i}: {{ grants: {{ r{i}: [l0] }} }}");
    }
    let (ok, t, rss) = parse_policy_rss(&p)?;
    let bytes = n * n * 64 / 8;
    Ok((
        t,
        format!(
            "load {} (accepted: {ok}) | policy text {} KB | role grant sets {} MB | resident {rss}",
            secs(t),
            p.len() / 1000,
            bytes / 1_000_000
        ),
    ))
}

fn forbid_rules(n: usize) -> Result<(Duration, String), String> {
    // n actions and n forbid rules: each rule is matched against every action when compiling.
    let mut p = String::from("rolecall: 1\nresources: { r: {} }\nactions:\n");
    for i in 0..n {
        let _ = writeln!(p, "  r.a{i}: {{ requires: r:view }}");
    }
    p.push_str("constraints:\n  forbid:\n");
    for i in 0..n {
        let _ = writeln!(p, "    - {{ action: r.a{i}, subject_kind: api_key }}");
    }
    let (ok, t) = parse_policy(&p)?;
    Ok((t, format!("load {} ({ok})", secs(t))))
}

fn scenarios() -> Vec<Scenario> {
    const LINEAR: &[usize] = &[10_000, 100_000, 1_000_000];
    // x10 steps, then doublings: n, 2n, 4n show linear growth as x2 time.
    const STEPS: &[usize] = &[1_000, 10_000, 100_000, 200_000, 400_000, 800_000];
    vec![
        Scenario {
            name: "scope-chain",
            what: "a scope chain n deep (load, a check at the leaf, the root holder's snapshot)",
            sizes: LINEAR,
            run: Box::new(scope_chain),
        },
        Scenario {
            name: "role-chain",
            what: "a role chain n deep, each role including the previous / the next one",
            sizes: &[1_000, 10_000, 65_536],
            run: Box::new(role_chain),
        },
        Scenario {
            name: "assignments",
            what: "n assignments (YAML) of n/2 users over 100 subtenants",
            sizes: LINEAR,
            run: Box::new(|n| assignments(n, false)),
        },
        Scenario {
            name: "assignments-json",
            what: "n assignments (JSON) of n/2 users over 100 subtenants",
            sizes: LINEAR,
            run: Box::new(|n| assignments(n, true)),
        },
        Scenario {
            name: "one-subject",
            what: "one subject holding n assignments at n sibling scopes",
            sizes: STEPS,
            run: Box::new(one_subject),
        },
        Scenario {
            name: "one-subject-exclusive",
            what: "one subject holding n assignments of two exclusive roles at n sibling scopes",
            sizes: STEPS,
            run: Box::new(one_subject_exclusive),
        },
        Scenario {
            name: "max-holders",
            what: "n holders of a max_holders role at one scope",
            sizes: STEPS,
            run: Box::new(max_holders),
        },
        Scenario {
            name: "max-holders-live",
            what: "n holders of a max_holders role at one scope, added and removed live",
            sizes: STEPS,
            run: Box::new(max_holders_live),
        },
        Scenario {
            name: "unknown-scopes",
            what: "n scopes and n assignments naming unknown scopes (the first errors get a hint)",
            sizes: &[1_000, 10_000, 100_000, 200_000, 400_000],
            run: Box::new(unknown_scopes),
        },
        Scenario {
            name: "role-chain-cycle",
            what: "a top-down role chain n deep beside a cycle, and leading into it (refused)",
            // Two more roles form the cycle: 65,534 + 2 is the most roles a policy may have.
            sizes: &[1_000, 10_000, 16_383, 32_767, 65_534],
            run: Box::new(role_chain_cycle),
        },
        Scenario {
            name: "role-chain-constrained",
            what: "a role chain n deep, every role with max_holders",
            sizes: &[1_024, 4_096, 16_384, 65_536],
            run: Box::new(role_chain_constrained),
        },
        Scenario {
            name: "role-chain-exclusive",
            what: "a role chain n deep, every role exclusive with a role of its own (2n roles)",
            sizes: &[1_024, 4_096, 16_384, 32_768],
            run: Box::new(role_chain_exclusive),
        },
        Scenario {
            name: "grant-sets",
            // The sets are n x n x 64 bits by nature (each role's closed grant set is a bitset
            // over every permission, so a decision is a bit test): beyond limits::MAX_SET_BYTES
            // (1 GiB, n of about 11,500) the policy is refused, at once.
            what:
                "n resources of 64 levels and n roles (sets of n x n x 64 bits; refused over 1 GiB)",
            sizes: &[1_000, 2_000, 4_000, 8_000, 16_000, 65_536],
            run: Box::new(grant_sets),
        },
        Scenario {
            name: "forbid-rules",
            what: "n actions and n forbid rules",
            sizes: &[1_000, 10_000, 16_384, 32_768, 65_536],
            run: Box::new(forbid_rules),
        },
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut budget = 30.0;
    let mut only = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--budget" {
            budget = it.next().and_then(|b| b.parse().ok()).unwrap_or(budget);
        } else {
            only.push(a.clone());
        }
    }
    if only.is_empty() {
        // Each scenario in a process of its own, so resident memory is its own.
        let me = std::env::current_exe().map_err(|e| e.to_string());
        for s in scenarios() {
            let status = me.as_ref().map_err(Clone::clone).and_then(|me| {
                std::process::Command::new(me)
                    .args([s.name, "--budget", &budget.to_string()])
                    .status()
                    .map_err(|e| e.to_string())
            });
            if let Err(e) = status {
                println!("{}: could not run: {e}", s.name);
            }
        }
        return;
    }
    for s in scenarios() {
        if !only.iter().any(|o| o == s.name) {
            continue;
        }
        println!("{}: {}", s.name, s.what);
        let mut prev: Option<(usize, f64)> = None;
        // Growth exponent of the last step (1 linear, 2 quadratic), to project the next one.
        let mut exponent = 1.0_f64;
        for &n in s.sizes {
            if let Some((pn, pt)) = prev {
                let projected = pt * (n as f64 / pn as f64).powf(exponent);
                if projected > budget {
                    println!(
                        "  n = {n:>9}  skipped: projected {projected:.0} s at the last step's growth (n^{exponent:.1}), over the {budget} s budget"
                    );
                    break;
                }
            }
            match (s.run)(n) {
                Ok((took, line)) => {
                    let took = took.as_secs_f64();
                    let growth = prev.map_or(String::new(), |(pn, pt)| {
                        format!(
                            "  [x{:.0} size, x{:.1} time]",
                            n as f64 / pn as f64,
                            took / pt.max(1e-9)
                        )
                    });
                    println!("  n = {n:>9}  {line}{growth}");
                    if let Some((pn, pt)) = prev {
                        if pt > 0.01 {
                            exponent = ((took / pt).ln() / (n as f64 / pn as f64).ln()).max(1.0);
                        }
                    }
                    prev = Some((n, took));
                }
                Err(e) => {
                    println!("  n = {n:>9}  error: {e}");
                    break;
                }
            }
        }
    }
}
