#!/usr/bin/env bash
# Install the build toolchain for rolecall. Idempotent; fast when all is present.
#
#   scripts/bootstrap.sh [rust] [wasm] [node] [chromium] [postgres]    (no argument: all)
#
#   rust      wasm32-unknown-unknown target (rustup)
#   wasm      wasm-bindgen-cli (exact version from Cargo.lock, else the default
#             below) and wasm-pack, into $REPO/.tools/bin
#   node      checks node >= 18 and npm
#   chromium  Debian chromium (/usr/bin/chromium) via apt-get; needs root
#   postgres  Debian postgresql (the server binaries, for throwaway test clusters) via apt-get
#
# Nothing is exported: callers put $REPO/.tools/bin on PATH themselves.
# Cargo honours CARGO_BUILD_JOBS (scripts/lib.sh) for the installs.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WASM_BINDGEN_VERSION_DEFAULT="0.2.130"   # used only when Cargo.lock has no wasm-bindgen
WASM_PACK_VERSION="0.15.1"
NODE_MIN_MAJOR=18
WASM_TARGET="wasm32-unknown-unknown"

TOOLS="$REPO/.tools"
LOGS="$TOOLS/logs"

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH. $2"; }

# Run a long install quietly; on failure show the tail of its log.
run_logged() {  # name cmd...
  local name="$1"; shift
  mkdir -p "$LOGS"
  local log="$LOGS/$name.log" start=$SECONDS
  if ! "$@" </dev/null >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "installing $name failed (full log: $log)"
  fi
  say "installed $name ($((SECONDS - start))s)"
}

# ---------------------------------------------------------------- rust
setup_rust() {
  need rustc "Install Rust with rustup (https://rustup.rs)."
  local sysroot
  sysroot="$(rustc --print sysroot)"
  [[ -d "$sysroot/lib/rustlib/$WASM_TARGET" ]] && return 0
  need rustup "The $WASM_TARGET target is missing and rustup is not available to add it."
  run_logged "rust-target-$WASM_TARGET" rustup target add "$WASM_TARGET"
}

# ---------------------------------------------------------------- wasm
wasm_bindgen_version() {
  local lock="$REPO/Cargo.lock" v=""
  if [[ -f "$lock" ]]; then
    v="$(awk '
      /^\[\[package\]\]/ { name = "" }
      /^name = "wasm-bindgen"$/ { name = "wasm-bindgen"; next }
      name == "wasm-bindgen" && /^version = / { gsub(/"/, "", $3); print $3; name = "" }
    ' "$lock" | sort -u)"
    if [[ $(printf '%s\n' "$v" | grep -c .) -gt 1 ]]; then
      die "Cargo.lock holds several wasm-bindgen versions ($(echo $v)); pin one with wasm-bindgen = \"=X.Y.Z\"."
    fi
  fi
  printf '%s\n' "${v:-$WASM_BINDGEN_VERSION_DEFAULT}"
}

# tool_version BIN -> second word of "BIN --version", or empty
tool_version() {
  [[ -x "$1" ]] || return 0
  "$1" --version 2>/dev/null | awk 'NR==1 { print $2 }'
}

cargo_install() {  # crate version bin
  local crate="$1" version="$2" bin="$3"
  [[ "$(tool_version "$TOOLS/bin/$bin")" == "$version" ]] && return 0
  need cargo "Install Rust with rustup (https://rustup.rs)."
  say "installing $crate $version into .tools (cargo install, a few minutes)..."
  local -a cmd=(cargo install --force --root "$TOOLS" "$crate" --version "=$version")
  local log="$LOGS/$crate-$version.log" start=$SECONDS
  mkdir -p "$LOGS"
  # --locked uses the crate's own lockfile. If that names a dependency version
  # the registry here lacks (it happened: webpki-roots 1.0.11), resolve afresh.
  if ! "${cmd[@]}" --locked </dev/null >"$log" 2>&1; then
    if grep -q 'failed to select a version\|could not find .* in registry' "$log"; then
      mv "$log" "$log.locked"
      "${cmd[@]}" </dev/null >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "installing $crate $version failed (full log: $log)"; }
    else
      tail -n 30 "$log" >&2; die "installing $crate $version failed (full log: $log)"
    fi
  fi
  [[ "$(tool_version "$TOOLS/bin/$bin")" == "$version" ]] \
    || die "$TOOLS/bin/$bin does not report version $version after install (log: $log)"
  say "installed $crate $version ($((SECONDS - start))s)"
}

setup_wasm() {
  local wb
  wb="$(wasm_bindgen_version)"   # own line, so a die inside stops the script
  [[ "$wb" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "bad wasm-bindgen version '$wb'"
  cargo_install wasm-bindgen-cli "$wb" wasm-bindgen
  cargo_install wasm-pack "$WASM_PACK_VERSION" wasm-pack
}

# ---------------------------------------------------------------- node
setup_node() {
  need node "Install Node.js >= $NODE_MIN_MAJOR (Debian: apt-get install nodejs npm)."
  local v major
  v="$(node --version)"; major="${v#v}"; major="${major%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge "$NODE_MIN_MAJOR" ]] \
    || die "node $v is too old: need >= $NODE_MIN_MAJOR."
  need npm "Install npm (Debian: apt-get install npm)."
}

# ---------------------------------------------------------------- apt packages
# Install a Debian package with apt-get (as root, or through passwordless sudo) unless the file
# that proves it is present exists.
apt_install() {  # package proof-command(exit 0 when present)
  local pkg="$1" present="$2"
  eval "$present" && return 0
  local -a priv=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      priv=(sudo -n)
    else
      die "Debian's $pkg is missing and this is not root (no passwordless sudo). Run as root: apt-get update && apt-get install -y $pkg"
    fi
  fi
  need apt-get "Debian's $pkg is missing and apt-get is not available; install it by hand."
  mkdir -p "$LOGS"
  local log="$LOGS/apt-$pkg.log" start=$SECONDS
  say "installing $pkg (apt-get)..."
  if ! "${priv[@]}" env DEBIAN_FRONTEND=noninteractive \
      sh -c "apt-get update -q && apt-get install -y -q $pkg" </dev/null >"$log" 2>&1 \
     || ! eval "$present"; then
    tail -n 20 "$log" >&2
    die "apt-get could not install $pkg (full log: $log). Try by hand: apt-get update && apt-get install -y $pkg"
  fi
  say "installed $pkg ($((SECONDS - start))s)"
}

# ---------------------------------------------------------------- chromium
setup_chromium() {
  apt_install chromium '[[ -x /usr/bin/chromium ]]'
}

# ---------------------------------------------------------------- postgres
# The server binaries (initdb, pg_ctl, postgres) that tests/support/postgres.mjs starts a
# throwaway cluster with. Nothing is started or enabled here.
setup_postgres() {
  apt_install postgresql 'compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null'
}

# ---------------------------------------------------------------- main
main() {
  local -a what=("$@")
  [[ ${#what[@]} -gt 0 ]] || what=(rust wasm node chromium postgres)
  local w
  for w in "${what[@]}"; do
    case "$w" in
      rust|wasm|node|chromium|postgres) ;;
      -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown component '$w' (expected: rust wasm node chromium postgres)" ;;
    esac
  done
  for w in "${what[@]}"; do "setup_$w"; done
}

main "$@"
