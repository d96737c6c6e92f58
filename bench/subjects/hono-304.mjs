/** routecache on Hono answering a matching `If-None-Match` with 304 from the L1 entry. */
import { Hono } from 'hono';
import { importPackage, listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'routecache 304 (If-None-Match)',
  role: 'ours',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { etag: /"/ },
  cached: true,
  // Issue 17: against a prebuilt 304 from a middleware.
  target: { ratio: 0.95, of: 'hono-floor-304' },
  peers: ['hono-etag-304'],
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/hono');
  const rc = routeCache();
  const app = new Hono();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (c) => c.json(await originTimer()));
  return listenHono(app, port);
}
