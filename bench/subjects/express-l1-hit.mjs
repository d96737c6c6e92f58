/** routecache on Express, served from the in-memory L1 (`rc.policy({ maxAge: 3600 })` on the origin route). */
import express from 'express';
import { importPackage, listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'routecache L1 hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  target: { ratio: 0.97 },
  peers: ['express-apicache'],
  compare: ['express-l1-hit-no-key-headers'],
  prebuilt: 'express-floor-middleware',
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
