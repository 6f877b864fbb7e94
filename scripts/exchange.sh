#!/usr/bin/env bash
# Trunk post-build hook: builds berth-exchange (export and import, loaded by
# the app after the board is drawn; see src/exchange_module.rs) into
# dist/exchange/<content hash>/ with the same profile, wasm-bindgen and
# wasm-opt as the app, and names that folder in index.html
# (<meta name="berth-exchange">), so a cached old module is never used.
set -euo pipefail
cd "${TRUNK_SOURCE_DIR:?run by trunk}"
profile=${TRUNK_PROFILE:-release}
flags=()
if [ "$profile" = release ]; then flags+=(--release); fi
cargo build -p berth-exchange --lib --target wasm32-unknown-unknown --locked --quiet "${flags[@]}"
root="$TRUNK_STAGING_DIR/exchange"
rm -rf "$root"
build="$root/build"
wasm-bindgen --target web --no-typescript --out-dir "$build" \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$profile/berth_exchange.wasm"
if [ "$profile" = release ]; then
  # As Trunk runs it for the app (data-wasm-opt="z").
  wasm-opt -Oz -o "$build/berth_exchange_bg.wasm" "$build/berth_exchange_bg.wasm"
fi
hash=$(cat "$build"/berth_exchange.js "$build"/berth_exchange_bg.wasm | sha256sum | cut -c1-16)
mv "$build" "$root/$hash"
python3 scripts/head-meta.py "$TRUNK_STAGING_DIR/index.html" name berth-exchange "exchange/$hash/berth_exchange.js"
