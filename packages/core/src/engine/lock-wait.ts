import { monotonicMs } from '../metrics/metrics-hub';
import type { CacheEntry } from '../types';
import type { EngineContext } from './context';
import { getFreshness } from './freshness';
import type { RequestScope } from './request-scope';

/** How often a waiter looks for the lock holder's entry, in ms. */
const POLL_INTERVAL_MS = 50;

/**
 * Behaviour 6 across instances: while another instance holds the key's lock, polls the store
 * for the entry it is producing, up to `waitMs`. Resolves the fresh entry, or `undefined` when
 * the wait is over (the caller then runs the origin itself).
 */
export async function waitForLockHolder(
  context: EngineContext,
  scope: RequestScope,
  waitMs: number,
): Promise<CacheEntry | undefined> {
  if (!context.metrics.active) return poll(context, scope, waitMs);
  const started = monotonicMs();
  const entry = await poll(context, scope, waitMs);
  context.metrics.lockWait({
    route: scope.route,
    durationMs: monotonicMs() - started,
    result: entry ? 'entry' : 'timeout',
  });
  return entry;
}

async function poll(
  context: EngineContext,
  scope: RequestScope,
  waitMs: number,
): Promise<CacheEntry | undefined> {
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
      return entry;
    }
  }
  return undefined;
}
