#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for SECONDS each (default 20), with
# debug assertions and overflow checks on (-a and fuzz/Cargo.toml), and
# prints one line per target: executions, corpus size, result. New inputs go
# to target/fuzz/corpus (the committed seeds in fuzz/corpus stay as they are);
# a crash is saved under target/fuzz/artifacts/TARGET/ and fails the run.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build -O -a >/dev/null 2>target/fuzz-build.log || { cat target/fuzz-build.log; exit 1; }
failed=0
printf '%-16s %12s %8s %8s  %s\n' target executions seconds corpus result
for t in "${targets[@]}"; do
  work="target/fuzz/corpus/$t"
  artifacts="target/fuzz/artifacts/$t/"
  mkdir -p "$work" "$artifacts"
  log="target/fuzz/$t.log"
  if cargo +nightly fuzz run -O -a "$t" "$work" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result="CRASH: see $log and $artifacts"
    failed=1
  fi
  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || echo "?")
  [ "$result" = ok ] || runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  corpus=$(find "$work" -type f | wc -l)
  printf '%-16s %12s %8s %8s  %s\n' "$t" "$runs" "$seconds" "$corpus" "$result"
  [ "$result" = ok ] || grep -m3 -E 'panicked at|ERROR: AddressSanitizer|ERROR: libFuzzer' -A3 "$log" || true
done
exit $failed
