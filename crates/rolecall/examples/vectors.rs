//! Writes differential-parity vectors: random policies, directories and queries (from the seeded
//! generator) with the native engine's outcome for each query and each subject's snapshot. The JS
//! tests (WASM in Node and in Chromium) read the file and must reproduce every outcome. Every
//! third case has custom roles (`gen::with_custom_roles`).
//!
//! `cargo run --release -p rolecall --features gen --example vectors -- SEEDS QUERIES OUT.json [FIRST]`
//!
//! Seeds FIRST..FIRST+SEEDS (FIRST defaults to 0).

use rolecall::gen::{generate, with_custom_roles, Options, Size};
use rolecall::{Directory, Evaluator, Policy};
use serde_json::{json, Value};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let seeds: u64 = args.get(1).map_or(Ok(100), |s| s.parse())?;
    let queries: usize = args.get(2).map_or(Ok(50), |s| s.parse())?;
    let out = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "vectors.json".into());
    let first: u64 = args.get(4).map_or(Ok(0), |s| s.parse())?;
    let mut cases = Vec::new();
    let mut total = 0;
    for seed in first..first.saturating_add(seeds) {
        let case = generate(
            seed,
            Size {
                queries,
                ..Size::default()
            },
            Options::default(),
        );
        // Every third case has custom roles: its last roles moved into the directory.
        let case = if seed % 3 == 2 {
            with_custom_roles(&case, (seed / 3) as usize % 4)
        } else {
            case
        };
        let policy = Arc::new(
            Policy::from_doc(case.policy.clone()).map_err(|e| format!("seed {seed}: {e:?}"))?,
        );
        let dir = Directory::from_doc(&policy, case.directory.clone())
            .map_err(|e| format!("seed {seed}: {e:?}"))?;
        let eval = Evaluator::new(policy.clone(), dir)?;
        let expected: Vec<Value> = case
            .queries
            .iter()
            .map(|q| match eval.check_doc(q) {
                Ok(d) => json!({ "query": q, "decision": d }),
                Err(e) => json!({ "query": q, "error": e.code.as_str() }),
            })
            .collect();
        total += expected.len();
        // Each with its prepared decisions: the JS tests read them with `SnapshotDecisions`, and
        // the engine built from the same snapshot must ignore them.
        let mut snapshots: Vec<Value> = Vec::new();
        for s in eval.directory().subject_ids() {
            snapshots.push(serde_json::to_value(eval.prepared_snapshot(s)?)?);
        }
        cases.push(json!({
            "seed": seed,
            "policy_hash": policy.hash(),
            "policy": case.policy,
            // The same policy as text in its declared order (the object above has its keys
            // sorted): lists "in declared order" compare against the native engine's with it.
            "policy_text": serde_json::to_string(&case.policy)?,
            "directory": case.directory,
            "checks": expected,
            "snapshots": snapshots,
        }));
    }
    std::fs::write(&out, serde_json::to_string(&json!({ "cases": cases }))?)?;
    eprintln!("wrote {} cases, {total} queries to {out}", cases.len());
    Ok(())
}
