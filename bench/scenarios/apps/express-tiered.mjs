/**
 * One instance of a multi-instance Express app on routecache with a tiered store (memory L1,
 * Redis L2, Redis bus), for the stampede and invalidation scenarios. Run by `src/host.mjs`.
 *
 * Env: BENCH_PREFIX (Redis key prefix and bus channel, shared by the instances of one run),
 * BENCH_WORK_MS (origin latency, default 50).
 *
 * - `GET /item/:id` is cached (tag `item:<id>`); its body names the handler run that made it.
 * - `GET /origin/:id` runs the same handler uncached (the handler's own latency).
 * - controls: `invalidate(tags)`, `stats()`, `busHealthy()`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { connectRedis, importPackage, listenNode } from '../../src/serve.mjs';
import { buildDocument, handlerCalls } from '../../src/workload.mjs';

export async function start({ port, redisUrl, env }) {
  const { routeCache } = await importPackage('@routecache/express');
  const { memoryStore, tieredStore } = await importPackage('@routecache/core');
  const { redisStore, redisBus } = await importPackage('@routecache/core/redis');
  const client = await connectRedis(redisUrl);
  const prefix = env.BENCH_PREFIX ?? 'routecache-bench:scenario:';
  const workMs = Number(env.BENCH_WORK_MS ?? 50);
  const store = tieredStore({
    l1: memoryStore(),
    l2: redisStore({ client, prefix }),
    bus: redisBus({ client, channel: `${prefix}bus` }),
  });
  const rc = routeCache({ store });
  for (let i = 0; i < 250 && !store.busHealthy; i++) await sleep(20);
  if (!store.busHealthy) throw new Error('not available: the Redis bus did not become healthy within 5 s');

  async function origin(req, res) {
    const run = ++handlerCalls.n;
    await sleep(workMs);
    res.json({ ...buildDocument(), id: req.params.id, madeBy: `${process.pid}-${run}` });
  }
  const app = express();
  app.get(
    '/item/:id',
    rc.policy({ maxAge: 3600, tags: (req) => [`item:${req.path.split('/').pop()}`] }),
    origin,
  );
  app.get('/origin/:id', origin);
  const listening = await listenNode(app, port);
  return {
    close: async () => {
      await listening.close();
      await rc.cache.close?.();
      client.disconnect();
    },
    control: {
      invalidate: (tags) => rc.invalidate({ tags }),
      stats: () => rc.stats(),
      busHealthy: () => store.busHealthy,
    },
  };
}
