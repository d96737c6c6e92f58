import type { CacheEntry, Store } from '@routecache/core';
import { createFakeClock, storeConformanceSuite } from '@routecache/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decode, encode } from './fixtures/store-worker';
import { startWorkerd, type Workerd } from './support/workerd';

// Requests cross a process boundary (workerd, bun, deno); on 2 shared cores they can be slow.
vi.setConfig({ testTimeout: 30_000 });

/** webCacheStore() runs inside workerd (miniflare's real `caches`); these proxies drive it from Node. */
let worker: Workerd;
let ids = 0;
const clock = createFakeClock();

beforeAll(async () => {
  worker = await startWorkerd('test/fixtures/store-worker.ts');
}, 30_000);

afterAll(async () => {
  await worker?.dispose();
});

async function call(id: string, method: string, args: unknown[] = [], extra: object = {}): Promise<unknown> {
  const res = await worker.fetch('http://store/rpc', {
    method: 'POST',
    body: encode({ id, method, args, now: clock.now(), ...extra }),
  });
  if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${await res.text()}`);
  return decode(await res.text());
}

/** A Store whose every call runs in workerd. `name` shares one key space between instances (isolates). */
async function remoteStore(options: { name?: string; open?: boolean } = {}): Promise<Store> {
  const id = `store-${++ids}`;
  await call(id, 'create', [], options);
  const method =
    (name: string) =>
    (...args: unknown[]): Promise<never> =>
      call(id, name, args) as Promise<never>;
  return {
    name: 'web-cache',
    get: method('get'),
    set: method('set'),
    delete: method('delete'),
    invalidateTags: method('invalidateTags'),
    expireKeys: method('expireKeys'),
    clear: method('clear'),
  };
}

storeConformanceSuite({
  name: 'webCacheStore on caches.default in workerd',
  createStore: () => remoteStore(),
  clock,
});
storeConformanceSuite({
  name: 'webCacheStore on caches.open() in workerd',
  createStore: () => remoteStore({ open: true }),
  clock,
});

function entry(key: string, value: unknown, tags: string[]): CacheEntry {
  const t = clock.now();
  return {
    key,
    value,
    tags,
    storedAt: t,
    freshUntil: t + 60_000,
    expiresAt: t + 120_000,
    staleWhileRevalidate: 60,
    staleIfError: 0,
  };
}

describe('webCacheStore across isolates of one data center', () => {
  it('hides an entry from every instance once another instance invalidated its tag', async () => {
    const a = await remoteStore({ name: 'shared-colo' });
    const b = await remoteStore({ name: 'shared-colo' });
    await a.set('page', entry('page', 'v1', ['news']));
    clock.advance(1000);
    expect((await b.get('page'))?.value).toBe('v1');
    // b never wrote the key, so it cannot count it, but its tag record reaches a's entry.
    await b.invalidateTags(['news'], 'delete', clock.now());
    expect(await a.get('page')).toBeUndefined();
    expect(await b.get('page')).toBeUndefined();
  });

  it('marks the entry stale everywhere in expire mode, keeping it readable', async () => {
    const a = await remoteStore({ name: 'shared-colo-expire' });
    const b = await remoteStore({ name: 'shared-colo-expire' });
    await a.set('page', entry('page', 'v1', ['news']));
    clock.advance(1000);
    const at = clock.now();
    await b.invalidateTags(['news'], 'expire', at);
    const read = await a.get('page');
    expect(read?.value).toBe('v1');
    expect(read?.freshUntil).toBe(at);
  });

  it('drops a write from a run that started before another instance invalidated its tag', async () => {
    const a = await remoteStore({ name: 'shared-colo-race' });
    const b = await remoteStore({ name: 'shared-colo-race' });
    const started = clock.now();
    clock.advance(10);
    await b.invalidateTags(['race'], 'delete', clock.now());
    expect(await a.set('r', entry('r', 'old', ['race']), { notBefore: started })).toBe(false);
  });

  it('stores each entry as a Response with its expiry header and max-age', async () => {
    await remoteStore({ name: 'raw' });
    const store = await remoteStore({ name: 'raw' });
    const e = entry('k', 1, []);
    await store.set('k', e);
    const headers = new Map(
      (await call('x', 'raw', ['https://routecache.internal/raw/e/k'])) as [string, string][],
    );
    expect(headers.get('x-routecache-expires')).toBe(String(e.expiresAt));
    expect(headers.get('cache-control')).toBe('max-age=120');
  });
});
