#!/usr/bin/env bash
# Prepares the machine for the real-VS-Code end-to-end tests (see /work/shared/notes/vscode-e2e-offline.md).
#
#   - Debian packages: Chromium (driven by playwright-core, which must never download its own browser),
#     the headers code-server's native modules build against, and ripgrep (used to pre-seed @vscode/ripgrep).
#   - code-server 4.99.4 (a real VS Code 1.99 served to a browser; the last line that runs on Node 20),
#     installed from the npm registry into .vscode-test/code-server (git-ignored).
#
# Idempotent and fast when everything is already there. Runs as root on a fresh Debian machine in CI.
# Nothing is ever downloaded from anywhere but apt and npm.
set -euo pipefail

CODE_SERVER_VERSION=4.99.4
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CS_DIR="$ROOT/.vscode-test/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
START=$(date +%s)

log() { echo "[e2e-setup] $*"; }

# ---------------------------------------------------------------------------------------------------------
# 1. Debian packages (apt-get update only once, and only when something is missing).
# ---------------------------------------------------------------------------------------------------------
APT_PACKAGES=(chromium libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  # "install ok installed" is the only status that means the package is really there.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  log "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "apt: all packages present"
fi
[ -x /usr/bin/chromium ] || { log "ERROR: /usr/bin/chromium missing after apt"; exit 1; }
[ -x /usr/bin/rg ] || { log "ERROR: /usr/bin/rg missing after apt"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# 2. code-server from npm, cached in .vscode-test/code-server.
# ---------------------------------------------------------------------------------------------------------
# "Works" = the binary exists and answers --version with the pinned version.
if [ -x "$CS_BIN" ] && "$CS_BIN" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION"; then
  log "code-server $CODE_SERVER_VERSION: cached"
else
  log "code-server $CODE_SERVER_VERSION: installing from npm (about a minute)…"
  # @vscode/ripgrep's postinstall downloads a release binary from GitHub. Pre-seed its download cache with
  # Debian's rg so it finds the archive locally and never goes online.
  RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TGZ" ]; then
    mkdir -p "$RG_CACHE"
    tmp="$(mktemp -d)"
    cp /usr/bin/rg "$tmp/rg"
    tar -czf "$RG_TGZ" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  mkdir -p "$CS_DIR"
  # Own package.json so npm installs here and not into the repo's node_modules.
  [ -f "$CS_DIR/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' > "$CS_DIR/package.json"
  # npm_config_yes: a nested `npx node-gyp` is otherwise cancelled (no TTY to answer its prompt).
  # npm_config_unsafe_perm: code-server's postinstall refuses to run as root otherwise.
  (
    cd "$CS_DIR"
    npm_config_yes=true npm_config_unsafe_perm=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >install.log 2>&1
  ) || { log "ERROR: npm install failed, tail of $CS_DIR/install.log:"; tail -40 "$CS_DIR/install.log"; exit 1; }
  "$CS_BIN" --version >/dev/null 2>&1 || { log "ERROR: $CS_BIN does not run"; exit 1; }
  log "code-server installed"
fi

log "ready in $(( $(date +%s) - START ))s ($("$CS_BIN" --version 2>/dev/null | head -1))"
