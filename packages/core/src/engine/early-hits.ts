import { LRUCache } from 'lru-cache';
import type { CacheAnswer, CacheRequest, EarlyHits, EarlyHitsOptions, Policy } from '../types';
import type { EngineContext } from './context';
import { getFreshness, shouldRefreshEarly } from './freshness';
import { answerFromEntry, HIT_STATUS } from './http-answer';
import type { RequestKeying } from './request-keying';
import { resolveRequestScope } from './request-scope';

/** Requests remembered per door by default: bounded, as paths are the client's to choose. */
const DEFAULT_MAX_ROUTES = 10_000;

/** What the full pipeline taught the door about one way a request can be routed. */
interface LearnedRoute {
  readonly policy: Policy;
  readonly routeLabel: string | undefined;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * True when entries of `policy` may be served before the framework's pipeline: public routes
 * whose policy decides their caching (not `from: 'response'`), that identify no one and store
 * something. Private entries are per identity, which only the route can tell.
 */
export function isEarlyHitPolicy(policy: Policy): boolean {
  return (
    policy.scope === 'public' &&
    policy.from !== 'response' &&
    policy.identify === undefined &&
    policy.ttl !== 0
  );
}

/**
 * True when `request` may be answered before the framework's pipeline: a GET or HEAD without
 * a body and without `Authorization` (whatever `shareAuthenticated` says: the credentials are
 * the guards' to check, and they do not run there).
 */
export function isEarlyHitRequest(request: CacheRequest): boolean {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (request.hasBody) return false;
  const record = request.headerRecord;
  const authorization = record ? record.authorization : request.headers('authorization');
  return authorization === undefined;
}

/**
 * The early door of `RouteCache.earlyHits()`. It learns from the full pipeline which policy,
 * route label and parameters each request shape (method, scheme, host, path, the URL the client
 * sent, the `selectors` headers' values: what a framework routes by) was routed to, and answers
 * the same shape later from the same entry the pipeline would (the key is the engine's, built by
 * `resolveRequestScope` as `handle()` builds it): a fresh hit of an early-hit policy, found in
 * the in-process store at once. Anything else is `undefined`: the pipeline runs as always.
 */
export function createEarlyHits(
  context: EngineContext,
  keying: RequestKeying,
  options: EarlyHitsOptions = {},
): EarlyHits {
  const selectors = (options.selectors ?? []).map((name) => name.toLowerCase());
  const routes = new LRUCache<string, LearnedRoute>({ max: options.maxRoutes ?? DEFAULT_MAX_ROUTES });
  const doorKey = (request: CacheRequest): string => {
    const url = String(request.url);
    const mark = url.indexOf('?');
    let key = `${request.method} ${request.scheme === 'https' ? 'https' : 'http'} ${String(request.host ?? '').toLowerCase()} ${mark === -1 ? url : url.slice(0, mark)}`;
    if (request.requestedUrl !== undefined) key += ` <${request.requestedUrl}`;
    for (const name of selectors) key += ` ${name}=${request.headers(name) ?? ''}`;
    return key;
  };
  const { stats, store, options: cacheOptions } = context;

  return {
    learn(request, policy) {
      const method = request.method;
      if (method !== 'GET' && method !== 'HEAD') return;
      const door = doorKey(request);
      const known = routes.get(door);
      if (!isEarlyHitPolicy(policy)) {
        if (known !== undefined) routes.delete(door);
        return;
      }
      const params = request.params ?? NO_PARAMS;
      if (
        known?.policy === policy &&
        known.routeLabel === request.routeLabel &&
        sameParams(known.params, params)
      )
        return;
      routes.set(door, { policy, routeLabel: request.routeLabel, params });
    },

    answer(request): CacheAnswer | undefined {
      if (!isEarlyHitRequest(request)) return undefined;
      const learned = routes.get(doorKey(request));
      if (learned === undefined) return undefined;
      // The adapter builds the request for this call: the learned route and params go on it (no copy).
      const routed = request;
      routed.params = learned.params;
      routed.routeLabel = learned.routeLabel;
      const method = request.method as 'GET' | 'HEAD';
      const policy = keying.learnedVary.policyFor(learned.policy, routed);
      let scope: ReturnType<typeof resolveRequestScope>;
      try {
        scope = resolveRequestScope(routed, method, policy, cacheOptions, keying.memo);
      } catch {
        return undefined;
      }
      if (scope.bypass) return undefined;
      const now = cacheOptions.clock();
      const entry = store.peek(scope.key, scope.route, now);
      if (!entry?.response || entry.key !== scope.canonical) return undefined;
      // Stale answers and early refreshes need the handler: the pipeline's.
      if (getFreshness(entry, now) !== 'fresh') return undefined;
      if (method === 'GET' && shouldRefreshEarly(entry, now, cacheOptions.earlyRefresh)) return undefined;
      stats.count('hits', scope.route);
      return answerFromEntry(context, scope, entry, HIT_STATUS, now);
    },
  };
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

function sameParams(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => a[name] === b[name]);
}
