# rolecall. A new user runs one of two commands, each installing what is missing first
# (scripts/bootstrap.sh, idempotent, project-local under .tools/):
#   make test   run every test of the project
#   make demo   build everything and serve the example dashboard (see README)
# While editing, `make check` runs the fast tests (no Chromium, no fuzzing). `make help` lists
# every target: the text after `## ` on a target's line is its line in the list.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Project-local tools first: wasm-pack must find our wasm-bindgen, or it downloads one.
export PATH := $(CURDIR)/.tools/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

# The native binaries the tests after rust-test run: its own build (the workspace, every feature,
# the dev profile), so building them again is a no-op after it, not a second compile of the core
# with other features or a release build with LTO.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
ROLECALL := $(TARGET_DIR)/debug/rolecall

.DEFAULT_GOAL := help
.PHONY: help demo test check setup setup-rust setup-wasm setup-node setup-chromium setup-postgres lint rust-test \
  policy-test wasm js-sdk js-fixtures js-test js-node-test js-browser-test package-test examples examples-test \
  browser-test sql-test fuzz fuzz-short bench wire-check native

help: ## this list
	@awk -F':.*## ' '/^[a-z][a-z-]*:.*## / { printf "make %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# The two commands. demo.sh installs what it needs itself (rust wasm node: no Chromium).
demo: ## build everything and serve the example dashboard (PORT=3000, loopback)
	scripts/demo.sh

test: lint rust-test policy-test wire-check js-test sql-test package-test examples-test browser-test fuzz-short ## every test (installs missing tools first)
	@echo "make test: all tests passed"

# The edit-compile-test loop: no Chromium, no fuzzing, no example build.
check: lint rust-test policy-test js-node-test ## the fast tests: rustfmt, clippy, Rust tests, policy test files, the SDK's Node tests
	@echo "make check: passed (make test also runs Chromium, the examples and fuzzing)"

# Each target asks for only the tools it uses (scripts/bootstrap.sh COMPONENT: a quick check
# when present, an install when missing).
setup: setup-rust setup-wasm setup-node setup-chromium setup-postgres ## every tool below
setup-rust: ## Rust's wasm32 target (rustup)
	@scripts/bootstrap.sh rust
setup-wasm: ## wasm-bindgen-cli and wasm-pack into .tools/ (cargo install, minutes the first time)
	@scripts/bootstrap.sh wasm
setup-node: ## check Node >= 18 and npm
	@scripts/bootstrap.sh node
setup-chromium: ## Debian's Chromium (apt-get: root or passwordless sudo)
	@scripts/bootstrap.sh chromium
setup-postgres: ## Debian's PostgreSQL server binaries, for throwaway test clusters (apt-get)
	@scripts/bootstrap.sh postgres

lint: setup-rust ## rustfmt and clippy (no unwrap/expect/panic/indexing in library code)
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	cargo clippy -p rolecall-wasm --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p rolecall-wasm --target wasm32-unknown-unknown --no-default-features --features panic-hook -- -D warnings

rust-test: setup-rust ## the Rust unit, integration and property tests
	cargo test --workspace --all-features

native: setup-rust ## the CLI and the fixture generators, as rust-test builds them (dev profile, every feature)
	cargo build -q --workspace --all-features --bins --examples

# The example policies and the SPEC vectors through the real CLI, and every example lints clean.
policy-test: native ## every policy test file through the CLI, and every example policy linted
	$(ROLECALL) test examples/policies/*/tests.yaml tests/spec/*.yaml
	for d in examples/policies/*/; do $(ROLECALL) lint "$$d/policy.yaml" --directory "$$d/directory.yaml"; done

js-sdk/node_modules/.package-lock.json: js-sdk/package-lock.json | setup-node
	cd js-sdk && npm ci --no-audit --no-fund

tests/packaging/node_modules/.package-lock.json: tests/packaging/package-lock.json | setup-node
	cd tests/packaging && npm ci --no-audit --no-fund

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json | setup-node
	cd tests/browser && npm ci --no-audit --no-fund

tests/sql/node_modules/.package-lock.json: tests/sql/package-lock.json | setup-node
	cd tests/sql && npm ci --no-audit --no-fund

# The WebAssembly build (pkg/, one .wasm for Node and the web, wasm-opt from npm binaryen).
wasm: setup-rust setup-wasm js-sdk/node_modules/.package-lock.json ## the WebAssembly build (pkg/node, pkg/web)
	scripts/build-wasm.sh

js-sdk: wasm ## the WebAssembly module and the npm package rolecall (js-sdk/dist)
	cd js-sdk && npm run build

