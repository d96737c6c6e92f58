/**
 * The behaviour suite every adapter and runtime runs: each case is a sequence of requests with
 * the statuses, headers and bodies expected, written once and driven by a `fetch`-like function
 * (Hono's `app.request`, a real `fetch` over HTTP to Express, NestJS or @hono/node-server, Bun,
 * Deno, or miniflare's `dispatchFetch` into workerd). A difference between adapters is a failing
 * case, never an exception per adapter.
 *
 * This file imports types only (no `node:` module, no vitest), so an edge fixture can import it:
 * the driver is `behaviour-suite.ts`.
 *
 * Every fixture app implements the routes below on a cache with a manual clock
 * (`maxBodyBytes: BEHAVIOUR_MAX_BODY_BYTES`). `n` is the number of runs of the handler for the
 * request's path, counted per path from 1.
 *
 * Routes table (`BEHAVIOUR_ROUTES`, the adapter's `routes` option; Nest has none and puts these policies on the handlers):
 * - `'GET /api/products/:id'`: `{ maxAge: 60, tags: ['products', 'product:<id>'], vary: ['accept-language'] }`.
 *   GET answers JSON `{"id":"<id>","run":n}`; POST answers text `updated <id>` (unsafe: invalidates the URL).
 * - `'/table/:name'` (the bare form of a key): `{ maxAge: 20, tags: ['table'] }`; text `table run n`.
 * - `'/precedence'`: `{ maxAge: 10 }`; the route has its own policy
 *   `{ maxAge: 99, tags: ['own'] }`, which wins (Nest: the method's `@CachePolicy()` over the controller's
 *   `{ maxAge: 10 }`). Text `precedence run n`.
 *
 * Per-route policies (`rc.policy()`, `@CachePolicy()`):
 * - `/text/:name` `{ maxAge: 30, tags: ['text'] }`: text `text run n`.
 * - `/head/:name` `{ maxAge: 30 }`: text `head run n`.
 * - `/stable` `{ maxAge: 30, tags: ['stable'] }`: text `stable` (always the same bytes).
 * - `/html` `{ maxAge: 30 }`: `text/html` `<p>html run n</p>`.
 * - `/utf8` `{ maxAge: 30 }`: text `café ☕ run n`.
 * - `/bytes` `{ maxAge: 30 }`: `application/octet-stream` bytes `[0, 255, n]`.
 * - `/cookie` `{ maxAge: 30 }`: sets `Set-Cookie: session=abc; HttpOnly`, text `cookie run n`.
 * - `/vary-star` `{ maxAge: 30 }`: sets `Vary: *`, text `vary run n`.
 * - `/validators` `{ maxAge: 30 }`: text `inm=<If-None-Match or -> ims=<If-Modified-Since or -> run n`
 *   as the handler sees them.
 * - `/headers-only` `{ maxAge: 30, ttl: 0 }`: text `headers-only run n`.
 * - `/no-store-policy` `{ scope: 'no-store' }`: text `no-store run n`.
 * - `/own-no-store` `{ maxAge: 30 }`: sets its own `Cache-Control: no-store`, text `own run n`.
 * - `/status/:code` `{ maxAge: 30 }`: answers status `<code>` with `status <code> run n` in its
 *   body (Nest: `throw new HttpException(<that text>, code)`).
 * - `/negative` `{ maxAge: 30, negativeTtl: 30 }`: the same as `/status/404` with `negative run n`.
 * - `/private` `{ scope: 'private', maxAge: 30, identify: the x-user header }`: text
 *   `private run n for <x-user or nobody>`.
 * - `/reflect-host` `{ maxAge: 30 }`: text `host=<x-forwarded-host or -> run n`.
 * - `/query` `{ maxAge: 30 }`: JSON `{ url, query, utm, run: n }`: the URL, the query object and
 *   the `utm_source` parameter (or `null`) as the handler sees them.
 * - `/large` `{ maxAge: 30 }`: text `large run <n padded to 3 digits> ` and `l` × 1986 (2000
 *   bytes, over `maxBodyBytes`), answered in one piece (Hono: `c.text()`).
 * - `/big-stream` `{ maxAge: 30 }`: streams 4 chunks of 512 bytes, each `<n padded to 3 digits>`
 *   and `x` × 509 (twice `maxBodyBytes`).
 * - `/override` `{ maxAge: 30, tags: ['override'] }`: the handler overrides its response's policy
 *   with `setResponsePolicy(<res, c or Nest's @Res()>, { scope: 'private', maxAge: 5 })`; text
 *   `override run n`.
 * - `/override-stream`: the same policy and override, streaming the 4 chunks of `/big-stream`.
 * - `/sse` `{ maxAge: 30 }`: an endless `text/event-stream`: `data: first`, then a tick every 25 ms
 *   (at most 200). (Nest: `@Sse()`.)
 * - `/swr` `{ maxAge: 10, staleWhileRevalidate: 60 }`: text `swr run n`.
 * - `/sie` `{ maxAge: 10, staleIfError: 60 }`: text `sie run 1` on its first run; it throws after.
 * - `/stampede` `{ maxAge: 30 }`: text `stampede run n`, once 5 requests to it have arrived (counted
 *   by a middleware before the cache: `fixture.arrive()` / `fixture.arrivals()`), so they overlap.
 * - `/options` `{ maxAge: 30 }` on GET (text `options run n`) and on OPTIONS, which answers
 *   `204` with `Allow: GET, HEAD, OPTIONS`.
 *
 * Controls (no policy):
 * - `POST /invalidate?tags=a,b&urls=/p,/q`: JSON of `invalidate({ tags, urls })`, the URLs made
 *   absolute with the request's own scheme and host (an absent parameter is not passed).
 * - `POST /__test/advance?ms=`: moves the cache's clock; `POST /__test/settle`: waits for the
 *   cache's background work, answers `settled`; `GET /__test/stats`: JSON of `stats()`.
 */

