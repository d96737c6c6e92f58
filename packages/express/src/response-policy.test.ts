import type { CacheAnswer, OriginResponse, RouteCache } from '@routecache/core';
import { createCache, PolicyError } from '@routecache/core';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { setResponsePolicy } from './response-policy';
import { routeCache } from './route-cache';

/** A cache whose handle() runs the origin and records what the adapter handed back. */
function recordingCache(): { cache: RouteCache; responses: OriginResponse[] } {
  const real = createCache();
  const responses: OriginResponse[] = [];
  const cache: RouteCache = {
    getOrSet: real.getOrSet,
    invalidate: real.invalidate,
    definePolicy: real.definePolicy,
    stats: real.stats,
    observe: real.observe,
    inspect: real.inspect,
    health: real.health,
    close: real.close,
    options: real.options,
    async handle(request, _policy, origin): Promise<CacheAnswer> {
      const response = await origin({
        request,
        url: request.url,
        maxBodyBytes: 1024,
        finalizeHeaders: (_status, headers) => headers,
        background: false,
      });
      responses.push(response);
      return {
        status: response.status,
        headers: response.headers,
        body: response.body,
        sent: response.body === null,
      };
    },
  };
  return { cache, responses };
}

describe('setResponsePolicy', () => {
  it('throws a PolicyError naming the field at once', () => {
    const res = {} as never;
    expect(() => setResponsePolicy(res, { maxAge: -1 })).toThrow(PolicyError);
    expect(() => setResponsePolicy(res, { scope: 'private', sMaxAge: 5 })).toThrow(
      expect.objectContaining({ field: 'sMaxAge' }),
    );
  });
});

describe.each(EXPRESS_VERSIONS)('setResponsePolicy through routeCache ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  it('hands the override to the engine with the response, and nothing when there is none', async () => {
    const { cache, responses } = recordingCache();
    const rc = routeCache({ cache });
    const app = express();
    app.get('/item/:id', rc.policy({ maxAge: 60 }), (req, res) => {
      if (req.params.id === 'gone') {
        setResponsePolicy(res, { maxAge: 5 });
        setResponsePolicy(res, { scope: 'no-store' });
        return void res.status(404).send('missing');
      }
      res.send('found');
    });
    server = await listen(app);
    expect(await (await server.fetch('/item/gone')).text()).toBe('missing');
    expect(await (await server.fetch('/item/1')).text()).toBe('found');
    expect(responses.map((r) => [r.status, r.policy])).toEqual([
      [404, { scope: 'no-store' }],
      [200, undefined],
    ]);
  });
});

describe.each(EXPRESS_VERSIONS)('setResponsePolicy end to end ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  it('keeps an overridden response out of the server cache and sends its headers', async () => {
    const rc = routeCache();
    let calls = 0;
    const app = express();
    app.get('/item/:id', rc.policy({ maxAge: 60, tags: ['items'] }), (req, res) => {
      calls++;
      if (req.params.id === 'draft') setResponsePolicy(res, { scope: 'no-store' });
      res.send(`item ${req.params.id}`);
    });
    server = await listen(app);
    for (let i = 0; i < 2; i++) {
      const draft = await server.fetch('/item/draft');
      expect(draft.headers.get('cache-control')).toBe('no-store');
      expect(draft.headers.get('surrogate-key')).toBeNull();
      expect(await draft.text()).toBe('item draft');
    }
    expect(calls).toBe(2);
    await server.fetch('/item/1');
    const hit = await server.fetch('/item/1');
    expect(hit.headers.get('cache-control')).toContain('max-age=60');
    expect(hit.headers.get('cache-status')).toMatch(/; hit/);
    expect(calls).toBe(3);
  });

  it('shortens the lifetime for one response', async () => {
    const rc = routeCache();
    const app = express();
    app.get('/news', rc.policy({ maxAge: 600 }), (_req, res) => {
      setResponsePolicy(res, { maxAge: 5 });
      res.send('breaking');
    });
    server = await listen(app);
    const first = await server.fetch('/news');
    expect(first.headers.get('cache-control')).toContain('max-age=5');
    expect(first.headers.get('cache-status')).toMatch(/stored/);
    const hit = await server.fetch('/news');
    expect(hit.headers.get('cache-status')).toMatch(/hit; ttl=[1-5]\b/);
  });
});
