import { createCache, memoryStore, PolicyError } from '@routecache/core';
import { createFakeClock } from '@routecache/core/testing';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import { behaviourSuite } from '../../../test-support/behaviour-suite';
import { fidelitySuite } from '../../../test-support/fidelity-suite';
import { createFixture } from '../test/fixtures/app';
import { createStreamApp, STREAM_ROUTES } from '../test/fixtures/stream-routes';
import { routeCache } from './index';

const fixture = createFixture();
behaviourSuite(
  'Node (app.request)',
  () => (request) =>
    Promise.resolve(fixture.app.request(request, undefined, undefined, fixture.executionCtx())),
);

/** A small app on a fake clock; `runs` counts handler runs. */
function setup(options: Parameters<typeof routeCache>[0] = {}) {
  const clock = createFakeClock();
  const app = new Hono();
  const rc = routeCache({ clock: clock.now, store: memoryStore({ clock: clock.now }), ...options });
  let runs = 0;
  const count = (): number => ++runs;
  return { app, rc, clock, count, runs: () => runs };
}

describe('routeCache() declaration', () => {
  it('throws PolicyError naming the route and field for an invalid routes entry', () => {
    const attempt = () => routeCache({ routes: { 'GET /x': { maxAge: -1 } } });
    expect(attempt).toThrow(PolicyError);
    expect(attempt).toThrow(expect.objectContaining({ field: 'routes["GET /x"].maxAge' }));
  });

  it('throws PolicyError for a route key that is not "GET /path" or "/path"', () => {
    expect(() => routeCache({ routes: { 'POST /x': { maxAge: 1 } } })).toThrow(
      expect.objectContaining({ field: 'routes["POST /x"]' }),
    );
    expect(() => routeCache({ routes: { 'GET x': { maxAge: 1 } } })).toThrow(PolicyError);
  });

  it('throws PolicyError from rc.policy() when the policy is invalid', () => {
    const rc = routeCache();
    expect(() => rc.policy({ scope: 'private', sMaxAge: 10 })).toThrow(
      expect.objectContaining({ field: 'sMaxAge' }),
    );
  });

  it('shares the cache passed in `cache` and applies `defaults` to its policies', async () => {
    const cache = createCache();
    const rc = routeCache({ cache, defaults: { maxAge: 42 } });
    expect(rc.cache).toBe(cache);
    const app = new Hono();
    app.get('/d', rc.policy({ tags: ['d'] }), (c) => c.text('d'));
    const res = await app.request('/d');
    expect(res.headers.get('cache-control')).toMatch(/max-age=42/);
    expect(res.headers.get('surrogate-key')).toBe('d');
  });
});

describe('methods and options shared with the other adapters', () => {
  it('throws PolicyError naming a cache option given together with `cache`', () => {
    expect(() => routeCache({ cache: createCache(), namespace: 'v2' })).toThrow(
      expect.objectContaining({ field: 'namespace' }),
    );
  });

  it('passes OPTIONS straight to the route: not cached, not counted, nothing invalidated', async () => {
    const { app, rc, count } = setup({ routes: { 'GET /m': { maxAge: 60 } } });
    app.use('*', rc.middleware());
    app.on(['GET', 'OPTIONS', 'MKCOL'], '/m', (c) => c.text(`${c.req.method} ${count()}`));
    app.get('/p', rc.policy({ maxAge: 60 }), (c) => c.text(`p ${count()}`));
    app.on('OPTIONS', '/p', rc.policy({ maxAge: 60 }), (c) => c.text(`options ${count()}`));
    expect(await (await app.request('/m')).text()).toBe('GET 1');
    const options = await app.request('/m', { method: 'OPTIONS' });
    expect(await options.text()).toBe('OPTIONS 2');
    expect(options.headers.get('cache-status')).toBeNull();
    expect(await (await app.request('/p', { method: 'OPTIONS' })).text()).toBe('options 3');
    expect(rc.stats().bypass).toBe(0);
    expect(await (await app.request('/m')).text()).toBe('GET 1'); // still cached
    // Any other method is unsafe: a success invalidates the URL (WebDAV's MKCOL here).
    expect((await app.request('/m', { method: 'MKCOL' })).status).toBe(200);
    expect(await (await app.request('/m')).text()).toBe('GET 5');
  });
});

