/** routecache on Hono in workerd, served from the isolate's in-memory L1 (`rc.policy({ maxAge: 3600 })`). */

import { serveWorker } from '../src/workerd.mjs';
import { BODY } from '../src/workload.mjs';

export const meta = {
  framework: 'hono-workerd',
  title: 'routecache L1 hit in workerd',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  // The handler runs inside workerd, where the host cannot count its runs: primed with one
  // request, then every checked response must say `hit` in Cache-Status instead.
  cached: false,
  prime: true,
  // Issue 17: in workerd no slower than the prebuilt answer by more than on Node.
  target: { ratio: 0.95, of: 'hono-workerd-floor-middleware' },
  prebuilt: 'hono-workerd-floor-middleware',
};

export async function start({ port }) {
  return serveWorker(
    `import { Hono } from 'hono';
import { routeCache } from '@routecache/hono';
const DOCUMENT = ${BODY};
const rc = routeCache();
const app = new Hono();
app.get('/r', rc.policy({ maxAge: 3600 }), (c) => c.json(DOCUMENT));
export default app;`,
    port,
  );
}
