import { LRUCache } from 'lru-cache';
import { mayServeStaleDisconnected } from '../rfc9111/revalidation';
import { selectTargetedHeaders } from '../rfc9111/targeted-fields';
import type { CacheAnswer, CacheEntry, CacheRequest, HandleOptions, Origin, Policy } from '../types';
import { settledWithin } from '../util/deadline';
import { type EngineContext, refreshOnce } from './context';
import { canServeOnError, getFreshness, shouldRefreshEarly } from './freshness';
import { type AnswerStatus, answerFromEntry, answerFromOrigin, HIT_STATUS } from './http-answer';
import { waitForLockHolder } from './lock-wait';
import { type OriginResult, runOrigin } from './origin-run';
import { createRequestKeying, type RequestKeying } from './request-keying';
import { type RequestScope, resolveRequestScope } from './request-scope';
import { createSingleFlight, type Flight } from './single-flight';
import { passUnsafe, runOriginDirect, toAnswer } from './unsafe-methods';

/** How long an in-process waiter waits for the leader when no lock options say otherwise, ms. */
const DEFAULT_FLIGHT_WAIT_MS = 5000;

/** What waiters of a single flight get: the entry, or `undefined` to run the origin themselves. */
type FlightOutcome = { readonly entry: CacheEntry } | undefined;

const NO_OPTIONS: HandleOptions = {};

/** Keys remembered as "stale served without a refresh function": their next request refreshes. */
const MAX_REFRESH_DUE = 10_000;

/**
 * The request-level flow shared by every adapter (behaviours 1-14 of docs/architecture.md on one instance):
 * lookup, fresh hit, stale-while-revalidate, miss with single-flight and the cross-instance
 * lock, stale-if-error, bypasses, and invalidation by unsafe methods.
 */
