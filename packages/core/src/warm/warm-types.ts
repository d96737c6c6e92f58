/** A page to warm: a path (`'/products/1'`) or an absolute URL (its host is sent as `Host`), optionally with request headers. */
export type WarmTarget =
  | string
  | { readonly url: string; readonly headers?: Readonly<Record<string, string>> };

/** Where the targets come from: a list, or a sitemap (a path is fetched through the app itself). */
export type WarmSource = readonly WarmTarget[] | { readonly sitemap: string };

/** How one target went. */
export interface WarmResult {
  /** The target as requested (path and query). */
  readonly url: string;
  /**
   * - `'stored'`: the handler ran and its answer was stored (a visitor now gets a hit);
   * - `'fresh'`: it was already cached;
   * - `'skipped'`: not cacheable (no policy on the route, a bypass, or a response the rules refuse);
   * - `'failed'`: the request failed (network error, or a 5xx).
   */
  readonly outcome: 'stored' | 'fresh' | 'skipped' | 'failed';
  /** Status the app answered; absent when the request itself failed. */
  readonly status?: number;
  /** For `'skipped'` and `'failed'`: why (bypass reason, `'not stored'`, `'no policy'`, the error). */
  readonly reason?: string;
  readonly durationMs: number;
}

/** Progress after each target. */
export interface WarmProgress {
  readonly done: number;
  readonly total: number;
  readonly result: WarmResult;
}

/** `warm()` options. */
export interface WarmOptions {
  /**
   * Requests in flight at once.
   * @default 4
   */
  concurrency?: number;
  /** Called after each target (e.g. to print a progress line). A throwing callback is ignored. */
  onProgress?: (progress: WarmProgress) => void;
  /**
   * Headers sent with every request (target headers override them). Send the `Host` your
   * visitors use when targets are paths: the host is part of the cache key.
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Most targets taken from a sitemap (sitemap indexes are followed one level).
   * @default 10000
   */
  maxTargets?: number;
}

/** `warm()`'s summary. */
export interface WarmSummary {
  readonly total: number;
  readonly stored: number;
  readonly fresh: number;
  readonly skipped: number;
  readonly failed: number;
  readonly durationMs: number;
  readonly results: readonly WarmResult[];
}

/** One GET through the app, as a visitor's would go; resolves the status and body. */
export type WarmDispatch = (
  path: string,
  headers: Readonly<Record<string, string>>,
) => Promise<{ readonly status: number; readonly body: Uint8Array }>;
