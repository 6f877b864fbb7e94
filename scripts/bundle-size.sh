#!/usr/bin/env bash
# Prints the gzipped size of the release bundle in dist/ and fails when it
# outgrows budgets.txt. Two parts, each with its ceiling: what the first load
# fetches (the app's wasm and js, and its js snippets), and the exchange module
# (export and import) the app fetches once the board is interactive.
set -euo pipefail
cd "$(dirname "$0")/.."
ceiling() { awk -v k="$1" '$1 == k { print $2 }' budgets.txt; }
status=0
# measure NAME CEILING_KEY FILE… — prints each file and the total; writes the
# total to target/NAME-gzip-bytes.
measure() {
  local name=$1 key=$2 total=0 gz f
  shift 2
  for f in "$@"; do
    gz=$(gzip -9c "$f" | wc -c)
    total=$((total + gz))
    printf 'bundle: %-55s %8d bytes, %7d gzipped\n' "${f#dist/}" "$(stat -c %s "$f")" "$gz"
  done
  local max
  max=$(ceiling "$key")
  awk -v n="$name" -v t="$total" -v m="$max" 'BEGIN { printf "bundle: %s gzipped %d bytes (%.1f KB); ceiling %d bytes\n", n, t, t / 1000, m }'
  if [ "$total" -gt "$max" ]; then
    echo "bundle: $name is over $key in budgets.txt by $((total - max)) bytes" >&2
    status=1
  fi
  mkdir -p target
  echo "$total" > "target/$name-gzip-bytes"
}
shopt -s nullglob
measure first-load bundle_gzip_bytes_max dist/*.wasm dist/*.js dist/snippets/*/*/*.js
measure exchange exchange_gzip_bytes_max dist/exchange/*/*.wasm dist/exchange/*/*.js
exit "$status"
