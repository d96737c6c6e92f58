import { buildUrlTag } from '../engine/internal-keys';
import { PolicyError } from '../errors';
import type { RouteCache } from '../types';
import { warmCache } from './warm-cache';
import type { WarmDispatch, WarmSummary } from './warm-types';

/** `rewarm()` options (refresh-after-invalidate). */
export interface RewarmOptions {
  /**
   * Most entries re-warmed per invalidation: the hottest (most answers served) among those it
   * removed.
   * @default 20
   */
  top?: number;
  /**
   * Entries whose use is tracked (most recently used ones kept).
   * @default 10000
   */
  tracked?: number;
  /**
   * Requests in flight at once per invalidation.
   * @default 2
   */
  concurrency?: number;
  /** Called with each invalidation's re-warm summary. A throwing callback is ignored. */
  onRewarm?: (summary: WarmSummary) => void;
}

/** What `rewarm()` returns. */
export interface Rewarmer {
  /** Stops tracking and re-warming (re-warms in flight finish). */
  stop(): void;
  /** Resolves when no re-warm is in flight. */
  idle(): Promise<void>;
}

interface Tracked {
  readonly host: string;
  readonly url: string;
  readonly tags: readonly string[];
  uses: number;
}

/**
 * Refresh-after-invalidate: tracks which entries visitors use, and after each invalidation on
 * this instance (by tag, or of a URL after an unsafe request) sends the hottest entries it
 * removed through the app again, so the first visitor after a write does not pay the miss.
 * Invalidations by `getOrSet` key are not followed (they are not pages).
 *
 * @throws PolicyError naming the option when an option is invalid.
 */
export function rewarmAfterInvalidation(
  cache: RouteCache,
  dispatch: WarmDispatch,
  options: RewarmOptions = {},
): Rewarmer {
  const top = whole(options.top, 20, 'top');
  const tracked = whole(options.tracked, 10_000, 'tracked');
  const concurrency = whole(options.concurrency, 2, 'concurrency');
  const entries = new Map<string, Tracked>();
  const inFlight = new Set<Promise<unknown>>();
  /** Entries being re-warmed: their own answers are not visitors' uses. */
  const rewarming = new Set<string>();

  const detach = cache.observe({
    answer(event) {
      if (event.key === undefined || event.outcome === 'bypass') return;
      if (event.outcome === 'miss' && !event.stored) return;
      const id = `${event.host} ${event.url}`;
      if (rewarming.has(id)) return;
      const known = entries.get(id);
      if (known) {
        known.uses++;
        entries.delete(id);
        entries.set(id, known);
        return;
      }
      const path = event.url.split('?', 1)[0]!;
      entries.set(id, {
        host: event.host,
        url: event.url,
        tags: [...event.tags, buildUrlTag(event.host, path)],
        uses: 1,
      });
      if (entries.size > tracked) entries.delete(entries.keys().next().value!);
    },
    invalidation(event) {
      if (event.failed || event.kind === 'keys' || event.tags.length === 0) return;
      const hit = new Set(event.tags);
      const chosen = [...entries.entries()]
        .filter(([, entry]) => entry.tags.some((tag) => hit.has(tag)))
        .sort(([, a], [, b]) => b.uses - a.uses)
        .slice(0, top);
      if (chosen.length === 0) return;
      for (const [id] of chosen) rewarming.add(id);
      const targets = chosen.map(([, entry]) => ({ url: entry.url, headers: { host: entry.host } }));
      // One timer tick later: a handler run starting in the invalidation's own millisecond
      // would be dropped by the race guard (behaviour 8).
      const run = new Promise((resolve) => setTimeout(resolve, 1))
        .then(() => warmCache(cache, dispatch, targets, { concurrency }))
        .then((summary) => {
          try {
            options.onRewarm?.(summary);
          } catch {
            // ignored, as documented
          }
        })
        .catch(() => {})
        .finally(() => {
          for (const [id] of chosen) rewarming.delete(id);
          inFlight.delete(run);
        });
      inFlight.add(run);
    },
  });

  return {
    stop: detach,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

function whole(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new PolicyError(field, 'rewarm(): must be a whole number, 1 or more');
  return value;
}
