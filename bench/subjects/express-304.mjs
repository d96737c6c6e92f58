/** routecache on Express answering a matching `If-None-Match` with 304 from the L1 entry. */
import express from 'express';
import { importPackage, listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'routecache 304 (If-None-Match)',
  role: 'ours',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { etag: /"/ },
  cached: true,
  target: { ratio: 1.0 },
  peers: ['express-etag-304'],
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/express');
  const rc = routeCache();
  const app = express();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
