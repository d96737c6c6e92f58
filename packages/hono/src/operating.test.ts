/**
 * Operating the cache on Hono: OpenTelemetry (in-memory exporters), health(), and warming
 * through `app.fetch` (entries byte for byte a visitor's, sitemap, refresh-after-invalidate).
 */
import { instrumentOpenTelemetry } from '@routecache/core/otel';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parentId, startTestSdk, type TestSdk } from '../../../test-support/otel-sdk';
import { routeCache } from './route-cache';

const BASE = 'http://shop.example';

function createShop(sdk?: TestSdk) {
  const app = new Hono();
  const rc = routeCache({
    app,
    routes: { 'GET /items/:id': { maxAge: 60, tags: (req) => ['items', `item:${req.params.id}`] } },
  });
  if (sdk) app.use('*', (c, next) => sdk.serverSpan(`${c.req.method} http`, () => next()));
  app.use('*', rc.middleware());
  let runs = 0;
  app.get('/items/:id', (c) => {
    runs++;
    return c.json({ id: c.req.param('id'), run: runs });
  });
  app.get('/sitemap.xml', (c) =>
    c.body(
      `<urlset><url><loc>${BASE}/items/1</loc></url><url><loc>${BASE}/items/2</loc></url></urlset>`,
      200,
      {
        'content-type': 'application/xml',
      },
    ),
  );
  return { app, rc, runs: () => runs };
}

describe('OpenTelemetry on Hono', () => {
  let sdk: TestSdk;
  let shop: ReturnType<typeof createShop>;

  beforeAll(async () => {
    sdk = startTestSdk();
    shop = createShop(sdk);
    instrumentOpenTelemetry(shop.rc, {
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    for (let i = 0; i < 2; i++) await (await shop.app.request(`${BASE}/items/1`)).text();
  });
  afterAll(async () => {
    await shop.rc.cache.close();
    await sdk.shutdown();
  });

  it('sets the outcome on the active server span and records the origin span on the miss', () => {
    const servers = sdk.spans().filter((s) => s.name === 'GET http');
    expect(
      servers.map((s) => [s.attributes['routecache.outcome'], s.attributes['routecache.layer']]),
    ).toEqual([
      ['miss', 'origin'],
      ['hit', 'l1'],
    ]);
    expect(servers[1]!.attributes['routecache.age']).toBe(0);
    const origins = sdk.spans().filter((s) => s.name === 'routecache origin');
    expect(origins).toHaveLength(1);
    expect(parentId(origins[0]!)).toBe(servers[0]!.spanContext().spanId);
    expect(origins[0]!.attributes['http.route']).toBe('/items/:id');
  });

  it('puts the answers on the meter', async () => {
    const answers = await sdk.points('routecache.answers');
    expect(answers.map((p) => [p.attributes['routecache.outcome'], p.value]).sort()).toEqual([
      ['hit', 1],
      ['miss', 1],
    ]);
  });
});

describe('rc.health() and rc.warm() on Hono', () => {
  it('warms through app.fetch: a visitor then gets the warmed bytes as a hit', async () => {
    const shop = createShop();
    const summary = await shop.rc.warm([`${BASE}/items/1`, `${BASE}/items/2`, `${BASE}/nowhere`], {
      concurrency: 3,
    });
    expect(summary).toMatchObject({ total: 3, stored: 2, skipped: 1, failed: 0 });
    const visitor = await shop.app.request(`${BASE}/items/2`);
    expect(visitor.headers.get('cache-status')).toMatch(/hit/);
    const warmed = summary.results.find((r) => r.url === '/items/2');
    expect(warmed?.status).toBe(200);
    expect(await visitor.text()).toBe(`{"id":"2","run":${shop.runs()}}`);
    expect(shop.runs()).toBe(2);
    expect((await shop.rc.health()).routes['GET /items/:id']).toMatchObject({ misses: 2, hits: 1 });
  });

  it('warms from a sitemap path fetched through the app', async () => {
    const shop = createShop();
    const summary = await shop.rc.warm({ sitemap: '/sitemap.xml' }, { headers: { host: 'shop.example' } });
    expect(summary.results.map((r) => [r.url, r.outcome])).toEqual([
      ['/items/1', 'stored'],
      ['/items/2', 'stored'],
    ]);
  });

  it('re-warms the hottest invalidated entries', async () => {
    const shop = createShop();
    const rewarmer = shop.rc.rewarm({ top: 5 });
    await shop.app.request(`${BASE}/items/1`);
    await shop.rc.invalidate({ tags: ['item:1'] });
    await rewarmer.idle();
    const after = await shop.app.request(`${BASE}/items/1`);
    expect(after.headers.get('cache-status')).toMatch(/hit/);
    expect(await after.text()).toBe('{"id":"1","run":2}');
    rewarmer.stop();
  });

  it('throws a PolicyError naming app without one', async () => {
    const rc = routeCache();
    await expect(rc.warm(['/x'])).rejects.toMatchObject({ field: 'app' });
  });
});
