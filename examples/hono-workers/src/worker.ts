/**
 * routecache on Cloudflare Workers: a memory L1 per isolate by default, or the data center's
 * Web Cache API with `webCacheStore()`. Imports only `@routecache/hono` (which re-exports the core's user API).
 */
import { routeCache, webCacheStore } from '@routecache/hono';
import { Hono } from 'hono';

const app = new Hono();
const rc = routeCache({
  app, // background refreshes re-dispatch through app.fetch and are kept alive by waitUntil
  store: webCacheStore({ name: 'routecache-example' }),
  routes: {
    'GET /api/time/:zone': {
      maxAge: 10,
      staleWhileRevalidate: 60,
      tags: (req) => [`zone:${req.params.zone}`],
    },
  },
});

app.use('*', rc.middleware());
app.get('/api/time/:zone', (c) =>
  c.json({
    zone: c.req.param('zone'),
    at: new Date().toISOString(),
    colo: (c.req.raw as { cf?: { colo?: string } }).cf?.colo,
  }),
);
app.get('/hello', rc.policy({ maxAge: '1h', tags: ['hello'] }), (c) => c.text('Hello from the edge'));
// The isolate's cache health: per-route hit ratios (health() is edge-safe).
app.get('/health', async (c) => c.json(await rc.health()));
app.post('/purge/:tag', async (c) => c.json(await rc.invalidate({ tags: [c.req.param('tag')] })));

export default app;
