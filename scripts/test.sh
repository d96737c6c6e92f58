#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh machine. Sets up tools, dependencies and redis-server,
# builds, lints, type-checks, checks the published package shape, then runs every test
# (unit, workerd, Redis standalone + cluster: the harness starts and stops the servers).
# Ends with a line "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh --redis

step() { printf '\n[test] %s\n' "$*"; }

step "build + typecheck"
pnpm exec turbo run build typecheck --output-logs=errors-only
step "lint (biome)"
pnpm exec biome check .
step "published shape (publint + are-the-types-wrong)"
pnpm exec turbo run test:build --output-logs=errors-only

step "tests (vitest: unit, workerd, redis standalone + cluster)"
mkdir -p .test-results
rm -f .test-results/vitest.json
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@" || status=$?
node scripts/summarize-tests.mjs .test-results/vitest.json || status=1
exit $status
