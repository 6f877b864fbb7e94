#!/usr/bin/env bash
# Trunk's one post-build hook. Trunk starts the hooks of a stage together,
# and these must run in turn: the modules fetched after the first board
# (the app, then export and import) are built and named in index.html, the
# CSP is written into index.html, then every asset (the finished index.html
# and the modules among them) is compressed.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/module.sh" app berth berth-web --bin berth-web
bash "$here/module.sh" exchange berth-exchange berth_exchange --lib
bash "$here/csp.sh"
node "$here/compress.mjs"
