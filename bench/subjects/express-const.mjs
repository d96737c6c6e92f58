/** Express sending the precomputed document with its own ETag off: the Express ceiling. */
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { BODY } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'constant route, ETag off (ceiling)',
  role: 'ceiling',
  baseline: true,
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { etag: null },
};

export function start({ port }) {
  const app = express();
  app.set('etag', false);
  app.get('/const', (_req, res) => {
    res.type('application/json').send(BODY);
  });
  return listenNode(app, port);
}
