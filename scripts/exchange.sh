#!/usr/bin/env bash
# Trunk post-build hook: builds berth-exchange (export and import, loaded by
# the app after the board is interactive; see src/exchange_module.rs) into
# dist/exchange/ with the same profile, wasm-bindgen and wasm-opt as the app.
set -euo pipefail
cd "${TRUNK_SOURCE_DIR:?run by trunk}"
profile=${TRUNK_PROFILE:-release}
flags=()
if [ "$profile" = release ]; then flags+=(--release); fi
cargo build -p berth-exchange --lib --target wasm32-unknown-unknown --locked --quiet "${flags[@]}"
out="$TRUNK_STAGING_DIR/exchange"
rm -rf "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$profile/berth_exchange.wasm"
if [ "$profile" = release ]; then
  # As Trunk runs it for the app (data-wasm-opt="z").
  wasm-opt -Oz -o "$out/berth_exchange_bg.wasm" "$out/berth_exchange_bg.wasm"
fi
