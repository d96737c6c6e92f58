/** Hono running the uncached origin: ~2 ms timer, then the document built and sent with `c.json`. */
import { Hono } from 'hono';
import { listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'origin, uncached (2 ms timer)',
  role: 'origin',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  handlerRunsEveryRequest: true,
};

export function start({ port }) {
  const app = new Hono();
  app.get('/r', async (c) => c.json(await originTimer()));
  return listenHono(app, port);
}
