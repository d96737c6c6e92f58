import { PurgeError, StoreError } from '../errors';
import { parseRequestUrl } from '../http/key';
import { monotonicMs } from '../metrics/metrics-hub';
import { normalizeTags } from '../policy/policy';
import type { CacheRequest, InvalidationTarget, ResponseHeaders } from '../types';
import { type EngineContext, runInBackground } from './context';
import { buildDataKey, buildUrlTag } from './internal-keys';

/**
 * Removes (`'delete'`, default) or marks stale (`'expire'`) every entry carrying one of `tags`,
 * and the `getOrSet` entries of `keys` (behaviour 8). Each invalidation is also recorded by the
 * store for the race guard, so a handler run that started before it never writes back. `urls`
 * drop the stored entries of those URLs. Then every CDN purger purges the tags and URLs (soft
 * purge for `'expire'` where the CDN has one), retried within `cdnRetry`; the store goes first so
 * a CDN refetching at once gets the new answer.
 *
 * @returns `keys`: entries removed or expired (where the store can count); `tags`: tags processed.
 * @throws StoreError when the store failed (also counted in `errors` and logged), PurgeError
 * naming the CDN that did not acknowledge in time: the caller asked for the invalidation
 * explicitly, so it must know it did not happen everywhere. Every layer is tried either way.
 */
export async function invalidate(
  context: EngineContext,
  target: InvalidationTarget,
): Promise<{ keys: number; tags: number }> {
  if (typeof target !== 'object' || target === null)
    throw new TypeError('invalidate() takes { tags?, keys?, mode? }');
  const mode = target.mode ?? 'delete';
  if (mode !== 'delete' && mode !== 'expire')
    throw new TypeError(`invalidate(): mode must be 'delete' or 'expire'`);
  const tags = normalizeTags(asStrings(target.tags, 'tags'));
  const keys = [...new Set(asStrings(target.keys, 'keys'))].map((key) =>
    buildDataKey(context.options.namespace, key),
  );
  const urls = [...new Set(asStrings(target.urls, 'urls').map(asPublicUrl))];
  const urlTags = urls.map((url) => buildUrlTag(url.host.toLowerCase(), url.pathname));
  const { store } = context;
  const now = context.options.clock();
  const started = context.metrics.active ? monotonicMs() : 0;
  let count = 0;
  let failed = false;

  if (tags.length > 0 || urlTags.length > 0) {
    const touched = await store.invalidateTags([...tags, ...urlTags], mode, now);
    if (touched === undefined) failed = true;
    else count += touched;
  }
  if (keys.length > 0) {
    // Expiring first records the time for the race guard before any entry disappears.
    const expired = await store.expireKeys(keys, now);
    if (mode === 'expire') {
      if (expired === undefined) failed = true;
      else count += expired;
    } else {
      const deleted = await store.delete(keys);
      if (deleted === undefined) failed = true;
      // Expiring an entry without grace windows already removed it: count it once either way.
      else count += Math.max(deleted, expired ?? 0);
    }
  }
  if (context.metrics.active) {
    context.metrics.invalidation({
      kind: tags.length > 0 ? 'tags' : 'keys',
      mode,
      targets: tags.length + keys.length,
      reached: count,
      durationMs: monotonicMs() - started,
      failed,
      tags,
    });
  }
  let cdnError: unknown;
  if (context.cdn && (tags.length > 0 || urls.length > 0)) {
    const hrefs = urls.map((url) => url.href);
    cdnError = await context.cdn.purge({ tags, urls: hrefs, soft: mode === 'expire' }).then(
      () => undefined,
      (error: unknown) => error,
    );
  }
  if (failed) {
    const also = cdnError instanceof PurgeError ? `; and ${cdnError.message}` : '';
    throw new StoreError(`invalidation failed: the store did not answer${also}`, {
      store: store.store.name,
      ...(cdnError === undefined ? {} : { cause: cdnError }),
    });
  }
  if (cdnError !== undefined) throw cdnError;
  return { keys: count, tags: tags.length };
}

/**
 * Behaviour 10 (RFC 9111 §4.4): after a successful unsafe request, removes the stored GET/HEAD
 * entries of its URL (all query and Vary variants) and of the same-origin URLs in its
 * `Location` and `Content-Location`. Store failures are counted and logged, never thrown.
 */
export async function invalidateUrls(
  context: EngineContext,
  request: CacheRequest,
  responseHeaders: ResponseHeaders,
): Promise<void> {
  const host = String(request.host ?? '').toLowerCase();
  const scheme = request.scheme === 'https' ? 'https' : 'http';
  const paths = new Set<string>();
  // Public URLs as a CDN keys them: scheme, host, path and query.
  const publicUrls = new Set<string>();
  const own = parseRequestUrl(request.url);
  paths.add(own.path);
  publicUrls.add(`${scheme}://${host}${own.path}${own.search}`);
  for (const name of ['location', 'content-location']) {
    const value = responseHeaders[name];
    const url = sameOriginUrl(Array.isArray(value) ? value[0] : value, scheme, host);
    if (url === undefined) continue;
    paths.add(url.pathname);
    publicUrls.add(`${scheme}://${host}${url.pathname}${url.search}`);
  }
  const tags = [...paths].map((path) => buildUrlTag(host, path));
  const started = context.metrics.active ? monotonicMs() : 0;
  const reached = await context.store.invalidateTags(tags, 'delete', context.options.clock());
  if (context.metrics.active) {
    context.metrics.invalidation({
      kind: 'url',
      mode: 'delete',
      targets: tags.length,
      reached: reached ?? 0,
      durationMs: monotonicMs() - started,
      failed: reached === undefined,
      tags,
    });
  }
  const { cdn } = context;
  if (cdn && host !== '') {
    // A failed purge is already counted (`stats().cdn`) and logged by the queue.
    runInBackground(context, 'cdn purge after an unsafe request', () =>
      cdn.purge({ urls: [...publicUrls], soft: false }).catch(() => {}),
    );
  }
}

/** `reference` resolved, when it points at `host` (relative, or absolute with the same host). */
function sameOriginUrl(reference: string | undefined, scheme: string, host: string): URL | undefined {
  if (typeof reference !== 'string' || reference === '') return undefined;
  try {
    const base = `${scheme}://${host}`;
    const url = new URL(reference, `${base}/`);
    if (url.host.toLowerCase() !== new URL(base).host.toLowerCase()) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** An absolute http(s) URL, or a TypeError naming it. */
function asPublicUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '')
    throw new TypeError(`invalidate(): urls must be absolute http(s) URLs, got ${JSON.stringify(value)}`);
  url.hash = '';
  return url;
}

function asStrings(value: readonly string[] | undefined, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`invalidate(): ${field} must be an array of strings`);
  return value.filter((item): item is string => typeof item === 'string');
}
