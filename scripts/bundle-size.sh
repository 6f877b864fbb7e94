#!/usr/bin/env bash
# Prints the gzipped size of the release bundle in dist/ (wasm + js).
set -euo pipefail
cd "$(dirname "$0")/.."
total=0
for f in dist/*.wasm dist/*.js; do
  gz=$(gzip -9c "$f" | wc -c)
  total=$((total + gz))
  printf 'bundle: %-45s %8d bytes, %7d gzipped\n' "$(basename "$f")" "$(stat -c %s "$f")" "$gz"
done
awk -v t="$total" 'BEGIN { printf "bundle: total gzipped %d bytes (%.1f KB)\n", t, t / 1000 }'
