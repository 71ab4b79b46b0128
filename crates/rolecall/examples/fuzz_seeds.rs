//! Writes the derived part of the fuzz seed corpus (`scripts/fuzz-corpus.sh` copies the rest):
//! each example policy and directory as JSON (the directory loader has a JSON fast path), and
//! every example subject's client snapshot, so the `snapshot_json` target starts from real
//! snapshots under the example policies' hashes.
//!
//! `cargo run -p rolecall --example fuzz_seeds -- EXAMPLES_DIR CORPUS_DIR`

use rolecall::{Directory, Evaluator, Policy};
use std::error::Error;
use std::fs;
use std::path::Path;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(examples), Some(corpus)) = (args.get(1), args.get(2)) else {
        return Err("usage: fuzz_seeds EXAMPLES_DIR CORPUS_DIR".into());
    };
    let corpus = Path::new(corpus);
    for sub in ["policy", "directory", "snapshot_json"] {
        fs::create_dir_all(corpus.join(sub))?;
    }
    let mut written = 0;
    let mut dirs: Vec<_> = fs::read_dir(examples)?.collect::<Result<_, _>>()?;
    dirs.sort_by_key(|d| d.path());
    for entry in dirs {
        let dir = entry.path();
        let (Ok(ptext), Ok(dtext)) = (
            fs::read_to_string(dir.join("policy.yaml")),
            fs::read_to_string(dir.join("directory.yaml")),
        ) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let policy = Arc::new(Policy::parse(&ptext)?);
        let directory = Directory::parse(&policy, &dtext)?;
        fs::write(
            corpus.join("policy").join(format!("{name}.json")),
            serde_json::to_string_pretty(policy.doc())?,
        )?;
        fs::write(
            corpus.join("directory").join(format!("{name}.json")),
            serde_json::to_string_pretty(&directory.doc())?,
        )?;
        let eval = Evaluator::new(policy, directory)?;
        let subjects: Vec<String> = eval
            .directory()
            .subject_ids()
            .map(str::to_owned)
            .chain(["nobody".to_owned()])
            .collect();
        for subject in subjects {
            let file: String = subject
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            fs::write(
                corpus
                    .join("snapshot_json")
                    .join(format!("{name}-{file}.json")),
                eval.snapshot(&subject).to_json(),
            )?;
            written += 1;
        }
        written += 2;
    }
    println!("wrote {written} derived seeds into {}", corpus.display());
    Ok(())
}
