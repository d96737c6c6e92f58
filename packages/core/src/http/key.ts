import type { Policy } from '../types';
import { sha256Base64Url } from '../util/hash';

/** Longest key sent to a store as is; longer canonical keys are hashed. */
export const MAX_KEY_LENGTH = 200;

/**
 * Filters and canonicalises a query string, for the cache key AND for the URL the handler sees
 * (so nothing left out of the key can be reflected into a shared body, behaviour 4 of docs/architecture.md):
 * parameters matching `query.exclude` are dropped (a trailing `*` matches a prefix, names match
 * case-sensitively), then only those matching `query.include` are kept when it is set, and the
 * rest are sorted by name (a stable sort: repeated parameters keep the order the client sent,
 * since `?sort=a&sort=b` may mean something else than `?sort=b&sort=a`), and re-serialised as
 * `application/x-www-form-urlencoded`.
 *
 * @param search `'?a=1&b=2'`, `'a=1&b=2'` or `''`; a fragment is ignored.
 * @returns The kept parameters, and the canonical search string: `''` or `'?a=1&b=2'`.
 */
export function filterQuery(
  search: string,
  query: Policy['query'],
): { params: URLSearchParams; search: string } {
  let text = typeof search === 'string' ? search : '';
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash);
  const entries: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(text)) {
    if (matchesAny(name, query.exclude)) continue;
    if (query.include !== undefined && !matchesAny(name, query.include)) continue;
    entries.push([name, value]);
  }
  entries.sort(([nameA], [nameB]) => compare(nameA, nameB));
  const params = new URLSearchParams(entries);
  const serialised = params.toString();
  return { params, search: serialised ? `?${serialised}` : '' };
}

