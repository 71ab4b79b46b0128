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
.PHONY: help setup test lint rust-test policy-test bench

help:
	@echo "make test     run every test (installs missing tools first)"
	@echo "make lint     rustfmt and clippy (no unwrap/expect/panic/indexing in library code)"
	@echo "make bench    benchmarks: rolecall beside CASL, casbin, accesscontrol, Cedar and baselines, into bench/results.md"

setup:
	@scripts/bootstrap.sh rust node

lint: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --all-features -- -D warnings

rust-test: setup
	cargo test --workspace --all-features

# The example policies and the SPEC vectors through the real CLI, and every example lints clean.
policy-test: setup
	$(ROLECALL) test examples/policies/*/tests.yaml tests/spec/*.yaml
	for d in examples/policies/*/; do $(ROLECALL) lint "$$d/policy.yaml" --directory "$$d/directory.yaml"; done

test: lint rust-test policy-test
	@echo "make test: all tests passed"

# A benchmark measures; it never fails a test by timing. Writes bench/results.md.
bench: setup
	scripts/bench.sh
