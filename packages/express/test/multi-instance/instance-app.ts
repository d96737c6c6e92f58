/**
 * One app instance for the multi-instance tests, run as its own Node process by `instances.ts`
 * (`node --import test-support/source-hooks.ts --conditions=source instance-app.ts`).
 *
 * An Express app cached by routecache on `tieredStore({ l1: memoryStore(), l2: redisStore(),
 * bus: redisBus() })`, like a production instance behind a load balancer, plus a few endpoints
 * the test uses to look inside:
 *
 * - `GET /items/:id`: the cached route (tags `items`, `item:<id>`, `group:<id before the first
 *   dash>`). The handler counts its runs and answers `{ id, run }`, `run` naming this instance
 *   and the run; an `x-delay: <ms>` request header makes it take that long (a slow origin).
 * - `GET /_calls`: handler runs by id, and in total.
 * - `POST /_invalidate` `{ tags }`: `rc.invalidate({ tags })`, answered once it resolved.
 * - `GET /_stats`: `rc.stats()`, the bus health, and the times of the L2 failures the logger saw.
 *
 * Environment: `REDIS_URL` or `REDIS_CLUSTER_NODES` (`host:port,host:port`), `RC_PREFIX`,
 * `RC_CHANNEL`, `RC_INSTANCE` (its name), `RC_TIMEOUT_MS` (redisStore `timeoutMs`).
 * Prints `READY <port>` once listening on 127.0.0.1 (after the bus subscribed, or 3 s).
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCache, type Logger, memoryStore, tieredStore } from '@routecache/core';
import {
  recommendedClusterOptions,
  recommendedRedisOptions,
  redisBus,
  redisStore,
} from '@routecache/core/redis';
import { routeCache } from '@routecache/express';
import express from 'express';
import { Cluster, Redis } from 'ioredis';

const env = process.env;
const instance = env.RC_INSTANCE ?? `pid${process.pid}`;

const client: Redis | Cluster = env.REDIS_CLUSTER_NODES
  ? new Cluster(
      env.REDIS_CLUSTER_NODES.split(',').map((node) => {
        const [host, port] = node.split(':');
        return { host: host!, port: Number(port) };
      }),
      recommendedClusterOptions,
    )
  : new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', recommendedRedisOptions);
// Connection errors surface as failed (then skipped) store calls; nothing to do here.
client.on('error', () => {});

/** L2 failures as the store and the engine report them: how many, first and last time (ms). */
const failures = { count: 0, first: 0, last: 0 };
const logger: Logger = {
  warn: (message) => {
    if (!message.includes('l2') && !message.includes('store')) return;
    const now = Date.now();
    failures.count++;
    failures.first ||= now;
    failures.last = now;
  },
  error: () => {},
};

const store = tieredStore({
  l1: memoryStore(),
  l2: redisStore({ client, prefix: env.RC_PREFIX ?? 'rc:', timeoutMs: Number(env.RC_TIMEOUT_MS ?? 250) }),
  bus: redisBus({ client, channel: env.RC_CHANNEL ?? 'routecache:bus' }),
  logger,
});
const cache = createCache({ store, logger });
const rc = routeCache({
  cache,
  routes: {
    'GET /items/:id': {
      maxAge: 300,
      tags: (req) => {
        const id = req.params.id ?? '';
        return ['items', `item:${id}`, `group:${id.split('-')[0]}`];
      },
    },
  },
});

const calls = new Map<string, number>();
let runs = 0;

const app = express();
app.use(rc);
app.get('/items/:id', async (req, res) => {
  const id = req.params.id;
  calls.set(id, (calls.get(id) ?? 0) + 1);
  const run = `${instance}#${++runs}`;
  const delay = Number(req.get('x-delay') ?? 0);
  if (delay > 0) await sleep(delay);
  res.json({ id, run });
});
app.get('/_calls', (_req, res) => {
  res.json({ instance, total: runs, calls: Object.fromEntries(calls) });
});
app.post('/_invalidate', express.json(), async (req, res) => {
  try {
    const result = await rc.invalidate({ tags: req.body.tags });
    res.json({ ok: true, ...result });
  } catch (error) {
    res.status(503).json({ ok: false, error: String(error) });
  }
});
app.get('/_stats', (_req, res) => {
  res.json({ instance, busHealthy: store.busHealthy, failures, stats: rc.stats() });
});

// Like a real deployment, start serving at once; wait (briefly) for the bus only so that the
// tests start from instances whose L1 is in use.
for (let waited = 0; !store.busHealthy && waited < 3000; waited += 20) await sleep(20);
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
server.keepAliveTimeout = 60_000;

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void cache.close().finally(() => {
    client.disconnect();
    process.exit(0);
  });
});
