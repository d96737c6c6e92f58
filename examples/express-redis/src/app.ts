import {
  type AppRouteCache,
  createCache,
  memoryStore,
  type RouteCache,
  routeCache,
  tieredStore,
} from '@routecache/express';
import { registerPrometheusMetrics } from '@routecache/express/prometheus';
import { redisBus, redisStore } from '@routecache/express/redis';
import express, { type Express } from 'express';
import type { Cluster, Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { Catalogue } from './catalogue.ts';

/** What `createApp()` needs. */
export interface AppOptions {
  /** The ioredis client (created with `recommendedRedisOptions`); the app never closes it. */
  redis: Redis | Cluster;
  /** The shared "database". */
  catalogue: Catalogue;
  /** This instance's name, shown in the answers its handlers compute. */
  instance: string;
  /** Redis key prefix of the cache. Default: `'shop:'`. */
  prefix?: string;
  /** Bus channel; every instance uses the same one. Default: `'shop:bus'`. */
  channel?: string;
}

export interface ShopApp {
  app: Express;
  rc: AppRouteCache;
  cache: RouteCache;
  /** The Prometheus registry `/metrics` serves (the cache's metrics are on it). */
  registry: Registry;
}

/**
 * The demo API, one instance of many: an in-process L1 in front of Redis (L2), kept coherent
 * with the other instances by the Redis bus.
 */
export function createApp(options: AppOptions): ShopApp {
  const { redis, catalogue, instance } = options;
  const cache = createCache({
    store: tieredStore({
      l1: memoryStore({ maxBytes: 16 * 1024 * 1024 }),
      l2: redisStore({ client: redis, prefix: options.prefix ?? 'shop:' }),
      bus: redisBus({ client: redis, channel: options.channel ?? 'shop:bus' }),
      l1Ttl: '1m',
    }),
  });
  const rc = routeCache({
    cache,
    routes: {
      // The list shows every product, so it carries every product's tag.
      'GET /api/products': {
        maxAge: 30,
        tags: () => ['products', ...catalogue.list().map((p) => `product:${p.id}`)],
      },
      'GET /api/products/:id': { maxAge: 30, sMaxAge: 300, tags: (req) => [`product:${req.params.id}`] },
    },
  });

  const app = express();
  app.use(express.json());
  app.use(rc);

  // `computedBy`: which instance's handler produced the answer (a hit shows whose run it was).
  app.get('/api/products', (_req, res) => {
    res.json({ products: catalogue.list(), computedBy: instance });
  });
  app.get('/api/products/:id', (req, res) => {
    const product = catalogue.find(req.params.id);
    if (product === undefined) return void res.status(404).json({ error: 'not found' });
    res.json({ ...product, computedBy: instance });
  });
  // A write: update the database, then drop what it changed on every instance.
  app.post('/api/products/:id', async (req, res) => {
    const product = catalogue.update(req.params.id, req.body ?? {});
    if (product === undefined) return void res.status(404).json({ error: 'not found' });
    await rc.invalidate({ tags: [`product:${product.id}`] });
    res.json(product);
  });
  app.get('/stats', (_req, res) => {
    res.json(rc.stats());
  });
  // Operating: Prometheus scrapes /metrics; readiness probes and dashboards read /health.
  const registry = new Registry();
  registerPrometheusMetrics(cache, { registry });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/health', async (req, res) => {
    const sample = Number(req.query.keyspace ?? 0);
    res.json(
      await rc.health({
        keyspaceSample: Number.isInteger(sample) && sample > 0 ? Math.min(sample, 1000) : 0,
      }),
    );
  });

  return { app, rc, cache, registry };
}
