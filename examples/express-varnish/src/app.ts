import { type AppRouteCache, routeCache } from '@routecache/express';
import { varnishPurger } from '@routecache/express/cdn/varnish';
import express, { type Express } from 'express';

export interface VarnishDemo {
  app: Express;
  rc: AppRouteCache;
}

/**
 * The demo API. `varnishUrl` is the Varnish node the purges go to: every route's answer carries
 * `Surrogate-Key` (the VCL hands it to xkey) and every `rc.invalidate()` purges it there.
 */
export function createApp(options: { varnishUrl: string }): VarnishDemo {
  const prices = new Map([
    ['1', 30],
    ['2', 45],
  ]);
  const rc = routeCache({
    cdn: varnishPurger({ nodes: [options.varnishUrl] }),
    routes: {
      // Varnish keeps it for an hour: only a purge makes it change sooner.
      'GET /api/products/:id': {
        maxAge: 0,
        sMaxAge: '1h',
        staleWhileRevalidate: 60,
        tags: (req) => ['products', `product:${req.params.id}`],
      },
    },
  });

  const app = express();
  app.use(express.json());
  app.use(rc);
  app.get('/api/products/:id', (req, res) => {
    const price = prices.get(req.params.id);
    if (price === undefined) return void res.status(404).json({ error: 'not found' });
    res.json({ id: req.params.id, price, at: new Date().toISOString() });
  });
  // The write path: change the data, then one invalidate() for the app's cache and Varnish.
  app.post('/api/products/:id/price', async (req, res) => {
    prices.set(req.params.id, Number(req.body?.price ?? (prices.get(req.params.id) ?? 0) + 1));
    try {
      await rc.invalidate({ tags: [`product:${req.params.id}`] });
      res.json({ id: req.params.id, price: prices.get(req.params.id), purged: true });
    } catch (error) {
      // A PurgeError names the CDN that did not acknowledge: the client may retry the write.
      res.status(503).json({ error: String(error) });
    }
  });
  app.get('/stats', rc.policy({ scope: 'no-store' }), (_req, res) => res.json(rc.stats()));
  return { app, rc };
}
