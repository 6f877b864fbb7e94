#!/usr/bin/env bash
# Trunk post-build hook: adds a Content-Security-Policy to the built index.html.
# Trunk inlines one module script that loads the wasm; it is allowed by its
# SHA-256 hash, so no other inline script and no remote origin can run.
set -euo pipefail
html="${TRUNK_STAGING_DIR:?run by trunk}/index.html"
script=$(python3 - "$html" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"<script[^>]*>(.*?)</script>", text, re.S)
import base64, hashlib
print(" ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in blocks))
PY
)
policy="default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${script}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'"
python3 "$(dirname "$0")/head-meta.py" "$html" http-equiv Content-Security-Policy "$policy"
