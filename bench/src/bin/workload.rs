#![allow(clippy::indexing_slicing)] // the three tables are indexed by 0..3
//! Writes the JS benchmark's workload into a folder: `policy.json`, `directory.json`,
//! `queries.json` (`{ subjects, actions, scopes, q: [s, a, sc, s, a, sc, ...] }`, indexes into
//! the three name tables) and `expected.json` (the native engine's answer to every query, as a
//! string of 0/1), so every contender decides the same queries and can be checked.
//!
//! `cargo run --release -p rolecall-bench --bin workload -- OUT_DIR [QUERIES]`

use rolecall::{Directory, Evaluator, Policy};
use rolecall_bench::{queries, workload, Shape};
use std::collections::HashMap;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = std::path::PathBuf::from(args.get(1).cloned().unwrap_or_else(|| "bench/out".into()));
    let n: usize = args.get(2).map_or(Ok(1_000_000), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let shape = Shape::DASHBOARD;
    let (policy, directory) = workload(shape, 7);
    let ptext = serde_json::to_string_pretty(&policy)?;
    let dtext = serde_json::to_string(&directory)?;
    let p = Arc::new(Policy::parse(&ptext)?);
    let d = Directory::parse(&p, &dtext)?;
    let eval = Evaluator::new(p.clone(), d)?;
    let qs = queries(shape, n, 11);
    let mut tables: [Vec<String>; 3] = Default::default();
    let mut index: [HashMap<String, usize>; 3] = Default::default();
    let mut flat = Vec::with_capacity(n * 3);
    let mut expected = String::with_capacity(n);
    for (s, a, sc) in &qs {
        for (k, name) in [s, a, sc].into_iter().enumerate() {
            let (t, i) = (&mut tables[k], &mut index[k]);
            let id = *i.entry(name.clone()).or_insert_with(|| {
                t.push(name.clone());
                t.len() - 1
            });
            flat.push(id);
        }
        expected.push(if eval.can(&rolecall::Query::action(s, a, sc))? {
            '1'
        } else {
            '0'
        });
    }
    std::fs::write(out.join("policy.json"), ptext)?;
    std::fs::write(out.join("directory.json"), dtext)?;
    let [subjects, actions, scopes] = tables;
    std::fs::write(
        out.join("queries.json"),
        serde_json::to_string(
            &serde_json::json!({ "subjects": subjects, "actions": actions, "scopes": scopes, "q": flat }),
        )?,
    )?;
    std::fs::write(out.join("expected.json"), serde_json::to_string(&expected)?)?;
    let allowed = expected.bytes().filter(|b| *b == b'1').count();
    eprintln!(
        "workload: {} assignments, {n} queries ({allowed} allowed) in {}",
        directory["assignments"].as_array().map_or(0, Vec::len),
        out.display()
    );
    Ok(())
}
