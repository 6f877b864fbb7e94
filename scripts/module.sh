#!/usr/bin/env bash
# Trunk post-build hook: builds one wasm module the page fetches after the
# first board is drawn (issue 20) into dist/NAME/<content hash>/, with the
# same profile, wasm-bindgen and wasm-opt as the page's first module, and
# names that file in index.html (<meta name="berth-NAME">), so a cached old
# module is never used.
#
#   module.sh NAME PACKAGE ARTEFACT CARGO_TARGET_ARGS…
#   module.sh app berth berth-web --bin berth-web        (the app: src/)
#   module.sh exchange berth-exchange berth_exchange --lib  (export, import)
set -euo pipefail
name=$1 package=$2 artefact=$3
shift 3
cd "${TRUNK_SOURCE_DIR:?run by trunk}"
profile=${TRUNK_PROFILE:-release}
flags=()
if [ "$profile" = release ]; then flags+=(--release); fi
cargo build -p "$package" "$@" --target wasm32-unknown-unknown --locked --quiet "${flags[@]}"
root="$TRUNK_STAGING_DIR/$name"
rm -rf "$root"
build="$root/build"
wasm-bindgen --target web --no-typescript --out-dir "$build" \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/$profile/$artefact.wasm"
if [ "$profile" = release ]; then
  # As Trunk runs it for the first module (data-wasm-opt="z").
  wasm-opt -Oz -o "$build/${artefact}_bg.wasm" "$build/${artefact}_bg.wasm"
fi
# Every file of the module, its JS snippets among them, names its folder.
hash=$(cd "$build" && find . -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
mv "$build" "$root/$hash"
python3 scripts/head-meta.py "$TRUNK_STAGING_DIR/index.html" name "berth-$name" "$name/$hash/$artefact.js"