# The SDK's build regenerates js-sdk/src/wire.ts from the binding's wire types (checked in, so the
# SDK type-checks without a wasm build). make test fails when the regenerated file differs from
# the committed one (in a git checkout), so Rust and TypeScript cannot drift unnoticed.
wire-check: js-sdk ## js-sdk/src/wire.ts as committed is what the binding generates
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && ! git diff --quiet -- js-sdk/src/wire.ts; then \
	  echo "js-sdk/src/wire.ts: the build regenerated it from crates/rolecall-wasm/src/wire.rs and it differs from the committed file; review and commit it (git diff js-sdk/src/wire.ts)" >&2; exit 1; fi

# Native fixtures the JS tests must reproduce exactly: random parity vectors and test-file reports.
# The vectors are checked in Node (js-node-test) and in Chromium (js-browser-test:
# js-sdk/test/browser-parity.test.mjs, with playwright-core from tests/browser), 15,000 queries
# each; make fuzz runs 120,000.
js-fixtures: native ## native fixtures for the JS tests (target/parity/)
	mkdir -p target/parity
	$(TARGET_DIR)/debug/examples/vectors 300 50 target/parity/vectors.json
	$(TARGET_DIR)/debug/examples/reports target/parity/reports.json examples/policies/*/tests.yaml tests/spec/*.yaml

# The SDK's tests, split by what they need: js-sdk/test/browser*.test.mjs drive Chromium.
js-test: js-node-test js-browser-test ## every SDK test (Node and Chromium)
js-node-test: js-sdk js-fixtures setup-postgres ## the SDK's tests in Node (no Chromium)
	cd js-sdk && npm run test:node
js-browser-test: js-sdk js-fixtures setup-chromium tests/browser/node_modules/.package-lock.json ## the SDK's tests in Chromium
	cd js-sdk && npm run test:browser

# Lists filtered by permission (rolecall/filter) on real databases: a throwaway PostgreSQL
# (tests/support/postgres.mjs) and PGlite return exactly the rows whose check allows, for the
# example server's users and lists, every example policy and random cases (tests/sql/).
sql-test: js-sdk js-fixtures native setup-postgres tests/sql/node_modules/.package-lock.json ## rolecall/filter's SQL and Kysely filters against PostgreSQL and PGlite
	cd tests/sql && ROLECALL_BIN=$(ROLECALL) npm test

# The packed package where users run it (tests/packaging/README.md): npm pack, installed from the
# tarball into one project whose devDependencies are the tools; Node (import, require, mixed),
# Bun, Deno, workerd, TypeScript --strict (node10, node16, bundler), arethetypeswrong, publint,
# and esbuild, Vite + React and webpack builds opened in Chromium.
package-test: js-sdk setup-chromium tests/packaging/node_modules/.package-lock.json ## the packed npm package in every runtime, bundler and resolution we cover
	cd tests/packaging && npm test

# The example dashboard and its server: builds what is missing or stale (demo.sh installs what
# it needs).
examples: ## build the example server's and dashboard's dependencies and the dashboard
	scripts/demo.sh --prepare

# The example server over real HTTP (parity with the snapshot and the native CLI, privacy, bad
# input, every route) and rolecall/react without a browser.
examples-test: examples native setup-postgres ## the example server over HTTP and rolecall/react, in Node
	cd examples/node-server && ROLECALL_BIN=$(ROLECALL) npm test
	cd examples/dashboard && npm test

# Screenshots in .artifacts/screenshots/.
browser-test: examples setup-chromium tests/browser/node_modules/.package-lock.json ## the example dashboard in Debian's Chromium
	cd tests/browser && npm test

# Fuzzing with cargo-fuzz (libFuzzer, on stable Rust through RUSTC_BOOTSTRAP; see fuzz/README.md):
# policy, directory and test-file text (with and without YAML), snapshot JSON, and evaluation of
# random queries against random valid policies with invariants checked. A crash leaves its
# reproducer in fuzz/artifacts/; fixed ones are replayed by crates/rolecall/tests/regressions.rs.
# Then differential parity at scale: PARITY_SEEDS random cases of PARITY_QUERIES queries, decided
# natively and by WebAssembly in Node and in Chromium (scripts/parity.sh, target/parity-large/).
FUZZ_SECONDS ?= 60
PARITY_SEEDS ?= 2000
PARITY_QUERIES ?= 60
fuzz: setup-rust js-sdk setup-chromium tests/browser/node_modules/.package-lock.json ## every fuzz target FUZZ_SECONDS each (default 60), then parity on 120,000 queries
	scripts/fuzz.sh $(FUZZ_SECONDS)
	scripts/parity.sh $(PARITY_SEEDS) $(PARITY_QUERIES) target/parity-large

# The short bounded pass that make test (and so CI) runs.
fuzz-short: setup-rust ## every fuzz target for 10 s
	FUZZ_JS=0 scripts/fuzz.sh 10

# A benchmark measures; it never fails a test by timing.
bench: setup-rust setup-node setup-chromium setup-postgres tests/browser/node_modules/.package-lock.json ## benchmarks: rolecall beside CASL, casbin, accesscontrol, Cedar and baselines, into bench/results.md
	scripts/bench.sh
