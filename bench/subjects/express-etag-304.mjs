/** Peer: Express's own ETag 304 path: the origin runs, Express hashes the body and answers 304. */
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: "Express's own ETag 304 (peer)",
  role: 'peer',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { etag: /^W\/"/ },
  handlerRunsEveryRequest: true,
};

export function start({ port }) {
  const app = express();
  app.get('/r', async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
