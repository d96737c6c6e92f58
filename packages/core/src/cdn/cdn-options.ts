import { PolicyError } from '../errors';
import { parseDuration } from '../policy/duration';
import type { CacheOptions, TagHeader, TagHeaderName, TargetedCacheControl } from '../types';
import type { Purger } from './purger';

/** The cache's CDN options after validation and defaults. */
export interface ResolvedCdnOptions {
  readonly purgers: readonly Purger[];
  readonly retry: { readonly withinMs: number; readonly timeoutMs: number; readonly backoffMs: number };
  /** `tagHeader` as given, else the purgers' dialects, else `'surrogate-key'`. */
  readonly tagHeader: TagHeader;
  readonly targetedCacheControl: readonly TargetedCacheControl[];
}

const DEFAULT_WITHIN_SECONDS = 30;
const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_BACKOFF_MS = 250;
const TAG_HEADER_NAMES: readonly unknown[] = ['surrogate-key', 'cache-tag', 'edge-cache-tag'];
const TAG_HEADERS: readonly unknown[] = [...TAG_HEADER_NAMES, 'both', false];
const TARGETED: readonly unknown[] = ['cdn-cache-control', 'surrogate-control'];

/**
 * Validates `cdn`, `cdnRetry`, `tagHeader` and `targetedCacheControl`. Without `tagHeader`, the
 * cache emits the tag header of every purger (one option, no per-route work); without
 * `targetedCacheControl`, the fields they honour.
 * @throws PolicyError naming the option.
 */
export function resolveCdnOptions(options: CacheOptions): ResolvedCdnOptions {
  const purgers = resolvePurgers(options.cdn);
  const retry = options.cdnRetry ?? {};
  if (typeof retry !== 'object' || retry === null)
    throw new PolicyError('cdnRetry', 'must be { within?, timeout?, backoffMs? }');
  for (const name of Object.keys(retry)) {
    if (!['within', 'timeout', 'backoffMs'].includes(name))
      throw new PolicyError(`cdnRetry.${name}`, 'unknown cdnRetry option');
  }
  const backoffMs = retry.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (typeof backoffMs !== 'number' || !Number.isFinite(backoffMs) || backoffMs < 1)
    throw new PolicyError(
      'cdnRetry.backoffMs',
      `must be a number of milliseconds >= 1, got ${String(backoffMs)}`,
    );
  return {
    purgers,
    retry: {
      withinMs: parseDuration(retry.within ?? DEFAULT_WITHIN_SECONDS, 'cdnRetry.within') * 1000,
      timeoutMs:
        Math.max(1, parseDuration(retry.timeout ?? DEFAULT_TIMEOUT_SECONDS, 'cdnRetry.timeout')) * 1000,
      backoffMs,
    },
    tagHeader: resolveTagHeader(options.tagHeader, purgers),
    targetedCacheControl: resolveTargeted(options.targetedCacheControl, purgers),
  };
}

function resolvePurgers(value: CacheOptions['cdn']): readonly Purger[] {
  if (value === undefined) return [];
  const list = (Array.isArray(value) ? value : [value]) as readonly Purger[];
  const names = new Set<string>();
  list.forEach((purger, index) => {
    const field = Array.isArray(value) ? `cdn[${index}]` : 'cdn';
    if (typeof purger !== 'object' || purger === null) throw new PolicyError(field, 'must be a Purger');
    if (typeof purger.name !== 'string' || purger.name === '')
      throw new PolicyError(`${field}.name`, 'must be a non-empty string');
    if (names.has(purger.name))
      throw new PolicyError(`${field}.name`, `two purgers are named "${purger.name}"; give one a name`);
    names.add(purger.name);
    for (const method of ['purgeTags', 'purgeUrls'] as const) {
      if (typeof purger[method] !== 'function') throw new PolicyError(field, `must implement ${method}()`);
    }
    if (purger.tagHeader !== false && !TAG_HEADER_NAMES.includes(purger.tagHeader))
      throw new PolicyError(
        `${field}.tagHeader`,
        `must be 'surrogate-key', 'cache-tag', 'edge-cache-tag' or false`,
      );
    for (const kind of ['tags', 'urls'] as const) {
      const limit = purger.limits?.[kind];
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)
        throw new PolicyError(`${field}.limits.${kind}`, 'must be a whole number >= 1');
    }
  });
  return list;
}

function resolveTagHeader(value: TagHeader | undefined, purgers: readonly Purger[]): TagHeader {
  if (value === undefined) {
    const dialects = [
      ...new Set(purgers.flatMap((purger) => (purger.tagHeader === false ? [] : [purger.tagHeader]))),
    ];
    if (dialects.length === 0) return 'surrogate-key';
    return dialects.length === 1 ? (dialects[0] as TagHeaderName) : dialects;
  }
  const valid = Array.isArray(value)
    ? value.length > 0 && value.every((name) => TAG_HEADER_NAMES.includes(name))
    : TAG_HEADERS.includes(value);
  if (!valid) {
    throw new PolicyError(
      'tagHeader',
      `must be 'surrogate-key', 'cache-tag', 'edge-cache-tag', a list of them, 'both' or false`,
    );
  }
  return value;
}

function resolveTargeted(
  value: CacheOptions['targetedCacheControl'],
  purgers: readonly Purger[],
): readonly TargetedCacheControl[] {
  if (value === undefined) {
    const fields = [
      ...new Set(
        purgers.flatMap((purger) => (purger.targetedCacheControl ? [purger.targetedCacheControl] : [])),
      ),
    ];
    return fields.length > 0 ? fields : ['cdn-cache-control'];
  }
  const list = (Array.isArray(value) ? value : [value]) as readonly unknown[];
  if (list.length === 0 || !list.every((name) => TARGETED.includes(name))) {
    throw new PolicyError(
      'targetedCacheControl',
      `must be 'cdn-cache-control', 'surrogate-control' or a list of them`,
    );
  }
  return [...new Set(list)] as TargetedCacheControl[];
}
