#!/usr/bin/env bash
# `make bench`: every figure of issue 8 in one table — native placement and
# deployment (criterion), the same placement in wasm in headless Chromium as
# a ratio to native, drag → re-plan → re-render and first load in the browser,
# and the bundle size — each beside its budget in budgets.txt — and the
# floor under the bundle: the planner and Leptos without Berth's views; the
# first board on a phone network, served with brotli and with gzip (issue 20).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"

echo "bench: criterion (native, cargo bench -p berth-core)" >&2
cargo bench -p berth-core --bench placement -- --output-format bencher 2>/dev/null \
  | grep '^test ' > "$out/criterion.txt"

echo "bench: the same placement natively and in wasm (berth-bench)" >&2
cargo build -p berth-bench --release --quiet
cargo build -p berth-bench --lib --release --target wasm32-unknown-unknown --quiet
wasm-bindgen --target web --out-dir target/bench-wasm target/wasm32-unknown-unknown/release/berth_bench.wasm
./target/release/berth-bench > "$out/native.json"
node tests/perf/wasm.mjs "$(./target/release/berth-bench --cases)" "$(./target/release/berth-bench --recommend-cases)" > "$out/wasm.json"

echo "bench: the app in the browser" >&2
trunk build --release --offline --dist "${BERTH_DIST:-dist}" >/dev/null 2>&1
scripts/bundle-size.sh > "$out/bundle.txt"
echo "bench: what bounds the bundle (bench/floor)" >&2
scripts/floor.sh > "$out/floor.txt"
node tests/perf/ui.mjs > "$out/ui.json"
echo "bench: the first board on a phone network (tests/perf/slow.mjs)" >&2
node tests/perf/slow.mjs > "$out/slow.json"

node tests/perf/table.mjs "$out"
