# rolecall. A new user runs one of two commands, each installing what is missing first
# (scripts/bootstrap.sh, idempotent, project-local under .tools/):
#   make test   run every test of the project
#   make demo   build everything and serve the example dashboard (see README)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Project-local tools first: wasm-pack must find our wasm-bindgen, or it downloads one.
export PATH := $(CURDIR)/.tools/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

ROLECALL := cargo run -q -p rolecall-cli --

.DEFAULT_GOAL := help
.PHONY: help setup test lint rust-test policy-test bench wasm js-sdk js-fixtures js-test demo examples examples-test browser-test fuzz fuzz-short

help:
	@echo "make demo     build everything and serve the example dashboard (PORT=3000, loopback)"
	@echo "make test     run every test (installs missing tools first)"
	@echo "make js-sdk   build the WebAssembly module and the npm package (js-sdk/dist)"
	@echo "make lint     rustfmt and clippy (no unwrap/expect/panic/indexing in library code)"
	@echo "make fuzz     every cargo-fuzz target for FUZZ_SECONDS each (default 60)"
	@echo "make bench    benchmarks: rolecall beside CASL, casbin, accesscontrol, Cedar and baselines, into bench/results.md"

# Rust's wasm32 target, wasm-bindgen-cli and wasm-pack (into .tools/), Node >= 18, Chromium.
setup:
	@scripts/bootstrap.sh rust wasm node chromium

lint: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings
	cargo clippy -p rolecall-wasm --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p rolecall-wasm --target wasm32-unknown-unknown --no-default-features --features panic-hook -- -D warnings

rust-test: setup
	cargo test --workspace --all-features

# The example policies and the SPEC vectors through the real CLI, and every example lints clean.
policy-test: setup
	$(ROLECALL) test examples/policies/*/tests.yaml tests/spec/*.yaml
	for d in examples/policies/*/; do $(ROLECALL) lint "$$d/policy.yaml" --directory "$$d/directory.yaml"; done

js-sdk/node_modules/.package-lock.json: js-sdk/package-lock.json
	cd js-sdk && npm ci --no-audit --no-fund

# The WebAssembly build (pkg/, one .wasm for Node and the web, wasm-opt from npm binaryen).
wasm: setup js-sdk/node_modules/.package-lock.json
	scripts/build-wasm.sh

# The npm package `rolecall` (js-sdk/dist).
js-sdk: wasm
	cd js-sdk && npm run build

# Native fixtures the JS tests must reproduce exactly: random parity vectors and test-file reports.
# The vectors are checked in Node and in Chromium (js-sdk/test/browser-parity.test.mjs drives it
# with playwright-core from tests/browser), 15,000 queries each; make fuzz runs 120,000.
js-fixtures: tests/browser/node_modules/.package-lock.json
js-fixtures: setup
	mkdir -p target/parity
	cargo run -q --release -p rolecall --features gen --example vectors -- 300 50 target/parity/vectors.json
	cargo run -q --release -p rolecall-wasm --example reports -- target/parity/reports.json examples/policies/*/tests.yaml tests/spec/*.yaml

js-test: js-sdk js-fixtures
	cd js-sdk && npm test

# The example dashboard and its server: builds what is missing or stale, then serves it.
demo: setup
	scripts/demo.sh

examples: setup
	scripts/demo.sh --prepare

tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund

# The example server over real HTTP (parity with the snapshot and the native CLI, privacy, bad
# input, every route) and rolecall/react without a browser.
examples-test: examples
	cd examples/node-server && npm test
	cd examples/dashboard && npm test

# The dashboard in Debian's Chromium; screenshots in .artifacts/screenshots/.
browser-test: examples tests/browser/node_modules/.package-lock.json
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
fuzz: js-sdk tests/browser/node_modules/.package-lock.json
fuzz: setup
	scripts/fuzz.sh $(FUZZ_SECONDS)
	scripts/parity.sh $(PARITY_SEEDS) $(PARITY_QUERIES) target/parity-large

# The short bounded pass that make test (and so CI) runs.
fuzz-short: setup
	scripts/fuzz.sh 10

test: lint rust-test policy-test js-test examples-test browser-test fuzz-short
	@echo "make test: all tests passed"

# A benchmark measures; it never fails a test by timing. Writes bench/results.md.
bench: setup
	scripts/bench.sh
