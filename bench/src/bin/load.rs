//! Loads one directory natively and reports the compile's time and the process's peak memory
//! (`/proc/self/status`'s VmHWM) beside the text's size: the native side of the large-directory
//! figures in `bench/results.md` (`bench/js/large.mjs` writes the directories).
//!
//! `cargo run --release -p rolecall-bench --bin load -- POLICY DIRECTORY [RUNS]`

use rolecall::{Directory, Policy};
use std::time::Instant;

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pfile), Some(dfile)) = (args.get(1), args.get(2)) else {
        return Err("usage: load POLICY DIRECTORY [RUNS]".into());
    };
    let runs: usize = args.get(3).map_or(Ok(1), |s| s.parse())?;
    let policy = Policy::parse(&std::fs::read_to_string(pfile)?)?;
    let text = std::fs::read_to_string(dfile)?;
    let before = peak_kb();
    let mut times = Vec::new();
    let mut subjects = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let d = Directory::parse(&policy, &text)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        subjects = d.subject_ids().count();
    }
    times.sort_by(f64::total_cmp);
    let peak = peak_kb();
    println!(
        "{{\"bytes\":{},\"subjects\":{subjects},\"ms_min\":{:.1},\"ms_median\":{:.1},\"peak_before_kb\":{before},\"peak_kb\":{peak},\"growth_per_text\":{:.2}}}",
        text.len(),
        times.first().copied().unwrap_or(0.0),
        times.get(times.len() / 2).copied().unwrap_or(0.0),
        ((peak - before) * 1024) as f64 / text.len() as f64
    );
    Ok(())
}
