#!/usr/bin/env bash
# Prints the gzipped size of the release bundle in $BERTH_DIST (dist/ unless
# set; `make test` builds into target/dist-test) and fails when it
# outgrows budgets.txt. Three parts, each with its ceiling: what the first
# load fetches (the first module's wasm and js, and its js snippets: the
# board, issue 20), the app it fetches after first paint, and the exchange
# module (export and import) the app fetches once the board is interactive.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${BERTH_DIST:-dist}
ceiling() { awk -v k="$1" '$1 == k { print $2 }' budgets.txt; }
status=0
# measure NAME CEILING_KEY FILE… — prints each file and the total; writes the
# total to target/NAME-gzip-bytes.
measure() {
  local name=$1 key=$2 total=0 gz f
  shift 2
  # A pattern that matched nothing stays as written: a missing build, not an
  # empty one.
  if [ "$#" -eq 0 ] || [ ! -e "$1" ]; then
    echo "bundle: no $name files in $dist (was it built?)" >&2
    exit 1
  fi
  for f in "$@"; do
    gz=$(gzip -9c "$f" | wc -c)
    total=$((total + gz))
    printf 'bundle: %-55s %8d bytes, %7d gzipped\n' "${f#"$dist"/}" "$(stat -c %s "$f")" "$gz"
  done
  local max
  max=$(ceiling "$key")
  if ! [[ "$max" =~ ^[0-9]+$ ]]; then
    echo "bundle: budgets.txt has no number for $key" >&2
    exit 1
  fi
  awk -v n="$name" -v t="$total" -v m="$max" 'BEGIN { printf "bundle: %s gzipped %d bytes (%.1f KB); ceiling %d bytes\n", n, t, t / 1000, m }'
  if [ "$total" -gt "$max" ]; then
    echo "bundle: $name is over $key in budgets.txt by $((total - max)) bytes" >&2
    status=1
  fi
  mkdir -p target
  echo "$total" > "target/$name-gzip-bytes"
  # What a host sends a browser that accepts brotli: the build's own .br
  # files (scripts/compress.mjs), when they are there.
  local br=0
  for f in "$@"; do
    [ -e "$f.br" ] || return 0
    br=$((br + $(stat -c %s "$f.br")))
  done
  awk -v n="$name" -v t="$br" 'BEGIN { printf "bundle: %s as sent with brotli (the build'"'"'s .br files) %d bytes (%.1f KB)\n", n, t, t / 1000 }'
  echo "$br" > "target/$name-brotli-bytes"
}
# The JS snippets a module's glue imports count with it (a stale one left in
# dist/ by an earlier build does not).
snippets() {
  local dir=$1 f
  shift
  for f in $(grep -oh "snippets/[^'\"]*\.js" "$@" | sort -u); do
    [ -e "$dir/$f" ] && echo "$dir/$f"
  done
}
# The page's first module (crate berth-first: the board), what it loads
# before first paint.
mapfile -t first < <(snippets "$dist" "$dist"/*.js)
measure first-load bundle_gzip_bytes_max "$dist"/*.wasm "$dist"/*.js "${first[@]}"
# The app (src/), fetched once the first board is painted.
app=("$dist"/app/*)
mapfile -t app_snippets < <(snippets "${app[0]}" "${app[0]}"/*.js)
measure app app_gzip_bytes_max "${app[0]}"/*.wasm "${app[0]}"/*.js "${app_snippets[@]}"
measure exchange exchange_gzip_bytes_max "$dist"/exchange/*/*.wasm "$dist"/exchange/*/*.js
exit "$status"
