import { routeCache, type Store } from '@routecache/hono';
import { Hono } from 'hono';

const products = new Map([
  ['1', { id: '1', name: 'Teapot', price: 18 }],
  ['2', { id: '2', name: 'Kettle', price: 35 }],
]);

/** The product catalogue, cached by routecache. `store` defaults to the memory store. */
export function createApp(store?: Store): Hono {
  const app = new Hono();
  const rc = routeCache({
    app, // stale-while-revalidate refreshes run in the background through app.fetch
    ...(store ? { store } : {}),
    routes: {
      'GET /api/products': { maxAge: 30, staleWhileRevalidate: 60, tags: ['products'] },
      'GET /api/products/:id': { maxAge: 60, tags: (req) => ['products', `product:${req.params.id}`] },
    },
  });

  app.use('*', rc.middleware());
  app.get('/api/products', (c) => c.json([...products.values()]));
  app.get('/api/products/:id', (c) => {
    const product = products.get(c.req.param('id'));
    return product ? c.json(product) : c.json({ error: 'not found' }, 404);
  });
  app.post('/api/products/:id', async (c) => {
    const id = c.req.param('id');
    const product = products.get(id);
    if (!product) return c.json({ error: 'not found' }, 404);
    const { price } = await c.req.json<{ price: number }>();
    products.set(id, { ...product, price });
    await rc.invalidate({ tags: [`product:${id}`] });
    return c.json(products.get(id));
  });
  app.get('/about', rc.policy({ maxAge: '1h' }), (c) => c.html('<h1>routecache on Hono</h1>'));
  app.get('/stats', (c) => c.json(rc.stats()));
  // Readiness probes and dashboards: L1 against its bound, per-route hit ratios.
  app.get('/health', async (c) => c.json(await rc.health()));
  return app;
}
