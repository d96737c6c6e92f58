/** Hono in workerd (miniflare, on loopback) sending the precomputed document: the workerd ceiling. */

import { serveWorker } from '../src/workerd.mjs';
import { BODY } from '../src/workload.mjs';

export const meta = {
  framework: 'hono-workerd',
  title: 'constant route in workerd (ceiling)',
  role: 'ceiling',
  baseline: true,
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
};

export function start({ port }) {
  return serveWorker(
    `import { Hono } from 'hono';
const BODY = ${JSON.stringify(BODY)};
const app = new Hono();
app.get('/const', (c) => c.body(BODY, 200, { 'content-type': 'application/json' }));
export default app;`,
    port,
  );
}