describe('keys', () => {
  it('keeps HTTPS and plain HTTP requests for the same URL apart', async () => {
    const { app, rc, count } = setup();
    app.get('/scheme', rc.policy({ maxAge: 60 }), (c) => c.text(`${new URL(c.req.url).protocol} ${count()}`));
    expect(await (await app.request('https://example.com/scheme')).text()).toBe('https: 1');
    expect(await (await app.request('http://example.com/scheme')).text()).toBe('http: 2');
    expect(await (await app.request('https://example.com/scheme')).text()).toBe('https: 1');
    expect(await (await app.request('http://example.com/scheme')).text()).toBe('http: 2');
  });
});

describe('a handler that varies on a header the policy does not name', () => {
  it('is stored the first time under its variant, and the route is keyed by that header', async () => {
    const { app, rc, count } = setup();
    app.get('/lang', rc.policy({ maxAge: 60 }), (c) => {
      c.header('vary', 'Accept-Language');
      return c.text(`${c.req.header('accept-language')} ${count()}`);
    });
    const get = (language: string) => app.request('/lang', { headers: { 'accept-language': language } });
    expect((await get('en')).headers.get('cache-status')).toMatch(/stored/);
    const hit = await get('en');
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    expect(await hit.text()).toBe('en 1');
    expect(await (await get('fr')).text()).toBe('fr 2');
    expect(await (await get('fr')).text()).toBe('fr 2');
    expect(rc.stats().stored).toBe(2);
  });
});

