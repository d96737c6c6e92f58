/**
 * Operating the cache on Express: OpenTelemetry (in-memory exporters: the outcome on the
 * request's server span, an origin span on a miss, the metrics on the meter), health(), and
 * warming through the app (entries byte for byte a visitor's; progress and summary; sitemap;
 * refresh-after-invalidate).
 */
import { instrumentOpenTelemetry } from '@routecache/core/otel';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parentId, startTestSdk, type TestSdk } from '../../../test-support/otel-sdk';
import { listen, type Running, rawRequest } from '../test/harness';
import { routeCache } from './route-cache';

const HOST = 'shop.example';

function createShop(sdk?: TestSdk) {
  const rc = routeCache({
    routes: {
      'GET /items/:id': { maxAge: 60, tags: (req) => ['items', `item:${req.params.id}`] },
      'GET /sitemap.xml': { scope: 'no-store' },
    },
  });
  const app = express();
  if (sdk)
    app.use((req, res, next) =>
      sdk.serverSpan(
        `${req.method} http`,
        () =>
          new Promise<void>((done) => {
            res.on('finish', done);
            next();
          }),
      ),
    );
  app.use(rc);
  let runs = 0;
  app.get('/items/:id', (req, res) => {
    runs++;
    res.json({ id: req.params.id, run: runs });
  });
  app.get('/private', rc.policy({ scope: 'private', maxAge: 10 }), (_req, res) => void res.send('mine'));
  app.get('/sitemap.xml', (_req, res) => {
    res
      .type('application/xml')
      .send(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' +
          `<url><loc>https://${HOST}/items/1</loc></url><url><loc>https://${HOST}/items/2</loc></url>` +
          `<url><loc>https://${HOST}/private</loc></url></urlset>`,
      );
  });
  return { app, rc, runs: () => runs };
}

