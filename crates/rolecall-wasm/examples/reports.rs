//! Runs policy test files natively through the binding's own `ffi::run_test_file` and writes the
//! reports as JSON, for the JS test that must get identical reports from the WebAssembly build.
//!
//! `cargo run --release -p rolecall-wasm --example reports -- OUT.json FILE...`

use serde_json::{Map, Value};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, files) = args
        .split_first()
        .ok_or("usage: reports OUT.json FILE...")?;
    let mut reports = Map::new();
    for file in files {
        let text = std::fs::read_to_string(file)?;
        let dir = Path::new(file).parent().unwrap_or(Path::new("."));
        let mut load = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        let report = match rolecall_wasm::ffi::run_test_file(&text, &mut load) {
            Ok(report) => serde_json::to_value(&report)?,
            Err(e) => serde_json::json!({ "error": e }),
        };
        reports.insert(file.clone(), report);
    }
    std::fs::write(out, serde_json::to_string_pretty(&Value::Object(reports))?)?;
    eprintln!("wrote {} reports to {out}", files.len());
    Ok(())
}
