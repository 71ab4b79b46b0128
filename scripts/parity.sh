#!/usr/bin/env bash
# Differential parity at scale (issue #8): one seeded generator of random policies, directories
# and queries; the native engine decides them (crates/rolecall/examples/vectors.rs) and WebAssembly
# in Node and in headless Chromium must return identical decisions and reasons.
#
#   scripts/parity.sh [SEEDS] [QUERIES] [DIR]    default 2000 cases x 60 queries (120,000 queries)
#                                                into target/parity-large/vectors.json
#
# The seeds start at PARITY_FIRST_SEED, random by default (printed, so a failure can be rerun
# with the same cases): each run explores cases make test's fixture (seeds 0-299) never sees.
#
# make fuzz runs it with the defaults; make test runs the same JS tests on the smaller fixture
# of make js-fixtures (target/parity/). Needs js-sdk/dist (make js-sdk) and, for Chromium,
# playwright-core in tests/browser/node_modules and /usr/bin/chromium (else that test skips).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEEDS="${1:-2000}"
QUERIES="${2:-60}"
DIR="${3:-$REPO/target/parity-large}"
[[ "$SEEDS" =~ ^[0-9]+$ && "$QUERIES" =~ ^[0-9]+$ ]] || { echo "usage: scripts/parity.sh [SEEDS] [QUERIES] [DIR]" >&2; exit 2; }
[[ "$DIR" = /* ]] || DIR="$REPO/$DIR"
mkdir -p "$DIR"

FIRST="${PARITY_FIRST_SEED:-$(( (RANDOM << 15 | RANDOM) * 1000 ))}"
start=$SECONDS
cargo run -q --release -p rolecall --features gen --example vectors -- "$SEEDS" "$QUERIES" "$DIR/vectors.json" "$FIRST"
say "native fixture (seeds $FIRST.., $SEEDS x $QUERIES, $(du -h "$DIR/vectors.json" | cut -f1)) in $((SECONDS - start)) s"
say "rerun these cases with PARITY_FIRST_SEED=$FIRST scripts/parity.sh $SEEDS $QUERIES"

# Every generated query must be compared, in each runtime.
start=$SECONDS
cd js-sdk
ROLECALL_PARITY_DIR="$DIR" ROLECALL_PARITY_MIN="$((SEEDS * QUERIES))" \
  node --test --test-concurrency=1 test/parity.test.mjs test/browser-parity.test.mjs
say "Node and Chromium in $((SECONDS - start)) s"
