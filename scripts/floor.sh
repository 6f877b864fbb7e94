#!/usr/bin/env bash
# What bounds the first-load bundle (issue 8): builds bench/floor's three
# programs with the app's release profile, runs wasm-bindgen and wasm-opt -Oz
# as Trunk does for the app, and prints each one's wasm + js gzipped, one
# "floor: NAME BYTES" line each; writes target/floor-NAME-gzip-bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p berth-floor --release --target wasm32-unknown-unknown --quiet
for name in core-floor leptos-floor both-floor; do
  out=target/floor/$name
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" "target/wasm32-unknown-unknown/release/$name.wasm"
  wasm-opt -Oz "$out/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
  total=0
  for f in "$out/${name}_bg.wasm" "$out/$name.js"; do
    total=$((total + $(gzip -9c "$f" | wc -c)))
  done
  echo "$total" > "target/floor-$name-gzip-bytes"
  echo "floor: $name $total"
done
