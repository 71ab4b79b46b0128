//! Prepared snapshots (docs/format.md, "Prepared decisions"): read back as snapshots, they build the same engine,
//! and their decisions, looked up as a page does, are the server's at every prepared scope.
//! (The exhaustive comparison with the engine, every context class and resource, is the JS
//! parity test's: the page's reader is JavaScript.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use rolecall::{Query, Snapshot, Target};

#[test]
fn prepared_decisions_are_the_servers_at_every_prepared_scope() {
    let mut compared = 0;
    for (name, eval) in common::example_evaluators() {
        let subjects: Vec<String> = eval
            .directory()
            .subject_ids()
            .map(str::to_owned)
            .chain(["nobody".to_owned()])
            .collect();
        for subject in subjects {
            let prepared = eval.prepared_snapshot(&subject).unwrap();
            let json = prepared.to_json();
            // Read as a snapshot, the decisions are ignored, and the page's engine builds.
            let snap = Snapshot::from_json(&json).unwrap();
            assert_eq!(snap.scopes, prepared.snapshot.scopes);
            rolecall::Evaluator::from_snapshot(eval.policy().clone(), &snap).unwrap();
            let d = &prepared.decisions;
            assert!(d.complete, "{name}: {subject}'s sheet is partial");
            let reachable = snap.scopes.iter().filter(|s| s.reachable).count();
            assert_eq!(d.scopes.len(), reachable, "{name}: {subject}");
            for (scope, list) in &d.scopes {
                // Class 0 (no context), not the subject's own resource.
                let row = d.row_sets[*list as usize][0] as usize;
                for (t, target) in d.targets.iter().enumerate() {
                    let attr = d.distinct_from.iter().find(|(c, _)| *c as usize == t);
                    let resource: Vec<(&str, &str)> = attr
                        .map(|(_, a)| vec![(a.as_str(), "someone-else")])
                        .unwrap_or_default();
                    let target = if t < d.actions as usize {
                        Target::Action(target)
                    } else {
                        Target::Permission(target)
                    };
                    let Ok(want) = eval.check(&Query {
                        subject: &subject,
                        target,
                        scope,
                        context: &[],
                        resource: &resource,
                        now: None,
                    }) else {
                        continue; // an expiring key without a time: the JS test covers it
                    };
                    let i = d.rows[row][t];
                    let mut got = d.table[i as usize].clone();
                    if d.scoped.contains(&i) {
                        got.message.push_str(scope);
                    }
                    assert_eq!(got, want, "{name}: {subject} {target:?} at {scope}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 1000, "only {compared} decisions compared");
}

#[test]
fn a_prepared_snapshot_reveals_no_other_subject_and_no_other_scope() {
    for (name, eval) in common::example_evaluators() {
        let scopes: Vec<String> = eval.directory().scope_ids().map(str::to_owned).collect();
        let ids: Vec<String> = eval.directory().subject_ids().map(str::to_owned).collect();
        for subject in &ids {
            let prepared = eval.prepared_snapshot(subject).unwrap();
            let snapshot = prepared.snapshot.to_json();
            let decisions = serde_json::to_string(&prepared.decisions).unwrap();
            for other in &ids {
                // Only the ids the snapshot itself holds (an API key's owner) may appear.
                let quoted = format!("\"{other}\"");
                if other != subject && !snapshot.contains(&quoted) {
                    assert!(
                        !decisions.contains(&quoted),
                        "{name}: {subject}'s decisions name {other}"
                    );
                }
            }
            for scope in &scopes {
                let quoted = format!("\"{scope}\"");
                if !snapshot.contains(&quoted) {
                    assert!(
                        !decisions.contains(&quoted),
                        "{name}: {subject}'s decisions name the scope {scope}"
                    );
                }
            }
        }
    }
}
