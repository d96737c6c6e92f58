/** routecache on Hono, served from the in-memory L1 (`rc.policy({ maxAge: 3600 })` on the origin route). */
import { Hono } from 'hono';
import { importPackage, listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'routecache L1 hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  // Issue 17: what our own code costs a hit, against the prebuilt answer from a middleware.
  target: { ratio: 0.95, of: 'hono-floor-middleware' },
  compare: ['hono-l1-hit-no-key-headers'],
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/hono');
  const rc = routeCache();
  const app = new Hono();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (c) => c.json(await originTimer()));
  return listenHono(app, port);
}
