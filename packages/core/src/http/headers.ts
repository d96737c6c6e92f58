import { normalizeTags } from '../policy/policy';
import type { Policy, TagHeader, TagHeaderName, TargetedCacheControl } from '../types';
import { MAX_DELTA_SECONDS, SF_TOKEN, TOKEN } from './grammar';

/** Options for `buildCacheHeaders`. */
export interface CacheHeaderOptions {
  /**
   * Which header carries the tags: `'surrogate-key'` (space separated; Fastly, Varnish xkey),
   * `'cache-tag'` (comma separated; Cloudflare), `'edge-cache-tag'` (comma separated; Akamai),
   * a list of these, `'both'` (the first two), or `false` for none.
   * @default 'surrogate-key'
   */
  tagHeader?: TagHeader;
  /**
   * Which targeted field(s) carry `cdnMaxAge`: `'cdn-cache-control'` (RFC 9213) and/or
   * `'surrogate-control'` (W3C Edge Architecture 1.0, honoured by Fastly).
   * @default 'cdn-cache-control'
   */
  targetedCacheControl?: TargetedCacheControl | readonly TargetedCacheControl[];
}

/**
 * The separator of each tag header: a space for `Surrogate-Key` (Fastly, xkey), a comma for
 * `Cache-Tag` (Cloudflare) and `Edge-Cache-Tag` (Akamai).
 */
export const TAG_HEADER_SEPARATORS: Readonly<Record<TagHeaderName, ' ' | ','>> = Object.freeze({
  'surrogate-key': ' ',
  'cache-tag': ',',
  'edge-cache-tag': ',',
});

/** The header names a `tagHeader` option stands for. */
export function tagHeaderNames(tagHeader: TagHeader | undefined): readonly TagHeaderName[] {
  if (tagHeader === undefined) return ['surrogate-key'];
  if (tagHeader === false) return [];
  if (tagHeader === 'both') return ['surrogate-key', 'cache-tag'];
  return typeof tagHeader === 'string' ? [tagHeader] : tagHeader;
}

/**
 * Builds the response headers a policy stands for, with lower-case names:
 *
 * - `cache-control`: `public` / `private` / `no-store`, then `no-cache`, `max-age` (0 when the
 *   policy has none, so no downstream cache guesses a heuristic lifetime, RFC 9111 §4.2.2),
 *   `s-maxage`, `must-revalidate`, `immutable` (RFC 8246), `stale-while-revalidate`,
 *   `stale-if-error` (RFC 5861; left out when 0);
 * - `cdn-cache-control` (RFC 9213) when a public policy sets `cdnMaxAge`;
 * - `surrogate-key` (space separated) and/or `cache-tag` (comma separated), per `tagHeader`, when
 *   there are tags (`tags`, else the policy's tag list; invalid tags are dropped);
 * - `vary` when the policy varies on request headers.
 *
 * A `no-store` policy gives `cache-control: no-store` alone. No value is ever negative.
 *
 * @example
 * buildCacheHeaders(definePolicy({ maxAge: 60, sMaxAge: 600, tags: ['products'] }))
 * // { 'cache-control': 'public, max-age=60, s-maxage=600', 'surrogate-key': 'products' }
 */
