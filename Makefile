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

ROLECALL := cargo run -q -p rolecall-cli --

.DEFAULT_GOAL := help
.PHONY: help demo test check setup setup-rust setup-wasm setup-node setup-chromium setup-postgres lint rust-test \
  policy-test wasm js-sdk js-fixtures js-test js-node-test js-browser-test examples examples-test \
  browser-test sql-test fuzz fuzz-short bench

help: ## this list
	@awk -F':.*## ' '/^[a-z][a-z-]*:.*## / { printf "make %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# The two commands. demo.sh installs what it needs itself (rust wasm node: no Chromium).
demo: ## build everything and serve the example dashboard (PORT=3000, loopback)
	scripts/demo.sh

test: lint rust-test policy-test js-test sql-test examples-test browser-test fuzz-short ## every test (installs missing tools first)
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

# The example policies and the SPEC vectors through the real CLI, and every example lints clean.
policy-test: setup-rust ## every policy test file through the CLI, and every example policy linted
	$(ROLECALL) test examples/policies/*/tests.yaml tests/spec/*.yaml
	for d in examples/policies/*/; do $(ROLECALL) lint "$$d/policy.yaml" --directory "$$d/directory.yaml"; done

js-sdk/node_modules/.package-lock.json: js-sdk/package-lock.json | setup-node
	cd js-sdk && npm ci --no-audit --no-fund

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json | setup-node
	cd tests/browser && npm ci --no-audit --no-fund

tests/sql/node_modules/.package-lock.json: tests/sql/package-lock.json | setup-node
	cd tests/sql && npm ci --no-audit --no-fund

# The WebAssembly build (pkg/, one .wasm for Node and the web, wasm-opt from npm binaryen).
wasm: setup-rust setup-wasm js-sdk/node_modules/.package-lock.json ## the WebAssembly build (pkg/node, pkg/web)
	scripts/build-wasm.sh

js-sdk: wasm ## the WebAssembly module and the npm package rolecall (js-sdk/dist)
	cd js-sdk && npm run build

# Native fixtures the JS tests must reproduce exactly: random parity vectors and test-file reports.
# The vectors are checked in Node (js-node-test) and in Chromium (js-browser-test:
# js-sdk/test/browser-parity.test.mjs, with playwright-core from tests/browser), 15,000 queries
# each; make fuzz runs 120,000.
js-fixtures: setup-rust ## native fixtures for the JS tests (target/parity/)
	mkdir -p target/parity
	cargo run -q --release -p rolecall --features gen --example vectors -- 300 50 target/parity/vectors.json
	cargo run -q --release -p rolecall-wasm --example reports -- target/parity/reports.json examples/policies/*/tests.yaml tests/spec/*.yaml

# The SDK's tests, split by what they need: js-sdk/test/browser*.test.mjs drive Chromium.
js-test: js-node-test js-browser-test ## every SDK test (Node and Chromium)
js-node-test: js-sdk js-fixtures ## the SDK's tests in Node (no Chromium)
	cd js-sdk && npm run test:node
js-browser-test: js-sdk js-fixtures setup-chromium tests/browser/node_modules/.package-lock.json ## the SDK's tests in Chromium
	cd js-sdk && npm run test:browser

# Lists filtered by permission (rolecall/filter) on real databases: a throwaway PostgreSQL
# (tests/support/postgres.mjs) and PGlite return exactly the rows whose check allows, for the
# example server's users and lists, every example policy and random cases (tests/sql/).
sql-test: js-sdk js-fixtures setup-postgres tests/sql/node_modules/.package-lock.json ## rolecall/filter's SQL and Kysely filters against PostgreSQL and PGlite
	cd tests/sql && npm test

# The example dashboard and its server: builds what is missing or stale (demo.sh installs what
# it needs).
examples: ## build the example server's and dashboard's dependencies and the dashboard
	scripts/demo.sh --prepare

# The example server over real HTTP (parity with the snapshot and the native CLI, privacy, bad
# input, every route) and rolecall/react without a browser.
examples-test: examples ## the example server over HTTP and rolecall/react, in Node
	cd examples/node-server && npm test
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
	scripts/fuzz.sh 10

# A benchmark measures; it never fails a test by timing.
bench: setup-rust setup-node ## benchmarks: rolecall beside CASL, casbin, accesscontrol, Cedar and baselines, into bench/results.md
	scripts/bench.sh
