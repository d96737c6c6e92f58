import type { AnswerEvent, AnswerOutcome } from '../metrics/events';
import type { CacheAnswer, CacheEntry } from '../types';
import type { EngineContext } from './context';
import type { AnswerStatus } from './http-answer';
import type { RequestScope } from './request-scope';

/**
 * Reports one answer to the metrics sinks, derived from its `Cache-Status` parameters: hit,
 * stale (SWR or stale-if-error), miss (stored or not), coalesced, or bypass with its detail.
 * Called only while a sink listens (`context.metrics.active`).
 */
export function reportAnswer(
  context: EngineContext,
  scope: RequestScope,
  status: AnswerStatus,
  answer: CacheAnswer,
  entry: CacheEntry | undefined,
  now: number,
): void {
  let outcome: AnswerOutcome;
  let reason: string | undefined;
  if (status.hit) {
    outcome = status.detail === 'stale-while-revalidate' ? 'stale' : 'hit';
    reason = status.detail;
  } else if (status.fwd === 'stale') {
    outcome = 'stale';
    reason = status.detail;
  } else if (status.fwd === 'miss') {
    outcome = status.collapsed ? 'coalesced' : 'miss';
  } else {
    outcome = 'bypass';
    reason = status.detail ?? status.fwd;
  }
  const fromStore = entry !== undefined && (outcome === 'hit' || outcome === 'stale');
  const event: AnswerEvent = {
    route: scope.route,
    outcome,
    layer: fromStore ? layerOf(context, entry) : 'origin',
    reason,
    status: answer.status,
    notModified: answer.status === 304,
    stored: status.stored === true,
    key: scope.bypass ? undefined : scope.key,
    url: scope.url,
    host: scope.host,
    tags: scope.tags,
    ageSeconds: fromStore ? Math.max(0, (now - entry.storedAt) / 1000) : undefined,
  };
  context.metrics.answer(event);
}

/** The layer a served entry came from: the store says (tiered), else in-process stores are L1. */
function layerOf(context: EngineContext, entry: CacheEntry): 'l1' | 'l2' {
  const store = context.store.store;
  try {
    const layer = store.layerOf?.(entry);
    if (layer) return layer;
  } catch {
    // fall through to the default
  }
  return store.peek ? 'l1' : 'l2';
}
