import { describe, expect, it } from 'vitest';
import type { FetchLike } from './behaviour-suite';

/**
 * Routes of the behaviour fixtures (`behaviour-cases.ts`) whose cached answer must be what the
 * same route sends with no cache in front of it. Not yet the `c.text()` routes on Hono: the
 * adapter reads `c.res` before the handler runs, so Hono sends its explicit
 * `text/plain; charset=UTF-8` where the route alone sends the runtime's `text/plain;charset=UTF-8`.
 */
export const FIDELITY_PATHS: readonly string[] = ['/api/products/fidelity', '/html', '/bytes', '/status/203'];

/**
 * The headers a cache adds or replaces on what it serves (policy and freshness headers,
 * `Cache-Status`, its own validator) and those that differ per response anyway (`Date`, the
 * connection's): every other header must be the same, value for value.
 */
const CACHE_OWN_HEADERS = new Set([
  'age',
  'cache-control',
  'cache-status',
  'cdn-cache-control',
  'surrogate-control',
  'surrogate-key',
  'cache-tag',
  'etag',
  'expires',
  'vary',
  'date',
  'connection',
  'keep-alive',
]);

interface Answer {
  status: number;
  headers: Record<string, string>;
  bytes: number[];
}

async function take(fetchLike: FetchLike, path: string, method: string): Promise<Answer> {
  const res = await fetchLike(new Request(new URL(path, 'http://fixture.test'), { method }));
  const headers: Record<string, string> = {};
  for (const [name, value] of res.headers) if (!CACHE_OWN_HEADERS.has(name)) headers[name] = value;
  // A HEAD answer from the cache carries the GET's Content-Length (architecture.md, behaviour 1;
  // RFC 9110 §9.3.2), which a framework alone may omit.
  if (method === 'HEAD') delete headers['content-length'];
  return { status: res.status, headers, bytes: [...new Uint8Array(await res.arrayBuffer())] };
}

/**
 * For each of `FIDELITY_PATHS`: the cached route's HEAD miss, GET miss, GET hit and HEAD hit
 * equal the route's answer to the same request without the cache: status, bytes and headers (but
 * the cache's own). `getCached` and `getUncached` are two instances of the same fixture app, with
 * and without the cache; both see the same requests in the same order, so the handler's run
 * count `n` matches.
 */
export function fidelitySuite(
  runtime: string,
  getCached: () => FetchLike,
  getUncached: () => FetchLike,
): void {
  describe(`a cached route answers as the route without the cache, on ${runtime}`, () => {
    for (const path of FIDELITY_PATHS) {
      it(`${path}: HEAD and GET, miss and hit`, async () => {
        const head = await take(getUncached(), path, 'HEAD');
        expect(await take(getCached(), path, 'HEAD'), `HEAD ${path}: the miss`).toEqual(head);
        const get = await take(getUncached(), path, 'GET');
        expect(await take(getCached(), path, 'GET'), `GET ${path}: the miss`).toEqual(get);
        expect(await take(getCached(), path, 'GET'), `GET ${path}: the hit`).toEqual(get);
        expect(await take(getCached(), path, 'HEAD'), `HEAD ${path}: the hit`).toEqual(head);
      });
    }
  });
}
