#!/usr/bin/env bash
# `npm run demo`: sets up the tools and dependencies, builds the packages, and starts the Express demo
# (examples/express-basic: memory store, no Redis). PORT=3000 by default.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh
pnpm exec turbo run build --filter=express-basic... --output-logs=errors-only >/dev/null
exec pnpm --filter express-basic start