import type { PolicyInput } from '../packages/core/src/index';

/** The routes table of the fixtures (Nest puts these policies on the handlers). */
export const BEHAVIOUR_ROUTES: {
  readonly 'GET /api/products/:id': PolicyInput;
  readonly '/table/:name': PolicyInput;
  readonly '/precedence': PolicyInput;
} = {
  'GET /api/products/:id': {
    maxAge: 60,
    tags: (req) => ['products', `product:${req.params.id}`],
    vary: ['accept-language'],
  },
  '/table/:name': { maxAge: 20, tags: ['table'] },
  '/precedence': { maxAge: 10 },
};

/** Largest body the fixtures' caches store, bytes (small, so stream tests stay small). */
export const BEHAVIOUR_MAX_BODY_BYTES = 1024;

/** What a step saw; later steps may build headers from earlier ones. */
export interface Seen {
  status: number;
  headers: Headers;
  /** The body as UTF-8 text. */
  body: string;
  bytes: Uint8Array;
}

/** A header expectation: exact value, pattern, `null` for "absent", `true` for "present". */
export type HeaderExpectation = string | RegExp | null | true;

/** Counters of one route in `stats().routes`. */
export type RouteCounts = Partial<
  Record<'hits' | 'misses' | 'stale' | 'coalesced' | 'bypass' | 'stored' | 'notModified', number>
>;

export interface Step {
  /** Default `GET`. */
  method?: string;
  path: string;
  headers?: Record<string, string> | ((history: Seen[]) => Record<string, string>);
  /** `'first-chunk'` reads one chunk, then cancels (endless streams). Default `'full'`. */
  read?: 'full' | 'first-chunk';
  /** Sends this many copies of the request at once; each must meet the expectations. Default 1. */
  concurrent?: number;
  status: number;
  expectHeaders?: Record<string, HeaderExpectation | ((history: Seen[]) => HeaderExpectation)>;
  body?: string | RegExp | ((history: Seen[]) => string);
  /** Expected body length in bytes. */
  bodyLength?: number;
  /** For `GET /__test/stats`: counters expected of routes (by label), and labels that must be absent. */
  stats?: { routes?: Record<string, RouteCounts>; absent?: string[] };
}

