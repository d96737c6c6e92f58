/** Express sending the precomputed document with its default (weak) ETag: what an app gets out of the box. */
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { BODY } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'constant route, default ETag',
  role: 'ceiling',
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { etag: /^W\/"/ },
};

export function start({ port }) {
  const app = express();
  app.get('/const', (_req, res) => {
    res.type('application/json').send(BODY);
  });
  return listenNode(app, port);
}
