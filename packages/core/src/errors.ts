/**
 * The errors routecache throws. Each carries a stable `code` string so callers can branch on it
 * without `instanceof` across package copies.
 */

/**
 * An invalid policy or option, thrown at declaration time (`definePolicy()`, `createCache()`,
 * adapter factories), never while serving a request. `field` names the offending field.
 *
 * @example
 * new PolicyError('sMaxAge', 'not allowed with scope "private"').message
 * // 'Invalid policy field "sMaxAge": not allowed with scope "private"'
 */
export class PolicyError extends Error {
  /** Stable error code. */
  readonly code: 'E_POLICY_INVALID' = 'E_POLICY_INVALID';
  /** The offending field, e.g. `'sMaxAge'`, `'tags'`, `'query.exclude'`. */
  readonly field: string;
  /** What is wrong with it, e.g. `'not allowed with scope "private"'`. */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`Invalid policy field "${field}": ${reason}`);
    this.name = 'PolicyError';
    this.field = field;
    this.reason = reason;
  }
}

/**
 * `error` nested under `prefix` when it is a `PolicyError`: its field becomes `<prefix>.<field>`
 * (e.g. `routes["GET /x"].sMaxAge`), its reason is kept. Any other error is returned as is.
 * Adapters use it to name the route of an invalid policy in their `routes` option.
 *
 * @example
 * throw prefixPolicyError('routes["GET /x"]', error);
 */
export function prefixPolicyError(prefix: string, error: unknown): unknown {
  if (!(error instanceof PolicyError)) return error;
  return new PolicyError(`${prefix}.${error.field}`, error.reason);
}

/**
 * A store failure (error or timeout). The engine turns it into a miss, counts it in stats and
 * reports it to the logger; it never reaches the client.
 */
export class StoreError extends Error {
  /** Stable error code. */
  readonly code: 'E_STORE' = 'E_STORE';
  /** Name of the store that failed, e.g. `'redis'`. */
  readonly store?: string;
  /** Set when the call did not fail on its own: `'timeout'` (past its bound) or `'circuit-open'` (skipped by the breaker). */
  readonly reason?: 'timeout' | 'circuit-open';

  constructor(
    message: string,
    options?: { store?: string; cause?: unknown; reason?: 'timeout' | 'circuit-open' },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    if (options?.store !== undefined) this.store = options.store;
    if (options?.reason !== undefined) this.reason = options.reason;
  }
}

/**
 * A CDN purge that did not succeed. Purgers throw it for one failed attempt (with `retryable`
 * and the CDN's `Retry-After`); `invalidate()` rejects with it, naming the CDN (`cdn`), when a
 * purge was not acknowledged within its retry budget, so the caller can retry the write.
 */
export class PurgeError extends Error {
  /** Stable error code. */
  readonly code: 'E_PURGE' = 'E_PURGE';
  /** Name of the purger (CDN) that failed, e.g. `'fastly'`. */
  readonly cdn: string;
  /** HTTP status the CDN answered, when it answered. */
  readonly status?: number;
  /** False when retrying cannot help (bad credentials, a malformed request). */
  readonly retryable: boolean;
  /** How long the CDN asked us to wait before the next attempt (`Retry-After`), ms. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { cdn: string; status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PurgeError';
    this.cdn = options.cdn;
    this.retryable = options.retryable ?? true;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