export interface BehaviourCase {
  name: string;
  steps: Step[];
}

const advance = (ms: number): Step => ({ method: 'POST', path: `/__test/advance?ms=${ms}`, status: 200 });
const settle: Step = { method: 'POST', path: '/__test/settle', status: 200, body: 'settled' };
const stats = (expected: NonNullable<Step['stats']>): Step => ({
  path: '/__test/stats',
  status: 200,
  stats: expected,
});
const miss = /fwd=miss/;
const hit = /routecache; hit/;
const notHit = /^(?!.*routecache; hit)/;
/** The length of the body seen at step `index`, as a Content-Length value. */
const lengthOf =
  (index: number) =>
  (history: Seen[]): HeaderExpectation =>
    String(history[index]!.bytes.byteLength);
/** The header `name` of the step `index` of this case. */
const sameAs =
  (index: number, name: string) =>
  (history: Seen[]): HeaderExpectation =>
    history[index]!.headers.get(name);

export const BEHAVIOUR_CASES: BehaviourCase[] = [
  {
    name: 'answers a miss from the handler, then a hit with Age and Cache-Status',
    steps: [
      {
        path: '/api/products/1',
        status: 200,
        body: '{"id":"1","run":1}',
        expectHeaders: { 'cache-status': miss, 'content-type': /application\/json/ },
      },
      advance(5000),
      {
        path: '/api/products/1',
        status: 200,
        body: '{"id":"1","run":1}',
        expectHeaders: { 'cache-status': hit, age: '5', 'content-type': /application\/json/ },
      },
    ],
  },
  {
    name: 'answers 304 without a body when If-None-Match matches the stored ETag',
    steps: [
      { path: '/api/products/2', status: 200, expectHeaders: { etag: true } },
      {
        path: '/api/products/2',
        // A browser revalidating sends max-age=0; without a Cache-Control of its own, fetch()
        // adds `no-cache` to conditional requests (Fetch standard), which rules out a 304.
        headers: (h) => ({ 'if-none-match': h[0]!.headers.get('etag')!, 'cache-control': 'max-age=0' }),
        status: 304,
        body: '',
        expectHeaders: { etag: true, 'cache-control': /max-age=60/ },
      },
      {
        path: '/api/products/2',
        headers: { 'if-none-match': '"something-else"' },
        status: 200,
        body: '{"id":"2","run":1}',
      },
    ],
  },
  {
    name: 'drops entries by tag when the app calls rc.invalidate()',
    steps: [
      { path: '/api/products/3', status: 200, body: '{"id":"3","run":1}' },
      { path: '/api/products/30', status: 200, body: '{"id":"30","run":1}' },
      {
        path: '/api/products/3',
        status: 200,
        body: '{"id":"3","run":1}',
        expectHeaders: { 'cache-status': hit },
      },
      { method: 'POST', path: '/invalidate?tags=product:3', status: 200, body: /"tags":1/ },
      {
        path: '/api/products/3',
        status: 200,
        body: '{"id":"3","run":2}',
        expectHeaders: { 'cache-status': miss },
      },
      {
        path: '/api/products/30',
        status: 200,
        body: '{"id":"30","run":1}',
        expectHeaders: { 'cache-status': hit },
      },
    ],
  },
  {
    name: 'reaches the entries of a tag a header cannot carry as is (product:café crème) by the same string',
    steps: [
      { path: '/api/products/caf%C3%A9%20cr%C3%A8me', status: 200, body: '{"id":"café crème","run":1}' },
      {
        path: '/api/products/caf%C3%A9%20cr%C3%A8me',
        status: 200,
        body: '{"id":"café crème","run":1}',
        expectHeaders: { 'cache-status': hit },
      },
      {
        method: 'POST',
        path: '/invalidate?tags=product%3Acaf%C3%A9%20cr%C3%A8me',
        status: 200,
        body: /"tags":1/,
      },
      advance(1000),
      {
        path: '/api/products/caf%C3%A9%20cr%C3%A8me',
        status: 200,
        body: '{"id":"café crème","run":2}',
        expectHeaders: { 'cache-status': miss },
      },
    ],
  },
  {
    name: 'sends Cache-Control, Surrogate-Key and Vary from the policy',
    steps: [
      {
        path: '/api/products/4',
        status: 200,
        expectHeaders: {
          'cache-control': /(^|[ ,])max-age=60/,
          'surrogate-key': 'products product:4',
          vary: /accept-language/i,
        },
      },
      {
        path: '/api/products/4',
        status: 200,
        expectHeaders: {
          'cache-control': /max-age=60/,
          'surrogate-key': 'products product:4',
          vary: /accept-language/i,
        },
      },
    ],
  },
  {
    name: 'keys by the Vary headers of the policy',
    steps: [
      {
        path: '/api/products/5',
        headers: { 'accept-language': 'en' },
        status: 200,
        body: '{"id":"5","run":1}',
      },
      {
        path: '/api/products/5',
        headers: { 'accept-language': 'fr' },
        status: 200,
        body: '{"id":"5","run":2}',
      },
      {
        path: '/api/products/5',
        headers: { 'accept-language': 'en' },
        status: 200,
        body: '{"id":"5","run":1}',
      },
    ],
  },
  {
    name: 'bypasses the shared cache for requests with Authorization',
    steps: [
      {
        path: '/text/auth',
        headers: { authorization: 'Bearer a' },
        status: 200,
        body: 'text run 1',
        expectHeaders: { 'cache-status': /fwd=request; detail=authorization/, 'cache-control': /^private/ },
      },
      { path: '/text/auth', headers: { authorization: 'Bearer b' }, status: 200, body: 'text run 2' },
      // Nothing from the authorised runs was stored for everyone else.
      { path: '/text/auth', status: 200, body: 'text run 3', expectHeaders: { 'cache-status': miss } },
      { path: '/text/auth', status: 200, body: 'text run 3', expectHeaders: { 'cache-status': hit } },
      { path: '/text/auth', headers: { authorization: 'Bearer c' }, status: 200, body: 'text run 4' },
    ],
  },
  {
    // Small ASCII bodies are sent as strings on Node (one write with the head): a non-ASCII
    // body must still go out as its exact bytes.
    name: 'sends a non-ASCII body byte for byte on a hit',
    steps: [
      {
        path: '/utf8',
        status: 200,
        body: 'caf\u00e9 \u2615 run 1',
        expectHeaders: { 'cache-status': miss },
      },
      {
        path: '/utf8',
        status: 200,
        body: 'caf\u00e9 \u2615 run 1',
        expectHeaders: { 'cache-status': hit },
      },
    ],
  },
  {
    name: 'never stores a response with Set-Cookie',
    steps: [
      { path: '/cookie', status: 200, body: 'cookie run 1', expectHeaders: { 'set-cookie': /session=abc/ } },
      { path: '/cookie', status: 200, body: 'cookie run 2', expectHeaders: { 'cache-status': notHit } },
    ],
  },
  {
    name: 'never stores a response with Vary: *',
    steps: [
      { path: '/vary-star', status: 200, body: 'vary run 1' },
      { path: '/vary-star', status: 200, body: 'vary run 2', expectHeaders: { 'cache-status': notHit } },
    ],
  },
  {
    name: 'keys X-Forwarded-Host, so a forged host never reaches a clean request',
    steps: [
      {
        path: '/reflect-host',
        headers: { 'x-forwarded-host': 'evil.example' },
        status: 200,
        body: 'host=evil.example run 1',
      },
      {
        path: '/reflect-host',
        status: 200,
        body: 'host=- run 2',
        expectHeaders: { 'cache-status': miss },
      },
      {
        path: '/reflect-host',
        headers: { 'x-forwarded-host': 'EVIL.example' },
        status: 200,
        body: 'host=evil.example run 1',
        expectHeaders: { 'cache-status': hit },
      },
    ],
  },
  {
    name: 'hides query parameters dropped from the key from the handler',
    steps: [
      {
        path: '/query?b=2&utm_source=mail&a=1',
        status: 200,
        body: /"query":\{"(a":"1","b":"2|b":"2","a":"1)"\},"utm":null,"run":1/,
      },
      { path: '/query?b=2&utm_source=mail&a=1', status: 200, body: /^(?!.*utm_source)/ },
      {
        path: '/query?a=1&b=2&utm_campaign=x',
        status: 200,
        body: /"run":1/,
        expectHeaders: { 'cache-status': hit },
      },
    ],
  },
  {
    name: 'caches text, HTML and byte answers with their content types',
    steps: [
      {
        path: '/text/plain',
        status: 200,
        body: 'text run 1',
        expectHeaders: { 'content-type': /text\/plain/ },
      },
      {
        path: '/text/plain',
        status: 200,
        body: 'text run 1',
        expectHeaders: { 'content-type': /text\/plain/, 'cache-status': hit },
      },
      {
        path: '/html',
        status: 200,
        body: '<p>html run 1</p>',
        expectHeaders: { 'content-type': /text\/html/ },
      },
      { path: '/html', status: 200, body: '<p>html run 1</p>', expectHeaders: { 'cache-status': hit } },
      {
        path: '/bytes',
        status: 200,
        bodyLength: 3,
        expectHeaders: { 'content-type': 'application/octet-stream' },
      },
      { path: '/bytes', status: 200, bodyLength: 3, expectHeaders: { 'cache-status': hit } },
    ],
  },
  {
    name: 'passes a stream over maxBodyBytes through whole, with the policy headers, without storing it',
    steps: [
      {
        path: '/big-stream',
        status: 200,
        bodyLength: 2048,
        body: /^001x{509}001x{509}001x{509}001x{509}$/,
        expectHeaders: { 'cache-control': /max-age=30/ },
      },
      {
        path: '/big-stream',
        status: 200,
        bodyLength: 2048,
        body: /^002/,
        expectHeaders: { 'cache-status': notHit },
      },
    ],
  },
  {
    name: "applies a handler's per-response override: private, its own max-age, no tags, not stored",
    steps: [
      {
        path: '/override',
        status: 200,
        body: 'override run 1',
        expectHeaders: { 'cache-control': 'private, max-age=5', 'surrogate-key': null },
      },
      { path: '/override', status: 200, body: 'override run 2', expectHeaders: { 'cache-status': notHit } },
    ],
  },
  {
    name: "gives a streamed-through response the head of the handler's override, as a buffered one",
    steps: [
      {
        path: '/override-stream',
        status: 200,
        bodyLength: 2048,
        body: /^001x{509}/,
        expectHeaders: { 'cache-control': 'private, max-age=5', 'surrogate-key': null },
      },
    ],
  },
  {
    name: 'passes an endless event stream through as it is written',
    steps: [
      {
        path: '/sse',
        read: 'first-chunk',
        status: 200,
        body: /data: first/,
        expectHeaders: { 'content-type': /text\/event-stream/ },
      },
    ],
  },
  {
    name: 'answers HEAD from the GET entry without a body, with the GET head (RFC 9110 §9.3.2, §8.6)',
    steps: [
      // In-process (`app.request`) a GET has no Content-Length; over HTTP it is 10.
      { path: '/head/hit', status: 200, body: 'head run 1', expectHeaders: { 'content-length': /^(10)?$/ } },
      {
        method: 'HEAD',
        path: '/head/hit',
        status: 200,
        body: '',
        expectHeaders: {
          'cache-status': hit,
          'content-length': lengthOf(0),
          etag: sameAs(0, 'etag'),
          'content-type': sameAs(0, 'content-type'),
          'cache-control': sameAs(0, 'cache-control'),
        },
      },
      stats({ routes: { 'GET /head/:name': { hits: 1, misses: 1 } }, absent: ['HEAD /head/:name'] }),
    ],
  },
  {
    name: 'answers a HEAD miss with the Content-Length of the GET, and never stores an empty body',
    steps: [
      {
        method: 'HEAD',
        path: '/head/miss',
        status: 200,
        body: '',
        expectHeaders: { 'cache-status': miss, 'content-length': '10' },
      },
      {
        path: '/head/miss',
        status: 200,
        body: /^head run [12]$/,
        expectHeaders: { 'content-length': /^(10)?$/ },
      },
      {
        path: '/head/miss',
        status: 200,
        body: (h) => h[1]!.body,
        expectHeaders: { 'cache-status': hit, 'content-length': sameAs(1, 'content-length') },
      },
      {
        method: 'HEAD',
        path: '/head/miss',
        status: 200,
        body: '',
        expectHeaders: { 'cache-status': hit, 'content-length': '10', etag: sameAs(1, 'etag') },
      },
    ],
  },
  {
    name: 'passes OPTIONS through to the handler without counting it',
    steps: [
      { path: '/options', status: 200, body: 'options run 1' },
      {
        method: 'OPTIONS',
        path: '/options',
        status: 204,
        body: '',
        expectHeaders: { allow: /GET, HEAD, OPTIONS/, 'cache-status': null, 'cache-control': null },
      },
      { path: '/options', status: 200, body: 'options run 1', expectHeaders: { 'cache-status': hit } },
      stats({
        routes: { 'GET /options': { hits: 1, misses: 1, bypass: 0 } },
        absent: ['OPTIONS /options'],
      }),
    ],
  },
  {
    name: 'serves a bare-path routes table entry as its GET route, HEAD included, under one label',
    steps: [
      {
        path: '/table/a',
        status: 200,
        body: 'table run 1',
        expectHeaders: { 'cache-control': /max-age=20/, 'surrogate-key': 'table', 'cache-status': miss },
      },
      { method: 'HEAD', path: '/table/a', status: 200, body: '', expectHeaders: { 'cache-status': hit } },
      { path: '/table/a', status: 200, body: 'table run 1', expectHeaders: { 'cache-status': hit } },
      stats({ routes: { 'GET /table/:name': { misses: 1, hits: 2 } }, absent: ['HEAD /table/:name'] }),
    ],
  },
  {
    name: "lets a route's own policy win over the routes table",
    steps: [
      {
        path: '/precedence',
        status: 200,
        body: 'precedence run 1',
        expectHeaders: { 'cache-control': /max-age=99/, 'surrogate-key': 'own', 'cache-status': miss },
      },
      advance(20_000),
      // Past the table's 10 s: still fresh under the route's 99 s.
      {
        path: '/precedence',
        status: 200,
        body: 'precedence run 1',
        expectHeaders: { 'cache-control': /max-age=99/, 'cache-status': hit, age: '20' },
      },
      { method: 'POST', path: '/invalidate?tags=own', status: 200, body: /"tags":1/ },
      { path: '/precedence', status: 200, body: 'precedence run 2', expectHeaders: { 'cache-status': miss } },
    ],
  },
  {
    name: 'answers 304 on a miss when the fresh answer has the ETag the client holds',
    steps: [
      { path: '/stable', status: 200, body: 'stable', expectHeaders: { etag: true } },
      { method: 'POST', path: '/invalidate?tags=stable', status: 200, body: /"tags":1/ },
      // A run that starts at the instant of an invalidation could predate it: it is not stored.
      advance(1000),
      {
        path: '/stable',
        headers: (h) => ({ 'if-none-match': h[0]!.headers.get('etag')!, 'cache-control': 'max-age=0' }),
        status: 304,
        body: '',
        expectHeaders: { 'cache-status': miss, etag: sameAs(0, 'etag'), 'cache-control': /max-age=30/ },
      },
      // The miss stored the entry: a weak match of a list on the hit answers 304 again.
      {
        path: '/stable',
        headers: (h) => ({
          'if-none-match': `"nope", W/${h[0]!.headers.get('etag')!.replace(/^W\//, '')}`,
          'cache-control': 'max-age=0',
        }),
        status: 304,
        body: '',
        expectHeaders: { 'cache-status': hit, etag: sameAs(0, 'etag') },
      },
    ],
  },
  {
    name: "gives a HEAD miss, a GET miss, a GET hit and a HEAD hit the cache's same ETag (RFC 9110 §8.8.3, §9.3.2)",
    steps: [
      { method: 'POST', path: '/invalidate?tags=stable', status: 200 },
      advance(1000),
      {
        method: 'HEAD',
        path: '/stable',
        status: 200,
        body: '',
        expectHeaders: { 'cache-status': miss, etag: /^W\/"6-/, 'content-length': '6' },
      },
      {
        path: '/stable',
        status: 200,
        body: 'stable',
        expectHeaders: { 'cache-status': miss, etag: sameAs(2, 'etag') },
      },
      {
        path: '/stable',
        status: 200,
        body: 'stable',
        expectHeaders: { 'cache-status': hit, etag: sameAs(2, 'etag') },
      },
      {
        method: 'HEAD',
        path: '/stable',
        status: 200,
        body: '',
        expectHeaders: { 'cache-status': hit, etag: sameAs(2, 'etag'), 'content-length': '6' },
      },
    ],
  },
  {
    name: 'hides the validators from the handler, which answers in full, and evaluates them itself',
    steps: [
      {
        path: '/validators',
        headers: {
          'if-none-match': '"old"',
          'if-modified-since': 'Tue, 01 Jan 2030 00:00:00 GMT',
          'cache-control': 'max-age=0',
        },
        status: 200,
        body: 'inm=- ims=- run 1',
        expectHeaders: { 'cache-status': miss },
      },
      { path: '/validators', status: 200, body: 'inm=- ims=- run 1', expectHeaders: { 'cache-status': hit } },
    ],
  },
  {
    name: 'stores nothing for a 4xx the policy does not cache, and sends it with no-store',
    steps: [
      {
        path: '/status/404',
        status: 404,
        body: /status 404 run 1/,
        expectHeaders: { 'cache-control': 'no-store', 'surrogate-key': null },
      },
      {
        path: '/status/404',
        status: 404,
        body: /status 404 run 2/,
        expectHeaders: { 'cache-status': notHit },
      },
      { path: '/status/500', status: 500, expectHeaders: { 'cache-control': 'no-store' } },
      {
        path: '/status/203',
        status: 203,
        body: /status 203 run 1/,
        expectHeaders: { 'cache-control': /max-age=30/ },
      },
      { path: '/status/203', status: 203, body: /status 203 run 1/, expectHeaders: { 'cache-status': hit } },
    ],
  },
  {
    name: 'stores a 404 for negativeTtl',
    steps: [
      { path: '/negative', status: 404, body: /negative run 1/, expectHeaders: { 'cache-status': miss } },
      { path: '/negative', status: 404, body: /negative run 1/, expectHeaders: { 'cache-status': hit } },
    ],
  },
  {
    name: 'never stores an answer whose handler set its own Cache-Control: no-store, and keeps that header',
    steps: [
      {
        path: '/own-no-store',
        status: 200,
        body: 'own run 1',
        expectHeaders: { 'cache-control': 'no-store' },
      },
      { path: '/own-no-store', status: 200, body: 'own run 2', expectHeaders: { 'cache-status': notHit } },
    ],
  },
  {
    name: 'keeps private entries per identity and stores nothing without one',
    steps: [
      {
        path: '/private',
        headers: { 'x-user': 'ann' },
        status: 200,
        body: 'private run 1 for ann',
        expectHeaders: { 'cache-control': /^private/, 'surrogate-key': null },
      },
      {
        path: '/private',
        headers: { 'x-user': 'ann' },
        status: 200,
        body: 'private run 1 for ann',
        expectHeaders: { 'cache-status': hit, 'cache-control': /^private/ },
      },
      { path: '/private', headers: { 'x-user': 'bob' }, status: 200, body: 'private run 2 for bob' },
      {
        path: '/private',
        status: 200,
        body: 'private run 3 for nobody',
        expectHeaders: { 'cache-status': /fwd=bypass; detail=no-identity/ },
      },
      {
        path: '/private',
        status: 200,
        body: 'private run 4 for nobody',
        expectHeaders: { 'cache-status': notHit },
      },
    ],
  },
  {
    name: 'serves a stale entry within stale-if-error when the handler fails',
    steps: [
      { path: '/sie', status: 200, body: 'sie run 1' },
      advance(15_000),
      {
        path: '/sie',
        status: 200,
        body: 'sie run 1',
        expectHeaders: { 'cache-control': /stale-if-error=60/ },
      },
      advance(120_000),
      { path: '/sie', status: 500, expectHeaders: { 'cache-control': 'no-store' } },
    ],
  },
  {
    name: 'runs the handler once for concurrent misses of one key',
    steps: [
      { path: '/stampede', concurrent: 5, status: 200, body: 'stampede run 1' },
      stats({ routes: { 'GET /stampede': { misses: 1, coalesced: 4 } } }),
    ],
  },
  {
    name: 'invalidates the entries of a URL by invalidate({ urls })',
    steps: [
      { path: '/text/by-url', status: 200, body: 'text run 1' },
      { path: '/text/by-url-other', status: 200, body: 'text run 1' },
      { method: 'POST', path: '/invalidate?urls=/text/by-url', status: 200 },
      { path: '/text/by-url', status: 200, body: 'text run 2', expectHeaders: { 'cache-status': miss } },
      { path: '/text/by-url-other', status: 200, body: 'text run 1', expectHeaders: { 'cache-status': hit } },
    ],
  },
  {
    name: 'invalidates the stored GET of a URL after a successful unsafe request to it (RFC 9111 §4.4)',
    steps: [
      { path: '/api/products/7', status: 200, body: '{"id":"7","run":1}' },
      {
        path: '/api/products/7',
        status: 200,
        body: '{"id":"7","run":1}',
        expectHeaders: { 'cache-status': hit },
      },
      {
        method: 'POST',
        path: '/api/products/7',
        status: 200,
        body: 'updated 7',
        expectHeaders: { 'cache-status': notHit, age: null },
      },
      {
        path: '/api/products/7',
        status: 200,
        body: '{"id":"7","run":2}',
        expectHeaders: { 'cache-status': miss },
      },
      stats({ routes: { 'POST /api/products/:id': { hits: 0, stored: 0 } } }),
    ],
  },
  {
    name: 'sends the policy headers of a headers-only route (ttl 0) and stores nothing',
    steps: [
      {
        path: '/headers-only',
        status: 200,
        body: 'headers-only run 1',
        expectHeaders: { 'cache-control': /max-age=30/, 'cache-status': /fwd=bypass; detail=headers-only/ },
      },
      { path: '/headers-only', status: 200, body: 'headers-only run 2' },
    ],
  },
  {
    name: 'sends no-store for a no-store policy and stores nothing',
    steps: [
      {
        path: '/no-store-policy',
        status: 200,
        body: 'no-store run 1',
        expectHeaders: { 'cache-control': 'no-store', 'cache-status': /fwd=bypass; detail=no-store/ },
      },
      { path: '/no-store-policy', status: 200, body: 'no-store run 2' },
      stats({ routes: { 'GET /no-store-policy': { bypass: 2, stored: 0 } } }),
    ],
  },
  {
    name: 'counts a route under its GET label, HEAD included, and a bypass under it',
    steps: [
      { path: '/text/labels', status: 200 },
      { method: 'HEAD', path: '/text/labels', status: 200 },
      { path: '/text/labels', headers: { authorization: 'Bearer x' }, status: 200 },
      stats({ absent: ['HEAD /text/:name'] }),
    ],
  },
  {
    name: 'serves a stale entry within stale-while-revalidate and refreshes it in the background',
    steps: [
      { path: '/swr', status: 200, body: 'swr run 1' },
      advance(15_000),
      { path: '/swr', status: 200, body: 'swr run 1' },
      settle,
      { path: '/swr', status: 200, body: 'swr run 2', expectHeaders: { 'cache-status': hit } },
    ],
  },
];
