import type { CacheAnswer, CacheRequest, Origin, RouteCache } from '@routecache/core';
import { createCache } from '@routecache/core';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { routeCache } from './route-cache';

/** A cache whose handle() is replaced: to see what the adapter does when the engine misbehaves. */
function cacheWith(handle: (request: CacheRequest, origin: Origin) => Promise<CacheAnswer>): RouteCache {
  const real = createCache();
  return { ...real, handle: (request, _policy, origin) => handle(request, origin) };
}
const run = (request: CacheRequest, origin: Origin) =>
  origin({ request, url: request.url, maxBodyBytes: 1024, finalizeHeaders: (_s, h) => h, background: false });

describe.each(EXPRESS_VERSIONS)('routeCache when the engine fails ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  async function start(cache: RouteCache) {
    const rc = routeCache({ cache });
    const app = express();
    let calls = 0;
    app.get('/r', rc.policy({ maxAge: 60 }), (_req, res) => res.send(`handler ${++calls}`));
    server = await listen(app);
  }

  it('runs the handler uncached when the engine rejects before running it', async () => {
    await start(cacheWith(() => Promise.reject(new Error('engine bug'))));
    const response = await server!.fetch('/r');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('handler 1');
  });

  it("sends the handler's response when the engine rejects after running it", async () => {
    await start(
      cacheWith(async (request, origin) => {
        await run(request, origin);
        throw new Error('engine bug');
      }),
    );
    expect(await (await server!.fetch('/r')).text()).toBe('handler 1');
  });

  it('drops the connection, and keeps serving, when an answer cannot be written', async () => {
    let bad = true;
    await start(
      cacheWith(async (request, origin) => {
        const response = await run(request, origin);
        const headers = bad ? { ...response.headers, 'x-bad': 'line\nbreak' } : response.headers;
        bad = false;
        return { status: response.status, headers, body: response.body, sent: false };
      }),
    );
    await expect(server!.fetch('/r')).rejects.toThrow();
    expect(await (await server!.fetch('/r')).text()).toBe('handler 2');
  });
});
