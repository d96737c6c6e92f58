/** Hono on @hono/node-server behind a real Varnish: the shared suite of test-support/varnish-e2e.ts. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describeBehindVarnish, VARNISH_ROUTES } from '../../../test-support/varnish-e2e';
import { routeCache } from '../src/index';

describeBehindVarnish('Hono (@hono/node-server)', async ({ purger, catalogue }) => {
  const app = new Hono();
  const rc = routeCache({
    app,
    cdn: purger,
    routes: VARNISH_ROUTES,
  });
  app.use('*', async (c, next) => {
    // Read before the cache runs: it hides validators from the handler.
    const ifNoneMatch = c.req.header('if-none-match');
    await next();
    catalogue.calls.push({ method: c.req.method, path: c.req.path, ifNoneMatch, status: c.res.status });
  });
  app.use('*', rc.middleware());
  for (const prefix of ['public', 'swr', 'short']) {
    app.get(`/${prefix}/:id`, (c) => c.text(catalogue.body(c.req.param('id'))));
  }
  app.get('/private', (c) => c.text('mine'));
  app.get('/nostore', (c) => c.text('fresh every time'));
  app.get('/cookie', (c) => {
    c.header('set-cookie', 'session=abc');
    return c.text('with a cookie');
  });
  app.get('/error', (c) => c.text('broken', 500));
  app.post('/public/:id', (c) => {
    catalogue.bump(c.req.param('id'));
    return c.body(null, 204);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  return {
    port: (server.address() as AddressInfo).port,
    cache: rc.cache,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await rc.cache.close();
    },
  };
});