export function buildCacheHeaders(
  policy: Policy,
  tags?: readonly string[],
  options?: CacheHeaderOptions,
): Record<string, string> {
  if (policy.scope === 'no-store') return { 'cache-control': 'no-store' };
  const headers: Record<string, string> = {};
  const directives: string[] = [policy.scope];
  if (policy.noCache) directives.push('no-cache');
  directives.push(`max-age=${seconds(policy.maxAge ?? 0)}`);
  if (policy.scope === 'public' && policy.sMaxAge !== undefined)
    directives.push(`s-maxage=${seconds(policy.sMaxAge)}`);
  const shared = graceDirectives(policy);
  headers['cache-control'] = [...directives, ...shared].join(', ');

  if (policy.scope === 'public') {
    if (policy.cdnMaxAge !== undefined) {
      // RFC 9213 §2: a targeted field has Cache-Control's directives, as a Dictionary.
      const targeted = options?.targetedCacheControl ?? 'cdn-cache-control';
      for (const name of typeof targeted === 'string' ? [targeted] : targeted) {
        // Surrogate-Control (W3C Edge Architecture §3) has no `public`; Fastly reads max-age and
        // the RFC 5861 grace directives from it.
        headers[name] = [
          ...(name === 'cdn-cache-control' ? ['public'] : []),
          `max-age=${seconds(policy.cdnMaxAge)}`,
          ...shared,
        ].join(', ');
      }
    }
    const tagList = normalizeTags(
      tags ?? (Array.isArray(policy.tags) ? (policy.tags as readonly string[]) : []),
    );
    if (tagList.length > 0) {
      for (const name of tagHeaderNames(options?.tagHeader)) {
        headers[name] = tagList.join(TAG_HEADER_SEPARATORS[name]);
      }
    }
  }
  const vary = mergeVary(policy.vary);
  if (vary) headers.vary = vary;
  return headers;
}

function graceDirectives(policy: Policy): string[] {
  const directives: string[] = [];
  if (policy.mustRevalidate) directives.push('must-revalidate');
  if (policy.immutable) directives.push('immutable');
  if (policy.staleWhileRevalidate > 0)
    directives.push(`stale-while-revalidate=${seconds(policy.staleWhileRevalidate)}`);
  if (policy.staleIfError > 0) directives.push(`stale-if-error=${seconds(policy.staleIfError)}`);
  return directives;
}

/** Whole, non-negative delta-seconds (RFC 9111 §1.2.2). */
function seconds(value: number): number {
  if (!(value > 0)) return 0;
  return Math.min(Math.floor(value), MAX_DELTA_SECONDS);
}

/**
 * Parses a `Cache-Control` (or `CDN-Cache-Control`) value into directives, tolerantly:
 * names are lower-cased; spaces are ignored; a quoted value may hold commas and `\` escapes;
 * for a repeated directive the first one wins (RFC 9111 §4.2.1 leaves the choice to the
 * recipient; the first is what most caches take); unknown directives are kept; anything
 * unparseable is skipped. Never throws.
 *
 * @returns A map without prototype: directive name → value, or `true` for a bare directive.
 * @example
 * parseCacheControl('Public, MAX-AGE=60, no-cache="set-cookie, x-a"')
 * // { public: true, 'max-age': '60', 'no-cache': 'set-cookie, x-a' }
 */
export function parseCacheControl(value: string): Record<string, string | true> {
  const directives: Record<string, string | true> = Object.create(null);
  if (typeof value !== 'string') return directives;
  const length = value.length;
  let i = 0;
  while (i < length) {
    // Name: up to `=` or `,`.
    let start = i;
    while (i < length && value[i] !== '=' && value[i] !== ',') i++;
    const name = value.slice(start, i).trim().toLowerCase();
    let directive: string | true = true;
    if (value[i] === '=') {
      i++;
      while (i < length && (value[i] === ' ' || value[i] === '\t')) i++;
      if (value[i] === '"') {
        // RFC 9110 §5.6.4 quoted-string with quoted-pair escapes; an unterminated one runs to the end.
        i++;
        let text = '';
        while (i < length && value[i] !== '"') {
          if (value[i] === '\\' && i + 1 < length) i++;
          text += value[i];
          i++;
        }
        i++;
        directive = text;
        while (i < length && value[i] !== ',') i++; // garbage after the closing quote
      } else {
        start = i;
        while (i < length && value[i] !== ',') i++;
        directive = value.slice(start, i).trim();
      }
    }
    i++; // the comma
    if (name && TOKEN.test(name) && !(name in directives)) directives[name] = directive;
  }
  return directives;
}

