import { describe, expect, it } from 'vitest';
import type { FetchLike } from './behaviour-suite';

/**
 * Routes of the behaviour fixtures (`behaviour-cases.ts`) whose cached answer must be what the
 * same route sends with no cache in front of it: JSON, text (Hono's `c.text()`, `c.html()`),
 * non-ASCII text, the same bytes on every run, a status other than 200; and a stream over `maxBodyBytes` (passed
 * through, never stored: `FIDELITY_PASS_THROUGH_PATHS`).
 */
export const FIDELITY_PATHS: readonly string[] = [
  '/api/products/fidelity',
  '/text/fidelity',
  '/stable',
  '/utf8',
  '/html',
  '/bytes',
  '/status/203',
];

/** Routes whose answer is over `maxBodyBytes`, passed through unstored (one piece, a stream): each request is a miss. */
export const FIDELITY_PASS_THROUGH_PATHS: readonly string[] = ['/large', '/big-stream'];

/**
 * The headers a cache adds or replaces on what it serves (policy and freshness headers,
 * `Cache-Status`, its own validator: checked apart, by `checkValidators`) and those that differ
 * per response anyway (`Date`, the connection's): every other header must be the same, value for
 * value, framing (`Content-Length`, `Transfer-Encoding`) included.
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

interface Taken {
  answer: Answer;
  etag: string | null;
}

async function take(fetchLike: FetchLike, path: string, method: string): Promise<Taken> {
  const res = await fetchLike(new Request(new URL(path, 'http://fixture.test'), { method }));
  const headers: Record<string, string> = {};
  for (const [name, value] of res.headers) if (!CACHE_OWN_HEADERS.has(name)) headers[name] = value;
  const answer = { status: res.status, headers, bytes: [...new Uint8Array(await res.arrayBuffer())] };
  return { answer, etag: res.headers.get('etag') };
}

/** How a message is framed: never on a HEAD answer's list of the GET's fields. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

/**
 * A HEAD answer next to the GET's (RFC 9110 §9.3.2, §8.6): the cache's carries the GET body's
 * length as `Content-Length` (`check`). What a framework alone sends there is left out of the
 * comparison: Hono leaves it to the runtime, which has no body to count (Node omits it; Bun and
 * Deno send `0`, which §8.6 does not allow).
 */
function withoutHeadLength(head: Answer, check?: { length: number; where: string }): Answer {
  const { 'content-length': length, ...headers } = head.headers;
  if (check) expect(length, `${check.where}: Content-Length`).toBe(String(check.length));
  return { ...head, headers };
}

/**
 * What the cache's HEAD answer must be: the route alone's, plus any field of its GET it left out
 * (§9.3.2: a HEAD carries the GET's header fields; Bun drops the implicit Content-Type of a
 * string body from a HEAD). Framing is not a GET field a HEAD repeats.
 */
function expectedHead(head: Answer, get: Answer): Answer {
  const headers = { ...head.headers };
  for (const [name, value] of Object.entries(get.headers))
    if (!FRAMING.has(name) && headers[name] === undefined) headers[name] = value;
  return { ...head, headers };
}

/**
 * The cache's own validator (RFC 9110 §8.8.3, §9.3.2): the GET hit and the HEAD hit carry the
 * GET miss's ETag, and the HEAD miss carries one whenever the GET does. (That the four are the
 * same when the bytes are is the behaviour case on `/stable`.)
 */
function checkValidators(
  path: string,
  etags: Record<'headMiss' | 'getMiss' | 'getHit' | 'headHit', string | null>,
): void {
  expect(etags.getHit, `GET ${path}: the hit's ETag`).toBe(etags.getMiss);
  expect(etags.headHit, `HEAD ${path}: the hit's ETag`).toBe(etags.getMiss);
  expect(etags.headMiss !== null, `HEAD ${path}: the miss has an ETag as the GET does`).toBe(
    etags.getMiss !== null,
  );
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
        const headMiss = await take(getCached(), path, 'HEAD');
        const get = await take(getUncached(), path, 'GET');
        const getMiss = await take(getCached(), path, 'GET');
        expect(getMiss.answer, `GET ${path}: the miss`).toEqual(get.answer);
        const getHit = await take(getCached(), path, 'GET');
        expect(getHit.answer, `GET ${path}: the hit`).toEqual(get.answer);
        const headHit = await take(getCached(), path, 'HEAD');
        const length = get.answer.bytes.length;
        const alone = withoutHeadLength(expectedHead(head.answer, get.answer));
        expect(
          withoutHeadLength(headMiss.answer, { length, where: `HEAD ${path}: the miss` }),
          `HEAD ${path}: the miss`,
        ).toEqual(alone);
        expect(
          withoutHeadLength(headHit.answer, { length, where: `HEAD ${path}: the hit` }),
          `HEAD ${path}: the hit`,
        ).toEqual(alone);
        checkValidators(path, {
          headMiss: headMiss.etag,
          getMiss: getMiss.etag,
          getHit: getHit.etag,
          headHit: headHit.etag,
        });
      });
    }
    for (const path of FIDELITY_PASS_THROUGH_PATHS) {
      it(`${path}: HEAD and GET, passed through`, async () => {
        const head = await take(getUncached(), path, 'HEAD');
        const headMiss = await take(getCached(), path, 'HEAD');
        const get = await take(getUncached(), path, 'GET');
        expect((await take(getCached(), path, 'GET')).answer, `GET ${path}`).toEqual(get.answer);
        // Streamed through unbuffered, its length is known to neither (so not compared on HEAD).
        expect(withoutHeadLength(headMiss.answer), `HEAD ${path}`).toEqual(
          withoutHeadLength(expectedHead(head.answer, get.answer)),
        );
      });
    }
  });
}
