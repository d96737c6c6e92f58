/** Hono on @hono/node-server sending the precomputed document: the Hono ceiling. */
import { Hono } from 'hono';
import { listenHono } from '../src/serve.mjs';
import { BODY } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'constant route (ceiling)',
  role: 'ceiling',
  baseline: true,
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
};

export function start({ port }) {
  const app = new Hono();
  app.get('/const', (c) => c.body(BODY, 200, { 'content-type': 'application/json' }));
  return listenHono(app, port);
}
