/** The L1 hit with `keyHeaders: []`: beside `hono-l1-hit` in one run, what checking the override and forwarding headers costs a hit that carries none. */
import { Hono } from 'hono';
import { importPackage, listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'routecache L1 hit, keyHeaders: [] (no key-header check)',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/hono');
  const rc = routeCache({ keyHeaders: [] });
  const app = new Hono();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (c) => c.json(await originTimer()));
  return listenHono(app, port);
}
