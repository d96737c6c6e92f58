/**
 * The behaviour suite every runtime runs: each case is a sequence of requests with the
 * statuses, headers and bodies expected, written once and driven by a `fetch`-like function
 * (`app.request`, a real `fetch` over HTTP, or miniflare's `dispatchFetch` into workerd).
 */

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

export interface Step {
  /** Default `GET`. */
  method?: string;
  path: string;
  headers?: Record<string, string> | ((history: Seen[]) => Record<string, string>);
  /** `'first-chunk'` reads one chunk, then cancels (endless streams). Default `'full'`. */
  read?: 'full' | 'first-chunk';
  status: number;
  expectHeaders?: Record<string, HeaderExpectation>;
  body?: string | RegExp | ((history: Seen[]) => string);
  /** Expected body length in bytes. */
  bodyLength?: number;
}

export interface BehaviourCase {
  name: string;
  steps: Step[];
}

const advance = (ms: number): Step => ({ method: 'POST', path: `/__test/advance?ms=${ms}`, status: 200 });
const settle: Step = { method: 'POST', path: '/__test/settle', status: 200, body: 'settled' };
const miss = /fwd=miss/;
const hit = /routecache; hit/;
const notHit = /^(?!.*routecache; hit)/;

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
      { path: '/text/auth', headers: { authorization: 'Bearer a' }, status: 200, body: 'text run 1' },
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
    name: 'caches c.text, c.html and c.body answers with their content types',
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
    name: 'answers HEAD from the GET entry without a body',
    steps: [
      { path: '/text/head', status: 200, body: 'text run 1' },
      { method: 'HEAD', path: '/text/head', status: 200, body: '', expectHeaders: { 'cache-status': hit } },
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
