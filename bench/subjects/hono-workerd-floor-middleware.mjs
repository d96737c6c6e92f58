/** In workerd: a middleware returning a prebuilt `Response` with our hit's headers (ceiling for any middleware cache there). */

import { serveWorker } from '../src/workerd.mjs';
import { BODY, HIT_HEADERS } from '../src/workload.mjs';

export const meta = {
  framework: 'hono-workerd',
  title: 'prebuilt hit from a middleware in workerd (ceiling for any middleware cache)',
  role: 'ceiling',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
};

export function start({ port }) {
  return serveWorker(
    `import { Hono } from 'hono';
const BODY = ${JSON.stringify(BODY)};
const BYTES = new TextEncoder().encode(BODY);
const HEADERS = ${JSON.stringify(HIT_HEADERS)};
const app = new Hono();
app.get('/r', () => new Response(BYTES, { status: 200, headers: { ...HEADERS } }), (c) => c.body(BODY));
export default app;`,
    port,
  );
}
