/**
 * What every behaviour fixture app shares apart from its routes: the cache on a manual clock,
 * with its background work (stale-while-revalidate refreshes) tracked so `POST /__test/settle`
 * can wait for it, and the handler run counter. Framework-neutral (no `node:` import).
 */
import { createCache, memoryStore, type RouteCache, type Store } from '../packages/core/src/index';
import { BEHAVIOUR_MAX_BODY_BYTES } from './behaviour-cases';

export interface BehaviourFixture {
  /** The cache to hand to the adapter (`routeCache({ cache })`, `RouteCacheModule.forRoot({ cache })`). */
  readonly cache: RouteCache;
  /** Counts one run of the handler for `path` and returns its number, from 1. */
  run(path: string): number;
  /** Counts one request to `path`, seen before the cache (for `/stampede`). */
  arrive(path: string): void;
  /**
   * Resolves once `count` requests to `path` have arrived (then one more turn of 10 ms, for the
   * last to reach the cache), or after 2 s: lets a handler overlap the requests sent at once.
   */
  arrivals(path: string, count: number): Promise<void>;
  /** `POST /__test/advance?ms=`: moves the clock by `ms` milliseconds. */
  advance(ms: number): number;
  /** `POST /__test/settle`: resolves once the background work started so far has ended. */
  settle(): Promise<void>;
  /** `POST /invalidate?tags=&urls=`, `urls` made absolute with `origin` (`http://host`). */
  invalidate(query: { tags?: string; urls?: string }, origin: string): ReturnType<RouteCache['invalidate']>;
}

/** `store` builds the cache's store on the fixture's clock. Default: `memoryStore()`. */
export function createBehaviourFixture(
  options: { store?: (clock: () => number) => Store } = {},
): BehaviourFixture {
  // A manual clock (POST /__test/advance?ms=) keeps freshness tests free of real sleeps.
  let now = Date.UTC(2030, 0, 1);
  const clock = (): number => now;
  const pending = new Set<Promise<unknown>>();
  const runs = new Map<string, number>();
  const arrived = new Map<string, number>();
  const inner = createCache({
    clock,
    maxBodyBytes: BEHAVIOUR_MAX_BODY_BYTES,
    store: options.store?.(clock) ?? memoryStore({ clock }),
  });
  // The engine hands its background work to `waitUntil`: tracked here, then passed on to the
  // adapter's own (Hono's `executionCtx.waitUntil`, which keeps it alive on workerd).
  const cache: RouteCache = Object.create(inner, {
    handle: {
      value: ((request, policy, origin, handleOptions) =>
        inner.handle(request, policy, origin, {
          ...handleOptions,
          waitUntil(promise, request) {
            pending.add(promise);
            void promise.finally(() => pending.delete(promise)).catch(() => {});
            handleOptions?.waitUntil?.(promise, request);
          },
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
    arrive(path) {
      arrived.set(path, (arrived.get(path) ?? 0) + 1);
    },
    async arrivals(path, count) {
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      for (let waited = 0; (arrived.get(path) ?? 0) < count && waited < 2000; waited += 5) await sleep(5);
      await sleep(10);
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