function matchesAny(name: string, patterns: readonly string[]): boolean {
  for (const pattern of patterns) {
    if (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern) return true;
  }
  return false;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a cache key is built from. */
export interface CacheKeyParts {
  /** The cache's namespace (bump it to drop everything). */
  namespace: string;
  /** Request method; HEAD is keyed as GET. */
  method: string;
  /** `'https'` keys apart from plain HTTP (any other value, or none, is plain HTTP). */
  scheme?: string;
  /** Request host (lower-cased here). */
  host: string;
  /** Path as routed, without the query. */
  path: string;
  /** Canonical search string from `filterQuery` (`''` or `'?…'`). */
  search: string;
  /** The policy's `vary` headers with the request's values (`undefined` when absent), in policy order. */
  vary: readonly (readonly [string, string | undefined])[];
  /** The user a private entry belongs to; absent for shared entries. */
  identity?: string;
  /** The cache's key headers this request carries, normalised (`readKeyHeaders`). */
  keyHeaders?: readonly (readonly [string, string])[];
  /** The URL as the client sent it, when a rewrite before the cache routed another one. */
  requestedUrl?: string;
}

/**
 * Builds a request's cache key (behaviours 12 and 13 of docs/architecture.md).
 *
 * `canonical` encodes every part unambiguously: the fields are joined by `|`, and inside a field
 * `%`, `|`, controls, spaces and non-ASCII characters are percent-encoded (UTF-8; a lone
 * surrogate as `%uXXXX`), as are `,` and `=` inside `Vary` names and values. So two different
 * part-sets never give the same canonical key, and no key holds CR, LF or NUL:
 * `v1|GET|example.com|/products|?page=2|,accept-language=en|-` (`v1|GET|https|example.com|…` over
 * HTTPS).
 *
 * `key` is `canonical` when it is at most `maxLength` characters, else `<namespace>:h:` + its
 * SHA-256 (base64url). Store the canonical key in the entry and compare it on read to rule out
 * hash collisions.
 */
export function buildCacheKey(
  parts: CacheKeyParts,
  options?: { maxLength?: number },
): { key: string; canonical: string } {
  const method = String(parts.method).toUpperCase();
  let vary = parts.vary
    .map(
      ([name, value]) =>
        `,${escapeKeyPart(name, true)}${value === undefined ? '' : `=${escapeKeyPart(value, true)}`}`,
    )
    .join('');
  // Key headers and the requested URL join the Vary list as `,:name=value` items: a `Vary` name
  // is a token, which never starts with `:`, so the two kinds of item never meet.
  for (const [name, value] of parts.keyHeaders ?? []) {
    vary += `,:${escapeKeyPart(name, true)}=${escapeKeyPart(value, true)}`;
  }
  if (parts.requestedUrl !== undefined) vary += `,:=${escapeKeyPart(parts.requestedUrl, true)}`;
  const canonical = [
    escapeKeyPart(parts.namespace),
    escapeKeyPart(method === 'HEAD' ? 'GET' : method),
    // HTTPS adds a field (no escaped part holds a `|`, so the field count tells them apart);
    // plain HTTP keys keep their form.
    ...(parts.scheme === 'https' ? ['https'] : []),
    escapeKeyPart(String(parts.host).toLowerCase()),
    escapeKeyPart(parts.path),
    escapeKeyPart(parts.search),
    vary,
    parts.identity === undefined ? '-' : `=${escapeKeyPart(parts.identity)}`,
  ].join('|');
  const maxLength = options?.maxLength ?? MAX_KEY_LENGTH;
  // A hashed key has no `|`, a canonical key always has six or seven: the two kinds never meet.
  const key =
    canonical.length <= maxLength
      ? canonical
      : `${escapeKeyPart(parts.namespace)}:h:${sha256Base64Url(canonical)}`;
  return { key, canonical };
}

const PLAIN_PART = /^[\x21-\x24\x26-\x7b\x7d\x7e]*$/;
const PLAIN_LIST_ITEM = /^[\x21-\x24\x26-\x2b\x2d-\x3c\x3e-\x7b\x7d\x7e]*$/;

/**
 * Percent-encodes what would make a key part ambiguous or unsafe: `%`, `|`, controls, space,
 * DEL and non-ASCII (plus `,` and `=` when `listItem`). Injective: `%` is always escaped.
 */
export function escapeKeyPart(value: string, listItem = false): string {
  const text = String(value);
  if ((listItem ? PLAIN_LIST_ITEM : PLAIN_PART).test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      code > 0x20 &&
      code < 0x7f &&
      code !== 0x25 &&
      code !== 0x7c &&
      !(listItem && (code === 0x2c || code === 0x3d))
    ) {
      out += text[i];
    } else if (code < 0x80) {
      out += percent(code);
    } else if (
      code >= 0xd800 &&
      code <= 0xdbff &&
      i + 1 < text.length &&
      isLowSurrogate(text.charCodeAt(i + 1))
    ) {
      const point = text.codePointAt(i)!;
      out += utf8(point);
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `%u${code.toString(16).toUpperCase()}`;
    } else {
      out += utf8(code);
    }
  }
  return out;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function percent(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

function utf8(point: number): string {
  if (point < 0x800) return percent(0xc0 | (point >> 6)) + percent(0x80 | (point & 63));
  if (point < 0x10000) {
    return percent(0xe0 | (point >> 12)) + percent(0x80 | ((point >> 6) & 63)) + percent(0x80 | (point & 63));
  }
  return (
    percent(0xf0 | (point >> 18)) +
    percent(0x80 | ((point >> 12) & 63)) +
    percent(0x80 | ((point >> 6) & 63)) +
    percent(0x80 | (point & 63))
  );
}

/**
 * Splits a request target into path and search, never throwing: a fragment is dropped, an
 * absolute-form URL (`http://host/p?q`) loses its scheme and authority, a path starting with
 * `//` stays a path (it is not a host), and a path always starts with `/`.
 */
export function parseRequestUrl(url: string): { path: string; search: string } {
  let text = typeof url === 'string' ? url : '';
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash);
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/.exec(text);
  if (absolute) text = text.slice(absolute[0].length);
  const question = text.indexOf('?');
  let path = question >= 0 ? text.slice(0, question) : text;
  const search = question >= 0 ? text.slice(question) : '';
  if (!path.startsWith('/')) path = `/${path}`;
  return { path, search: search === '?' ? '' : search };
}
