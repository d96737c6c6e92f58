/** routecache on Express with only a Redis store: every hit is one round trip to Redis (the L2 path). */
import express from 'express';
import { connectRedis, importPackage, listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'routecache L2 (Redis) hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/ },
  cached: true,
  needsRedis: true,
  target: { ratio: 0.8, of: 'express-ioredis-get' },
  // Issue 17: the tail of a Redis hit within 1.5× a raw GET's.
  p99Target: { ratio: 1.5, of: 'express-ioredis-get' },
};

export async function start({ port, redisUrl }) {
  const { routeCache } = await importPackage('@routecache/express');
  const { redisStore } = await importPackage('@routecache/core/redis');
  const client = await connectRedis(redisUrl);
  const rc = routeCache({ store: redisStore({ client, prefix: 'routecache-bench:express-l2:' }) });
  const app = express();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (_req, res) => {
    res.json(await originTimer());
  });
  const listening = await listenNode(app, port);
  return {
    close: async () => {
      await listening.close();
      client.disconnect();
    },
  };
}
