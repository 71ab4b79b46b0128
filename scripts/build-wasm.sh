#!/usr/bin/env bash
# Builds the WebAssembly package twice, for Node (CommonJS, synchronous load) and for the web
# (ES module with an explicit init), into pkg/node and pkg/web (generated; ignored by git), then
# optimizes each .wasm with wasm-opt from the npm package `binaryen` (js-sdk's devDependency).
# Idempotent: cargo reuses its build; wasm-opt always starts from wasm-bindgen's fresh output.
#
#   scripts/build-wasm.sh          (needs: scripts/bootstrap.sh wasm, and npm ci in js-sdk)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# wasm-pack silently downloads its own wasm-bindgen unless the pinned one is first on PATH.
export PATH="$REPO/.tools/bin:$PATH"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
WASM_OPT="$REPO/js-sdk/node_modules/.bin/wasm-opt"

die() { printf 'build-wasm: ERROR: %s\n' "$*" >&2; exit 1; }
[[ -x .tools/bin/wasm-pack && -x .tools/bin/wasm-bindgen ]] \
  || die "wasm-pack or wasm-bindgen missing in .tools/bin: run scripts/bootstrap.sh wasm"
[[ -x "$WASM_OPT" ]] || die "$WASM_OPT missing: run (cd js-sdk && npm ci)"

# Exactly the features Node 18+ and current browsers accept; never -all (Node 20 rejects it).
OPT_FLAGS=(-Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals
  --enable-call-indirect-overlong)

# The module's optimization level, one for all of it: with fat LTO the whole module is
# optimized at the profile's level, so a per-package override changes nothing, and without LTO
# the module is as large as at level 3. Measured (payments example, Node 20; gzipped size after
# wasm-opt, batch decisions per second):  3: 283 KB, ~45 M/s;  s: 244 KB, ~35 M/s;  z: 215 KB,
# ~20 M/s. "s" keeps checks fast at 15% more bytes than "z". Native builds are not affected.
export CARGO_PROFILE_RELEASE_OPT_LEVEL="${ROLECALL_WASM_OPT_LEVEL:-s}"

for target in nodejs web; do
  # --no-pack: the npm package is js-sdk/, not wasm-pack's generated one.
  wasm-pack --quiet build crates/rolecall-wasm --release --target "$target" \
    --out-dir "../../pkg/${target/nodejs/node}" --out-name rolecall_wasm --no-pack
done

# wasm-bindgen writes the same .wasm for both targets (only the JS loaders differ): optimize it
# once and ship one copy.
node_wasm=pkg/node/rolecall_wasm_bg.wasm
web_wasm=pkg/web/rolecall_wasm_bg.wasm
cmp -s "$node_wasm" "$web_wasm" || die "wasm-bindgen wrote different .wasm files for node and web"
"$WASM_OPT" "${OPT_FLAGS[@]}" "$node_wasm" -o "$node_wasm.opt"
mv "$node_wasm.opt" "$node_wasm"
cp "$node_wasm" "$web_wasm"
raw=$(wc -c <"$node_wasm")
gz=$(gzip -9 -c "$node_wasm" | wc -c)
printf 'build-wasm: rolecall_wasm_bg.wasm %d bytes (%d KB), %d bytes gzipped (%d KB)\n' \
  "$raw" $((raw / 1024)) "$gz" $((gz / 1024))
