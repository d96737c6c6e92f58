/** Express running the uncached origin: ~2 ms of waiting, then the document built and sent with `res.json`. */
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'origin, uncached (2 ms timer)',
  role: 'origin',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  handlerRunsEveryRequest: true,
};

export function start({ port }) {
  const app = express();
  app.get('/r', async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
