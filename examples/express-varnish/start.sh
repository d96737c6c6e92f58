#!/usr/bin/env bash
# Starts varnishd (foreground-free, stopped by PID on exit) with the project's VCL in front of
# the app, then the app. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PORT="${PORT:-3000}"
VARNISH_PORT="${VARNISH_PORT:-6081}"
WORK="$(mktemp -d)"
sed "s/\.port = \"3000\"/.port = \"$PORT\"/" ../../docs/varnish/routecache.vcl >"$WORK/app.vcl"
varnishd -j none -n "$WORK/varnish" -a "127.0.0.1:$VARNISH_PORT" -T none -f "$WORK/app.vcl" \
  -s malloc,64M -P "$WORK/varnishd.pid"
trap 'kill "$(cat "$WORK/varnishd.pid")" 2>/dev/null || true; rm -rf "$WORK"' EXIT
VARNISH_URL="http://127.0.0.1:$VARNISH_PORT" PORT="$PORT" node src/server.ts
