/**
 * The race guard's memory (behaviour 8): when each tag or key was last invalidated, so a write
 * from a handler run that started earlier can be dropped.
 *
 * Bounded: past `maxRecords` the oldest record is forgotten and its time raises a floor; a
 * write that started at or before the floor is dropped too. Forgetting therefore only ever
 * drops more writes (a cache miss later), never lets a stale write through.
 */
export interface InvalidationLog {
  /** Records that `name` was invalidated at `time` (ms since epoch). */
  record(name: string, time: number): void;
  /** True when one of `names` was invalidated at or after `notBefore` (or the log forgot). */
  isInvalidatedSince(names: Iterable<string>, notBefore: number): boolean;
}

/** Creates an invalidation log keeping at most `maxRecords` names. */
export function createInvalidationLog(maxRecords: number): InvalidationLog {
  const times = new Map<string, number>();
  let floor = Number.NEGATIVE_INFINITY;

  return {
    record(name: string, time: number): void {
      const previous = times.get(name);
      // Map order is insertion order: re-inserting keeps the oldest record first.
      times.delete(name);
      times.set(name, previous === undefined ? time : Math.max(previous, time));
      while (times.size > maxRecords) {
        const oldest = times.entries().next().value;
        if (!oldest) break;
        times.delete(oldest[0]);
        floor = Math.max(floor, oldest[1]);
      }
    },
    isInvalidatedSince(names: Iterable<string>, notBefore: number): boolean {
      if (notBefore <= floor) return true;
      for (const name of names) {
        const time = times.get(name);
        if (time !== undefined && time >= notBefore) return true;
      }
      return false;
    },
  };
}
