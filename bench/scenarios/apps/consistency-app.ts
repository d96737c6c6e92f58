/**
 * One app instance of the consistency workload (`test-support/consistency/`), run as its own
 * process: `node --import test-support/source-hooks.ts --conditions=source consistency-app.ts`.
 *
 * Express (or Hono on `@hono/node-server` with `CONS_FRAMEWORK=hono`) cached by routecache on
 * `tieredStore({ l1: memoryStore(), l2: redisStore(), bus: redisBus() })`, with the defaults a
 * production instance has (bus heartbeat 1 s, `l1Ttl` 60 s, store timeouts 250 ms / 5 s).
 *
 * - `GET /item/:key` (public) and `GET /private/:key` (private, per `x-user`), tag `key:<key>`:
 *   answer `{ key, version, by }` (`user` too on the private route), the version read from the
 *   "database": one file per key in `CONS_DB`.
 * - `POST /write/:key?version=N&hold=MS&mode=delete|expire`: writes version N to the database,
 *   waits `hold` ms (so that a kill can land between the write and its invalidation), then
 *   `invalidate({ tags: ['key:<key>'], urls: [<the private URL>], mode })`; 200 once it resolved,
 *   503 when it rejected. The routes have no grace window (`staleWhileRevalidate`), so an
 *   expired entry is never served either: expire mode is held to the same bounds as delete.
 * - `GET /_health`: whether the bus is healthy (L1 in use).
 *
 * Env: `REDIS_URL`, or `REDIS_CLUSTER` (`host:port,host:port,…`: a Redis Cluster, with
 * `recommendedClusterOptions`), `CONS_PREFIX` (key prefix and bus channel), `CONS_DB`, `CONS_NAME`, `CONS_HOST`,
 * `CONS_LOG` (a file the cache's and the store's warnings are appended to, one JSON line each).
 * Prints `READY <port>` once listening on 127.0.0.1.
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import {
  createCache,
  type InvalidationMode,
  memoryStore,
  type PolicyInput,
  tieredStore,
} from '@routecache/core';
import {
  recommendedClusterOptions,
  recommendedRedisOptions,
  redisBus,
  redisStore,
} from '@routecache/core/redis';
import { routeCache as expressRouteCache } from '@routecache/express';
import { routeCache as honoRouteCache } from '@routecache/hono';
import express from 'express';
import { Hono } from 'hono';
import { Cluster, Redis } from 'ioredis';

const env = process.env;
const name = env.CONS_NAME ?? `pid${process.pid}`;
const db = env.CONS_DB ?? '.';
const prefix = env.CONS_PREFIX ?? 'cons:';
/** The `Host` the clients send (the cache keys by host). */
const host = env.CONS_HOST ?? 'consistency.test';

const client = env.REDIS_CLUSTER
  ? new Cluster(
      env.REDIS_CLUSTER.split(',').map((node) => {
        const [host, port] = node.split(':');
        return { host: host!, port: Number(port) };
      }),
      recommendedClusterOptions,
    )
  : new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', recommendedRedisOptions);
client.on('error', () => {});
const logFile = env.CONS_LOG;
const logger = {
  warn: (message: string, context?: Record<string, unknown>) => log('warn', message, context),
  error: (message: string, context?: Record<string, unknown>) => log('error', message, context),
};
function log(level: string, message: string, context: Record<string, unknown> = {}): void {
  if (!logFile) return;
  const { error, ...rest } = context;
  const line = {
    at: Date.now(),
    name,
    level,
    message,
    ...rest,
    error: String((error as Error)?.message ?? ''),
  };
  appendFileSync(logFile, `${JSON.stringify(line)}\n`);
}
const store = tieredStore({
  ...(logFile ? { logger } : {}),
  l1: memoryStore(),
  l2: redisStore({ client, prefix }),
  bus: redisBus({ client, channel: `${prefix}bus` }),
});
const cache = createCache({ store, ...(logFile ? { logger } : {}) });

const tags = (req: { params: Readonly<Record<string, string>> }) => [`key:${req.params.key}`];
const routes: Record<string, PolicyInput> = {
  'GET /item/:key': { maxAge: 300, tags },
  // Private entries carry no tags (tags are for shared caches): the write invalidates their URL.
  'GET /private/:key': { scope: 'private', maxAge: 300, identify: (req) => req.headers('x-user') },
};

function readVersion(key: string): number {
  try {
    return Number(readFileSync(join(db, key), 'utf8')) || 0;
  } catch {
    return 0;
  }
}

function writeVersion(key: string, version: number): void {
  const tmp = join(db, `.${key}.${process.pid}.tmp`);
  writeFileSync(tmp, String(version));
  renameSync(tmp, join(db, key));
}

/** Bumps the version, holds, invalidates: the answer says whether the invalidation resolved. */
async function write(
  key: string,
  version: number,
  hold: number,
  mode: string | undefined,
  invalidate: (target: { tags: string[]; urls: string[]; mode: InvalidationMode }) => Promise<unknown>,
) {
  writeVersion(key, version);
  if (hold > 0) await sleep(hold);
  try {
    await invalidate({
      tags: [`key:${key}`],
      urls: [`http://${host}/private/${key}`],
      mode: mode === 'expire' ? 'expire' : 'delete',
    });
    return { status: 200, body: { ok: true } };
  } catch (error) {
    return { status: 503, body: { ok: false, error: String(error) } };
  }
}

let close: () => void;
let port: number;
if (env.CONS_FRAMEWORK === 'hono') {
  const rc = honoRouteCache({ cache, routes });
  const app = new Hono();
  app.use('*', rc.middleware());
  app.get('/item/:key', (c) => {
    const key = c.req.param('key');
    return c.json({ key, version: readVersion(key), by: name });
  });
  app.get('/private/:key', (c) => {
    const key = c.req.param('key');
    return c.json({ key, version: readVersion(key), by: name, user: c.req.header('x-user') });
  });
  app.post('/write/:key', async (c) => {
    const answer = await write(
      c.req.param('key'),
      Number(c.req.query('version')),
      Number(c.req.query('hold') ?? 0),
      c.req.query('mode'),
      (target) => rc.invalidate(target),
    );
    return c.json(answer.body, answer.status as 200);
  });
  app.get('/_health', (c) => c.json({ busHealthy: store.busHealthy }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
  close = () => server.close();
} else {
  const rc = expressRouteCache({ cache, routes });
  const app = express();
  app.use(rc);
  app.get('/item/:key', (req, res) => {
    res.json({ key: req.params.key, version: readVersion(req.params.key), by: name });
  });
  app.get('/private/:key', (req, res) => {
    res.json({
      key: req.params.key,
      version: readVersion(req.params.key),
      by: name,
      user: req.get('x-user'),
    });
  });
  app.post('/write/:key', async (req, res) => {
    const answer = await write(
      req.params.key,
      Number(req.query.version),
      Number(req.query.hold ?? 0),
      typeof req.query.mode === 'string' ? req.query.mode : undefined,
      (target) => rc.invalidate(target),
    );
    res.status(answer.status).json(answer.body);
  });
  app.get('/_health', (_req, res) => {
    res.json({ busHealthy: store.busHealthy });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.keepAliveTimeout = 60_000;
  port = (server.address() as AddressInfo).port;
  close = () => {
    server.closeAllConnections();
    server.close();
  };
}

for (let waited = 0; !store.busHealthy && waited < 5000; waited += 20) await sleep(20);
process.stdout.write(`READY ${port}\n`);

process.on('SIGTERM', () => {
  close();
  void cache.close().finally(() => {
    client.disconnect();
    process.exit(0);
  });
});
