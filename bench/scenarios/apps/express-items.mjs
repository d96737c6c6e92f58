/**
 * Express on routecache with the default memory L1, serving `GET /items/:id` (one cache entry per
 * id, the 2 ms timer origin on a miss). Used by the key-size scenario.
 */
import express from 'express';
import { importPackage, listenNode } from '../../src/serve.mjs';
import { originTimer } from '../../src/workload.mjs';

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/express');
  const rc = routeCache();
  const app = express();
  app.get('/items/:id', rc.policy({ maxAge: 3600 }), async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
