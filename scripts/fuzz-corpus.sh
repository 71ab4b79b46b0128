#!/usr/bin/env bash
# Seeds the fuzz corpus (fuzz/corpus/<target>/, not committed) from the examples and the SPEC
# vectors. Idempotent: seeds are overwritten, whatever the fuzzer added is kept.
#
#   policy         examples/policies/*/policy.{yaml,json}, and each as canonical JSON
#   directory      examples/policies/*/directory.yaml, and each as JSON (the loader's fast path)
#   testfile       examples/policies/*/tests.yaml, tests/spec/*.yaml
#   snapshot_json  every example subject's client snapshot
#   evaluate       the SPEC vectors as raw bytes (the target reads structure from any bytes)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CORPUS="$REPO/fuzz/corpus"
for t in policy directory testfile snapshot_json evaluate; do mkdir -p "$CORPUS/$t"; done

seed() {  # target file
  local name="${2#./}"
  cp "$2" "$CORPUS/$1/seed-${name//\//_}"
}
for d in examples/policies/*/; do
  for f in "$d"policy.yaml "$d"policy.json; do [[ -f "$f" ]] && seed policy "$f"; done
  seed directory "${d}directory.yaml"
  seed testfile "${d}tests.yaml"
done
for f in tests/spec/*.yaml; do
  seed testfile "$f"
  seed evaluate "$f"
done
cargo run -q -p rolecall --example fuzz_seeds -- examples/policies "$CORPUS"
