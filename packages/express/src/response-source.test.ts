import { createFakeClock } from '@routecache/core/testing';
import type { Request, Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { routeCache } from './route-cache';

describe.each(EXPRESS_VERSIONS)("rc.policy({ from: 'response' }) on $name", ({ express }) => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function start(defaults?: { from: 'response' }) {
    const clock = createFakeClock();
    const rc = routeCache({ clock: clock.now, ...(defaults ? { defaults } : {}) });
    const runs = { count: 0 };
    const app = express();
    const send = (cacheControl: string) => (_req: Request, res: Response) => {
      runs.count += 1;
      res.set('Cache-Control', cacheControl).send(`run ${runs.count}`);
    };
    app.get('/shared', rc.policy({ from: 'response' }), send('public, s-maxage=60'));
    app.get('/private', rc.policy({ from: 'response' }), send('private, max-age=60'));
    app.get('/no-store', rc.policy({ from: 'response' }), send('no-store'));
    app.get('/default', rc.policy({}), send('public, s-maxage=60'));
    running = await listen(app);
    return { clock, runs, running };
  }

  it('stores a public, s-maxage=60 answer, fresh for 60 s with its own Cache-Control, then misses', async () => {
    const { clock, running } = await start();
    const first = await running.fetch('/shared');
    expect(await first.text()).toBe('run 1');
    expect(first.headers.get('cache-control')).toBe('public, s-maxage=60');
    clock.advance(59_000);
    const hit = await running.fetch('/shared');
    expect(await hit.text()).toBe('run 1');
    expect(hit.headers.get('cache-control')).toBe('public, s-maxage=60');
    expect(hit.headers.get('age')).toBe('59');
    expect(hit.headers.get('cache-status')).toBe('routecache; hit; ttl=1');
    clock.advance(1000);
    const after = await running.fetch('/shared');
    expect(await after.text()).toBe('run 2');
  });

  it.each(['/private', '/no-store'])('never stores %s, passing its Cache-Control through', async (path) => {
    const { runs, running } = await start();
    const first = await running.fetch(path);
    await first.text();
    const second = await running.fetch(path);
    expect(await second.text()).toBe('run 2');
    expect(second.headers.get('cache-control')).toBe(
      path === '/private' ? 'private, max-age=60' : 'no-store',
    );
    expect(runs.count).toBe(2);
  });

  it("reads the handler's headers on a route with no storage of its own under defaults: { from: 'response' }", async () => {
    const { running } = await start({ from: 'response' });
    await (await running.fetch('/default')).text();
    const hit = await running.fetch('/default');
    expect(await hit.text()).toBe('run 1');
    expect(hit.headers.get('cache-control')).toBe('public, s-maxage=60');
  });
});
