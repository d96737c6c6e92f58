/** Peer: apicache's in-memory cache on the origin route, on hits. */
import apicache from 'apicache';
import express from 'express';
import { listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'apicache hit (peer)',
  role: 'peer',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  cached: true,
};

export function start({ port }) {
  const app = express();
  app.get('/r', apicache.middleware('1 hour'), async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
