/**
 * `@routecache/core/cdn/fastly`: purges a Fastly service through the Fastly API.
 *
 * - Tags: `POST /service/{service_id}/purge` with `{ "surrogate_keys": [...] }`, at most 256 keys
 *   per call ("Purge multiple surrogate keys",
 *   https://www.fastly.com/documentation/reference/api/purging/#bulk-purge-tag).
 * - URLs: `POST /purge/{host}/{path?query}`, one URL per call ("Purge a URL",
 *   https://www.fastly.com/documentation/reference/api/purging/#purge-single-url).
 * - Auth: `Fastly-Key: <API token>` with the `purge_select` scope; soft purge with
 *   `Fastly-Soft-Purge: 1` (marks the objects stale instead of removing them,
 *   https://www.fastly.com/documentation/guides/concepts/edge-state/cache/purging/#soft-vs-hard-purging).
 *
 * Fastly reads `Surrogate-Key` (space separated) and `Surrogate-Control` (stripped before the
 * browser), so the cache emits those
 * (https://www.fastly.com/documentation/guides/concepts/edge-state/cache/cache-freshness/).
 */
import { type FetchLike, requireString, sendPurgeRequest } from './http-purge';
import type { PurgeCallOptions, Purger } from './purger';

/** Options for `fastlyPurger()`. */
export interface FastlyPurgerOptions {
  /** The Fastly service ID. */
  serviceId: string;
  /** An API token with the `purge_select` scope (sent as `Fastly-Key`). */
  apiToken: string;
  /**
   * Name in stats, logs and errors.
   * @default 'fastly'
   */
  name?: string;
  /**
   * Base URL of the API.
   * @default 'https://api.fastly.com'
   */
  endpoint?: string;
  /** The HTTP client. @default globalThis.fetch */
  fetch?: FetchLike;
}

/** Most surrogate keys in one batch purge (Fastly API reference). */
export const FASTLY_MAX_KEYS_PER_CALL = 256;

/**
 * A `Purger` for Fastly: surrogate keys in batches of 256, URLs one by one, soft purge for
 * `invalidate({ mode: 'expire' })`.
 *
 * @see https://github.com/routecache/routecache#cdn
 * @example
 * import { fastlyPurger } from '@routecache/core/cdn/fastly';
 * const cache = createCache({ cdn: fastlyPurger({ serviceId: 'SU1Z0isxPaozGVKXdv0eY', apiToken: process.env.FASTLY_TOKEN! }) });
 */
export function fastlyPurger(options: FastlyPurgerOptions): Purger {
  const serviceId = requireString(options.serviceId, 'serviceId');
  const apiToken = requireString(options.apiToken, 'apiToken');
  const name = options.name ?? 'fastly';
  const endpoint = (options.endpoint ?? 'https://api.fastly.com').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  function headers(call: PurgeCallOptions, json: boolean): Record<string, string> {
    return {
      'fastly-key': apiToken,
      accept: 'application/json',
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(call.soft ? { 'fastly-soft-purge': '1' } : {}),
    };
  }

  return {
    name,
    tagHeader: 'surrogate-key',
    targetedCacheControl: 'surrogate-control',
    softPurge: true,
    limits: { tags: FASTLY_MAX_KEYS_PER_CALL, urls: 1 },
    async purgeTags(tags, call) {
      await sendPurgeRequest(
        name,
        {
          url: `${endpoint}/service/${encodeURIComponent(serviceId)}/purge`,
          method: 'POST',
          headers: headers(call, true),
          body: JSON.stringify({ surrogate_keys: tags }),
          signal: call.signal,
        },
        fetchImpl,
      );
    },
    async purgeUrls(urls, call) {
      for (const url of urls) {
        // The cached URL without its scheme: `www.example.com/path?query`.
        const { host, pathname, search } = new URL(url);
        await sendPurgeRequest(
          name,
          {
            url: `${endpoint}/purge/${host}${pathname}${search}`,
            method: 'POST',
            headers: headers(call, false),
            signal: call.signal,
          },
          fetchImpl,
        );
      }
    },
  };
}
