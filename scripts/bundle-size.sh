#!/usr/bin/env bash
# Prints the gzipped size of the release bundle in dist/ (wasm + js) and fails
# when it is larger than bundle_gzip_bytes_max in budgets.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
total=0
for f in dist/*.wasm dist/*.js; do
  gz=$(gzip -9c "$f" | wc -c)
  total=$((total + gz))
  printf 'bundle: %-45s %8d bytes, %7d gzipped\n' "$(basename "$f")" "$(stat -c %s "$f")" "$gz"
done
max=$(awk '$1 == "bundle_gzip_bytes_max" { print $2 }' budgets.txt)
awk -v t="$total" -v m="$max" 'BEGIN { printf "bundle: total gzipped %d bytes (%.1f KB); ceiling %d bytes\n", t, t / 1000, m }'
if [ "$total" -gt "$max" ]; then
  echo "bundle: over the ceiling in budgets.txt by $((total - max)) bytes" >&2
  exit 1
fi
echo "$total" > target/bundle-gzip-bytes
