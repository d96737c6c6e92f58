/** The L1 hit with `keyHeaders: []`: beside `express-l1-hit` in one run, what checking the override and forwarding headers costs a hit that carries none. */
import express from 'express';
import { importPackage, listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'routecache L1 hit, keyHeaders: [] (no key-header check)',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/express');
  const rc = routeCache({ keyHeaders: [] });
  const app = express();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
