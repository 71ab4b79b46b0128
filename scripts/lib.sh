# The preamble every script in scripts/ shares; each sources it first:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It sets bash's strict mode, REPO (the checkout) and the working directory to it, puts the
# project-local tools first on PATH (wasm-pack silently downloads its own wasm-bindgen unless
# the pinned one in .tools/bin comes first), and defines `say` and `die`, which prefix their
# message with the script's name. Cargo builds with one job per core unless CARGO_BUILD_JOBS
# says otherwise (set it to 1 on a machine shared with other work).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export PATH="$REPO/.tools/bin:$PATH"

SCRIPT="$(basename "$0" .sh)"
say() { printf '%s: %s\n' "$SCRIPT" "$*"; }
die() { printf '%s: ERROR: %s\n' "$SCRIPT" "$*" >&2; exit 1; }
