/** A manual clock for tests: time moves only when `advance()` or `set()` is called. */
export interface FakeClock {
  /** Current time, milliseconds since epoch. Pass it as `clock` (`createCache({ clock: clock.now })`). */
  readonly now: () => number;
  /** Moves time forward by `ms` milliseconds (must be >= 0). */
  advance(ms: number): void;
  /** Sets the time, milliseconds since epoch. */
  set(ms: number): void;
}

/**
 * Creates a fake clock for freshness tests without real sleeps.
 *
 * @param start - initial time, ms since epoch. Default: a fixed date (2030-01-01T00:00:00Z).
 * @example
 * const clock = createFakeClock();
 * const cache = createCache({ clock: clock.now });
 * clock.advance(61_000);
 */
export function createFakeClock(start: number = Date.UTC(2030, 0, 1)): FakeClock {
  let time = start;
  return {
    now: () => time,
    advance(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance(ms): expected a finite ms >= 0, got ${ms}`);
      time += ms;
    },
    set(ms: number): void {
      if (!Number.isFinite(ms)) throw new RangeError(`set(ms): expected a finite ms, got ${ms}`);
      time = ms;
    },
  };
}
