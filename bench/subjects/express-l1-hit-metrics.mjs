/** routecache on Express, L1 hit, with the Prometheus metrics registered (`registerPrometheusMetrics(rc)`): the hit-path cost of metrics. */
import express from 'express';
import { importPackage, listenNode } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'express',
  title: 'routecache L1 hit, Prometheus metrics on',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  compare: ['express-l1-hit'],
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/express');
  const { registerPrometheusMetrics } = await importPackage('@routecache/core/prometheus');
  const rc = routeCache();
  registerPrometheusMetrics(rc);
  const app = express();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (_req, res) => {
    res.json(await originTimer());
  });
  return listenNode(app, port);
}
