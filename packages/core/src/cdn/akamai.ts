/**
 * `@routecache/core/cdn/akamai`: purges Akamai through the Fast Purge API v3 (Node only).
 *
 * - Tags: `POST /ccu/v3/{invalidate|delete}/tag/{network}` with `{ "objects": [tags] }`
 *   (https://techdocs.akamai.com/purge-cache/reference/invalidate-tag,
 *   https://techdocs.akamai.com/purge-cache/reference/delete-tag).
 * - URLs: `POST /ccu/v3/{invalidate|delete}/url/{network}` with `{ "objects": [urls] }`
 *   (https://techdocs.akamai.com/purge-cache/reference/invalidate-url).
 * - `invalidate` marks objects stale (the edge revalidates with the origin: our 304s make that
 *   cheap) and is used for `mode: 'expire'`; `delete` removes them, for `mode: 'delete'`.
 * - Request bodies are limited to 50,000 bytes
 *   (https://techdocs.akamai.com/purge-cache/reference/api-limits); over the rate limit the API
 *   answers 429, honoured by the queue.
 * - Auth: EdgeGrid (`EG1-HMAC-SHA256`) signed by Akamai's own library `akamai-edgegrid`
 *   (optional peer dependency, loaded on the first purge;
 *   https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid).
 *
 * Akamai reads `Edge-Cache-Tag` (comma separated, removed before the browser;
 * https://techdocs.akamai.com/purge-cache/docs/add-cache-tags) and, with the property's
 * targeted cache control enabled, `CDN-Cache-Control`.
 */
import { PolicyError } from '../errors';
import { type FetchLike, requireString, sendPurgeRequest } from './http-purge';
import type { PurgeCallOptions, Purger } from './purger';

/** EdgeGrid API client credentials (the `.edgerc` section's four values). */
export interface AkamaiCredentials {
  /** `host`, e.g. `'akab-xxxx.purge.akamaiapis.net'`. */
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

/** Options for `akamaiPurger()`. */
export interface AkamaiPurgerOptions {
  credentials: AkamaiCredentials;
  /**
   * Which network to purge.
   * @default 'production'
   */
  network?: 'production' | 'staging';
  /**
   * Name in stats, logs and errors.
   * @default 'akamai'
   */
  name?: string;
  /**
   * Where requests go; the signature always covers `https://<credentials.host>`.
   * @default `https://${credentials.host}`
   */
  baseUrl?: string;
  /** The HTTP client. @default globalThis.fetch */
  fetch?: FetchLike;
}

/** Largest Fast Purge request body, bytes (API limits). */
export const AKAMAI_MAX_BODY_BYTES = 50_000;

/** The part of `akamai-edgegrid` used here: it computes the `Authorization` header. */
interface EdgeGridClient {
  auth(request: { path: string; method: string; headers: Record<string, string>; body: string }): {
    request: { headers: Record<string, string> };
  };
}
type EdgeGridConstructor = new (
  clientToken: string,
  clientSecret: string,
  accessToken: string,
  host: string,
) => EdgeGridClient;

/**
 * A `Purger` for Akamai Fast Purge v3: cache tags (`Edge-Cache-Tag`) and URLs, `invalidate` for
 * soft and `delete` for hard purges, EdgeGrid-signed.
 *
 * @see https://github.com/routecache/routecache#cdn
 * @example
 * import { akamaiPurger } from '@routecache/core/cdn/akamai';
 * const cache = createCache({ cdn: akamaiPurger({ credentials: { host, clientToken, clientSecret, accessToken } }) });
 */
export function akamaiPurger(options: AkamaiPurgerOptions): Purger {
  const given = options.credentials;
  if (typeof given !== 'object' || given === null) throw new PolicyError('credentials', 'must be an object');
  const credentials: AkamaiCredentials = {
    host: requireString(given.host, 'credentials.host')
      .replace(/^https:\/\//, '')
      .replace(/\/+$/, ''),
    clientToken: requireString(given.clientToken, 'credentials.clientToken'),
    clientSecret: requireString(given.clientSecret, 'credentials.clientSecret'),
    accessToken: requireString(given.accessToken, 'credentials.accessToken'),
  };
  const network = options.network ?? 'production';
  if (network !== 'production' && network !== 'staging')
    throw new PolicyError('network', `must be 'production' or 'staging'`);
  const name = options.name ?? 'akamai';
  const baseUrl = (options.baseUrl ?? `https://${credentials.host}`).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  let client: Promise<EdgeGridClient> | undefined;

  function signer(): Promise<EdgeGridClient> {
    client ??= import('akamai-edgegrid').then((module) => {
      const EdgeGrid = ((module as { default?: unknown }).default ?? module) as EdgeGridConstructor;
      return new EdgeGrid(
        credentials.clientToken,
        credentials.clientSecret,
        credentials.accessToken,
        credentials.host,
      );
    });
    return client;
  }

  async function purge(
    kind: 'tag' | 'url',
    objects: readonly string[],
    call: PurgeCallOptions,
  ): Promise<void> {
    const path = `/ccu/v3/${call.soft ? 'invalidate' : 'delete'}/${kind}/${network}`;
    const body = JSON.stringify({ objects });
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    // EdgeGrid signs method, scheme, host, path, the body's SHA-256 and a fresh timestamp + nonce.
    const signed = (await signer()).auth({ path, method: 'POST', headers: { ...headers }, body }).request
      .headers;
    await sendPurgeRequest(
      name,
      {
        url: `${baseUrl}${path}`,
        method: 'POST',
        headers: { ...headers, authorization: signed.Authorization ?? '' },
        body,
        signal: call.signal,
      },
      fetchImpl,
    );
  }

  return {
    name,
    tagHeader: 'edge-cache-tag',
    targetedCacheControl: 'cdn-cache-control',
    softPurge: true,
    // JSON adds quotes and commas to each object; 40,000 bytes of objects stay under 50,000.
    limits: { tags: 5000, urls: 5000, bytes: 40_000 },
    purgeTags: (tags, call) => purge('tag', tags, call),
    purgeUrls: (urls, call) => purge('url', urls, call),
  };
}
