/**
 * Helpers for the engine's own tests: requests with plain header getters and fake origins,
 * the adapter-neutral contract of `RouteCache.handle()`. Not exported from the package.
 */

import { memoryStore } from '../stores/memory';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import type {
  CacheAnswer,
  CacheOptions,
  CacheRequest,
  OriginContext,
  OriginResponse,
  ResponseHeaders,
  RouteCache,
  Store,
} from '../types';
import { createCache } from './create-cache';

export interface RequestInit {
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  hasBody?: boolean;
  routeLabel?: string;
  requestedUrl?: string;
}

/** A request as an adapter would hand it over. */
export function makeRequest(url: string, init: RequestInit = {}): CacheRequest {
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return {
    method: init.method ?? 'GET',
    host: init.host ?? 'example.com',
    url,
    headers: (name) => headers[name],
    ...(init.hasBody === undefined ? {} : { hasBody: init.hasBody }),
    ...(init.routeLabel === undefined ? {} : { routeLabel: init.routeLabel }),
    ...(init.requestedUrl === undefined ? {} : { requestedUrl: init.requestedUrl }),
  };
}

export interface FakeOrigin {
  (ctx: OriginContext): Promise<OriginResponse>;
  /** Every context the origin was called with. */
  readonly calls: OriginContext[];
}

/** An origin answering `respond(ctx, n)` (n = 1 for the first call); default: 200 "body n". */
export function fakeOrigin(
  respond: (ctx: OriginContext, n: number) => OriginResponse | Promise<OriginResponse> = (_ctx, n) =>
    textResponse(`body ${n}`),
): FakeOrigin {
  const calls: OriginContext[] = [];
  const origin = async (ctx: OriginContext): Promise<OriginResponse> => {
    calls.push(ctx);
    return respond(ctx, calls.length);
  };
  return Object.assign(origin, { calls });
}

/** A buffered text response. */
export function textResponse(text: string, status = 200, headers: ResponseHeaders = {}): OriginResponse {
  return {
    status,
    headers: { 'content-type': 'text/plain', ...headers },
    body: new TextEncoder().encode(text),
  };
}

/** A promise with its resolve function, to hold an origin until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The body of an answer as text (`null` stays `null`). */
export function bodyText(answer: CacheAnswer): string | null {
  return answer.body === null ? null : new TextDecoder().decode(answer.body);
}

/** A header of an answer as one string. */
export function header(answer: CacheAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Lets pending promise callbacks (background refreshes, waiters) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

export interface TestCache {
  cache: RouteCache;
  clock: FakeClock;
  store: Store;
}

/** A cache on a fake clock and a memory store on the same clock. */
export function setupCache(options: Omit<CacheOptions, 'clock'> = {}): TestCache {
  const clock = createFakeClock();
  const store = options.store ?? memoryStore({ clock: clock.now });
  const cache = createCache({ ...options, store, clock: clock.now });
  return { cache, clock, store };
}

/** Wraps a store so chosen methods reject (or never answer), to prove the cache survives. */
export function faultyStore(
  base: Store,
  faults: { reject?: readonly (keyof Store)[]; hang?: readonly (keyof Store)[] },
): Store & { failures: number } {
  const wrapper = {
    name: base.name,
    failures: 0,
  } as Store & { failures: number };
  for (const method of ['get', 'set', 'delete', 'invalidateTags', 'expireKeys', 'clear', 'close'] as const) {
    const original = base[method];
    if (typeof original !== 'function') continue;
    (wrapper as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (faults.reject?.includes(method)) {
        wrapper.failures++;
        return Promise.reject(new Error(`${method} failed`));
      }
      if (faults.hang?.includes(method)) return new Promise(() => {});
      return (original as (...a: unknown[]) => unknown).apply(base, args);
    };
  }
  return wrapper;
}
