/**
 * The adversarial suite every adapter runs over real HTTP: web cache poisoning, cache deception
 * and CPDoS attempts, each an attack request followed by a clean request that must get the clean
 * answer (or, for deception, a victim's request followed by the attacker's, which must not get
 * the victim's answer). Requests go through `node:http` with the path sent byte for byte
 * (`fetch` would normalise `%2e%2e` and refuse a body on GET).
 *
 * Every adapter's app implements the same routes and middlewares (`ADVERSARIAL_APP` below says
 * what each does); the cases are written once, here.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { METHOD_OVERRIDE_HEADERS, REFLECTED_HEADERS, REWRITE_HEADERS } from './adversarial-app-spec';

/**
 * What the app under test must do, in this order:
 *
 * 1. Before the cache: CORS for the one allowed origin `https://good.example` (the framework's
 *    own `cors()` where it has one: `Access-Control-Allow-Origin` set before the handler runs);
 *    and when `x-test-rewrite-before` is present, rewrite the request's path to its value
 *    (Express `req.url`, Nest an Express middleware or Fastify's `rewriteUrl`, Hono a new `c.req.raw`).
 * 2. The cache, with the routes below (public routes `maxAge: 60`).
 * 3. After the cache (Express/Hono middleware; Nest an interceptor after routecache's): when
 *    `x-original-url`, `x-rewrite-url` or `x-test-rewrite-after` is present, rewrite the path to
 *    its value; when `x-http-method-override`, `x-http-method` or `x-method-override` is present,
 *    set the method to its value (the way IIS, Symfony and method-override middlewares do).
 *
 * Routes (all GET, HEAD answered by the framework as usual):
 * - `/reflect` public: JSON `{ method, url, headers }` where `url` is the path and query the
 *   handler sees and `headers` every header of `REFLECTED_HEADERS` it received (absent ones left out).
 * - `/page` public: text `page`; `/admin` public: text `admin`. Like most handlers, they answer
 *   what they see: an empty body when the request's method is HEAD, and `<name> at <path>` when
 *   the request's URL (as the handler reads it) has another path than their own.
 * - `/account` private, `identify` = the `x-user` header: text `account of <x-user>`.
 * - `/assets/*` public: text `asset`.
 * - `/body` public: text `body=<the request body as text>`.
 * - `/varied` public: sets `Vary: X-Variant` (a header its policy does not name) and answers
 *   text `variant <x-variant> run <n>`, `n` counting its runs; after a short wait (20 ms), so that
 *   concurrent requests overlap.
 * - `/cpdos` public: 431 when `x-big` is longer than 1000 characters, 400 when `x-bad` is present,
 *   a thrown error (500) when `x-crash` is present; else text `cpdos ok`.
 */
export const ADVERSARIAL_APP = 'see the comment above';

export { METHOD_OVERRIDE_HEADERS, REFLECTED_HEADERS, REWRITE_HEADERS } from './adversarial-app-spec';

