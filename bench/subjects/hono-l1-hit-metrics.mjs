/** routecache on Hono, L1 hit, with the Prometheus metrics registered (`registerPrometheusMetrics(rc)`): the hit-path cost of metrics. */
import { Hono } from 'hono';
import { importPackage, listenHono } from '../src/serve.mjs';
import { originTimer } from '../src/workload.mjs';

export const meta = {
  framework: 'hono',
  title: 'routecache L1 hit, Prometheus metrics on',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  compare: ['hono-l1-hit'],
};

export async function start({ port }) {
  const { routeCache } = await importPackage('@routecache/hono');
  const { registerPrometheusMetrics } = await importPackage('@routecache/core/prometheus');
  const rc = routeCache();
  registerPrometheusMetrics(rc);
  const app = new Hono();
  app.get('/r', rc.policy({ maxAge: 3600 }), async (c) => c.json(await originTimer()));
  return listenHono(app, port);
}
