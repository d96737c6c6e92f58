import { monotonicMs } from '../metrics/metrics-hub';
import type { CacheEntry } from '../types';
import type { EngineContext } from './context';
import { getFreshness } from './freshness';
import type { RequestScope } from './request-scope';

/** How often a waiter looks for the lock holder's entry, in ms. */
const POLL_INTERVAL_MS = 50;

/**
 * What a wait for the lock holder ended with: its entry; the lock itself, released by a holder
 * that stored nothing (its answer was uncacheable, its write failed), so this request runs the
 * origin holding it; or nothing (the wait is over: the caller runs the origin without it).
 */
export type LockWait = { readonly entry: CacheEntry } | { readonly release: () => Promise<void> } | undefined;

/**
 * Behaviour 6 across instances: while another instance holds the key's lock, polls the store
 * for the entry it is producing, up to `waitMs`; a poll that finds no entry tries the lock, so a
 * holder that gave up without an entry hands its waiters on at once instead of after `waitMs`.
 */
export async function waitForLockHolder(
  context: EngineContext,
  scope: RequestScope,
  waitMs: number,
  leaseMs: number,
): Promise<LockWait> {
  if (!context.metrics.active) return poll(context, scope, waitMs, leaseMs);
  const started = monotonicMs();
  const outcome = await poll(context, scope, waitMs, leaseMs);
  context.metrics.lockWait({
    route: scope.route,
    durationMs: monotonicMs() - started,
    result: outcome && 'entry' in outcome ? 'entry' : 'timeout',
  });
  return outcome;
}

async function poll(
  context: EngineContext,
  scope: RequestScope,
  waitMs: number,
  leaseMs: number,
): Promise<LockWait> {
  const interval = Math.max(1, Math.min(POLL_INTERVAL_MS, waitMs));
  // Counted in polls rather than clock time, so a frozen test clock cannot wait forever.
  for (let waited = 0; waited < waitMs; waited += interval) {
    await new Promise((resolve) => setTimeout(resolve, interval));
    const entry = await context.store.get(scope.key, scope.route);
    if (
      entry?.response &&
      entry.key === scope.canonical &&
      getFreshness(entry, context.options.clock()) === 'fresh'
    ) {
      return { entry };
    }
    const lock = await context.store.acquireLock(scope.key, leaseMs, scope.route);
    if (lock.state === 'acquired') return { release: lock.release };
    if (lock.state === 'failed') return undefined; // the store is failing: stop waiting on it
  }
  return undefined;
}
