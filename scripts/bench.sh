#!/usr/bin/env bash
# The benchmark of issue #7, end to end: the shared workload, the JS contenders (each in its own
# process), the Rust criterion benchmarks, one report at bench/results.md. It measures; it never
# fails on a number. It fails when a step cannot run (a crashed contender, a failed build).
#
#   scripts/bench.sh                 (make bench)
#
# Env: BENCH_QUERIES (default 1000000), CRITERION_ARGS (default --quick; empty for full runs),
# and the driver's own (bench/js/run.mjs: BENCH_RUNS, BENCH_BUDGET_S, BENCH_ONLY, ...).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start=$SECONDS
say() { printf 'bench [%ss]: %s\n' "$((SECONDS - start))" "$*" >&2; }

# The run rewrites bench/results.md, but the sections whose heading says "by hand" (the build's
# measurements, which scripts/build-wasm.sh cites; the boundary's, run against two builds; each
# lever of the module's size and of directory loading against the build before it) are measured
# by hand: kept aside here and put back at the end, however the run ends.
RESULTS=bench/results.md
KEPT="$(mktemp)"
awk '/^## / { keep = /^## .*by hand/ } keep' "$RESULTS" >"$KEPT" 2>/dev/null || true
restore_build_measurements() {
  if [[ -s "$KEPT" ]] && ! grep -q '^## Build measurements' "$RESULTS"; then
    { echo; cat "$KEPT"; } >>"$RESULTS"
  fi
  rm -f "$KEPT"
}
trap restore_build_measurements EXIT

say "workload: ${BENCH_QUERIES:-1000000} queries into bench/out"
cargo run -q --release -p rolecall-bench --bin workload -- bench/out "${BENCH_QUERIES:-1000000}"

# rolecall runs through the built SDK. A fresh clone has none: build it (the same steps the
# SDK's own build documents) rather than report rolecall as skipped.
if [[ ! -f js-sdk/dist/node.mjs && -x scripts/build-wasm.sh ]]; then
  say "js-sdk/dist missing: building the SDK"
  scripts/bootstrap.sh rust wasm node
  (cd js-sdk && npm ci --no-audit --no-fund)
  scripts/build-wasm.sh
  (cd js-sdk && npm run build)
fi

say "npm ci in bench/js"
(cd bench/js && npm ci --no-audit --no-fund --loglevel=error)

js_status=0
node bench/js/run.mjs || js_status=$?
say "large directories: bench/js/large.mjs (100k and 1M assignments, fresh processes)"
node bench/js/large.mjs >/dev/null || js_status=$?
say "the browser's first decision: bench/js/first-decision.mjs (Chromium)"
node bench/js/first-decision.mjs >/dev/null || js_status=$?
say "prepared snapshots: bench/js/prepared.mjs (the server's cost of a page's first decisions)"
node bench/js/prepared.mjs >/dev/null || js_status=$?
say "what the browser module holds: bench/js/module-size.mjs (twiggy)"
TWIGGY_VERSION="0.8.0"
if [[ -z "${TWIGGY:-}" && "$("$REPO/.tools/bin/twiggy" --version 2>/dev/null | awk '{ print $2 }')" != "$TWIGGY_VERSION" ]]; then
  say "installing twiggy $TWIGGY_VERSION into .tools (once, a few minutes)"
  cargo install --quiet --locked --force --root "$REPO/.tools" twiggy --version "=$TWIGGY_VERSION"
fi
TWIGGY="${TWIGGY:-$REPO/.tools/bin/twiggy}" node bench/js/module-size.mjs >/dev/null || js_status=$?

since=$(($(date +%s) * 1000))
say "criterion: cargo bench -p rolecall-bench --bench '*' -- ${CRITERION_ARGS---quick}"
# shellcheck disable=SC2086 # CRITERION_ARGS is a list of flags
cargo bench -q -p rolecall-bench --bench '*' -- ${CRITERION_ARGS---quick} >&2
node bench/js/criterion.mjs --since "$since"

# The directory store (issue #14): a throwaway PostgreSQL cluster, its section appended.
say "directory store: node bench/js/store.mjs (PostgreSQL)"
store_section="$(node bench/js/store.mjs)"
printf '\n%s\n' "$store_section" >>"$RESULTS"

# Lists filtered by permission (issue 15): plans from JS, and a 100,000-row list on a throwaway
# PostgreSQL filtered by SQL against fetching every row and checking each (tests/sql/bench.mjs).
say "filtered lists: node tests/sql/bench.mjs"
scripts/bootstrap.sh postgres
(cd tests/sql && npm ci --no-audit --no-fund --loglevel=error)
{ echo; node tests/sql/bench.mjs; } >>"$RESULTS"

say "done in $((SECONDS - start)) s: bench/results.md"
exit "$js_status"
