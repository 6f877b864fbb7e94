#!/usr/bin/env bash
# Installs what Berth's build and tests need, and only what is missing.
# Idempotent: on a machine that has everything it prints one line and takes
# seconds. Versions are pinned; wasm-bindgen-cli follows Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14   # trunk 0.22 needs rustc >= 1.96.1; stable here is 1.95
did=()

step() { echo "setup: $*" >&2; did+=("$1"); }

# Rust: the wasm target and the lint tools.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "wasm32-unknown-unknown target"
  timeout 300 rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^${component}"; then
    step "$component"
    timeout 300 rustup component add "$component"
  fi
done

# Fuzzing: cargo-fuzz needs a nightly toolchain (sanitizers, coverage
# instrumentation); the machine image has one, else rustup adds a minimal one.
CARGO_FUZZ_VERSION=0.13.2
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  step "nightly toolchain (for cargo-fuzz)"
  timeout 600 rustup toolchain install nightly --profile minimal
fi
if [ "$(cargo-fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  step "cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# leptosfmt, pinned: `make lint` checks that every view! is formatted by it.
LEPTOSFMT_VERSION=0.1.33
if [ "$(leptosfmt --version 2>/dev/null | awk '{print $2}')" != "$LEPTOSFMT_VERSION" ]; then
  step "leptosfmt $LEPTOSFMT_VERSION (about 1 minute)"
  cargo install --locked leptosfmt --version "$LEPTOSFMT_VERSION"
fi

# Trunk, pinned.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  step "trunk $TRUNK_VERSION (about 10 minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli at exactly the version Cargo.lock pins. Without --locked:
# its own lock file wants a crate the registry here lacks.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Debian's Chromium for the browser tests (Playwright's own download is not reachable).
if ! [ -x /usr/bin/chromium ]; then
  step "chromium"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# Node packages (playwright-core, binaryen's wasm-opt), exactly as locked.
stamp=node_modules/.berth-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  step "npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# Python test tools (cfn-lint, awscli's parsers), pinned, in .venv/.
stamp=.venv/.berth-requirements-sha
want=$(sha256sum requirements-test.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  step "python test tools (cfn-lint, awscli)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
  echo "$want" > "$stamp"
fi

if [ ${#did[@]} -eq 0 ]; then
  echo "setup: everything present"
fi
