import { PolicyError } from '../errors';
/** `createCircuitBreaker()` options. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failures after which the breaker opens (stops calling the store).
   * @default 5
   */
  threshold?: number;
  /**
   * How long the breaker stays open before it lets one probe call through (half-open), in
   * milliseconds.
   * @default 5000
   */
  breakDurationMs?: number;
  /**
   * Milliseconds since epoch.
   * @default Date.now
   */
  clock?: () => number;
}

/** `'closed'`: calls go through; `'open'`: calls are skipped; `'half-open'`: one probe is in flight. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** A circuit breaker guarding calls to a failing dependency (here: Redis). */
export interface CircuitBreaker {
  readonly state: CircuitState;
  /** True when a call may go out now. In half-open state only the first caller gets true (the probe). */
  allow(): boolean;
  /** Reports a successful call: closes the breaker. */
  success(): void;
  /** Reports a failed call: opens the breaker after `threshold` in a row, or at once when probing. */
  failure(): void;
}

/**
 * A consecutive-failure circuit breaker: after `threshold` failures in a row it opens for
 * `breakDurationMs`; then one probe call is let through (half-open): its success closes the
 * breaker, its failure opens it for another `breakDurationMs`.
 *
 * @example
 * const breaker = createCircuitBreaker({ threshold: 5, breakDurationMs: 5000 });
 * if (breaker.allow()) call().then(breaker.success, breaker.failure);
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.threshold ?? 5;
  const breakDurationMs = options.breakDurationMs ?? 5000;
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new PolicyError('breaker.threshold', `must be a positive integer, got ${String(threshold)}`);
  }
  if (!(breakDurationMs >= 0) || !Number.isFinite(breakDurationMs)) {
    throw new PolicyError('breaker.breakDurationMs', `must be >= 0 ms, got ${String(breakDurationMs)}`);
  }
  const clock = options.clock ?? Date.now;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;

  const open = () => {
    state = 'open';
    openedAt = clock();
  };

  return {
    get state() {
      if (state === 'open' && clock() - openedAt >= breakDurationMs) return 'half-open';
      return state;
    },
    allow() {
      if (state === 'closed') return true;
      // Open long enough (or a probe that never reported back): this caller is the probe.
      if (clock() - openedAt >= breakDurationMs) {
        state = 'half-open';
        openedAt = clock();
        return true;
      }
      return false;
    },
    success() {
      state = 'closed';
      failures = 0;
    },
    failure() {
      failures++;
      if (state === 'half-open' || failures >= threshold) open();
    },
  };
}
