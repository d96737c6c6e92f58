/**
 * `@routecache/core/cdn/cloudflare`: purges a Cloudflare zone through the Cloudflare API.
 *
 * `POST /client/v4/zones/{zone_id}/purge_cache` with `{ "tags": [...] }` or `{ "files": [...] }`
 * and `Authorization: Bearer <API token>` (Zone > Cache Purge permission)
 * (https://developers.cloudflare.com/api/resources/cache/methods/purge/). Calls are limited in
 * size and rate per plan (https://developers.cloudflare.com/cache/how-to/purge-cache/#availability-and-limits):
 * 30 URLs or tags per call is accepted on every plan (Enterprise takes 500 URLs: raise
 * `perCall`), and over the rate limit the API answers 429 with `Retry-After`, which the queue
 * honours. Cloudflare has no soft purge by tag: `mode: 'expire'` purges hard.
 *
 * Cloudflare reads `Cache-Tag` (comma separated, stripped before the browser;
 * https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/) and honours
 * `CDN-Cache-Control` (https://developers.cloudflare.com/cache/concepts/cdn-cache-control/).
 */
import { PurgeError } from '../errors';
import { type FetchLike, requireString, sendPurgeRequest } from './http-purge';
import type { PurgeCallOptions, Purger } from './purger';

/** Options for `cloudflarePurger()`. */
export interface CloudflarePurgerOptions {
  /** The zone ID (the zone's Overview page, or `GET /zones`). */
  zoneId: string;
  /** An API token with the Zone > Cache Purge permission (sent as `Authorization: Bearer`). */
  apiToken: string;
  /**
   * Most tags or URLs in one call.
   * @default { tags: 30, urls: 30 }
   */
  perCall?: { tags?: number; urls?: number };
  /**
   * Name in stats, logs and errors.
   * @default 'cloudflare'
   */
  name?: string;
  /**
   * Base URL of the API.
   * @default 'https://api.cloudflare.com/client/v4'
   */
  endpoint?: string;
  /** The HTTP client. @default globalThis.fetch */
  fetch?: FetchLike;
}

/** Tags or URLs per call every Cloudflare plan accepts. */
export const CLOUDFLARE_DEFAULT_PER_CALL = 30;

/**
 * A `Purger` for Cloudflare: tags and URLs in calls of 30, `Retry-After` honoured on 429.
 *
 * @see https://github.com/routecache/routecache#cdn
 * @example
 * import { cloudflarePurger } from '@routecache/core/cdn/cloudflare';
 * const cache = createCache({ cdn: cloudflarePurger({ zoneId: '023e105f4ecef8ad9ca31a8372d0c353', apiToken: process.env.CF_TOKEN! }) });
 */
export function cloudflarePurger(options: CloudflarePurgerOptions): Purger {
  const zoneId = requireString(options.zoneId, 'zoneId');
  const apiToken = requireString(options.apiToken, 'apiToken');
  const name = options.name ?? 'cloudflare';
  const endpoint = (options.endpoint ?? 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  async function purge(
    body: { tags: readonly string[] } | { files: readonly string[] },
    call: PurgeCallOptions,
  ) {
    const text = await sendPurgeRequest(
      name,
      {
        url: `${endpoint}/zones/${encodeURIComponent(zoneId)}/purge_cache`,
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: call.signal,
      },
      fetchImpl,
    );
    // The API's envelope: `{ success, errors: [{ code, message }], result: { id } }`.
    let envelope: { success?: unknown; errors?: unknown } | undefined;
    try {
      envelope = JSON.parse(text) as typeof envelope;
    } catch {
      envelope = undefined;
    }
    if (envelope?.success !== true) {
      throw new PurgeError(`cdn "${name}": purge_cache did not report success: ${text.slice(0, 300)}`, {
        cdn: name,
        retryable: false,
      });
    }
  }

  return {
    name,
    tagHeader: 'cache-tag',
    targetedCacheControl: 'cdn-cache-control',
    softPurge: false,
    limits: {
      tags: options.perCall?.tags ?? CLOUDFLARE_DEFAULT_PER_CALL,
      urls: options.perCall?.urls ?? CLOUDFLARE_DEFAULT_PER_CALL,
    },
    purgeTags: (tags, call) => purge({ tags }, call),
    purgeUrls: (urls, call) => purge({ files: urls }, call),
  };
}
