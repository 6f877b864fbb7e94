# Berth's two commands: `make serve` and `make test`. Both install what is
# missing first (scripts/setup.sh), so they work on a fresh Debian machine.

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
# Fixed case count and seed, so every run checks the same 10,000 random plans
# (placement) and 10,000 random deployments with the independent checker.
export PROPTEST_CASES ?= 10000
export PROPTEST_RNG_SEED ?= 20261126

.PHONY: setup serve test lint unit cfn fuzz fuzz-smoke web e2e bench

setup:
	@scripts/setup.sh

# A release build in dist/, served as a static host serves it: brotli or
# gzip beside each asset, sent with its Content-Encoding (scripts/serve.mjs).
serve: setup
	trunk build --release --offline
	node scripts/serve.mjs dist 8080

test: setup lint unit cfn fuzz-smoke web e2e
	@echo "make test: all checks passed"

lint:
	cargo fmt --all --check
	leptosfmt --check --quiet src/
	cargo fmt --manifest-path fuzz/Cargo.toml --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo clippy -p berth -p berth-exchange -p berth-first --target wasm32-unknown-unknown --quiet -- -D warnings

unit:
	cargo test --workspace --quiet

cfn:
	.venv/bin/python -m unittest discover --start-directory tests/cfn --pattern 'test_*.py'

# Every cargo-fuzz target for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=3600
# for a long hunt); make test runs the 20-second smoke run.
FUZZ_SECONDS ?= 300
fuzz: setup
	scripts/fuzz.sh $(FUZZ_SECONDS)

fuzz-smoke:
	scripts/fuzz.sh 20

# make test builds into its own folder, so that its build never meets the one
# `make serve` keeps in dist/ (both would stage in dist/.stage).
export BERTH_DIST ?= target/dist-test

# The build, its modules' sizes against their ceilings, and the first board
# on a phone network against its budget (issue 20).
web:
	trunk build --release --offline --dist $(BERTH_DIST)
	@scripts/bundle-size.sh
	node tests/perf/slow.mjs --check

e2e:
	node --test tests/

# Every figure of issue 8 in one table (about 5 minutes); see README.
bench: setup
	scripts/bench.sh