/**
 * Merges `Vary` values (strings, lists, or comma-separated strings) into one: lower-cased,
 * deduplicated, in first-seen order. `*` wins over everything (RFC 9110 §12.5.5). Members that
 * are not field names (RFC 9110 §5.1) are dropped, so no input can break the header.
 *
 * @returns The merged value, `'*'`, or `''` when there is nothing to vary on.
 */
export function mergeVary(...values: (string | readonly string[] | undefined)[]): string {
  const names = new Set<string>();
  for (const value of values) {
    if (value === undefined) continue;
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    for (const item of items) {
      if (typeof item !== 'string') continue;
      for (const member of item.split(',')) {
        const name = member.trim().toLowerCase();
        if (name === '*') return '*';
        if (TOKEN.test(name)) names.add(name);
      }
    }
  }
  return [...names].join(', ');
}

/** How a request was forwarded to the origin, per RFC 9211 §2.2. */
export type CacheStatusForward =
  | 'bypass'
  | 'method'
  | 'uri-miss'
  | 'vary-miss'
  | 'miss'
  | 'request'
  | 'stale'
  | 'partial';

/** One cache's entry in `Cache-Status` (RFC 9211 §2). */
export interface CacheStatusEntry {
  /** The cache's name, e.g. `'routecache'`. Sent as a token, or quoted when it is not one. */
  cache: string;
  /** Served from cache without going to the origin (§2.1). */
  hit?: boolean;
  /** Why the request went to the origin (§2.2). */
  fwd?: CacheStatusForward;
  /** Status the origin answered with (§2.3). */
  fwdStatus?: number;
  /** Remaining freshness in seconds; negative when a stale response was served (§2.4). */
  ttl?: number;
  /** The origin's response was stored (§2.5). */
  stored?: boolean;
  /** The request was collapsed with another one (§2.6). */
  collapsed?: boolean;
  /** Implementation-specific detail (§2.8), e.g. `'stale-while-revalidate'`. */
  detail?: string;
}

/**
 * Builds a `Cache-Status` field member (RFC 9211), e.g. `routecache; hit; ttl=42` or
 * `routecache; fwd=miss; stored`. Names and details that are not tokens are sent as quoted
 * strings with non-printable characters removed, so no input can break the header.
 */
export function buildCacheStatus(entry: CacheStatusEntry): string {
  const parts = [sfItem(entry.cache || 'routecache')];
  if (entry.hit) parts.push('hit');
  if (entry.fwd !== undefined && SF_TOKEN.test(entry.fwd)) parts.push(`fwd=${entry.fwd}`);
  if (
    entry.fwdStatus !== undefined &&
    Number.isInteger(entry.fwdStatus) &&
    entry.fwdStatus >= 100 &&
    entry.fwdStatus <= 999
  ) {
    parts.push(`fwd-status=${entry.fwdStatus}`);
  }
  if (entry.ttl !== undefined && Number.isFinite(entry.ttl)) {
    // §2.4: ttl is an Integer (RFC 9651: at most 15 digits); floor so a response 0.3 s stale shows as -1.
    const ttl = Math.max(-999_999_999_999_999, Math.min(999_999_999_999_999, Math.floor(entry.ttl)));
    parts.push(`ttl=${ttl === 0 ? 0 : ttl}`);
  }
  if (entry.stored) parts.push('stored');
  if (entry.collapsed) parts.push('collapsed');
  if (entry.detail !== undefined && entry.detail !== '') parts.push(`detail=${sfItem(entry.detail)}`);
  return parts.join('; ');
}

/** An RFC 9651 sf-token when the text is one, else an sf-string (printable ASCII only). */
function sfItem(text: string): string {
  if (SF_TOKEN.test(text)) return text;
  return `"${text.replace(/[^\x20-\x7e]/g, '').replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * Builds the `Age` header (RFC 9111 §5.1): whole seconds since the entry was stored, never
 * negative (a clock step backwards gives 0), capped at 2147483648 (§1.2.2).
 */
export function buildAgeHeader(storedAtMs: number, nowMs: number): string {
  const age = (nowMs - storedAtMs) / 1000;
  return String(seconds(age));
}
