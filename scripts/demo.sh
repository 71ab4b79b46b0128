#!/usr/bin/env bash
# `make demo`: builds what is missing or stale (the WebAssembly package, the SDK, the example
# server's and dashboard's dependencies, the dashboard), then serves the example dashboard and
# prints its URL. Idempotent: a second run only starts the server.
#
#   scripts/demo.sh              prepare, then serve until Ctrl-C (PORT=3000, HOST=127.0.0.1)
#   scripts/demo.sh --prepare    prepare only (the test targets use this)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Is TARGET missing, or is any of SOURCES (files or folders) newer than it?
stale() {
  local target="$1"; shift
  [[ -e "$target" ]] || return 0
  [[ -n "$(find "$@" -newer "$target" -type f -print -quit 2>/dev/null)" ]]
}

# Install DIR's packages from its lock file when node_modules is missing or older than the lock.
# `npm install --no-save` rather than `npm ci`: npm 11 leaves other platforms' optional packages
# (rollup's native builds) out of a lock it writes, and `npm ci` then refuses that same lock.
npm_ci() {
  local dir="$1"
  [[ -f "$dir/package-lock.json" ]] || die "$dir/package-lock.json is missing"
  if stale "$dir/node_modules/.package-lock.json" "$dir/package-lock.json"; then
    say "installing $dir (npm install from the lock file)"
    (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error)
  fi
}

scripts/bootstrap.sh rust wasm node

npm_ci js-sdk
if stale pkg/web/rolecall_wasm_bg.wasm crates/rolecall/src crates/rolecall-wasm/src crates/rolecall-wasm/Cargo.toml Cargo.lock; then
  say "building the WebAssembly package (scripts/build-wasm.sh)"
  scripts/build-wasm.sh
fi
if stale js-sdk/dist/esm/index.js js-sdk/src js-sdk/entries js-sdk/scripts/build.mjs js-sdk/package.json pkg/web/rolecall_wasm_bg.wasm; then
  say "building the SDK (js-sdk: npm run build)"
  (cd js-sdk && npm run --silent build)
fi

npm_ci examples/node-server
npm_ci examples/dashboard
if stale examples/dashboard/dist/index.html examples/dashboard/src examples/dashboard/index.html \
  examples/dashboard/plain.html examples/dashboard/stress.html examples/dashboard/vite.config.js js-sdk/dist/esm; then
  say "building the dashboard (examples/dashboard: vite build)"
  (cd examples/dashboard && npm run --silent build -- --logLevel warn)
fi

[[ "${1:-}" == "--prepare" ]] && { say "ready"; exit 0; }

say "starting the example server (Ctrl-C stops it); sign in by choosing a demo user"
exec node examples/node-server/src/main.js
