import { serve } from '@hono/node-server';
import { memoryStore, type Store, tieredStore } from '@routecache/hono';
import { createApp } from './app.ts';

/** Memory store by default; with REDIS_URL, memory (L1) in front of Redis (L2) plus the invalidation bus. */
async function createStore(redisUrl: string | undefined): Promise<Store | undefined> {
  if (!redisUrl) return undefined;
  const { Redis } = await import('ioredis');
  const { recommendedRedisOptions, redisBus, redisStore } = await import('@routecache/hono/redis');
  const client = new Redis(redisUrl, recommendedRedisOptions);
  return tieredStore({ l1: memoryStore(), l2: redisStore({ client }), bus: redisBus({ client }) });
}

const port = Number(process.env.PORT ?? 3000);
const app = createApp(await createStore(process.env.REDIS_URL));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => {
  console.log(`hono-node: http://127.0.0.1:${port}/api/products (Redis: ${process.env.REDIS_URL ?? 'off'})`);
});
