import type { Duration, TagHeaderName, TargetedCacheControl } from '../types';

/**
 * The contract between the engine and a CDN: purge by tags and by URLs, hard or soft. The engine
 * knows only this; each CDN's HTTP API lives in its own subpath (`@routecache/core/cdn/varnish`,
 * `…/fastly`, `…/cloudflare`, `…/akamai`). A purger makes one attempt per call: retries,
 * backoff, batching and de-duplication are the engine's (`createPurgeQueue`).
 *
 * A purger throws a `PurgeError` (with `retryable: false` for answers a retry cannot fix, such as
 * a 401, and `retryAfterMs` when the CDN said when to come back); any other rejection (network
 * error, timeout) is retried.
 */
export interface Purger {
  /** Name in stats, logs and errors, e.g. `'fastly'`. Unique among a cache's purgers. */
  readonly name: string;
  /** The tag header this CDN reads, or `false` when it purges by URL only. The cache emits it. */
  readonly tagHeader: TagHeaderName | false;
  /** The targeted `Cache-Control` field this CDN honours for `cdnMaxAge`, if any. */
  readonly targetedCacheControl?: TargetedCacheControl;
  /** Whether `soft: true` is a real soft purge (marks stale) rather than a hard one. */
  readonly softPurge: boolean;
  /** Per-call limits of the CDN's API; the queue splits larger purges into several calls. */
  readonly limits: PurgeLimits;
  /** Purges every object carrying one of `tags`, in one call. */
  purgeTags(tags: readonly string[], options: PurgeCallOptions): Promise<void>;
  /** Purges these public URLs (`https://host/path?query`), in one call. */
  purgeUrls(urls: readonly string[], options: PurgeCallOptions): Promise<void>;
}

/** Per-call limits a purger declares. */
export interface PurgeLimits {
  /** Most tags in one `purgeTags` call. */
  readonly tags: number;
  /** Most URLs in one `purgeUrls` call. */
  readonly urls: number;
  /** Most bytes of tags or URLs in one call (their UTF-8 lengths plus one separator each). */
  readonly bytes?: number;
}

/** What one purge call gets. */
export interface PurgeCallOptions {
  /** Soft purge (mark stale, keep serving within grace) instead of removing. */
  readonly soft: boolean;
  /** Aborted when the attempt's time is up; pass it to `fetch`. */
  readonly signal: AbortSignal;
}

/** The cache's `cdnRetry` option: how long a purge keeps being retried. */
export interface PurgeRetryOptions {
  /**
   * Total time budget of one purge, from its first attempt, seconds: attempts and backoff
   * waits stop when the next one would end after it, and the purge fails (an `invalidate()`
   * rejects with a `PurgeError` naming the CDN).
   * @default 30
   */
  within?: Duration;
  /**
   * Longest one attempt may take, seconds; then it is aborted and retried.
   * @default 10
   */
  timeout?: Duration;
  /**
   * First backoff wait, milliseconds; each retry doubles it (up to 5000 ms) with full jitter.
   * A `Retry-After` from the CDN replaces it.
   * @default 250
   */
  backoffMs?: number;
}
