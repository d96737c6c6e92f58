/**
 * What every behaviour fixture app shares apart from its routes: the cache on a manual clock,
 * with its background work (stale-while-revalidate refreshes) tracked so `POST /__test/settle`
 * can wait for it, and the handler run counter. Framework-neutral (no `node:` import).
 */
import { type CacheOptions, createCache, type RouteCache } from '../packages/core/src/index';
import { BEHAVIOUR_MAX_BODY_BYTES } from './behaviour-cases';

export interface BehaviourFixture {
  /** The cache to hand to the adapter (`routeCache({ cache })`, `RouteCacheModule.forRoot({ cache })`). */
  readonly cache: RouteCache;
  /** Counts one run of the handler for `path` and returns its number, from 1. */
  run(path: string): number;
  /** `POST /__test/advance?ms=`: moves the clock by `ms` milliseconds. */
  advance(ms: number): number;
  /** `POST /__test/settle`: resolves once the background work started so far has ended. */
  settle(): Promise<void>;
  /** `POST /invalidate?tags=&urls=`, `urls` made absolute with `origin` (`http://host`). */
  invalidate(query: { tags?: string; urls?: string }, origin: string): ReturnType<RouteCache['invalidate']>;
}

export function createBehaviourFixture(options: CacheOptions = {}): BehaviourFixture {
  let now = Date.UTC(2030, 0, 1);
  const pending = new Set<Promise<unknown>>();
  const runs = new Map<string, number>();
  const inner = createCache({ clock: () => now, maxBodyBytes: BEHAVIOUR_MAX_BODY_BYTES, ...options });
  // The engine hands background work to `waitUntil` (as on workerd): tracked here.
  const waitUntil = (promise: Promise<unknown>): void => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => {});
  };
  const cache: RouteCache = Object.create(inner, {
    handle: {
      value: ((request, policy, origin, handleOptions) =>
        inner.handle(request, policy, origin, {
          ...handleOptions,
          waitUntil,
        })) satisfies RouteCache['handle'],
    },
  });
  return {
    cache,
    run(path) {
      const n = (runs.get(path) ?? 0) + 1;
      runs.set(path, n);
      return n;
    },
    advance(ms) {
      now += ms;
      return now;
    },
    async settle() {
      await Promise.allSettled([...pending]);
    },
    invalidate(query, origin) {
      const tags = query.tags?.split(',');
      const urls = query.urls?.split(',').map((path) => new URL(path, origin).href);
      return cache.invalidate({ ...(tags && { tags }), ...(urls && { urls }) });
    },
  };
}