describe('rc.policy()', () => {
  it('caches a route on its own, without rc.middleware()', async () => {
    const { app, rc, count } = setup();
    app.get('/solo', rc.policy({ maxAge: 60 }), (c) => c.text(`run ${count()}`));
    expect(await (await app.request('/solo')).text()).toBe('run 1');
    const second = await app.request('/solo');
    expect(await second.text()).toBe('run 1');
    expect(second.headers.get('cache-status')).toMatch(/hit/);
  });

  it('records stats under the method and Hono route pattern', async () => {
    const { app, rc } = setup();
    app.get('/items/:id', rc.policy({ maxAge: 60 }), (c) => c.text(c.req.param('id')));
    await app.request('/items/1');
    await app.request('/items/1');
    await app.request('/items/2');
    const route = rc.stats().routes['GET /items/:id'];
    expect(route?.hits).toBe(1);
    expect(route?.misses).toBe(2);
  });

  it('labels each route of a policy shared by several routes with its own pattern', async () => {
    const { app, rc } = setup();
    const shared = rc.policy({ maxAge: 60 });
    app.get('/a/:id', shared, (c) => c.text('a'));
    app.get('/b/:id', shared, (c) => c.text('b'));
    await app.request('/a/1');
    await app.request('/b/1');
    await app.request('/a/1');
    await app.request('/b/1', { method: 'HEAD' });
    expect(rc.stats().routes['GET /a/:id']).toMatchObject({ hits: 1, misses: 1 });
    expect(rc.stats().routes['GET /b/:id']).toMatchObject({ hits: 1, misses: 1 });
  });

  it('answers HEAD, miss and hit, with the Content-Length of the GET (RFC 9110 §8.6)', async () => {
    const { app, rc } = setup();
    app.get('/len', rc.policy({ maxAge: 60 }), (c) => c.json({ hello: 'world' }));
    const length = String(JSON.stringify({ hello: 'world' }).length);
    const miss = await app.request('/len', { method: 'HEAD' });
    expect(miss.headers.get('content-length')).toBe(length);
    expect(await miss.text()).toBe('');
    await app.request('/len');
    const hit = await app.request('/len', { method: 'HEAD' });
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    expect(hit.headers.get('content-length')).toBe(length);
  });

  it('passes route params to tag functions', async () => {
    const { app, rc } = setup();
    app.get('/tagged/:id', rc.policy({ maxAge: 60, tags: (req) => [`item:${req.params.id}`] }), (c) =>
      c.text('x'),
    );
    const res = await app.request('/tagged/abc');
    expect(res.headers.get('surrogate-key')).toBe('item:abc');
  });

  it('sends a 500 with no-store and never stores it', async () => {
    const { app, rc, count, runs } = setup();
    app.onError((_error, c) => c.text('failed', 500));
    app.get('/boom', rc.policy({ maxAge: 60 }), () => {
      count();
      throw new Error('boom');
    });
    const first = await app.request('/boom');
    expect(first.status).toBe(500);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect((await app.request('/boom')).status).toBe(500);
    expect(runs()).toBe(2);
  });

  it('answers a matching revalidation on a miss with a bare 304, none of the handler headers merged in', async () => {
    const { app, rc, count, runs } = setup();
    app.get('/v', rc.policy({ maxAge: 60, tags: ['v'] }), (c) => {
      count();
      c.header('x-handler', 'yes');
      return c.text('same body');
    });
    const first = await app.request('/v');
    const etag = first.headers.get('etag')!;
    await rc.invalidate({ tags: ['v'] });
    const revalidated = await app.request('/v', { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(revalidated.headers.get('content-type')).toBeNull();
    expect(revalidated.headers.get('x-handler')).toBeNull();
    expect(await revalidated.text()).toBe('');
    expect(runs()).toBe(2);
  });

  it('lets the handler see the filtered URL in c.req.url, c.req.query() and c.req.queries()', async () => {
    const { app, rc } = setup();
    app.get('/q', rc.policy({ maxAge: 60, query: { include: ['page'] } }), (c) =>
      c.json({ url: c.req.url, all: c.req.query(), tags: c.req.queries('tag') ?? null }),
    );
    const res = await app.request('/q?tag=a&page=2&tag=b&secret=1');
    expect(await res.json()).toEqual({ url: 'http://localhost/q?page=2', all: { page: '2' }, tags: null });
  });
});

describe('rc.middleware()', () => {
  it('matches the routes table with Hono path syntax (params with a pattern, wildcards)', async () => {
    const { app, rc, count } = setup({
      routes: { 'GET /items/:id{[0-9]+}': { maxAge: 60 }, '/files/*': { maxAge: 30 } },
    });
    app.use('*', rc.middleware());
    app.get('/items/:id', (c) => c.text(`item ${count()}`));
    app.get('/files/*', (c) => c.text(`file ${count()}`));
    expect((await app.request('/items/12')).headers.get('cache-control')).toMatch(/max-age=60/);
    expect((await app.request('/items/abc')).headers.get('cache-status')).toBeNull();
    expect((await app.request('/files/a/b.txt')).headers.get('cache-control')).toMatch(/max-age=30/);
    expect((await app.request('/other')).status).toBe(404);
  });

  it('leaves a route with its own rc.policy() to that policy (one handler run, its headers)', async () => {
    const { app, rc, count } = setup({ routes: { '/both': { maxAge: 600 } } });
    app.use('*', rc.middleware());
    app.get('/both', rc.policy({ maxAge: 5 }), (c) => c.text(`run ${count()}`));
    const res = await app.request('/both');
    expect(res.headers.get('cache-control')).toMatch(/max-age=5(\D|$)/);
    expect(await res.text()).toBe('run 1');
    expect(await (await app.request('/both')).text()).toBe('run 1');
  });

  it('records stats under the routes-table key', async () => {
    const { app, rc } = setup({ routes: { 'GET /p/:id': { maxAge: 60 } } });
    app.use('*', rc.middleware());
    app.get('/p/:id', (c) => c.text('p'));
    await app.request('/p/1');
    await app.request('/p/1');
    expect(rc.stats().routes['GET /p/:id']?.hits).toBe(1);
  });

  it('invalidates the stored GET after a successful POST to the same URL (RFC 9111 §4.4)', async () => {
    const { app, rc, count } = setup({ routes: { 'GET /doc/:id': { maxAge: 60 } } });
    app.use('*', rc.middleware());
    app.get('/doc/:id', (c) => c.text(`doc ${count()}`));
    app.post('/doc/:id', (c) => c.body(null, 204));
    expect(await (await app.request('/doc/1')).text()).toBe('doc 1');
    expect(await (await app.request('/doc/1')).text()).toBe('doc 1');
    expect((await app.request('/doc/1', { method: 'POST' })).status).toBe(204);
    expect(await (await app.request('/doc/1')).text()).toBe('doc 2');
  });

  it('answers hits without running later middleware or the handler', async () => {
    const { app, rc, count } = setup({ routes: { '/m': { maxAge: 60 } } });
    let inner = 0;
    app.use('*', rc.middleware());
    app.use('/m', async (_c, next) => {
      inner++;
      await next();
    });
    app.get('/m', (c) => c.text(`m ${count()}`));
    await app.request('/m');
    await app.request('/m');
    expect(inner).toBe(1);
  });
});

describe('with other Hono middleware and routers', () => {
  it('keeps headers an outer middleware (cors) sets before next() on hits', async () => {
    const { app, rc, count } = setup();
    app.use('*', cors({ origin: (origin) => origin }));
    app.get('/c', rc.policy({ maxAge: 60 }), (c) => c.text(`c ${count()}`));
    await app.request('/c', { headers: { origin: 'https://a.example' } });
    const hit = await app.request('/c', { headers: { origin: 'https://b.example' } });
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    expect(hit.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(await hit.text()).toBe('c 1');
  });

  it('matches the routes table against the full path of a mounted sub-app', async () => {
    const { app, rc, count } = setup({
      routes: { 'GET /api/v1/items/:id': { maxAge: 60, tags: ['items'] } },
    });
    const api = new Hono();
    api.get('/items/:id', (c) => c.text(`item ${count()}`));
    app.use('*', rc.middleware());
    app.route('/api/v1', api);
    await app.request('/api/v1/items/1');
    const hit = await app.request('/api/v1/items/1');
    expect(hit.headers.get('cache-status')).toMatch(/hit/);
    expect(hit.headers.get('surrogate-key')).toBe('items');
    expect(await hit.text()).toBe('item 1');
  });
});

describe('background refresh', () => {
  it('refreshes through app.fetch and awaits it with executionCtx.waitUntil', async () => {
    const clock = createFakeClock();
    const app = new Hono();
    const rc = routeCache({ app, clock: clock.now, store: memoryStore({ clock: clock.now }) });
    let runs = 0;
    app.get('/r', rc.policy({ maxAge: 10, staleWhileRevalidate: 60 }), (c) => c.text(`run ${++runs}`));
    const waited: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (p: Promise<unknown>) => void waited.push(p),
      passThroughOnException() {},
      props: {},
    };
    await app.request('/r', undefined, undefined, ctx);
    clock.advance(15_000);
    const stale = await app.request('/r', undefined, undefined, ctx);
    expect(await stale.text()).toBe('run 1');
    expect(waited.length).toBeGreaterThan(0);
    await Promise.all(waited);
    expect(runs).toBe(2);
    expect(await (await app.request('/r', undefined, undefined, ctx)).text()).toBe('run 2');
  });
});

describe('background options', () => {
  it('hands the engine one frozen options object for every request, and no options without app', async () => {
    const seen: unknown[] = [];
    const track = (inner: ReturnType<typeof createCache>): ReturnType<typeof createCache> =>
      Object.create(inner, {
        handle: {
          value: (...args: Parameters<typeof inner.handle>) => {
            seen.push(args[3]);
            return inner.handle(...args);
          },
        },
      });
    const app = new Hono();
    const rc = routeCache({ app, cache: track(createCache()) });
    app.get('/a', rc.policy({ maxAge: 60 }), (c) => c.text('a'));
    app.get('/b', rc.policy({ maxAge: 60 }), (c) => c.text('b'));
    for (const path of ['/a', '/a', '/b']) await app.request(path);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(seen[0]).toMatchObject({ refresh: expect.any(Function), waitUntil: expect.any(Function) });

    seen.length = 0;
    const plain = new Hono();
    const without = routeCache({ cache: track(createCache()) });
    plain.get('/a', without.policy({ maxAge: 60 }), (c) => c.text('a'));
    await plain.request('/a');
    expect(seen[0]).not.toHaveProperty('refresh');
  });
});

describe('a streamed body', () => {
  for (const name of STREAM_ROUTES) {
    it(`keeps the Content-Type the route sends uncached (${name}), on the miss and the hit`, async () => {
      const app = createStreamApp();
      const uncached = await app.request(`/u/${name}`);
      const body = await uncached.text();
      for (const _ of [1, 2]) {
        const cached = await app.request(`/c/${name}`);
        expect(await cached.text()).toBe(body);
        expect(cached.headers.get('content-type')).toBe(uncached.headers.get('content-type'));
      }
    });
  }
});

{
  const cached = createFixture();
  const uncached = createFixture({ cacheless: true });
  fidelitySuite(
    'Node (app.request)',
    () => (request) => Promise.resolve(cached.fetch(request)),
    () => (request) => Promise.resolve(uncached.fetch(request)),
  );
}
