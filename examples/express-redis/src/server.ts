/**
 * One instance: `REDIS_URL`, `PORT`, `INSTANCE` (its name), `CATALOGUE_FILE` (the shared JSON
 * "database"); optional `CACHE_PREFIX`, `CACHE_CHANNEL`. Prints `instance <name> listening on <url>`.
 */
import type { AddressInfo } from 'node:net';
import { recommendedRedisOptions } from '@routecache/express/redis';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { openCatalogue } from './catalogue.ts';

const env = process.env;
const instance = env.INSTANCE ?? 'A';
if (!env.CATALOGUE_FILE) throw new Error('CATALOGUE_FILE is required (scripts/start.ts sets it)');

// Fail-fast settings for a cache: no offline queue, one retry, reconnect forever.
const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', recommendedRedisOptions);
redis.on('error', () => {}); // while Redis is down, the cache misses (and counts it); nothing to log here

const { app, cache } = createApp({
  redis,
  instance,
  catalogue: openCatalogue(env.CATALOGUE_FILE),
  prefix: env.CACHE_PREFIX,
  channel: env.CACHE_CHANNEL,
});

// Listen once Redis answers (bounded): without an offline queue, requests that arrive while the
// client is still connecting would all be misses that store nothing.
await new Promise<void>((resolve) => {
  if (redis.status === 'ready') return resolve();
  const timer = setTimeout(resolve, 5000);
  redis.once('ready', () => {
    clearTimeout(timer);
    resolve();
  });
});

const server = app.listen(Number(env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`instance ${instance} listening on http://127.0.0.1:${port}\n`);
});

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void cache.close().finally(() => {
    redis.disconnect();
    process.exit(0);
  });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
