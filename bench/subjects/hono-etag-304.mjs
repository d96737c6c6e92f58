/** Peer: `hono/etag` on the origin route: the origin runs, the middleware hashes the body and answers 304. */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'hono/etag 304 (peer)',
  role: 'peer',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { etag: /"/ },
  handlerRunsEveryRequest: true,
};

export function start({ port }) {
  const app = new Hono();
  app.use('/r', etag());
  app.get('/r', async (c) => c.json(await originTimer()));
  return listenHono(app, port);
}
