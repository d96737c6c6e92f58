import { gunzipSync } from 'node:zlib';
import compression from 'compression';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running, rawRequest } from '../test/harness';
import { routeCache } from './route-cache';

const BODY = JSON.stringify({
  items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `product ${i}` })),
});
const GZIP = { 'accept-encoding': 'gzip' };
const IDENTITY = { 'accept-encoding': 'identity' };

describe.each(EXPRESS_VERSIONS)('routeCache with compression() ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  async function start(order: 'compression first' | 'cache first', maxBodyBytes?: number) {
    const rc = routeCache({ routes: { 'GET /list': { maxAge: 60 } }, maxBodyBytes });
    const app = express();
    let calls = 0;
    if (order === 'compression first') app.use(compression());
    app.use(rc);
    if (order === 'cache first') app.use(compression());
    app.get('/list', (_req, res) => {
      calls++;
      res.type('json').send(BODY);
    });
    server = await listen(app);
    return { calls: () => calls };
  }
  const get = (headers: Record<string, string>) => rawRequest(`${server!.url}/list`, { headers });

  describe('mounted after compression() (the supported order)', () => {
    it('stores the identity body once and compresses each answer for the client that asks', async () => {
      const { calls } = await start('compression first');
      const gzipMiss = await get(GZIP);
      expect(gzipMiss.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzipMiss.body).toString()).toBe(BODY);
      const plainHit = await get(IDENTITY);
      expect(plainHit.headers['cache-status']).toMatch(/hit/);
      expect(plainHit.headers['content-encoding']).toBeUndefined();
      expect(plainHit.body.toString()).toBe(BODY);
      const gzipHit = await get(GZIP);
      expect(gzipHit.headers['cache-status']).toMatch(/hit/);
      expect(gunzipSync(gzipHit.body).toString()).toBe(BODY);
      expect(calls()).toBe(1);
    });

    it('sends one ETag and Vary: Accept-Encoding, and answers 304 to either encoding', async () => {
      await start('compression first');
      const first = await get(GZIP);
      expect(first.headers.vary).toMatch(/accept-encoding/i);
      expect(first.headers.etag).toMatch(/^W\/"[^,]+"$/);
      const hit = await get(IDENTITY);
      expect(hit.headers.vary).toMatch(/accept-encoding/i);
      expect(hit.headers.etag).toBe(first.headers.etag);
      const notModified = await get({ ...GZIP, 'if-none-match': String(first.headers.etag) });
      expect(notModified.status).toBe(304);
      expect(notModified.body.byteLength).toBe(0);
    });
  });

  it('compresses a response streamed through for being over maxBodyBytes', async () => {
    const { calls } = await start('compression first', 1000);
    const gzip = await get(GZIP);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['cache-status']).not.toMatch(/stored/);
    expect(gunzipSync(gzip.body).toString()).toBe(BODY);
    const plain = await get(IDENTITY);
    expect(plain.body.toString()).toBe(BODY);
    expect(calls()).toBe(2);
  });

  describe('mounted before compression()', () => {
    it('never serves a gzip body to a client that did not ask for one: it learns to key by Accept-Encoding', async () => {
      const { calls } = await start('cache first');
      const gzip = await get(GZIP);
      expect(gunzipSync(gzip.body).toString()).toBe(BODY);
      // Vary: Accept-Encoding names a header outside the key: the route's key takes
      // Accept-Encoding from now on, and this first answer is stored under its own variant.
      expect(gzip.headers['cache-status']).toMatch(/fwd=miss.*stored/);
      const plain = await get(IDENTITY);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(BODY);
      expect(plain.headers['cache-status']).toMatch(/stored/);
      const plainHit = await get(IDENTITY);
      expect(plainHit.headers['cache-status']).toMatch(/hit/);
      expect(plainHit.headers['content-encoding']).toBeUndefined();
      expect(plainHit.body.toString()).toBe(BODY);
      const none = await get({});
      expect(none.headers['content-encoding']).toBeUndefined();
      expect(none.body.toString()).toBe(BODY);
      const gzipHit = await get(GZIP);
      expect(gzipHit.headers['cache-status']).toMatch(/hit/);
      expect(gunzipSync(gzipHit.body).toString()).toBe(BODY);
      expect(calls()).toBe(3); // gzip, identity, none
    });

    it('sends a single ETag and Vary: Accept-Encoding', async () => {
      await start('cache first');
      const gzip = await get(GZIP);
      expect(gzip.headers.etag).toMatch(/^W\/"[^,]+"$/);
      expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    });
  });
});
