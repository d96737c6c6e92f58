/** Express running the uncached origin: ~2 ms of CPU work, then the document built and sent with `res.json`. */
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { originCpu } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'origin, uncached (2 ms CPU)',
  role: 'origin',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  handlerRunsEveryRequest: true,
};

export function start({ port }) {
  const app = express();
  app.get('/r', (_req, res) => {
    res.json(originCpu());
  });
  return listenNode(app, port);
}