export function createHandler(
  context: EngineContext,
  keying: RequestKeying = createRequestKeying(context.options.logger),
): (
  request: CacheRequest,
  policy: Policy,
  origin: Origin,
  options?: HandleOptions,
) => CacheAnswer | Promise<CacheAnswer> {
  const { stats, store, options } = context;
  const flights = createSingleFlight<FlightOutcome>();
  const refreshDue = new LRUCache<string, true>({ max: MAX_REFRESH_DUE });
  const { memo, learnedVary } = keying;

  /**
   * Answers synchronously when nothing has to be awaited (an in-process store's fresh or stale
   * hit, a 304): the adapter can then send it without a promise or a microtask turn (measured
   * on the Hono L1-hit benchmark). Anything else is a promise; nothing throws synchronously.
   */
  return function handle(request, policy, origin, handleOptions = NO_OPTIONS) {
    try {
      const raw = request.method;
      const method = raw === 'GET' || raw === 'HEAD' ? raw : String(raw).toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') return passUnsafe(context, request, origin);
      let scope: RequestScope;
      try {
        const keyed = learnedVary.policyFor(policy, request);
        scope = resolveRequestScope(request, method, keyed, options, memo);
      } catch (error) {
        return unresolved(request, origin, error);
      }
      if (scope.bypass) return bypass(scope, origin);
      // One clock reading serves the store's expiry check and the freshness decision of a hit.
      const now = options.clock();
      const found = store.peek(scope.key, scope.route, now);
      if (found !== undefined) return lookup(scope, found, origin, handleOptions, now);
      return store.read(scope.key, scope.route, (entry) => lookup(scope, entry, origin, handleOptions));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  /** A request the key builder cannot handle goes to the origin untouched, never fails. */
  async function unresolved(request: CacheRequest, origin: Origin, error: unknown): Promise<CacheAnswer> {
    options.logger.warn('routecache: could not resolve the request; bypassing the cache', { error });
    stats.count('bypass', request.routeLabel);
    return toAnswer(await runOriginDirect(context, request, origin));
  }

  /**
   * Decides from what the store found: fresh hit, stale answer, or a miss. `peekedAt`: the entry
   * came from `peek` (the store's own object, `held` by it) at that time; else the clock is read now.
   */
  function lookup(
    scope: RequestScope,
    found: CacheEntry | undefined,
    origin: Origin,
    handleOptions: HandleOptions,
    peekedAt?: number,
  ): CacheAnswer | Promise<CacheAnswer> {
    const entry = found?.response && found.key === scope.canonical ? found : undefined;
    const held = peekedAt !== undefined;
    const now = held ? peekedAt : options.clock();
    const freshness = entry ? getFreshness(entry, now) : 'expired';
    const isGet = scope.method === 'GET';

    if (entry && freshness === 'fresh') {
      if (isGet && shouldRefreshEarly(entry, now, options.earlyRefresh)) {
        // XFetch: refresh before expiry, in the background when possible, else this request does it.
        if (handleOptions.refresh) refreshInBackground(scope, handleOptions, entry);
        else if (!flights.join(scope.key)) return miss(scope, origin, entry, handleOptions, entry);
      }
      stats.count('hits', scope.route);
      return answerFromEntry(context, scope, entry, HIT_STATUS, now, held);
    }

    if (entry && freshness === 'stale') {
      // Behaviour 7: without a refresh function, the request after a stale answer refreshes in the foreground.
      if (isGet && !handleOptions.refresh && refreshDue.has(scope.key) && !flights.join(scope.key)) {
        refreshDue.delete(scope.key);
        return miss(scope, origin, entry, handleOptions, entry);
      }
      if (isGet) {
        if (handleOptions.refresh) refreshInBackground(scope, handleOptions, entry);
        else refreshDue.set(scope.key, true);
      }
      stats.count('stale', scope.route);
      // RFC 9211 §2.1/§2.4: served from cache without going forward, so `hit` with a negative ttl.
      return answerFromEntry(context, scope, entry, { hit: true, detail: 'stale-while-revalidate' }, now);
    }

    // A miss, or stale within stale-if-error only: the origin first, the stale entry if it fails.
    // A stale entry of a `from: 'response'` route is validated with the origin (RFC 9111 §4.3).
    // RFC 9111 §4.2.4: a cache disconnected from the origin may serve a stale `from: 'response'`
    // entry whose headers do not forbid it (an origin that fails to answer, not one that answers 5xx).
    const usable =
      entry &&
      (canServeOnError(freshness) ||
        (isGet &&
          scope.policy.from === 'response' &&
          mayServeStaleDisconnected(selectTargetedHeaders(entry.response!.headers, options.targeted))))
        ? entry
        : undefined;
    return miss(scope, origin, usable, handleOptions, entry);
  }

  async function miss(
    scope: RequestScope,
    origin: Origin,
    fallback: CacheEntry | undefined,
    handleOptions: HandleOptions,
    validate?: CacheEntry,
  ): Promise<CacheAnswer> {
    const hitForMiss = context.hitForMiss.has(scope.key, options.clock());
    const running = hitForMiss ? undefined : flights.join(scope.key);
    if (running) {
      // Bounded: a leader whose handler never ends must not hold its waiters forever.
      const outcome = await settledWithin(
        running,
        options.lock ? options.lock.waitMs : DEFAULT_FLIGHT_WAIT_MS,
      );
      if (outcome && outcome.entry.key === scope.canonical) {
        stats.count('coalesced', scope.route);
        return answerFromEntry(context, scope, outcome.entry, { fwd: 'miss', collapsed: true });
      }
      // Behaviour 14: the leader's answer taught the route a Vary; this request's own variant
      // is the leader's entry, or a lookup (and a flight) of its own.
      const learned = outcome && relearn(scope);
      if (learned) {
        if (outcome.entry.key === learned.canonical) {
          stats.count('coalesced', learned.route);
          return answerFromEntry(context, learned, outcome.entry, { fwd: 'miss', collapsed: true });
        }
        if (learned.bypass) return bypass(learned, origin);
        const found = store.peek(learned.key, learned.route) ?? (await store.get(learned.key, learned.route));
        return lookup(learned, found, origin, handleOptions);
      }
      // Released: the leader's result was not cacheable; run our own.
    } else if (scope.method === 'GET' && !hitForMiss) {
      return lead(scope, origin, fallback, validate);
    }
    return fetchAndAnswer(scope, origin, fallback, undefined, validate);
  }

  /** The scope re-resolved under what its route learned since it was resolved, or `undefined`. */
  function relearn(scope: RequestScope): RequestScope | undefined {
    const keyed = learnedVary.policyFor(scope.policy, scope.request);
    if (keyed === scope.policy) return undefined;
    return resolveRequestScope(scope.request, scope.method, keyed, options, memo);
  }

  /** `runOrigin`'s `rescope`: teaches the route the headers, then re-resolves the request. */
  function rescopeFor(scope: RequestScope): (unkeyedVary: readonly string[]) => RequestScope | undefined {
    return (unkeyedVary) => {
      learnedVary.learn(scope.policy, scope.request, unkeyedVary);
      return relearn(scope);
    };
  }

  async function lead(
    scope: RequestScope,
    origin: Origin,
    fallback: CacheEntry | undefined,
    validate: CacheEntry | undefined,
  ): Promise<CacheAnswer> {
    const flight = flights.lead(scope.key);
    try {
      let release: (() => Promise<void>) | undefined;
      if (options.lock && store.store.lock) {
        const lock = await store.acquireLock(scope.key, options.lock.leaseMs, scope.route);
        if (lock.state === 'held') {
          // Behaviour 6 across instances: wait (bounded) for the holder's entry, or its lock.
          const waited = await waitForLockHolder(context, scope, options.lock.waitMs, options.lock.leaseMs);
          if (waited && 'entry' in waited) {
            flight.settle({ entry: waited.entry });
            stats.count('coalesced', scope.route);
            return answerFromEntry(context, scope, waited.entry, { fwd: 'miss', collapsed: true });
          }
          if (waited) release = waited.release;
        } else if (lock.state === 'acquired') release = lock.release;
      }
      try {
        return await fetchAndAnswer(scope, origin, fallback, flight, validate);
      } finally {
        if (release) await store.releaseLock(release, scope.key);
      }
    } finally {
      flight.end(undefined);
    }
  }

  /** Runs the origin, stores a cacheable result, hands it to waiters, applies stale-if-error. */
  async function fetchAndAnswer(
    scope: RequestScope,
    origin: Origin,
    fallback: CacheEntry | undefined,
    flight: Flight<FlightOutcome> | undefined,
    validate: CacheEntry | undefined,
  ): Promise<CacheAnswer> {
    const canStore = scope.method === 'GET';
    let result: OriginResult;
    try {
      result = await runOrigin(context, scope, origin, {
        policy: scope.policy,
        rescope: rescopeFor(scope),
        canStore,
        background: false,
        status: { fwd: 'miss' },
        validate,
      });
    } catch (error) {
      stats.count('misses', scope.route);
      flight?.settle(undefined);
      // Behaviour 7: within stale-if-error, an origin failure is answered from the stale entry.
      if (fallback) return serveFallback(scope, fallback, undefined);
      throw error;
    }
    const rewritten = !result.sent && result.reason === 'rewritten';
    stats.count(rewritten ? 'bypass' : 'misses', scope.route);
    if (result.sent) {
      flight?.settle(undefined);
      if (canStore) context.hitForMiss.mark(scope.key, options.clock());
      return { status: result.status, headers: result.headers, body: null, sent: true };
    }
    if (fallback && result.status >= 500 && canServeOnError(getFreshness(fallback, options.clock()))) {
      flight?.settle(undefined);
      return serveFallback(scope, fallback, result.status);
    }
    if (rewritten) {
      // Behaviour 13: another request's answer, for this client only; the key stays open to waiters.
      flight?.settle(undefined);
      logDecision(scope, result);
      return answerFromOrigin(context, scope, result, { fwd: 'bypass', detail: 'rewritten' });
    }
    if (!result.entry) {
      // Uncacheable: release the waiters at once; remember the key (hit-for-miss), not for errors.
      flight?.settle(undefined);
      if (canStore && result.status < 500) context.hitForMiss.mark(scope.key, options.clock());
      logDecision(scope, result);
      return answerFromOrigin(context, scope, result, forwarded(result));
    }
    flight?.settle({ entry: result.entry });
    // The entry's own scope: the request's, or its variant once the route learned a Vary.
    const stored = await storeEntry(result.scope, result.entry, result.startedAt);
    return answerFromEntry(context, result.scope, result.entry, { ...forwarded(result), stored });
  }

  async function storeEntry(scope: RequestScope, entry: CacheEntry, startedAt: number): Promise<boolean> {
    context.hitForMiss.forget(scope.key);
    refreshDue.delete(scope.key);
    const stored = await store.set(scope.key, entry, startedAt, scope.route);
    if (stored) stats.count('stored', scope.route);
    return stored;
  }

  function serveFallback(
    scope: RequestScope,
    entry: CacheEntry,
    originStatus: number | undefined,
  ): CacheAnswer {
    stats.count('stale', scope.route);
    const status: AnswerStatus =
      getFreshness(entry, options.clock()) === 'fresh'
        ? { hit: true }
        : {
            fwd: 'stale',
            ...(originStatus === undefined ? {} : { fwdStatus: originStatus }),
            detail: 'stale-if-error',
          };
    return answerFromEntry(context, scope, entry, status);
  }

  /** Behaviour 7: one background refresh per key, detached from the client. */
  function refreshInBackground(
    scope: RequestScope,
    handleOptions: HandleOptions,
    validate: CacheEntry,
  ): void {
    const refresh = handleOptions.refresh;
    if (!refresh || flights.join(scope.key)) return; // a miss in progress refreshes it already
    const work = async (): Promise<void> => {
      const result = await runOrigin(context, scope, refresh, {
        policy: scope.policy,
        rescope: rescopeFor(scope),
        canStore: true,
        background: true,
        status: { fwd: 'stale' },
        validate,
      });
      if (!result.sent && result.entry) await storeEntry(result.scope, result.entry, result.startedAt);
      else if (!result.sent) logDecision(scope, result);
    };
    const waitUntil = handleOptions.waitUntil;
    refreshOnce(
      context,
      scope.key,
      scope.url,
      work,
      waitUntil && ((promise) => waitUntil(promise, scope.request)),
    );
  }

  async function bypass(scope: RequestScope, origin: Origin): Promise<CacheAnswer> {
    stats.count('bypass', scope.route);
    const status: AnswerStatus = { fwd: scope.bypass!.fwd, detail: scope.bypass!.detail };
    const result = await runOrigin(context, scope, origin, {
      policy: scope.bypass!.policy,
      canStore: false,
      background: false,
      status,
    });
    if (result.sent) return { status: result.status, headers: result.headers, body: null, sent: true };
    return answerFromOrigin(context, scope, result, status);
  }

  /**
   * RFC 9211 §2.2: a miss goes forward as `miss`; a validation the origin answered 304 as
   * `stale` with `fwd-status=304`.
   */
  function forwarded(result: { validated?: boolean }): AnswerStatus {
    return result.validated ? { fwd: 'stale', fwdStatus: 304 } : { fwd: 'miss' };
  }

  /** Logs why a response was not stored. */
  function logDecision(scope: RequestScope, result: { reason?: string }): void {
    options.logger.debug?.('routecache: response not stored', {
      url: scope.url,
      route: scope.route,
      reason: result.reason,
    });
  }
}
