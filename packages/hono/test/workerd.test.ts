import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { behaviourSuite } from '../../../test-support/behaviour-suite';
import { fidelitySuite } from '../../../test-support/fidelity-suite';
import { startWorkerd, type Workerd } from './support/workerd';

// Requests cross a process boundary (workerd, bun, deno); on 2 shared cores they can be slow.
vi.setConfig({ testTimeout: 30_000 });

// The fixture app bundled with esbuild for workerd and run by miniflare (a real workerd process).
let worker: Workerd;

beforeAll(async () => {
  worker = await startWorkerd('test/fixtures/worker.ts');
}, 30_000);

afterAll(async () => {
  await worker?.dispose();
});

behaviourSuite('workerd (miniflare dispatchFetch)', () => (request) => worker.fetch(request));

describe('with and without the cache', () => {
  // A cached worker of its own (the behaviour suite's has run its cases) and one without the cache.
  let cached: Workerd;
  let cacheless: Workerd;

  beforeAll(async () => {
    [cached, cacheless] = await Promise.all([
      startWorkerd('test/fixtures/worker.ts'),
      startWorkerd('test/fixtures/worker-cacheless.ts'),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([cached?.dispose(), cacheless?.dispose()]);
  });

  fidelitySuite(
    'workerd (miniflare dispatchFetch)',
    () => (request) => cached.fetch(request),
    () => (request) => cacheless.fetch(request),
  );
});

describe('with webCacheStore() as the store', () => {
  let webCached: Workerd;

  beforeAll(async () => {
    webCached = await startWorkerd('test/fixtures/worker-web-cache.ts');
  }, 30_000);

  afterAll(async () => {
    await webCached?.dispose();
  });

  behaviourSuite('workerd with webCacheStore (caches.default)', () => (request) => webCached.fetch(request));
});

describe('examples/hono-workers in workerd', () => {
  let example: Workerd;

  beforeAll(async () => {
    example = await startWorkerd(
      fileURLToPath(new URL('../../../examples/hono-workers/src/worker.ts', import.meta.url)),
    );
  }, 30_000);

  afterAll(async () => {
    await example?.dispose();
  });

  it('serves the second request from webCacheStore and misses again after a purge', async () => {
    const first = await example.fetch('/hello');
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-status')).toMatch(/fwd=miss/);
    const second = await example.fetch('/hello');
    expect(await second.text()).toBe('Hello from the edge');
    expect(second.headers.get('cache-status')).toMatch(/hit/);
    expect(second.headers.get('surrogate-key')).toBe('hello');
    expect((await example.fetch('/purge/hello', { method: 'POST' })).status).toBe(200);
    expect((await example.fetch('/hello')).headers.get('cache-status')).toMatch(/fwd=miss/);
  });

  it('keys the JSON route by its params and caches each zone on its own', async () => {
    const utc = await (await example.fetch('/api/time/utc')).json();
    const utcAgain = await (await example.fetch('/api/time/utc')).json();
    const cet = await example.fetch('/api/time/cet');
    expect(utcAgain).toEqual(utc);
    expect(cet.headers.get('cache-status')).toMatch(/fwd=miss/);
  });
});
