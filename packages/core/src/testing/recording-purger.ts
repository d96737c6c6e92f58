import type { PurgeCallOptions, PurgeLimits, Purger } from '../cdn/purger';
import type { TagHeaderName, TargetedCacheControl } from '../types';

/** One call a `recordingPurger()` received. */
export interface RecordedPurge {
  readonly kind: 'tags' | 'urls';
  readonly items: readonly string[];
  readonly soft: boolean;
}

/** Options for `recordingPurger()`. */
export interface RecordingPurgerOptions {
  /** @default 'recording' */
  name?: string;
  /** @default 'surrogate-key' */
  tagHeader?: TagHeaderName | false;
  targetedCacheControl?: TargetedCacheControl;
  /** @default true */
  softPurge?: boolean;
  /** @default { tags: 100, urls: 100 } */
  limits?: PurgeLimits;
  /**
   * Decides each call's outcome: return (or resolve) nothing to acknowledge, throw or reject to
   * fail the attempt. `attempt` counts calls from 1. Default: every call succeeds.
   */
  respond?: (call: RecordedPurge, attempt: number, options: PurgeCallOptions) => void | Promise<void>;
}

/** A `Purger` that records every call (and its outcome comes from `respond`). */
export interface RecordingPurger extends Purger {
  /** Every call, in order, including failed attempts. */
  readonly calls: RecordedPurge[];
}

/**
 * A `Purger` for tests: records what the cache asked the CDN to purge, and fails the calls you
 * choose, so an app's tests can check its invalidations without a CDN.
 *
 * @example
 * const cdn = recordingPurger();
 * const cache = createCache({ cdn });
 * await cache.invalidate({ tags: ['product:1'] });
 * expect(cdn.calls).toEqual([{ kind: 'tags', items: ['product:1'], soft: false }]);
 */
export function recordingPurger(options: RecordingPurgerOptions = {}): RecordingPurger {
  const calls: RecordedPurge[] = [];
  const record = async (kind: 'tags' | 'urls', items: readonly string[], call: PurgeCallOptions) => {
    const recorded: RecordedPurge = { kind, items: [...items], soft: call.soft };
    calls.push(recorded);
    await options.respond?.(recorded, calls.length, call);
  };
  return {
    name: options.name ?? 'recording',
    tagHeader: options.tagHeader ?? 'surrogate-key',
    ...(options.targetedCacheControl ? { targetedCacheControl: options.targetedCacheControl } : {}),
    softPurge: options.softPurge ?? true,
    limits: options.limits ?? { tags: 100, urls: 100 },
    calls,
    purgeTags: (tags, call) => record('tags', tags, call),
    purgeUrls: (urls, call) => record('urls', urls, call),
  };
}
