/**
 * The end-to-end suite behind a real Varnish (issue 13), shared by the Express and Hono
 * adapters: each adapter's `*.varnish.test.ts` builds the same small app with its framework
 * (`VarnishBackendFactory`) and calls `describeBehindVarnish()`. Varnish runs the project's VCL
 * (`docs/varnish/routecache.vcl`) on a free loopback port and is stopped by PID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { varnishPurger } from '../packages/core/src/cdn/varnish';
import type { PolicyInput, Purger, RouteCache } from '../packages/core/src/index';
import { findFreePort } from './redis-servers';
import { startVarnish, type VarnishServer } from './varnish-server';

/** What reached the app: one line per request Varnish forwarded. */
export interface OriginCall {
  method: string;
  path: string;
  ifNoneMatch: string | undefined;
  status: number;
}

/** The data behind the app: a version per product id, bumped by writes. */
export interface Catalogue {
  body(id: string): string;
  bump(id: string): void;
  /** Requests the app answered, in order (recorded by the app's outermost middleware). */
  readonly calls: OriginCall[];
}

const productTags = (req: { params: Readonly<Record<string, string>> }) => [
  'products',
  `product:${req.params.id}`,
];

/** The `routes` table of the app every adapter builds (the adapter's `routes` option). */
export const VARNISH_ROUTES: Record<string, PolicyInput> = {
  'GET /public/:id': { sMaxAge: 60, tags: productTags },
  'GET /swr/:id': { sMaxAge: 60, staleWhileRevalidate: 30, tags: productTags },
  // CDN-Cache-Control (RFC 9213) gives Varnish 1 s, while s-maxage says 60.
  'GET /short/:id': { sMaxAge: 60, cdnMaxAge: 1, tags: ['short'] },
  'GET /private': { scope: 'private', maxAge: 60, identify: () => 'u1' },
  'GET /nostore': { scope: 'no-store' },
  'GET /cookie': { sMaxAge: 60 },
  'GET /error': { sMaxAge: 60 },
};

/**
 * The app each adapter builds, with `routes: VARNISH_ROUTES`, `cdn: purger`, and handlers:
 * - `GET /public/:id`, `/swr/:id`, `/short/:id`: text `catalogue.body(id)`
 * - `GET /private`, `/nostore`: any text; `GET /cookie`: sets `Set-Cookie`; `GET /error`: a 500
 * - `POST /public/:id`: `catalogue.bump(id)`, answers 204
 * Every request is recorded in `catalogue.calls` (with the `If-None-Match` it arrived with).
 */
export type VarnishBackendFactory = (input: { purger: Purger; catalogue: Catalogue }) => Promise<{
  port: number;
  cache: RouteCache;
  close(): Promise<void>;
}>;

/** A catalogue with version 1 of every product. */
export function createCatalogue(): Catalogue {
  const versions = new Map<string, number>();
  return {
    body: (id) => `product ${id} v${versions.get(id) ?? 1}`,
    bump: (id) => {
      versions.set(id, (versions.get(id) ?? 1) + 1);
    },
    calls: [],
  };
}

/** Two ids in `X-Varnish` mean the answer came from Varnish's cache. */
function servedByVarnish(response: Response): boolean {
  return (response.headers.get('x-varnish') ?? '').trim().split(/\s+/).length === 2;
}

