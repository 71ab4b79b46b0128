#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for SECONDS each and fails if any crashes.
#
#   scripts/fuzz.sh [SECONDS]     default 60 per target; CI passes a short pass such as 10
#
# cargo fuzz passes nightly-only flags to rustc (-Z, sanitizer coverage); the stable toolchain
# accepts them with RUSTC_BOOTSTRAP=1. No sanitizer (-s none): rolecall has no unsafe code, and
# a panic or a broken invariant is what we look for. Debug assertions are on (-a), so an
# integer overflow is a crash too. A crash leaves its reproducer in fuzz/artifacts/<target>/;
# replay it with `cargo fuzz run -s none -a <target> <file>` and add it under tests/regressions/
# (see fuzz/README.md).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECS="${1:-60}"
[[ "$SECS" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
CARGO_FUZZ_VERSION="0.13.2"

if [[ "$(cargo-fuzz --version 2>/dev/null | awk '{ print $2 }')" != "$CARGO_FUZZ_VERSION" ]]; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION into .tools (once, about a minute)"
  cargo install --quiet --locked --force --root "$REPO/.tools" cargo-fuzz --version "=$CARGO_FUZZ_VERSION"
fi

scripts/fuzz-corpus.sh >/dev/null
FLAGS=(-s none -a)
# The text targets also run against the JSON-only core of the browser build (no `yaml`
# feature: its own JSON reader), built into a target directory of its own.
JSON_FLAGS=("${FLAGS[@]}" --no-default-features --target-dir fuzz/target/json-only)
JSON_TARGETS=(policy directory testfile snapshot_json)
cargo fuzz build "${FLAGS[@]}"
cargo fuzz build "${JSON_FLAGS[@]}"

mkdir -p fuzz/logs
failed=()
summary=()
run() {  # label target flags...
  local label="$1" t="$2"; shift 2
  local log="fuzz/logs/$label.log" status=0
  say "$label for ${SECS}s"
  # -timeout: one input taking 10 s is a hang (or quadratic blow-up), reported as a crash.
  cargo fuzz run "$@" "$t" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  local runs
  runs="$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -n 1)"
  summary+=("$(printf '%-20s %4ss %12s execs  %s' "$label" "$SECS" "${runs:-?}" "$([[ $status == 0 ]] && echo ok || echo CRASH)")")
  if [[ $status != 0 ]]; then
    failed+=("$label")
    grep -E "panicked at|ERROR: libFuzzer|Test unit written to" -A1 "$log" | head -n 8 >&2 || tail -n 20 "$log" >&2
  fi
}
for t in $(cargo fuzz list); do run "$t" "$t" "${FLAGS[@]}"; done
for t in "${JSON_TARGETS[@]}"; do run "$t-json-only" "$t" "${JSON_FLAGS[@]}"; done
# The SDK's argument checks, fuzzed from JavaScript (js-sdk/test/fuzz-args.test.mjs): 2,000
# random calls per second asked for. Needs js-sdk/dist (make fuzz builds it; make fuzz-short
# skips this, as the Node tests run the short pass).
if [[ -f js-sdk/dist/node.mjs && "${FUZZ_JS:-1}" == 1 ]]; then
  say "the SDK's argument checks: $((SECS * 2000)) random calls"
  status=0
  (cd js-sdk && ROLECALL_FUZZ_CALLS=$((SECS * 2000)) node --test test/fuzz-args.test.mjs) >fuzz/logs/sdk-args.log 2>&1 || status=$?
  summary+=("$(printf '%-20s %12s calls  %s' "sdk-args" "$((SECS * 2000))" "$([[ $status == 0 ]] && echo ok || echo FAILED)")")
  if [[ $status != 0 ]]; then failed+=("sdk-args"); grep -E "seed [0-9]+" fuzz/logs/sdk-args.log | head -n 3 >&2; fi
fi
printf '%s\n' "${summary[@]}"
if (( ${#failed[@]} )); then
  die "crashes in: ${failed[*]} (logs in fuzz/logs/, reproducers in fuzz/artifacts/)"
fi
say "no crash"
