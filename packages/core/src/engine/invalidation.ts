import { StoreError } from '../errors';
import { parseRequestUrl } from '../key';
import { monotonicMs } from '../metrics/metrics-hub';
import { normalizeTags } from '../policy';
import type { CacheRequest, InvalidationMode, ResponseHeaders } from '../types';
import type { EngineContext } from './context';
import { buildDataKey, buildUrlTag } from './internal-keys';

/** What `invalidate()` takes. */
export interface InvalidationTarget {
  tags?: readonly string[];
  keys?: readonly string[];
  mode?: InvalidationMode;
}

/**
 * Removes (`'delete'`, default) or marks stale (`'expire'`) every entry carrying one of `tags`,
 * and the `getOrSet` entries of `keys` (behaviour 8). Each invalidation is also recorded by the
 * store for the race guard, so a handler run that started before it never writes back.
 *
 * @returns `keys`: entries removed or expired (where the store can count); `tags`: tags processed.
 * @throws StoreError when the store failed (also counted in `errors` and logged): the caller
 * asked for the invalidation explicitly, so it must know it did not happen.
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
  const { store } = context;
  const now = context.options.clock();
  const started = context.metrics.active ? monotonicMs() : 0;
  let count = 0;
  let failed = false;

  if (tags.length > 0) {
    const touched = await store.invalidateTags(tags, mode, now);
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
  if (failed)
    throw new StoreError('invalidation failed: the store did not answer', { store: store.store.name });
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
  const paths = new Set<string>();
  paths.add(parseRequestUrl(request.url).path);
  for (const name of ['location', 'content-location']) {
    const value = responseHeaders[name];
    const path = sameOriginPath(Array.isArray(value) ? value[0] : value, host);
    if (path !== undefined) paths.add(path);
  }
  if (paths.size === 0) return;
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
}

/** The path of `reference` when it points at `host` (relative, or absolute with the same host). */
function sameOriginPath(reference: string | undefined, host: string): string | undefined {
  if (typeof reference !== 'string' || reference === '') return undefined;
  try {
    const base = `http://${host}`;
    const url = new URL(reference, `${base}/`);
    if (url.host.toLowerCase() !== new URL(base).host.toLowerCase()) return undefined;
    return url.pathname;
  } catch {
    return undefined;
  }
}

function asStrings(value: readonly string[] | undefined, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`invalidate(): ${field} must be an array of strings`);
  return value.filter((item): item is string => typeof item === 'string');
}
