import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createFakeClock } from '@routecache/core/testing';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { routeCache } from './route-cache';

describe("rc.policy({ from: 'response' }) over @hono/node-server", () => {
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function start() {
    const clock = createFakeClock();
    const app = new Hono();
    const rc = routeCache({ app, clock: clock.now });
    let runs = 0;
    for (const [path, cacheControl] of [
      ['/shared', 'public, s-maxage=60'],
      ['/private', 'private, max-age=60'],
      ['/no-store', 'no-store'],
    ] as const) {
      app.get(path, rc.policy({ from: 'response' }), (c) => {
        runs += 1;
        c.header('Cache-Control', cacheControl);
        return c.text(`run ${runs}`);
      });
    }
    const base = await new Promise<string>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    return { clock, get: (path: string) => fetch(base + path) };
  }

  it('stores a public, s-maxage=60 answer, fresh for 60 s with its own Cache-Control, then misses', async () => {
    const { clock, get } = await start();
    const first = await get('/shared');
    expect(await first.text()).toBe('run 1');
    expect(first.headers.get('cache-control')).toBe('public, s-maxage=60');
    clock.advance(59_000);
    const hit = await get('/shared');
    expect(await hit.text()).toBe('run 1');
    expect(hit.headers.get('cache-control')).toBe('public, s-maxage=60');
    expect(hit.headers.get('age')).toBe('59');
    clock.advance(1000);
    expect(await (await get('/shared')).text()).toBe('run 2');
  });

  it.each(['/private', '/no-store'])('never stores %s, passing its Cache-Control through', async (path) => {
    const { get } = await start();
    await (await get(path)).text();
    const second = await get(path);
    expect(await second.text()).toBe('run 2');
    expect(second.headers.get('cache-control')).toBe(
      path === '/private' ? 'private, max-age=60' : 'no-store',
    );
  });
});
