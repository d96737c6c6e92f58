import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootedApp, boot, PLATFORMS, rawGet, readJson } from '../support/boot';
import { CatalogueModule } from './catalogue.module';

describe.each(PLATFORMS)('RouteCacheModule on %s', (platform) => {
  let server: BootedApp;
  const get = (path: string, headers?: Record<string, string>) => fetch(`${server.url}${path}`, { headers });

  beforeAll(async () => {
    server = await boot(CatalogueModule, platform);
  });
  afterAll(() => server.close());

  describe('when a route is requested twice', () => {
    it('answers the second request from the cache with the same status, headers and body', async () => {
      const miss = await get('/api/products/1');
      expect(miss.status).toBe(200);
      expect(miss.headers.get('cache-status')).toMatch(/fwd=miss/);
      const missBody = await readJson(miss);
      expect(missBody).toMatchObject({ id: '1', name: 'Product 1' });

      const hit = await get('/api/products/1');
      expect(hit.status).toBe(200);
      expect(hit.headers.get('cache-status')).toMatch(/; hit/);
      expect(hit.headers.get('age')).toMatch(/^\d+$/);
      expect(hit.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await readJson(hit)).toEqual(missBody);
    });

    it('sends the policy headers built by the core: the method policy overrides the class policy', async () => {
      const method = await get('/api/products/2');
      expect(method.headers.get('cache-control')).toBe('public, max-age=30');
      expect(method.headers.get('surrogate-key')).toBe('product:2');

      const cls = await get('/api/products');
      expect(cls.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=300');
      expect(cls.headers.get('surrogate-key')).toBe('products');
    });

    it('replays headers set by @Header() and the text body as the platform sent it', async () => {
      const miss = await get('/api/products?page=2');
      const hit = await get('/api/products?page=2');
      expect(hit.headers.get('cache-status')).toMatch(/; hit/);
      expect(hit.headers.get('x-catalogue')).toBe('v1');
      expect(await readJson(hit)).toEqual(await readJson(miss));

      const textMiss = await get('/api/products/text');
      const textHit = await get('/api/products/text');
      expect(textHit.headers.get('cache-status')).toMatch(/; hit/);
      expect(textHit.headers.get('content-type')).toBe(textMiss.headers.get('content-type'));
      expect(await textHit.text()).toBe(await textMiss.text());
    });

    it('keeps the status set by @HttpCode()', async () => {
      await get('/api/products/accepted');
      const hit = await get('/api/products/accepted');
      expect(hit.status).toBe(203);
      expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    });

    it('caches a @Redirect() with its status and Location', async () => {
      const miss = await fetch(`${server.url}/api/products/old`, { redirect: 'manual' });
      expect(miss.status).toBe(301);
      expect(miss.headers.get('location')).toBe('/api/products');
      const hit = await fetch(`${server.url}/api/products/old`, { redirect: 'manual' });
      expect(hit.status).toBe(301);
      expect(hit.headers.get('location')).toBe('/api/products');
      expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    });

    it('caches what a @Res({ passthrough: true }) handler set on the response', async () => {
      const miss = await get('/api/products/passthrough');
      expect(miss.headers.get('x-handler')).toBe('set');
      const hit = await get('/api/products/passthrough');
      expect(hit.headers.get('cache-status')).toMatch(/; hit/);
      expect(hit.headers.get('x-handler')).toBe('set');
      expect(await readJson(hit)).toEqual(await readJson(miss));
    });
  });

  describe('when the request is conditional', () => {
    it('answers 304 without a body when If-None-Match matches the stored ETag', async () => {
      const first = await get('/api/products/3');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^W\/"/);
      const revalidated = await rawGet(`${server.url}/api/products/3`, {
        'if-none-match': `"other", ${etag}`,
      });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.etag).toBe(etag);
      expect(revalidated.headers['cache-control']).toBe('public, max-age=30');
      expect(revalidated.body).toBe('');

      const changed = await rawGet(`${server.url}/api/products/3`, { 'if-none-match': 'W/"other"' });
      expect(changed.status).toBe(200);
      expect(JSON.parse(changed.body)).toMatchObject({ id: '3' });
    });
  });

  describe('when the request is a HEAD', () => {
    it('is answered from the GET entry, without a body', async () => {
      const full = await get('/api/products/4');
      const etag = full.headers.get('etag');
      const head = await fetch(`${server.url}/api/products/4`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('cache-status')).toMatch(/; hit/);
      expect(head.headers.get('etag')).toBe(etag);
      expect(head.headers.get('content-length')).toBe(String((await full.arrayBuffer()).byteLength));
      expect(await head.text()).toBe('');
    });

    it('carries the length of the GET on a miss too (RFC 9110 §8.6)', async () => {
      const head = await fetch(`${server.url}/api/products/5`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      const full = await get('/api/products/5');
      expect(head.headers.get('content-length')).toBe(String((await full.arrayBuffer()).byteLength));
    });
  });

  describe('when the query has tracking parameters', () => {
    it('drops them from the key and from what the handler sees', async () => {
      const first = await get('/api/products/search?q=cup&utm_source=mail');
      expect((await readJson(first)).query).toEqual({ q: 'cup' });
      const second = await get('/api/products/search?utm_campaign=x&q=cup');
      expect(second.headers.get('cache-status')).toMatch(/; hit/);
    });
  });

  describe('when the handler throws', () => {
    it('lets Nest answer the error with Cache-Control: no-store, and stores nothing', async () => {
      const first = await get('/api/products/missing');
      expect(first.status).toBe(404);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(await readJson(first)).toMatchObject({ statusCode: 404, message: 'No such product' });
      const second = await get('/api/products/missing');
      expect(second.status).toBe(404);
      expect(second.headers.get('cache-status')).not.toMatch(/; hit/);
    });

    it('stores a 404 NotFoundException for negativeTtl, with the body Nest sends', async () => {
      const first = await get('/api/products/gone');
      expect(first.status).toBe(404);
      const body = await readJson(first);
      expect(body).toEqual({ statusCode: 404, message: 'No such product', error: 'Not Found' });
      const second = await get('/api/products/gone');
      expect(second.status).toBe(404);
      expect(second.headers.get('cache-status')).toMatch(/; hit/);
      expect(second.headers.get('cache-control')).toBe('public, max-age=30');
      expect(await readJson(second)).toEqual(body);
    });
  });

  describe('when an unsafe request succeeds on a cached URL', () => {
    it('invalidates the stored GET entry of that URL (RFC 9111 §4.4)', async () => {
      await get('/api/products/11');
      expect((await get('/api/products/11')).headers.get('cache-status')).toMatch(/; hit/);
      const post = await fetch(`${server.url}/api/products/11`, { method: 'POST' });
      expect(await readJson(post)).toEqual({ touched: '11' });
      expect((await get('/api/products/11')).headers.get('cache-status')).toMatch(/fwd=miss/);
    });
  });

  describe('when entries are invalidated by tag through RouteCacheService', () => {
    it('runs the handler again for the tagged route only', async () => {
      const first = await readJson(await get('/api/products/7'));
      expect((await readJson(await get('/api/products/7'))).run).toBe(first.run);
      const other = await readJson(await get('/api/products/8'));

      const invalidated = await fetch(`${server.url}/api/products/invalidate/product:7`, { method: 'POST' });
      expect(invalidated.status).toBe(200);

      const after = await get('/api/products/7');
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect((await readJson(after)).run).toBeGreaterThan(first.run);
      expect((await readJson(await get('/api/products/8'))).run).toBe(other.run);
    });
  });

  describe('when a route opts out or the response must not be shared', () => {
    it('passes @NoCache() routes through without cache headers', async () => {
      const first = await readJson(await get('/api/products/live'));
      const second = await get('/api/products/live');
      expect(second.headers.get('cache-status')).toBeNull();
      expect(second.headers.get('cache-control')).toBeNull();
      expect((await readJson(second)).run).toBeGreaterThan(first.run);
    });

    it('bypasses the shared entry for requests with Authorization', async () => {
      const shared = await readJson(await get('/api/products/9'));
      const authed = await get('/api/products/9', { authorization: 'Bearer token' });
      expect((await readJson(authed)).run).toBeGreaterThan(shared.run);
      expect(authed.headers.get('cache-status')).not.toMatch(/; hit/);
    });

    it('never stores a response carrying Set-Cookie', async () => {
      const first = await get('/api/products/cookie');
      expect(first.headers.get('set-cookie')).toContain('session=abc');
      const firstRun = (await readJson(first)).run;
      const second = await get('/api/products/cookie');
      expect(second.headers.get('cache-status')).not.toMatch(/; hit/);
      expect((await readJson(second)).run).toBeGreaterThan(firstRun);
    });
  });
});
