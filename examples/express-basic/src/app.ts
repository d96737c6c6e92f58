import { type AppRouteCache, routeCache } from '@routecache/express';
import express, { type Express } from 'express';
import { type Catalogue, createCatalogue } from './catalogue.ts';

export interface DemoApp {
  app: Express;
  rc: AppRouteCache;
  catalogue: Catalogue;
}

/** The demo API: a product catalogue cached by routecache on the in-memory store. */
export function createApp(options: { clock?: () => number } = {}): DemoApp {
  const catalogue = createCatalogue();
  const rc = routeCache({
    ...options,
    routes: {
      // The list shows every product, so it carries every product's tag.
      'GET /api/products': {
        maxAge: 30,
        tags: () => ['products', ...catalogue.list().map((p) => `product:${p.id}`)],
      },
      'GET /api/products/:id': {
        maxAge: 30,
        sMaxAge: 300,
        staleWhileRevalidate: 60,
        tags: (req) => ['products', `product:${req.params.id}`],
      },
    },
  });

  const app = express();
  app.use(express.json());
  app.use(rc);

  app.get('/api/products', (_req, res) => {
    res.json(catalogue.list());
  });
  app.get('/api/products/:id', (req, res) => {
    const product = catalogue.find(req.params.id);
    if (product === undefined) return void res.status(404).json({ error: 'not found' });
    res.json(product);
  });
  app.post('/api/products/:id', async (req, res) => {
    const product = catalogue.update(req.params.id, req.body ?? {});
    if (product === undefined) return void res.status(404).json({ error: 'not found' });
    await rc.invalidate({ tags: [`product:${product.id}`] });
    res.json(product);
  });

  // Private: the browser may keep it; the server cache keeps one copy per demo user.
  const identify = rc.policy({ scope: 'private', maxAge: 60, identify: (req) => req.headers('x-demo-user') });
  app.get('/me', identify, (req, res) => {
    const user = req.get('x-demo-user');
    res.json(
      user === undefined
        ? { user: null, hint: 'send an x-demo-user header' }
        : { user, since: new Date().toISOString() },
    );
  });
  // Never cached anywhere.
  app.get('/api/cart', rc.policy({ scope: 'no-store' }), (_req, res) => {
    res.json({ items: [], generatedAt: new Date().toISOString() });
  });
  app.get('/stats', (_req, res) => {
    res.json(rc.stats());
  });
  // Readiness probes and dashboards: L1 against its bound, per-route hit ratios.
  app.get('/health', async (_req, res) => {
    res.json(await rc.health());
  });

  return { app, rc, catalogue };
}
