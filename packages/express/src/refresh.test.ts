import { createFakeClock } from '@routecache/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { routeCache } from './route-cache';

describe.each(EXPRESS_VERSIONS)('background refresh and stale answers ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  async function start(
    policy: Parameters<ReturnType<typeof routeCache>['policy']>[0],
    mount = '/',
    kind: 'router' | 'sub-app' = 'router',
  ) {
    const clock = createFakeClock();
    const rc = routeCache({ clock: clock.now });
    const app = express();
    /** What the handler saw on each run. */
    const runs: { url: string; user: string | undefined; inm: string | undefined }[] = [];
    const state = { version: 1, failing: false, gate: Promise.resolve(), middleware: 0 };
    app.use((_req, _res, next) => {
      state.middleware++;
      next();
    });
    const router = kind === 'router' ? express.Router() : express();
    router.get('/page', rc.policy(policy), async (req, res, next) => {
      runs.push({ url: req.originalUrl, user: req.get('x-user'), inm: req.get('if-none-match') });
      if (state.failing) return next(new Error('origin down'));
      const version = state.version;
      await state.gate;
      res.type('text').send(`version ${version}`);
    });
    app.use(mount, router);
    server = await listen(app);
    return { rc, clock, runs, state };
  }

  it('serves a stale entry at once and refreshes it by re-dispatching the request through the app', async () => {
    const { clock, runs, state } = await start({ maxAge: 10, staleWhileRevalidate: 60 }, '/shop');
    await server!.fetch('/shop/page?utm_source=x&a=1');
    clock.advance(15_000);
    state.version = 2;
    const stale = await server!.fetch('/shop/page?a=1', {
      headers: { 'x-user': 'ann', 'if-none-match': '"nope"' },
    });
    expect(stale.headers.get('cache-status')).toBe('routecache; hit; ttl=-5; detail=stale-while-revalidate');
    expect(stale.headers.get('age')).toBe('15');
    expect(await stale.text()).toBe('version 1');
    // The refresh is a synthetic request through the whole app: same URL and headers, no validators.
    await expect.poll(() => runs.length).toBe(2);
    expect(runs[1]).toEqual({ url: '/shop/page?a=1', user: 'ann', inm: undefined });
    expect(state.middleware).toBe(3);
    await expect.poll(async () => (await server!.fetch('/shop/page?a=1')).text()).toBe('version 2');
    const fresh = await server!.fetch('/shop/page?a=1');
    expect(fresh.headers.get('cache-status')).toBe('routecache; hit; ttl=10');
    expect(runs).toHaveLength(2);
  });

  it('refreshes a route of a sub-app mounted on a path through the top-level app', async () => {
    const { clock, runs, state } = await start({ maxAge: 10, staleWhileRevalidate: 60 }, '/sub', 'sub-app');
    await server!.fetch('/sub/page');
    clock.advance(15_000);
    state.version = 2;
    expect(await (await server!.fetch('/sub/page')).text()).toBe('version 1');
    await expect.poll(async () => (await server!.fetch('/sub/page')).text()).toBe('version 2');
    expect(runs.map((run) => run.url)).toEqual(['/sub/page', '/sub/page']);
    expect(state.middleware).toBeGreaterThanOrEqual(3);
  });

  it('keeps serving the stale entry, and logs, when the refresh is answered before it reaches the cache', async () => {
    const clock = createFakeClock();
    const errors: string[] = [];
    const logger = { warn() {}, error: (message: string) => void errors.push(message) };
    const rc = routeCache({ clock: clock.now, logger });
    const app = express();
    let allowed = 2; // a limiter in front of the cache: the third request (the refresh) is refused
    app.use((_req, res, next) => (allowed-- > 0 ? next() : void res.status(429).send('slow down')));
    app.get('/page', rc.policy({ maxAge: 10, staleWhileRevalidate: 60 }), (_req, res) => res.send('cached'));
    server = await listen(app);
    await server.fetch('/page');
    clock.advance(15_000);
    const stale = await server.fetch('/page');
    expect(await stale.text()).toBe('cached');
    await expect.poll(() => errors).toEqual(['routecache: background refresh of /page failed']);
  });

  it('refreshes once for concurrent stale requests, sending nothing of the refresh to any client', async () => {
    const { clock, runs, state } = await start({ maxAge: 10, staleWhileRevalidate: 60 });
    await server!.fetch('/page');
    clock.advance(15_000);
    state.version = 2;
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const answers = await Promise.all([1, 2, 3].map(() => server!.fetch('/page').then((r) => r.text())));
    expect(answers).toEqual(['version 1', 'version 1', 'version 1']);
    expect(runs).toHaveLength(2);
    release();
    await expect.poll(async () => (await server!.fetch('/page')).text()).toBe('version 2');
    expect(runs).toHaveLength(2);
  });

  it('serves the stale entry within stale-if-error when the handler fails, and the error after it', async () => {
    const { clock, state } = await start({ maxAge: 10, staleIfError: 60 });
    await server!.fetch('/page');
    clock.advance(15_000);
    state.failing = true;
    const response = await server!.fetch('/page');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('version 1');
    expect(response.headers.get('cache-status')).toMatch(
      /^routecache; fwd=stale; fwd-status=500;.*detail=stale-if-error$/,
    );
    clock.advance(60_000);
    const expired = await server!.fetch('/page');
    expect(expired.status).toBe(500);
    expect(expired.headers.get('cache-control')).toBe('no-store');
  });
});
