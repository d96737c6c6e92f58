import { describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { makeRequest, textResponse } from '../engine/test-fixtures';
import { definePolicy } from '../policy/policy';
import type { RouteCache } from '../types';
import { warmCache } from './warm-cache';
import type { WarmDispatch } from './warm-types';

/** A dispatcher standing for an app: `/ok/*` cached, `/boom` a 500, `/down` a network error. */
function appDispatch(cache: RouteCache): WarmDispatch & { seen: { path: string; host?: string }[] } {
  const seen: { path: string; host?: string }[] = [];
  const policy = definePolicy({ maxAge: 60 });
  const dispatch = async (path: string, headers: Readonly<Record<string, string>>) => {
    seen.push({ path, host: headers.host });
    if (path === '/down') throw new Error('ECONNRESET');
    const answer = await cache.handle(
      makeRequest(path, {
        routeLabel: path.startsWith('/ok') ? 'GET /ok/:id' : 'GET /boom',
        host: headers.host ?? 'localhost',
      }),
      policy,
      async () => (path === '/boom' ? textResponse('no', 500) : textResponse(`page ${path}`)),
    );
    return { status: answer.status, body: answer.body ?? new Uint8Array() };
  };
  return Object.assign(dispatch, { seen });
}

describe('warmCache', () => {
  it('counts failures (5xx, network errors) and sends the host of absolute URLs', async () => {
    const cache = createCache();
    const dispatch = appDispatch(cache);
    const summary = await warmCache(
      cache,
      dispatch,
      ['https://shop.example/ok/1', '/boom', '/down', '/ok/1'],
      {
        headers: { Host: 'other.example' },
      },
    );
    expect(summary.results.map((r) => [r.url, r.outcome, r.reason])).toEqual([
      ['/ok/1', 'stored', undefined],
      ['/boom', 'failed', 'status 500'],
      ['/down', 'failed', 'ECONNRESET'],
      ['/ok/1', 'stored', undefined],
    ]);
    // An absolute URL's host wins over the options' Host (given in any case), which paths get.
    expect(dispatch.seen.map((s) => s.host)).toEqual([
      'shop.example',
      'other.example',
      'other.example',
      'other.example',
    ]);
    expect(summary).toMatchObject({ total: 4, stored: 2, failed: 2 });
  });

  it('drops duplicate targets and reports progress once per target', async () => {
    const cache = createCache();
    const dispatch = appDispatch(cache);
    const done: number[] = [];
    const summary = await warmCache(cache, dispatch, ['/ok/1', '/ok/1', '/ok/2'], {
      concurrency: 1,
      onProgress: (p) => done.push(p.done),
    });
    expect(summary.total).toBe(2);
    expect(done).toEqual([1, 2]);
  });

  it('throws a PolicyError naming a bad target', async () => {
    const cache = createCache();
    await expect(warmCache(cache, appDispatch(cache), ['not a url'])).rejects.toMatchObject({
      field: 'targets',
    });
  });
});
