/** routecache on Hono with only a Redis store: every hit is one round trip to Redis (the L2 path). */
import { Hono } from 'hono';
import { connectRedis, importPackage, listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'routecache L2 (Redis) hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/ },
  cached: true,
  needsRedis: true,
  target: { ratio: 0.9, of: 'hono-ioredis-get' },
  // The same round trip with our hit's headers from a middleware: what our own code costs.
  prebuilt: 'hono-floor-l2-middleware',
};

export async function start({ port, redisUrl }) {
  const { routeCache } = await importPackage('@routecache/hono');
  const { redisStore } = await importPackage('@routecache/core/redis');
  const client = await connectRedis(redisUrl);
  const rc = routeCache({ store: redisStore({ client, prefix: 'routecache-bench:hono-l2:' }) });
  const app = new Hono();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (c) => c.json(await originTimer()));
  const listening = await listenHono(app, port);
  return {
    close: async () => {
      await listening.close();
      client.disconnect();
    },
  };
}
