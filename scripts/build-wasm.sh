#!/usr/bin/env bash
# Builds the WebAssembly package twice, into pkg/node and pkg/web (generated; ignored by git):
# - Node (loaded synchronously by js-sdk's Node entries): the full build, every export, YAML and
#   JSON input;
# - the web (ES module with an explicit init): the lean build, without the default features
#   `server` and `yaml` (no administration, diff, test files, access review or live updates;
#   JSON input only), which browsers download;
# then optimizes each .wasm with wasm-opt from the npm package `binaryen` (js-sdk's devDependency).
# Idempotent: cargo reuses its build; wasm-opt always starts from wasm-bindgen's fresh output.
#
#   scripts/build-wasm.sh          (needs: scripts/bootstrap.sh wasm, and npm ci in js-sdk)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WASM_OPT="$REPO/js-sdk/node_modules/.bin/wasm-opt"

[[ -x .tools/bin/wasm-pack && -x .tools/bin/wasm-bindgen ]] \
  || die "wasm-pack or wasm-bindgen missing in .tools/bin: run scripts/bootstrap.sh wasm"
[[ -x "$WASM_OPT" ]] || die "$WASM_OPT missing: run (cd js-sdk && npm ci)"

# Exactly the features Node 18+ and current browsers accept; never -all (Node 20 rejects it).
OPT_FLAGS=(-Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals
  --enable-call-indirect-overlong)

# The module's optimization level, one for all of it: with fat LTO the whole module is
# optimized at the profile's level, so a per-package override changes nothing, and without LTO
# the module is as large as at level 3. Both builds use "z": the smaller module starts faster in
# Node (V8 compiles WebAssembly lazily, so cold start follows code size) and checks from JS do
# not slow. The measurements ("s" against "z") are in bench/results.md, "Build measurements".
# Native builds are not affected.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${ROLECALL_WASM_OPT_LEVEL:-z}"

# --no-pack: the npm package is js-sdk/, not wasm-pack's generated one. Both builds share the
# dependency graph's compiled crates except the core and the binding. Both get the ES module
# loader with `initSync` (target web): js-sdk's build bundles it into Node's entries, which hand
# it the .wasm's bytes synchronously; target nodejs's CommonJS loader made an ES module import
# start Node's CommonJS loader too (measured in bench/results.md, "Build measurements").
wasm-pack --quiet build crates/rolecall-wasm --release --target web \
  --out-dir ../../pkg/node --out-name rolecall_node --no-pack
# The browser build: the lean feature set, for download size.
CARGO_PROFILE_RELEASE_OPT_LEVEL="${ROLECALL_WEB_OPT_LEVEL:-z}" \
  wasm-pack --quiet build crates/rolecall-wasm --release --target web \
    --out-dir ../../pkg/web --out-name rolecall_wasm --no-pack -- --no-default-features --features panic-hook

for wasm in pkg/node/rolecall_node_bg.wasm pkg/web/rolecall_wasm_bg.wasm; do
  "$WASM_OPT" "${OPT_FLAGS[@]}" "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  raw=$(wc -c <"$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  say "$(printf '%s %d bytes (%d KB), %d bytes gzipped (%d KB)' \
    "$wasm" "$raw" $((raw / 1024)) "$gz" $((gz / 1024)))"
done