describe('OpenTelemetry on Express', () => {
  let sdk: TestSdk;
  let running: Running;
  let shop: ReturnType<typeof createShop>;

  beforeAll(async () => {
    sdk = startTestSdk();
    shop = createShop(sdk);
    instrumentOpenTelemetry(shop.rc, {
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    running = await listen(shop.app);
    for (let i = 0; i < 2; i++) await (await running.fetch('/items/1')).text();
  });
  afterAll(async () => {
    await running.close();
    await shop.rc.cache.close();
    await sdk.shutdown();
  });

  it('sets the outcome, layer, key hash and age on the active server span', () => {
    const servers = sdk.spans().filter((s) => s.name === 'GET http');
    expect(servers).toHaveLength(2);
    expect(servers[0]!.attributes).toMatchObject({
      'routecache.outcome': 'miss',
      'routecache.layer': 'origin',
    });
    expect(servers[1]!.attributes).toMatchObject({ 'routecache.outcome': 'hit', 'routecache.layer': 'l1' });
    expect(servers[1]!.attributes['routecache.age']).toBe(0);
    expect(servers[0]!.attributes['routecache.key_hash']).toMatch(/^[0-9a-f]{8}$/);
    expect(servers[1]!.attributes['routecache.key_hash']).toBe(servers[0]!.attributes['routecache.key_hash']);
  });

  it('records an origin span, child of the server span, on the miss only', () => {
    const origins = sdk.spans().filter((s) => s.name === 'routecache origin');
    const servers = sdk.spans().filter((s) => s.name === 'GET http');
    expect(origins).toHaveLength(1);
    expect(parentId(origins[0]!)).toBe(servers[0]!.spanContext().spanId);
    expect(origins[0]!.attributes).toMatchObject({
      'http.route': '/items/:id',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
  });

  it('puts the answers and origin run times on the meter', async () => {
    const answers = await sdk.points('routecache.answers');
    expect(
      answers.map((p) => [p.attributes['routecache.outcome'], p.attributes['http.route'], p.value]).sort(),
    ).toEqual([
      ['hit', '/items/:id', 1],
      ['miss', '/items/:id', 1],
    ]);
    const origin = await sdk.points('routecache.origin.duration');
    expect(origin).toEqual([expect.objectContaining({ value: 1 })]);
    const entries = await sdk.points('routecache.l1.entries');
    expect(entries.map((p) => p.value)).toEqual([1]);
  });
});

describe('rc.health() on Express', () => {
  it('reports the per-route hit ratio of what went through the app', async () => {
    const shop = createShop();
    const running = await listen(shop.app);
    try {
      for (let i = 0; i < 4; i++) await (await running.fetch('/items/7')).text();
      const report = await shop.rc.health();
      expect(report.routes['GET /items/:id']).toMatchObject({ misses: 1, hits: 3, hitRatio: 0.75 });
      expect(report.l1?.entries).toBe(1);
    } finally {
      await running.close();
    }
  });
});

describe('rc.warm() on Express', () => {
  let shop: ReturnType<typeof createShop>;
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('stores entries through the app, byte for byte what a visitor gets, with progress and a summary', async () => {
    shop = createShop();
    const progress: string[] = [];
    const summary = await shop.rc.warm(['/items/1', '/items/2', '/private', '/nowhere'], {
      app: shop.app,
      concurrency: 2,
      headers: { host: HOST },
      onProgress: ({ done, total, result }) => progress.push(`${done}/${total} ${result.outcome}`),
    });
    expect(summary).toMatchObject({ total: 4, stored: 2, fresh: 0, skipped: 2, failed: 0 });
    expect(summary.results.map((r) => [r.url, r.outcome, r.reason])).toEqual([
      ['/items/1', 'stored', undefined],
      ['/items/2', 'stored', undefined],
      ['/private', 'skipped', 'no-identity'],
      ['/nowhere', 'skipped', 'no policy'],
    ]);
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)).toMatch(/^4\/4 /);
    expect(shop.runs()).toBe(2);

    // A visitor now gets the warmed entry: a hit, the same bytes, the handler not run again.
    // (node:http: fetch would replace the Host header, which is part of the key.)
    running = await listen(shop.app);
    const visitor = await rawRequest(`${running.url}/items/1`, { headers: { host: HOST } });
    expect(visitor.headers['cache-status']).toMatch(/hit/);
    expect(visitor.body.toString()).toBe('{"id":"1","run":1}');
    expect(shop.runs()).toBe(2);
    // Warming again finds them fresh.
    const again = await shop.rc.warm(['/items/1'], { app: shop.app, headers: { host: HOST } });
    expect(again).toMatchObject({ total: 1, fresh: 1, stored: 0 });
  });

  it('warms from a sitemap served by the app, hosts taken from its absolute URLs', async () => {
    shop = createShop();
    const summary = await shop.rc.warm(
      { sitemap: '/sitemap.xml' },
      { app: shop.app, headers: { host: HOST } },
    );
    expect(summary.results.map((r) => [r.url, r.outcome])).toEqual([
      ['/items/1', 'stored'],
      ['/items/2', 'stored'],
      ['/private', 'skipped'],
    ]);
    expect(shop.rc.stats().routes['GET /items/:id']?.stored).toBe(2);
  });

  it('re-warms the hot entries an invalidation removed (refresh-after-invalidate)', async () => {
    shop = createShop();
    const rewarmed: number[] = [];
    const rewarmer = shop.rc.rewarm({ app: shop.app, top: 1, onRewarm: (s) => rewarmed.push(s.stored) });
    running = await listen(shop.app);
    const get = async (id: string) =>
      (await rawRequest(`${running!.url}/items/${id}`, { headers: { host: HOST } })).body;
    for (let i = 0; i < 3; i++) await get('1');
    await get('2');
    await shop.rc.invalidate({ tags: ['items'] });
    await rewarmer.idle();
    // Only the hottest (item 1) came back; the next visitor of item 1 gets a hit of a new run.
    expect(rewarmed).toEqual([1]);
    const after = await rawRequest(`${running.url}/items/1`, { headers: { host: HOST } });
    expect(after.headers['cache-status']).toMatch(/hit/);
    expect(after.body.toString()).toBe('{"id":"1","run":3}');
    rewarmer.stop();
  });

  it('throws a PolicyError naming app when no app is given', async () => {
    shop = createShop();
    await expect(shop.rc.warm(['/items/1'], {} as never)).rejects.toMatchObject({ field: 'app' });
    await expect(shop.rc.warm(['/items/1'], { app: shop.app, concurrency: 0 })).rejects.toMatchObject({
      field: 'concurrency',
    });
  });
});