export function describeBehindVarnish(framework: string, createBackend: VarnishBackendFactory): void {
  describe(`${framework} behind Varnish 7 with the routecache VCL`, () => {
    let varnish: VarnishServer;
    let backend: Awaited<ReturnType<VarnishBackendFactory>>;
    const catalogue = createCatalogue();
    const get = (path: string, headers?: Record<string, string>) =>
      fetch(`${varnish.url}${path}`, headers ? { headers } : {});
    const callsTo = (path: string) => catalogue.calls.filter((call) => call.path === path);

    beforeAll(async () => {
      const port = await findFreePort();
      const purger = varnishPurger({ nodes: [`http://127.0.0.1:${port}`] });
      backend = await createBackend({ purger, catalogue });
      varnish = await startVarnish({ backendPort: backend.port, port });
    });
    afterAll(async () => {
      await varnish?.stop();
      await backend?.close();
    });

    it('serves a public route from Varnish on the second request (X-Varnish, Age)', async () => {
      const first = await get('/public/1');
      expect(first.status).toBe(200);
      expect(await first.text()).toBe('product 1 v1');
      expect(servedByVarnish(first)).toBe(false);
      const second = await get('/public/1');
      expect(await second.text()).toBe('product 1 v1');
      expect(servedByVarnish(second)).toBe(true);
      expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
      expect(callsTo('/public/1')).toHaveLength(1);
      // The tags are for Varnish (xkey), not for the browser.
      expect(second.headers.get('surrogate-key')).toBeNull();
      expect(second.headers.get('xkey')).toBeNull();
      await expect.poll(() => varnish.counter('MAIN.cache_hit'), { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    });

    it.each([
      ['/private', 200],
      ['/nostore', 200],
      ['/cookie', 200],
      ['/error', 500],
    ])('never keeps %s in Varnish', async (path, status) => {
      for (let i = 0; i < 3; i++) {
        const response = await get(path);
        expect(response.status).toBe(status);
        expect(servedByVarnish(response)).toBe(false);
        await response.arrayBuffer();
      }
      expect(callsTo(path)).toHaveLength(3);
    });

    it('honours CDN-Cache-Control, then revalidates the expired object with our ETag and gets our 304', async () => {
      const first = await get('/short/1');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^W\/"/);
      expect(first.headers.get('cdn-cache-control')).toBe('public, max-age=1');
      expect(await first.text()).toBe('product 1 v1');
      // Varnish's TTL is CDN-Cache-Control's 1 s (not s-maxage's 60); the VCL keeps the object
      // (beresp.keep) past it and revalidates it with If-None-Match.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const second = await get('/short/1');
      expect(second.status).toBe(200);
      expect(await second.text()).toBe('product 1 v1');
      const calls = callsTo('/short/1');
      expect(calls).toHaveLength(2);
      expect(calls[1]).toMatchObject({ ifNoneMatch: etag, status: 304 });
    });

    it('after rc.invalidate({ tags }) the next request reaches the app and gets the new body', async () => {
      await (await get('/public/2')).text();
      expect(servedByVarnish(await get('/public/2'))).toBe(true);
      catalogue.bump('2');
      expect(await backend.cache.invalidate({ tags: ['product:2'] })).toMatchObject({ tags: 1 });
      const after = await get('/public/2');
      expect(servedByVarnish(after)).toBe(false);
      expect(await after.text()).toBe('product 2 v2');
      expect(callsTo('/public/2')).toHaveLength(2);
      // Other products keep their Varnish copy.
      expect(servedByVarnish(await get('/public/1'))).toBe(true);
      expect(backend.cache.stats().cdn?.varnish).toMatchObject({ failed: 0, pending: 0 });
      expect(backend.cache.stats().cdn?.varnish?.tags).toBeGreaterThanOrEqual(1);
    });

    it('after a soft purge (mode: expire) Varnish serves stale within grace, then the new body', async () => {
      await (await get('/swr/3')).text();
      expect(servedByVarnish(await get('/swr/3'))).toBe(true);
      catalogue.bump('3');
      await backend.cache.invalidate({ tags: ['product:3'], mode: 'expire' });
      const stale = await get('/swr/3');
      expect(servedByVarnish(stale)).toBe(true);
      expect(await stale.text()).toBe('product 3 v1');
      await expect
        .poll(async () => (await get('/swr/3')).text(), { timeout: 5000, interval: 100 })
        .toBe('product 3 v2');
    });

    it('invalidate({ urls }) purges that URL (PURGE), and with mode expire soft-purges it (vmod_purge)', async () => {
      await (await get('/public/5')).text();
      expect(servedByVarnish(await get('/public/5'))).toBe(true);
      catalogue.bump('5');
      await backend.cache.invalidate({ urls: [`${varnish.url}/public/5`] });
      const hard = await get('/public/5');
      expect(servedByVarnish(hard)).toBe(false);
      expect(await hard.text()).toBe('product 5 v2');

      await (await get('/swr/6')).text();
      expect(servedByVarnish(await get('/swr/6'))).toBe(true);
      catalogue.bump('6');
      await backend.cache.invalidate({ urls: [`${varnish.url}/swr/6`], mode: 'expire' });
      // Soft: Varnish still answers from its (now stale) copy within grace, and refetches.
      const stale = await get('/swr/6');
      expect(servedByVarnish(stale)).toBe(true);
      expect(await stale.text()).toBe('product 6 v1');
      await expect
        .poll(async () => (await get('/swr/6')).text(), { timeout: 5000, interval: 100 })
        .toBe('product 6 v2');
      expect(backend.cache.stats().cdn?.varnish?.urls).toBeGreaterThanOrEqual(2);
    });

    it('a successful POST purges the URL from Varnish (automatic invalidation)', async () => {
      await (await get('/public/4')).text();
      expect(servedByVarnish(await get('/public/4'))).toBe(true);
      const write = await fetch(`${varnish.url}/public/4`, { method: 'POST' });
      expect(write.status).toBe(204);
      // The CDN purge runs in the background of the write's answer.
      await expect
        .poll(async () => (await get('/public/4')).text(), { timeout: 5000, interval: 50 })
        .toBe('product 4 v2');
      expect(backend.cache.stats().cdn?.varnish?.urls).toBeGreaterThanOrEqual(1);
    });
  });
}
