//! What several integration tests share: every example policy with its directory, compiled.

use rolecall::Evaluator;
use std::path::PathBuf;

/// Each example under `examples/policies` that has a directory, as (its folder, its evaluator),
/// in name order; at least five.
pub fn example_evaluators() -> Vec<(String, Evaluator)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("directory.yaml").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 5);
    dirs.into_iter()
        .map(|d| {
            let policy = std::fs::read_to_string(d.join("policy.yaml")).unwrap();
            let directory = std::fs::read_to_string(d.join("directory.yaml")).unwrap();
            let eval = Evaluator::from_text(&policy, &directory).unwrap();
            (d.display().to_string(), eval)
        })
        .collect()
}
