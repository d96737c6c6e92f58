import { LRUCache } from 'lru-cache';

/**
 * Keys whose last result was uncacheable (behaviour 6, "hit-for-miss"): for a short while
 * their requests go straight to the origin instead of queueing behind one another.
 */
export interface HitForMiss {
  /** Remembers `key` as uncacheable until `now + durationMs`. */
  mark(key: string, now: number): void;
  /** True while `key` is remembered as uncacheable. */
  has(key: string, now: number): boolean;
  /** Forgets `key` (its result became cacheable again). */
  forget(key: string): void;
}

/** Keys remembered at most; the least recently marked are forgotten first. */
const MAX_KEYS = 10_000;

export function createHitForMiss(durationMs: number): HitForMiss {
  const until = new LRUCache<string, number>({ max: MAX_KEYS });
  return {
    mark(key: string, now: number): void {
      if (durationMs > 0) until.set(key, now + durationMs);
    },
    has(key: string, now: number): boolean {
      const time = until.get(key);
      if (time === undefined) return false;
      if (time > now) return true;
      until.delete(key);
      return false;
    },
    forget(key: string): void {
      until.delete(key);
    },
  };
}
