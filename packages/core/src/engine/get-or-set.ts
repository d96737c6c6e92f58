import { parseDuration } from '../policy/duration';
import { normalizeTags } from '../policy/policy';
import { buildEntryTimes } from '../stores/entry-times';
import type { CacheEntry, EntryOptions } from '../types';
import { type EngineContext, refreshOnce } from './context';
import { canServeOnError, getFreshness, shouldRefreshEarly } from './freshness';
import { buildDataKey } from './internal-keys';
import { createSingleFlight, type SingleFlight } from './single-flight';

/** A load's outcome as its concurrent callers share it (a failure included). */
type LoadOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Data-level cache-aside state of one cache: the loads in progress, per store key (the engine's single-flight). */
export type DataFlights = SingleFlight<LoadOutcome>;

/** A cache's data flights. */
export function createDataFlights(): DataFlights {
  return createSingleFlight<LoadOutcome>();
}

interface ResolvedEntryOptions {
  ttl: number;
  tags: string[];
  staleWhileRevalidate: number;
  staleIfError: number;
}

/**
 * Returns the cached value of `key`, or runs `load` once (single-flight across concurrent
 * callers), stores its result and returns it. A stale value within `staleWhileRevalidate` is
 * returned at once and refreshed in the background (once); within `staleIfError` it replaces a
 * failing `load`. Values go through JSON, whichever layer answers (as they must through Redis):
 * every caller gets its own copy, of the same shape from every store (a `Date` comes back as its
 * ISO string, a `Map` as `{}`), the loader's callers included. A value JSON cannot hold (a
 * `BigInt`, a cycle) is returned to its callers as it is, not stored, and logged.
 */
export async function getOrSet<T>(
  context: EngineContext,
  flights: DataFlights,
  key: string,
  load: () => Promise<T>,
  options: EntryOptions = {},
): Promise<T> {
  if (typeof key !== 'string') throw new TypeError('getOrSet(key, load): key must be a string');
  if (typeof load !== 'function') throw new TypeError('getOrSet(key, load): load must be a function');
  const resolved = resolveEntryOptions(options, context.options.defaultTtl);
  const storeKey = buildDataKey(context.options.namespace, key);
  const { clock, earlyRefresh } = context.options;

  const found = await context.store.get(storeKey);
  const entry = found && found.key === storeKey && found.response === undefined ? found : undefined;
  const freshness = entry ? getFreshness(entry, clock()) : 'expired';
  if (entry && freshness === 'fresh') {
    context.stats.count('hits', undefined);
    if (shouldRefreshEarly(entry, clock(), earlyRefresh))
      refreshInBackground(context, flights, storeKey, load, resolved);
    return ownCopy(entry.value) as T;
  }
  if (entry && freshness === 'stale') {
    context.stats.count('stale', undefined);
    refreshInBackground(context, flights, storeKey, load, resolved);
    return ownCopy(entry.value) as T;
  }

  context.stats.count('misses', undefined);
  try {
    return ownCopy(await loadOnce(context, flights, storeKey, load, resolved)) as T;
  } catch (error) {
    if (entry && canServeOnError(freshness)) {
      context.stats.count('stale', undefined);
      return ownCopy(entry.value) as T;
    }
    throw error;
  }
}

/** A caller's own copy of a JSON-shaped value (primitives are their own copies). */
function ownCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    return structuredClone(value);
  } catch {
    return value; // a value JSON could not hold either (never stored): the loader's own
  }
}

/** `value` as JSON gives it back, or `NOT_JSON` when JSON cannot hold it. */
function throughJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * Runs `load` unless a load of `storeKey` is in progress (then shares its outcome), and stores
 * the value. Resolves the value as stored (through JSON), which callers copy.
 */
function loadOnce<T>(
  context: EngineContext,
  flights: DataFlights,
  storeKey: string,
  load: () => Promise<T>,
  options: ResolvedEntryOptions,
): Promise<unknown> {
  const running = flights.join(storeKey);
  if (running) {
    context.stats.count('coalesced', undefined);
    return running.then(unwrap);
  }
  const flight = flights.lead(storeKey);
  const { clock } = context.options;
  const promise = (async () => {
    // Race guard (behaviour 8): an invalidation after this instant drops the write.
    const startedAt = clock();
    const loaded = await load();
    const value = throughJson(loaded);
    if (value === NOT_JSON) {
      context.options.logger.warn('routecache: getOrSet value is not JSON-serialisable; not stored', {
        key: storeKey,
      });
      return loaded;
    }
    const storedAt = clock();
    const entry = buildDataEntry(storeKey, value, storedAt, storedAt - startedAt, options);
    if (entry && (await context.store.set(storeKey, entry, startedAt)))
      context.stats.count('stored', undefined);
    return value;
  })();
  promise.then(
    (value) => flight.end({ ok: true, value }),
    (error: unknown) => flight.end({ ok: false, error }),
  );
  return promise;
}

function unwrap(outcome: LoadOutcome): unknown {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

function refreshInBackground<T>(
  context: EngineContext,
  flights: DataFlights,
  storeKey: string,
  load: () => Promise<T>,
  options: ResolvedEntryOptions,
): void {
  if (flights.join(storeKey)) return; // a load in progress refreshes it already
  refreshOnce(context, storeKey, storeKey, () => loadOnce(context, flights, storeKey, load, options));
}

function buildDataEntry(
  key: string,
  value: unknown,
  now: number,
  computeMs: number,
  options: ResolvedEntryOptions,
): CacheEntry | undefined {
  if (options.ttl <= 0) return undefined;
  return {
    key,
    ...buildEntryTimes(now, options.ttl, options),
    tags: options.tags,
    value,
    computeMs,
  };
}

function resolveEntryOptions(options: EntryOptions, defaultTtl: number): ResolvedEntryOptions {
  return {
    ttl: options.ttl === undefined ? defaultTtl : parseDuration(options.ttl, 'ttl'),
    tags: options.tags === undefined ? [] : normalizeTags(options.tags),
    staleWhileRevalidate:
      options.staleWhileRevalidate === undefined
        ? 0
        : parseDuration(options.staleWhileRevalidate, 'staleWhileRevalidate'),
    staleIfError:
      options.staleIfError === undefined ? 0 : parseDuration(options.staleIfError, 'staleIfError'),
  };
}
