/** Express behind a real Varnish: the shared suite of test-support/varnish-e2e.ts. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describeBehindVarnish, VARNISH_ROUTES } from '../../../test-support/varnish-e2e';
import { routeCache } from '../src/index';

describeBehindVarnish('Express', async ({ purger, catalogue }) => {
  const rc = routeCache({
    cdn: purger,
    routes: VARNISH_ROUTES,
  });
  const app = express();
  app.use((req, res, next) => {
    // Read before the cache runs: it hides validators from the handler.
    const ifNoneMatch = req.get('if-none-match');
    res.on('finish', () =>
      catalogue.calls.push({ method: req.method, path: req.path, ifNoneMatch, status: res.statusCode }),
    );
    next();
  });
  app.use(rc);
  for (const prefix of ['public', 'swr', 'short']) {
    app.get(`/${prefix}/:id`, (req, res) => void res.type('text/plain').send(catalogue.body(req.params.id)));
  }
  app.get('/private', (_req, res) => void res.send('mine'));
  app.get('/nostore', (_req, res) => void res.send('fresh every time'));
  app.get('/cookie', (_req, res) => void res.cookie('session', 'abc').send('with a cookie'));
  app.get('/error', (_req, res) => void res.status(500).send('broken'));
  app.post('/public/:id', (req, res) => {
    catalogue.bump(req.params.id);
    res.status(204).end();
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    port: (server.address() as AddressInfo).port,
    cache: rc.cache,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rc.cache.close();
    },
  };
});
