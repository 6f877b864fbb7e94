#!/usr/bin/env bash
# Trunk's one post-build hook. Trunk starts the hooks of a stage together,
# and these must run in turn: the exchange module is built and named in
# index.html, the CSP is written into index.html, then every asset (the
# finished index.html and the exchange module among them) is compressed.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/exchange.sh"
bash "$here/csp.sh"
node "$here/compress.mjs"
