import { createCache, createETag, PolicyError } from '@routecache/core';
import { createFakeClock } from '@routecache/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running, rawRequest, revalidate } from '../test/harness';
import { routeCache } from './route-cache';

/** A miss whose response was stored (RFC 9211 `fwd=miss; stored`). */
const STORED = /^routecache; fwd=miss; ttl=\d+; stored$/;

describe.each(EXPRESS_VERSIONS)('routeCache ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  describe('rc.policy()', () => {
    async function start() {
      const clock = createFakeClock();
      const rc = routeCache({ clock: clock.now });
      const app = express();
      let calls = 0;
      app.get('/items/:id', rc.policy({ maxAge: 60, tags: ['items'] }), (req, res) => {
        calls++;
        res.json({ id: req.params.id, calls });
      });
      app.put('/items/:id', rc.policy({}), (_req, res) => res.status(204).end());
      server = await listen(app);
      return { rc, clock, calls: () => calls };
    }

    it('answers a miss from the handler and stores it, then hits without running the handler', async () => {
      const { clock, calls } = await start();
      const miss = await server!.fetch('/items/1');
      expect(miss.headers.get('cache-status')).toMatch(STORED);
      expect(miss.headers.get('cache-control')).toBe('public, max-age=60');
      expect(miss.headers.get('age')).toBe('0');
      expect(await miss.json()).toEqual({ id: '1', calls: 1 });
      clock.advance(5_000);
      const hit = await server!.fetch('/items/1');
      expect(hit.headers.get('cache-status')).toBe('routecache; hit; ttl=55');
      expect(hit.headers.get('age')).toBe('5');
      expect(hit.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await hit.json()).toEqual({ id: '1', calls: 1 });
      expect(calls()).toBe(1);
    });

    it('keeps Express semantics for an error after a partial write: headersSent, then an aborted connection', async () => {
      const rc = routeCache();
      const app = express();
      const seen: boolean[] = [];
      app.get('/partial', rc.policy({ maxAge: 60 }), (_req, res, next) => {
        seen.push(res.headersSent);
        res.write('part1-');
        seen.push(res.headersSent);
        next(new Error('failed after a partial write'));
      });
      app.use((_error: unknown, _req: unknown, _res: unknown, next: (error?: unknown) => void) =>
        next(_error),
      );
      server = await listen(app);
      // Express alone keeps the 200 head it sent and aborts: the client must not get a complete
      // answer with an error page appended to part of the body.
      await expect(rawRequest(`${server.url}/partial`)).rejects.toThrow();
      expect(seen).toEqual([false, true]);
      await expect(rawRequest(`${server.url}/partial`)).rejects.toThrow(); // nothing was stored
    });

    it('sends UTF-8 text and binary bodies byte for byte on a hit, with their length', async () => {
      const rc = routeCache();
      const app = express();
      const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      app.get('/text', rc.policy({ maxAge: 60 }), (_req, res) => res.type('text').send('caf\u00e9 \u2615'));
      app.get('/binary', rc.policy({ maxAge: 60 }), (_req, res) => res.type('bin').send(binary));
      server = await listen(app);
      for (const [path, bytes] of [
        ['/text', Buffer.from('caf\u00e9 \u2615')],
        ['/binary', binary],
      ] as const) {
        await (await server.fetch(path)).arrayBuffer();
        const hit = await server.fetch(path);
        expect(hit.headers.get('cache-status')).toMatch(/hit/);
        expect(hit.headers.get('content-length')).toBe(String(bytes.byteLength));
        expect(Buffer.from(await hit.arrayBuffer())).toEqual(bytes);
      }
    });

    it('sends one ETag, computed by the cache, and answers 304 on a hit for a weak If-None-Match', async () => {
      const { calls } = await start();
      const miss = await server!.fetch('/items/1');
      const etag = miss.headers.get('etag')!;
      expect(etag).toMatch(/^W\/".+"$/);
      const notModified = await server!.fetch('/items/1', { headers: revalidate(`"x", ${etag.slice(2)}`) });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('etag')).toBe(etag);
      expect(notModified.headers.get('cache-control')).toBe('public, max-age=60');
      expect(await notModified.text()).toBe('');
      expect(calls()).toBe(1);
    });

    it('answers 304 after a miss when the fresh response matches If-None-Match, and stores the full body', async () => {
      const rc = routeCache();
      const app = express();
      let calls = 0;
      app.get('/stable', rc.policy({ maxAge: 60 }), (_req, res) => {
        calls++;
        res.type('text').send('same body');
      });
      server = await listen(app);
      const etag = await createETag(new TextEncoder().encode('same body'));
      const miss = await server.fetch('/stable', { headers: revalidate(etag) });
      expect(miss.status).toBe(304);
      expect(miss.headers.get('cache-status')).toMatch(STORED);
      expect(miss.headers.get('etag')).toBe(etag);
      expect(calls).toBe(1);
      const hit = await server.fetch('/stable');
      expect(hit.status).toBe(200);
      expect(await hit.text()).toBe('same body');
      expect(calls).toBe(1);
    });

    it('answers HEAD from the GET entry, with no body', async () => {
      const { calls } = await start();
      const get = await server!.fetch('/items/1');
      const body = await get.text();
      const head = await server!.fetch('/items/1', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('cache-status')).toMatch(/^routecache; hit/);
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
      expect(await head.text()).toBe('');
      expect(calls()).toBe(1);
    });

    it("gives a HEAD miss through res.sendFile the GET's ETag and Content-Length", async () => {
      const rc = routeCache();
      const app = express();
      app.get('/file', rc.policy({ maxAge: 60 }), (_req, res) =>
        res.sendFile('package.json', { root: `${import.meta.dirname}/..` }),
      );
      server = await listen(app);
      const head = await server!.fetch('/file', { method: 'HEAD' });
      expect(head.headers.get('cache-status')).not.toMatch(/stored|hit/);
      const get = await server!.fetch('/file');
      const body = await get.text();
      expect(body).toContain('@routecache/express');
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toMatch(/^W\/"/);
      expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(await head.text()).toBe('');
    });

    it('never stores a HEAD miss as the GET entry', async () => {
      const { calls } = await start();
      const head = await server!.fetch('/items/1', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('cache-status')).not.toMatch(/stored/);
      // RFC 9110 §8.6: the GET's length, as Express alone sends it.
      expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength('{"id":"1","calls":1}')));
      const get = await server!.fetch('/items/1');
      expect(await get.json()).toEqual({ id: '1', calls: 2 });
      expect(get.headers.get('cache-status')).toMatch(STORED);
      expect(calls()).toBe(2);
    });

    it('drops entries by tag on rc.invalidate()', async () => {
      const { rc, clock, calls } = await start();
      await server!.fetch('/items/1');
      await server!.fetch('/items/2');
      expect((await server!.fetch('/items/1')).headers.get('cache-status')).toMatch(/hit/);
      const result = await rc.invalidate({ tags: ['items'] });
      clock.advance(1);
      expect(result.tags).toBe(1);
      const after = await server!.fetch('/items/1');
      expect(after.headers.get('cache-status')).toMatch(STORED);
      expect(await after.json()).toEqual({ id: '1', calls: 3 });
      expect(calls()).toBe(3);
    });

    it('invalidates the URL after a successful write through a route carrying rc.policy()', async () => {
      const { rc, clock, calls } = await start();
      await server!.fetch('/items/1');
      expect((await server!.fetch('/items/1')).headers.get('cache-status')).toMatch(/hit/);
      clock.advance(1);
      expect((await server!.fetch('/items/1', { method: 'PUT' })).status).toBe(204);
      clock.advance(1);
      expect((await server!.fetch('/items/1')).headers.get('cache-status')).toMatch(STORED);
      expect(calls()).toBe(2);
      expect(rc.stats().routes['PUT /items/:id']).toMatchObject({ bypass: 1 });
    });

    it('counts hits, misses and stored entries per route in rc.stats()', async () => {
      const { rc } = await start();
      await server!.fetch('/items/1');
      await server!.fetch('/items/1');
      await server!.fetch('/items/1', { method: 'HEAD' });
      const stats = rc.stats();
      expect(stats).toMatchObject({ hits: 2, misses: 1, stored: 1 });
      expect(stats.routes['GET /items/:id']).toMatchObject({ hits: 2, misses: 1, stored: 1 });
    });

    it('keys routers mounted on several paths by their full URL', async () => {
      const rc = routeCache();
      const app = express();
      const router = express.Router();
      router.get('/item', rc.policy({ maxAge: 60 }), (req, res) => res.send(`from ${req.baseUrl}`));
      app.use('/a', router);
      app.use('/b', router);
      server = await listen(app);
      expect(await (await server.fetch('/a/item')).text()).toBe('from /a');
      expect(await (await server.fetch('/b/item')).text()).toBe('from /b');
      const hit = await server.fetch('/b/item');
      expect(hit.headers.get('cache-status')).toMatch(/hit/);
      expect(await hit.text()).toBe('from /b');
      expect(Object.keys(rc.stats().routes)).toEqual(expect.arrayContaining(['GET /a/item', 'GET /b/item']));
    });
  });

  describe('options', () => {
    it('throws a PolicyError naming the field when rc.policy() gets an invalid policy', () => {
      const rc = routeCache();
      expect(() => rc.policy({ scope: 'private', sMaxAge: 5 })).toThrow(PolicyError);
      expect(() => rc.policy({ scope: 'private', sMaxAge: 5 })).toThrow(
        expect.objectContaining({ field: 'sMaxAge' }),
      );
    });

    it('throws a PolicyError naming the route and the field for an invalid routes entry', () => {
      expect(() => routeCache({ routes: { 'GET /x': { maxAge: -1 } } })).toThrow(
        expect.objectContaining({ field: 'routes["GET /x"].maxAge' }),
      );
      expect(() => routeCache({ routes: { 'POST /x': {} } })).toThrow(
        expect.objectContaining({ field: 'routes["POST /x"]' }),
      );
      expect(() => routeCache({ routes: { 'HEAD /x': {} } })).toThrow(
        expect.objectContaining({ field: 'routes["HEAD /x"]' }),
      );
      expect(() => routeCache({ routes: { x: {} } })).toThrow(
        expect.objectContaining({ field: 'routes["x"]' }),
      );
      expect(() => routeCache({ routes: { 'GET /x/(': {} } })).toThrow(
        expect.objectContaining({ field: 'routes["GET /x/("]' }),
      );
    });

    it('throws for unknown cache options and for cache options given with a cache', () => {
      expect(() => routeCache({ nope: 1 } as never)).toThrow(PolicyError);
      expect(() => routeCache({ maxBodyBytes: -5 })).toThrow(PolicyError);
      expect(() => routeCache({ cache: createCache(), namespace: 'v2' })).toThrow(
        expect.objectContaining({ field: 'namespace' }),
      );
      expect(() => routeCache({ streamTimeout: -1 })).toThrow(PolicyError);
    });

    it('passes cache options such as cacheStatus to the cache it creates', async () => {
      const named = routeCache({ cacheStatus: 'edge-1' });
      const silent = routeCache({ cacheStatus: false });
      const app = express();
      app.get('/named', named.policy({ maxAge: 60 }), (_req, res) => res.send('n'));
      app.get('/silent', silent.policy({ maxAge: 60 }), (_req, res) => res.send('s'));
      server = await listen(app);
      expect((await server.fetch('/named')).headers.get('cache-status')).toMatch(/^edge-1; fwd=miss/);
      const quiet = await server.fetch('/silent');
      expect(quiet.headers.get('cache-status')).toBeNull();
      expect(quiet.headers.get('cache-control')).toBe('public, max-age=60');
    });

    it('uses and shares a cache passed in, with its own defaults applied over the cache defaults', async () => {
      const cache = createCache({ defaults: { maxAge: 10 } });
      const first = routeCache({ cache });
      const second = routeCache({ cache, defaults: { maxAge: 20 } });
      expect(first.cache).toBe(cache);
      const app = express();
      app.get('/one', first.policy({}), (_req, res) => res.send('one'));
      app.get('/two', second.policy({}), (_req, res) => res.send('two'));
      server = await listen(app);
      expect((await server.fetch('/one')).headers.get('cache-control')).toBe('public, max-age=10');
      expect((await server.fetch('/two')).headers.get('cache-control')).toBe('public, max-age=20');
      expect(second.stats().stored).toBe(2);
    });
  });
});
