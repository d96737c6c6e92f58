#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh machine. Sets up tools, dependencies and redis-server,
# builds, lints, type-checks, checks the published package shape, then runs every test
# (unit, workerd, Redis standalone + cluster, Varnish: the harnesses start and stop the servers),
# then the public HTTP cache test suite against the caching proxy (docs/cache-tests.md).
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

# Two runs, one after the other: the Redis tests (real servers, fault injection, 4-process
# stampedes) measure latencies and must not share the 2 cores with the unit suite.
step "tests: unit, adapters, workerd, Bun and Deno (vitest project unit)"
mkdir -p .test-results
rm -f .test-results/*.json
status=0
pnpm exec vitest run --project unit --reporter=default --reporter=json \
  --outputFile.json=.test-results/unit.json "$@" || status=$?
step "tests: Redis standalone + 3-master/3-replica cluster, Varnish end to end (vitest project redis)"
pnpm exec vitest run --project redis --reporter=default --reporter=json \
  --outputFile.json=.test-results/redis.json "$@" || status=$?
step "cache-tests: http-cache-tests 0.4.5 against @routecache/proxy (fails below the figure in docs/cache-tests/results.json)"
node scripts/cache-tests/run.mjs --check || status=$?
node scripts/summarize-tests.mjs .test-results/unit.json .test-results/redis.json || status=1
exit $status