interface Sent {
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface AttackCase {
  name: string;
  /** The request of whoever goes first (the attacker; for deception, the victim). */
  first: Sent;
  /** The request of whoever comes second, without the first one's input. */
  next: Sent;
  /** What the second request must get. */
  expect: (second: Received) => void;
}

const EVIL = 'evil.example';

function attackCases(): AttackCase[] {
  const cases: AttackCase[] = [];
  const clean =
    (path: string, body: string | RegExp, status = 200) =>
    (second: Received) => {
      expect(second.status, `${path} status`).toBe(status);
      if (typeof body === 'string') expect(second.body).toBe(body);
      else expect(second.body).toMatch(body);
    };
  const noEvil = (second: Received) => {
    expect(second.status).toBe(200);
    expect(second.body).not.toContain('evil');
  };

  // Poisoning through headers a handler reflects (Practical Web Cache Poisoning).
  for (const name of REFLECTED_HEADERS) {
    const value =
      name === 'forwarded'
        ? `for=192.0.2.1;host=${EVIL};proto=evil`
        : name.includes('url') || name.includes('prefix')
          ? '/evil'
          : name.includes('method')
            ? 'EVIL'
            : EVIL;
    cases.push({
      name: `a ${name} reflected by the handler reaches no other request`,
      first: { path: '/reflect?case=reflect', headers: { [name]: value } },
      next: { path: '/reflect?case=reflect' },
      expect: (second) => {
        noEvil(second);
        expect(JSON.parse(second.body)).toEqual({
          method: 'GET',
          url: '/reflect?case=reflect',
          headers: {},
        });
      },
    });
  }
  cases.push({
    name: 'X-Forwarded-For is not keyed (it names the client): clean requests keep sharing one entry',
    first: { path: '/page?case=xff', headers: { 'x-forwarded-for': '192.0.2.1' } },
    next: { path: '/page?case=xff', headers: { 'x-forwarded-for': '192.0.2.2' } },
    expect: (second) => {
      clean('/page', 'page')(second);
      expect(second.headers['cache-status']).toMatch(/hit/);
    },
  });

  // Rewrites and method overrides honoured after the cache (Web Cache Entanglement, CPDoS).
  for (const name of REWRITE_HEADERS) {
    cases.push({
      name: `${name} honoured after the cache never stores another page under the URL`,
      first: { path: `/page?case=${name}`, headers: { [name]: '/admin' } },
      next: { path: `/page?case=${name}` },
      expect: clean('/page', 'page'),
    });
  }
  for (const name of METHOD_OVERRIDE_HEADERS) {
    cases.push({
      name: `${name}: HEAD honoured after the cache never stores an empty body for GET`,
      first: { path: `/page?case=${name}`, headers: { [name]: 'HEAD' } },
      next: { path: `/page?case=${name}` },
      expect: clean('/page', 'page'),
    });
  }
  cases.push({
    name: 'a rewrite before the cache on an unkeyed header never stores its page under the requested URL',
    first: { path: '/page?case=before', headers: { 'x-test-rewrite-before': '/admin' } },
    next: { path: '/page?case=before' },
    expect: clean('/page', 'page'),
  });
  cases.push({
    name: 'a rewrite before the cache on an unkeyed header never serves the requested page for the target URL',
    first: { path: '/admin?case=before', headers: { 'x-test-rewrite-before': '/page' } },
    next: { path: '/admin?case=before' },
    expect: clean('/admin', 'admin'),
  });

  // Fat GET: a body the handler reads, which no key covers.
  cases.push({
    name: 'a GET with a body never answers a GET without one',
    first: { path: '/body?case=fat', body: 'evil' },
    next: { path: '/body?case=fat' },
    expect: clean('/body', 'body='),
  });

  // Parameter cloaking: what the key parses must be what the handler reads.
  cases.push({
    name: 'a ";" in the query never cloaks a parameter',
    first: { path: '/reflect?case=semi&id=1;x=evil' },
    next: { path: '/reflect?case=semi&id=1' },
    expect: noEvil,
  });
  cases.push({
    name: 'repeated parameters keep their order and never share an entry with another order',
    first: { path: '/reflect?case=dup&id=1&id=evil' },
    next: { path: '/reflect?case=dup&id=evil&id=1' },
    expect: (second) => {
      // What the handler saw is what the client sent: an app listing items in the requested order.
      expect(JSON.parse(second.body).url).toBe('/reflect?case=dup&id=evil&id=1');
    },
  });
  cases.push({
    name: 'an encoded & or = never splits into another parameter set',
    first: { path: '/reflect?case=enc&id=1%26x%3Devil' },
    next: { path: '/reflect?case=enc&id=1&x=evil' },
    expect: (second) => {
      expect(JSON.parse(second.body).url).toMatch(/^\/reflect\?case=enc&id=1&x=evil$/);
    },
  });
  cases.push({
    name: 'a tracking parameter the app would read never reaches its answer',
    first: { path: '/reflect?case=utm&id=1&utm_source=evil&fbclid=evil' },
    next: { path: '/reflect?case=utm&id=1' },
    expect: (second) => {
      noEvil(second);
      expect(JSON.parse(second.body).url).toBe('/reflect?case=utm&id=1');
    },
  });

  // Path confusion and cache deception on a private route: the victim's answer never reaches the attacker.
  for (const path of [
    '/account/x.css',
    '/account;x.css',
    '/account%2Fx.css',
    '/assets/%2e%2e/account',
    '/assets/..%2Faccount',
    '/assets/../account',
    '//account',
    '/account/',
    '/ACCOUNT',
    '/account.css',
  ]) {
    cases.push({
      name: `deception through ${path} never serves a private answer to another visitor`,
      first: { path, headers: { 'x-user': 'alice' } },
      next: { path },
      expect: (second) => expect(second.body).not.toContain('alice'),
    });
  }
  cases.push({
    name: 'the private route itself keeps its answer to its user',
    first: { path: '/account', headers: { 'x-user': 'alice' } },
    next: { path: '/account', headers: { 'x-user': 'bob' } },
    expect: clean('/account', 'account of bob'),
  });

  // Headers a middleware before the cache sets per request (CORS) are the request's, never the entry's.
  for (const origin of ['https://evil.example', undefined]) {
    cases.push({
      name: `an allowed origin's CORS header never reaches ${origin ? 'another origin' : 'a request without Origin'}`,
      first: { path: '/page?case=cors', headers: { origin: 'https://good.example' } },
      next: { path: '/page?case=cors', headers: origin ? { origin } : {} },
      expect: (second) => {
        clean('/page', 'page')(second);
        expect(second.headers['access-control-allow-origin']).toBeUndefined();
      },
    });
  }
  cases.push({
    name: 'the allowed origin still gets its CORS header on a hit',
    first: { path: '/page?case=cors-hit', headers: { origin: 'https://evil.example' } },
    next: { path: '/page?case=cors-hit', headers: { origin: 'https://good.example' } },
    expect: (second) => {
      clean('/page', 'page')(second);
      expect(second.headers['access-control-allow-origin']).toBe('https://good.example');
    },
  });

  // CPDoS: an error caused by a request header is never stored for the clean request.
  cases.push({
    name: 'an oversized header answered 431 is never stored (HHO)',
    first: { path: '/cpdos?case=big', headers: { 'x-big': 'x'.repeat(2000) } },
    next: { path: '/cpdos?case=big' },
    expect: clean('/cpdos', 'cpdos ok'),
  });
  cases.push({
    name: 'a malformed header answered 400 is never stored (HMC)',
    first: { path: '/cpdos?case=bad', headers: { 'x-bad': '%%%' } },
    next: { path: '/cpdos?case=bad' },
    expect: clean('/cpdos', 'cpdos ok'),
  });
  cases.push({
    name: 'a header that makes the handler throw (500) is never stored',
    first: { path: '/cpdos?case=crash', headers: { 'x-crash': '1' } },
    next: { path: '/cpdos?case=crash' },
    expect: clean('/cpdos', 'cpdos ok'),
  });
  cases.push({
    name: 'a header too large for the server itself (431 before the app) is never stored',
    first: { path: '/cpdos?case=huge', headers: { 'x-huge': 'x'.repeat(20_000) } },
    next: { path: '/cpdos?case=huge' },
    expect: clean('/cpdos', 'cpdos ok'),
  });
  cases.push({
    name: 'an X-HTTP-Method-Override: DELETE never turns the clean GET into an error',
    first: { path: '/page?case=delete', headers: { 'x-http-method-override': 'DELETE' } },
    next: { path: '/page?case=delete' },
    expect: clean('/page', 'page'),
  });
  return cases;
}

/** Registers the adversarial cases against the app at `getBase()` (`http://127.0.0.1:<port>`). */
export function adversarialSuite(name: string, getBase: () => string): void {
  describe(`adversarial requests on ${name}`, () => {
    it('runs a varied route once per variant for a cold burst, and answers each request its own variant', async () => {
      const base = getBase();
      const variants = Array.from({ length: 30 }, (_, i) => ['a', 'b', 'c'][i % 3]!);
      const answers = await Promise.all(
        variants.map((variant) => send(base, { path: '/varied', headers: { 'x-variant': variant } })),
      );
      const runs = new Set<string>();
      answers.forEach((answer, i) => {
        expect(answer.status).toBe(200);
        const match = /^variant (\w+) run (\d+)$/.exec(answer.body);
        expect(match?.[1]).toBe(variants[i]);
        runs.add(match![2]!);
      });
      expect(runs.size).toBe(3);
      const again = await send(base, { path: '/varied', headers: { 'x-variant': 'b' } });
      expect(again.headers['cache-status']).toMatch(/hit/);
    });

    for (const testCase of attackCases()) {
      it(testCase.name, async () => {
        const base = getBase();
        // An attack the server refuses outright (a connection closed on a too-large header) is fine.
        await send(base, testCase.first).catch(() => undefined);
        // Twice: the clean request's own first answer, then what the cache keeps for it.
        const second = await send(base, testCase.next);
        testCase.expect(second);
        const third = await send(base, testCase.next);
        testCase.expect(third);
      });
    }
  });
}

/** One request with the path as written (no normalisation) over `node:http`. */
export function send(base: string, sent: Sent): Promise<Received> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...sent.headers };
    if (sent.body !== undefined) headers['content-length'] = String(Buffer.byteLength(sent.body));
    const req = request(
      { host: url.hostname, port: url.port, path: sent.path, method: 'GET', headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(sent.body);
  });
}
