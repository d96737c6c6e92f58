/**
 * The neutral metrics surface: what the engine reports while it works, as plain events. The
 * Prometheus (`@routecache/core/prometheus`) and OpenTelemetry (`@routecache/core/otel`)
 * integrations are translations of these events, as adapters are translations of frameworks.
 *
 * Nothing here has a dependency; nothing is emitted (and nothing is measured) while no sink is
 * attached with `RouteCache.observe()`.
 */

/** A cache layer: the in-process L1, the shared L2, or a CDN in front of the app. */
export type CacheLayer = 'l1' | 'l2' | 'cdn';

/**
 * How one request was answered:
 * - `'hit'`: a fresh entry, without running the handler;
 * - `'stale'`: a stale entry (stale-while-revalidate, or stale-if-error after the handler failed);
 * - `'miss'`: the handler ran (its answer stored or not, see `stored`);
 * - `'coalesced'`: waited for another request's handler run (single-flight or the cross-instance lock);
 * - `'bypass'`: the cache was not used (see `reason`).
 */
export type AnswerOutcome = 'hit' | 'stale' | 'miss' | 'coalesced' | 'bypass';

/** One answer the cache gave (reported once per request it handled). */
export interface AnswerEvent {
  /** Route pattern as the adapter labels it (e.g. `'GET /api/products/:id'`); never the URL. */
  readonly route: string | undefined;
  readonly outcome: AnswerOutcome;
  /** Where the body came from: a store layer, or `'origin'` (the handler ran). */
  readonly layer: 'l1' | 'l2' | 'origin';
  /**
   * Why: for `'bypass'` the `Cache-Status` detail (`'authorization'`, `'no-store'`, `'method'`,
   * `'streamed'`, …); for `'stale'` `'stale-while-revalidate'` or `'stale-if-error'`.
   */
  readonly reason: string | undefined;
  /** Status sent: 304 when the request's validators matched. */
  readonly status: number;
  /** True when the answer was a `304 Not Modified`. */
  readonly notModified: boolean;
  /** For `'miss'`: whether the result was stored. */
  readonly stored: boolean;
  /** Store key (bounded; long keys are hashed). Absent on bypasses. */
  readonly key: string | undefined;
  /** Path and filtered query the key was built from (what the handler saw). */
  readonly url: string;
  /** Lower-case `Host` of the request. */
  readonly host: string;
  /** Entry tags (validated). */
  readonly tags: readonly string[];
  /** Age of the entry served, seconds (absent when the handler ran). */
  readonly ageSeconds: number | undefined;
}

/** Result of one store call, as `StoreObserver.around` classifies it. */
export type StoreCallResult = 'ok' | 'error' | 'timeout' | 'skipped';

/** One call to a store layer (Redis reads, writes, locks, invalidations, pings). */
export interface StoreCallInfo {
  readonly layer: CacheLayer;
  /** `'get'`, `'set'`, `'lock'`, `'unlock'`, `'delete'`, `'invalidateTags'`, `'expireKeys'`, `'clear'`, `'ping'`. */
  readonly operation: string;
}

/** One handler run (a miss, a bypass, an unsafe request, or a background refresh). */
export interface OriginRunInfo {
  readonly route: string | undefined;
  readonly method: string;
  /** True for background refreshes (stale-while-revalidate, early refresh). */
  readonly background: boolean;
}

/** How an origin run ended. */
export interface OriginRunEnd {
  readonly durationMs: number;
  /** Status the handler answered; absent when it threw. */
  readonly status: number | undefined;
  readonly error: unknown;
}

/** One `invalidate()` (or URL invalidation after an unsafe request, `kind: 'url'`). */
export interface InvalidationEvent {
  readonly kind: 'tags' | 'keys' | 'url';
  readonly mode: 'delete' | 'expire';
  /** Tags or keys asked for. */
  readonly targets: number;
  /** Entries removed or expired where the store could count them. */
  readonly reached: number;
  readonly durationMs: number;
  readonly failed: boolean;
  /** The tags (for `'tags'` and `'url'`), e.g. for re-warming hot entries. */
  readonly tags: readonly string[];
}

/** A wait for another instance's handler run (behaviour 6, the cross-instance lock). */
export interface LockWaitEvent {
  readonly route: string | undefined;
  readonly durationMs: number;
  /** `'entry'`: the holder's entry arrived; `'timeout'`: the waiter ran the handler itself. */
  readonly result: 'entry' | 'timeout';
}

/** A change of the invalidation bus's health (false: messages may have been lost, L1 bypassed). */
export interface BusHealthEvent {
  readonly healthy: boolean;
}

/** A store call wrapped by a sink: call `next()` exactly once and return its promise. */
export type AroundStoreCall = <T>(info: StoreCallInfo, next: () => Promise<T>) => Promise<T>;

/**
 * Receives the engine's events. Every method is optional; implement what you translate.
 * Methods are called synchronously where the event happens (an `answer` of a hit runs inside the
 * adapter's request handling, so the active trace span is the request's): keep them cheap, and
 * never throw (a throwing sink is logged once and its event dropped).
 */
export interface MetricsSink {
  answer?(event: AnswerEvent): void;
  /**
   * Wraps a handler run: call `run()` exactly once and return its promise (a tracer starts a
   * span around it, with the span active so the handler's own spans are its children).
   * `end` is reported by the engine after the run, to every sink.
   */
  aroundOrigin?<T>(info: OriginRunInfo, run: () => Promise<T>): Promise<T>;
  originEnd?(info: OriginRunInfo, end: OriginRunEnd): void;
  /** Wraps a store call (a tracer's L2 span); call `next()` exactly once. */
  aroundStoreCall?: AroundStoreCall;
  storeCallEnd?(info: StoreCallInfo, result: StoreCallResult, durationMs: number): void;
  /** A store failure the engine turned into a miss (or a skipped write). */
  storeFailure?(operation: string, route: string | undefined): void;
  invalidation?(event: InvalidationEvent): void;
  lockWait?(event: LockWaitEvent): void;
  busHealth?(event: BusHealthEvent): void;
}

/**
 * What a store layer reports about itself to the engine's metrics: calls wrapped with their
 * timing and result, and bus health changes. Given to `Store.instrument()`.
 */
export interface StoreObserver {
  /** Times and classifies one call; `next` runs it. Cheap pass-through when nothing listens. */
  around<T>(info: StoreCallInfo, next: () => Promise<T>): Promise<T>;
  busHealth(healthy: boolean): void;
}
