/**
 * One-off measurement (not a test): tag invalidation of 100,000 entries on a standalone Redis.
 * Run (from the repository root; TAGS=one gives each entry only the shared tag):
 *   pnpm exec esbuild test-support/bench-tag-invalidation.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=test-support/.bench-tags.mjs \
 *     && node test-support/.bench-tags.mjs; rm test-support/.bench-tags.mjs
 * (the bundle sits in test-support/ so that `ioredis` resolves from the root node_modules)
 */
import { Redis } from 'ioredis';
import { redisStore } from '../packages/core/src/redis/redis-store';
import type { CacheEntry } from '../packages/core/src/types';
import { removeRunData, startRedis } from './redis-servers';

/** Environment (read through one alias: these variables are for the test harness, not turbo tasks). */
const env: NodeJS.ProcessEnv = process.env;

const COUNT = Number(env.COUNT ?? 100_000);
const server = await startRedis();
const client = new Redis(server.url);
try {
  const store = redisStore({ client, prefix: 'bench:', timeoutMs: 10_000, invalidationTimeoutMs: 60_000 });
  const now = Date.now();
  const body = new Uint8Array(512).fill(65);
  const entry = (key: string): CacheEntry => ({
    key,
    storedAt: now,
    freshUntil: now + 3_600_000,
    staleWhileRevalidate: 60,
    staleIfError: 0,
    expiresAt: now + 3_660_000,
    tags: env.TAGS === 'one' ? ['all'] : ['all', `item:${key}`],
    response: { status: 200, headers: { 'content-type': 'text/plain' }, body },
  });
  const fillStarted = performance.now();
  for (let i = 0; i < COUNT; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, COUNT - i) }, (_, j) => store.set(`k${i + j}`, entry(`k${i + j}`))),
    );
  }
  const fillMs = performance.now() - fillStarted;
  /** CPU seconds redis-server has used: unlike wall time, not inflated when other processes share the cores. */
  const redisCpu = async () => {
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  };
  for (const mode of ['expire', 'delete'] as const) {
    const cpuBefore = await redisCpu();
    const started = performance.now();
    const touched = await store.invalidateTags(['all'], mode, Date.now());
    const wallMs = performance.now() - started;
    const cpuMs = ((await redisCpu()) - cpuBefore) * 1000;
    console.log(
      `${mode}: ${touched} entries in ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms of redis CPU`,
    );
  }
  console.log(`(filled ${COUNT} entries in ${fillMs.toFixed(0)} ms; keys left: ${await client.dbsize()})`);
} finally {
  client.disconnect();
  await server.stop();
  removeRunData();
}
