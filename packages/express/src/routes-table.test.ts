import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { routeCache } from './route-cache';

/** A miss whose response was stored (RFC 9211 `fwd=miss; stored`). */
const STORED = /^routecache; fwd=miss; ttl=\d+; stored$/;

describe.each(EXPRESS_VERSIONS)('routeCache routes table ($name)', ({ name, express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  describe('app.use(rc) with routes', () => {
    async function start(routes: Parameters<typeof routeCache>[0] = {}) {
      const rc = routeCache(routes);
      const app = express();
      const calls: string[] = [];
      app.use(rc);
      app.get('/products/:id', (req, res) => {
        calls.push(req.params.id!);
        res.json({ id: req.params.id, n: calls.length });
      });
      app.post('/products/:id', (_req, res) => res.status(204).end());
      app.all('/products/:id', (req, res, next) => (req.method === 'MKCOL' ? res.status(201).end() : next()));
      app.options('/products/:id', (_req, res) => res.status(204).end());
      app.get('/other', (_req, res) => res.send('other'));
      server = await listen(app);
      return { rc, calls };
    }

    it('applies the policy of the matching route, with its parameters', async () => {
      const { rc } = await start({
        routes: {
          'GET /products/:id': { maxAge: 30, tags: (req) => ['products', `product:${req.params.id}`] },
        },
      });
      const miss = await server!.fetch('/products/7');
      expect(miss.headers.get('surrogate-key')).toBe('products product:7');
      expect(miss.headers.get('cache-control')).toBe('public, max-age=30');
      await server!.fetch('/products/8');
      await rc.invalidate({ tags: ['product:7'] });
      expect((await server!.fetch('/products/8')).headers.get('cache-status')).toMatch(/hit/);
      expect((await server!.fetch('/products/7')).headers.get('cache-status')).toMatch(STORED);
      expect(rc.stats().routes['GET /products/:id']).toMatchObject({ misses: 3, hits: 1 });
    });

    it('leaves requests that match no route untouched', async () => {
      await start({ routes: { 'GET /products/:id': { maxAge: 30 } } });
      const response = await server!.fetch('/other');
      expect(await response.text()).toBe('other');
      expect(response.headers.get('cache-status')).toBeNull();
      expect(response.headers.get('cache-control')).toBeNull();
    });

    it('invalidates the URL after a successful unsafe request to a matching path, not after OPTIONS', async () => {
      const { rc, calls } = await start({ routes: { 'GET /products/:id': { maxAge: 30 } } });
      await server!.fetch('/products/7');
      expect((await server!.fetch('/products/7', { method: 'OPTIONS' })).status).toBe(204);
      expect((await server!.fetch('/products/7')).headers.get('cache-status')).toMatch(/hit/);
      expect((await server!.fetch('/products/7', { method: 'POST' })).status).toBe(204);
      const after = await server!.fetch('/products/7');
      expect(after.headers.get('cache-status')).toMatch(STORED);
      expect(calls).toEqual(['7', '7']);
      expect(rc.stats().routes['POST /products/:id']).toMatchObject({ bypass: 1 });
      // Any method but the safe ones is unsafe (RFC 9110 §9.2.1), WebDAV's MKCOL included.
      expect((await server!.fetch('/products/7')).headers.get('cache-status')).toMatch(/hit/);
      expect((await server!.fetch('/products/7', { method: 'MKCOL' })).status).toBe(201);
      expect((await server!.fetch('/products/7')).headers.get('cache-status')).toMatch(STORED);
      expect(rc.stats().routes['OPTIONS /products/:id']).toBeUndefined();
    });

    it("serves a request matching both the table and rc.policy() once, under the route's own policy", async () => {
      const rc = routeCache({ routes: { 'GET /both': { maxAge: 10 } } });
      const app = express();
      let calls = 0;
      app.use(rc);
      app.get('/both', rc.policy({ maxAge: 99 }), (_req, res) => res.send(`run ${++calls}`));
      server = await listen(app);
      const miss = await server.fetch('/both');
      expect(miss.headers.get('cache-control')).toBe('public, max-age=99');
      expect(miss.headers.get('cache-status')).toMatch(STORED);
      expect(await (await server.fetch('/both')).text()).toBe('run 1');
      expect(rc.stats()).toMatchObject({ misses: 1, hits: 1, stored: 1 });
    });

    it("lets the own policy of a route in a mounted router win, and the table serve that router's other routes", async () => {
      const rc = routeCache({ routes: { '/api/:name': { maxAge: 10 } } });
      const app = express();
      const router = express.Router();
      router.get('/own', rc.policy({ maxAge: 99 }), (_req, res) => res.send('own'));
      router.get('/plain', (_req, res) => res.send('plain'));
      app.use(rc);
      app.use('/api', router);
      server = await listen(app);
      expect((await server.fetch('/api/own')).headers.get('cache-control')).toBe('public, max-age=99');
      expect((await server.fetch('/api/plain')).headers.get('cache-control')).toBe('public, max-age=10');
      const head = await server.fetch('/api/own', { method: 'HEAD' });
      expect(head.headers.get('cache-control')).toBe('public, max-age=99');
      expect(head.headers.get('cache-status')).toMatch(/hit/);
      expect(Object.keys(rc.stats().routes).sort()).toEqual(['GET /api/:name', 'GET /api/own']);
    });

    it('keeps the table for a path whose first route has no policy of its own, though a later one has', async () => {
      const rc = routeCache({ routes: { 'GET /first': { maxAge: 10 } } });
      const app = express();
      app.use(rc);
      app.get('/first', (_req, res) => res.send('first'));
      app.get('/first', rc.policy({ maxAge: 99 }), (_req, res) => res.send('never'));
      server = await listen(app);
      const response = await server.fetch('/first');
      expect(await response.text()).toBe('first');
      expect(response.headers.get('cache-control')).toBe('public, max-age=10');
    });

    it("follows the app's case sensitive routing setting", async () => {
      const rc = routeCache({ routes: { 'GET /Products': { maxAge: 30 } } });
      const app = express();
      app.set('case sensitive routing', true);
      app.use(rc);
      app.get(/.*/, (_req, res) => res.send('any'));
      server = await listen(app);
      expect((await server.fetch('/Products')).headers.get('cache-status')).not.toBeNull();
      expect((await server.fetch('/products')).headers.get('cache-status')).toBeNull();
    });

    it(`matches patterns with the path syntax of ${name}`, async () => {
      const rc = routeCache({ routes: { 'GET /files{/:name}': { maxAge: 30 } } });
      const app = express();
      app.use(rc);
      app.get(/.*/, (_req, res) => res.send('any'));
      server = await listen(app);
      const cached = (await server.fetch('/files')).headers.get('cache-status') !== null;
      // path-to-regexp 8 (Express 5) reads {…} as an optional part; 0.1.x (Express 4) as text.
      expect(cached).toBe(name === 'Express 5');
    });

    it('matches against the path relative to where rc is mounted', async () => {
      const rc = routeCache({ routes: { 'GET /item': { maxAge: 30 } } });
      const app = express();
      const router = express.Router();
      router.use(rc);
      router.get('/item', (req, res) => res.send(req.originalUrl));
      app.use('/shop', router);
      server = await listen(app);
      await server.fetch('/shop/item');
      const hit = await server.fetch('/shop/item');
      expect(hit.headers.get('cache-status')).toMatch(/hit/);
      expect(await hit.text()).toBe('/shop/item');
    });
  });
});
