import type { HeaderGetter, ResponseHeaders } from '../types';
import { sha1Base64Url } from '../util/hash';
import { parseCacheControl } from './headers';
import type { HeaderRecord } from './key-headers';
import { readRequestHeader } from './request-headers';

/**
 * Request header fields that make a request conditional or partial (RFC 9110 §13.1, §14.2):
 * a run of the origin that must produce the full representation (a background refresh) drops them.
 */
export const CONDITIONAL_REQUEST_HEADERS: readonly string[] = Object.freeze([
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
]);

/**
 * Header fields a 304 keeps from the 200 it stands for: RFC 9110 §15.4.5 lists those a server
 * SHOULD send (`cache-control`, `content-location`, `date`, `etag`, `expires`, `vary`).
 */
export const RETAINED_304_HEADERS: readonly string[] = Object.freeze([
  'cache-control',
  'content-location',
  'date',
  'etag',
  'expires',
  'vary',
]);

/**
 * Cache metadata a 304 also keeps: RFC 9110 §15.4.5 allows metadata "for the purpose of guiding
 * cache updates", and a CDN freshening its stored response from our 304 (RFC 9111 §4.3.4) needs
 * the targeted freshness and tags. `age` and `cache-status` describe the answer itself.
 */
const CACHE_GUIDANCE_304_HEADERS: readonly string[] = [
  'age',
  'cache-status',
  'cdn-cache-control',
  'surrogate-control',
  'surrogate-key',
  'cache-tag',
  'edge-cache-tag',
];

/** Longest `If-None-Match` / `If-Modified-Since` value evaluated; longer ones never match. */
const MAX_CONDITION_LENGTH = 16 * 1024;

/**
 * Creates an entity tag for a body: `"<length in hex>-<SHA-1, base64url, 27 chars>"`, prefixed
 * with `W/` when weak (jshttp/etag's format, with the URL-safe alphabet). Deterministic over the
 * full body. Uses Node's crypto through `process.getBuiltinModule` when available, else Web
 * Crypto, so it runs on edge runtimes; both give the same tag.
 *
 * @param mode `'weak'` (`W/"…"`) or `'strong'`.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3
 */
export async function createETag(body: Uint8Array, mode: 'weak' | 'strong' = 'weak'): Promise<string> {
  const tag = `"${body.byteLength.toString(16)}-${await sha1Base64Url(body)}"`;
  return mode === 'weak' ? `W/${tag}` : tag;
}

/** Options for `isNotModified`. */
export interface NotModifiedOptions {
  /**
   * Milliseconds since epoch, to place two-digit years of obsolete RFC 850 dates (RFC 9110 §5.6.7).
   * @default Date.now()
   */
  now?: number;
}

/**
 * Evaluates a request's `If-None-Match` / `If-Modified-Since` against a response's validators
 * (RFC 9110 §13.2.2), over plain header values like jshttp/fresh: `true` when a `304 Not Modified`
 * should be sent instead of the response.
 *
 * - GET and HEAD only (a 304 answers nothing else; §15.4.5).
 * - `If-None-Match`: weak comparison (§13.1.2: `W/"a"` matches `"a"`), lists, and `*` alone
 *   (which matches any current representation). A malformed value (no quotes, unbalanced quotes,
 *   bad characters, `*` inside a list, over 16 KiB) matches nothing.
 * - `If-Modified-Since` only when there is no `If-None-Match` (§13.1.3), and only when it and
 *   `Last-Modified` are valid HTTP-dates (§5.6.7); anything else is ignored.
 * - Like `fresh`, a request `Cache-Control: no-cache` (an end-to-end reload, RFC 9111 §5.2.1.4)
 *   is never answered with a 304, so the client gets the full body it asked for.
 *
 * `requestHeaders` is the adapter's getter, or a plain record with lower-case names (Node's
 * `IncomingMessage.headers`). Never throws: every header is attacker-controlled.
 */
export function isNotModified(
  method: string,
  requestHeaders: HeaderGetter | HeaderRecord,
  responseHeaders: { etag?: string; 'last-modified'?: string },
  options?: NotModifiedOptions,
): boolean {
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (upper !== 'GET' && upper !== 'HEAD') return false;
  const ifNoneMatch = readHeader(requestHeaders, 'if-none-match');
  // RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present, so it is only
  // read without one (one header lookup less per revalidation: ~0.06 µs on @hono/node-server).
  const ifModifiedSince =
    ifNoneMatch === undefined ? readHeader(requestHeaders, 'if-modified-since') : undefined;
  if (ifNoneMatch === undefined && ifModifiedSince === undefined) return false;

  // RFC 9111 §5.2.1.4: request no-cache asks for a response validated end to end; follow fresh.
  const cacheControl = readHeader(requestHeaders, 'cache-control');
  if (cacheControl !== undefined && 'no-cache' in parseCacheControl(cacheControl)) return false;

  if (ifNoneMatch !== undefined) return matchesIfNoneMatch(ifNoneMatch, responseHeaders.etag);
  const since = parseHttpDate(ifModifiedSince!, options?.now);
  const lastModified =
    typeof responseHeaders['last-modified'] === 'string'
      ? parseHttpDate(responseHeaders['last-modified'], options?.now)
      : undefined;
  if (since === undefined || lastModified === undefined) return false;
  // RFC 9110 §13.1.3: not modified when the last modification is earlier than or equal to the date.
  return lastModified <= since;
}

/**
 * `If-None-Match` evaluation (RFC 9110 §13.1.2): `*` matches any current representation;
 * otherwise a member must match `etag` by weak comparison (§8.8.3.2: opaque-tags equal, `W/`
 * ignored). A malformed field matches nothing.
 */
export function matchesIfNoneMatch(ifNoneMatch: string, etag: string | undefined): boolean {
  // The common revalidation echoes the ETag byte for byte: one valid entity-tag equal to itself
  // (the last one seen valid is remembered, so a 304 parses nothing: ~0.2 µs per 304).
  if (ifNoneMatch === etag && (etag === lastSingleTag || isSingleEntityTag(etag))) return true;
  const members = parseIfNoneMatch(ifNoneMatch);
  if (members === '*') return true;
  if (members === undefined || typeof etag !== 'string') return false;
  const parsed = parseEntityTagList(etag.trim());
  if (parsed === undefined || parsed.length !== 1) return false;
  const opaque = parsed[0]!;
  return members.includes(opaque);
}

/** The last ETag found to be exactly one valid entity-tag. */
let lastSingleTag = '';

function isSingleEntityTag(etag: string): boolean {
  if (etag.length > MAX_CONDITION_LENGTH) return false;
  const parsed = parseEntityTagList(etag.trim());
  if (parsed === undefined || parsed.length !== 1) return false;
  lastSingleTag = etag;
  return true;
}

/**
 * Parses `If-None-Match`: `'*'`, the list of opaque-tags (with quotes, without `W/`), or
 * `undefined` when the value is malformed.
 */
export function parseIfNoneMatch(value: string): '*' | string[] | undefined {
  if (typeof value !== 'string' || value.length > MAX_CONDITION_LENGTH) return undefined;
  const trimmed = value.trim();
  // RFC 9110 §13.1.2: If-None-Match = "*" / #entity-tag; `*` is only valid alone.
  if (trimmed === '*') return '*';
  return parseEntityTagList(trimmed);
}

/** RFC 9110 §8.8.3 `#entity-tag`; `undefined` when any member is malformed. */
function parseEntityTagList(value: string): string[] | undefined {
  const tags: string[] = [];
  let i = 0;
  const length = value.length;
  while (i < length) {
    // RFC 9110 §5.6.1.2: recipients accept empty list elements and OWS around commas.
    const char = value.charCodeAt(i);
    if (char === 0x20 || char === 0x09 || char === 0x2c) {
      i++;
      continue;
    }
    if (value.startsWith('W/', i)) i += 2;
    if (value.charCodeAt(i) !== 0x22) return undefined;
    const start = i;
    i++;
    for (;;) {
      if (i >= length) return undefined; // unbalanced quote
      const c = value.charCodeAt(i);
      if (c === 0x22) break;
      // etagc = %x21 / %x23-7E / obs-text
      if (!(c === 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) return undefined;
      i++;
    }
    i++;
    tags.push(value.slice(start, i));
    while (i < length && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
    if (i < length && value.charCodeAt(i) !== 0x2c) return undefined;
  }
  return tags;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
// RFC 9110 §5.6.7, case-sensitive: IMF-fixdate, obsolete RFC 850 and asctime formats.
const IMF_FIXDATE = new RegExp(
  `^(${DAY_NAMES.join('|')}), (\\d{2}) (${MONTH}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
const RFC850_DATE = new RegExp(
  `^(${LONG_DAY_NAMES.join('|')}), (\\d{2})-(${MONTH})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
const ASCTIME_DATE = new RegExp(
  `^(${DAY_NAMES.join('|')}) (${MONTH}) ( \\d|\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`,
);

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) in any of its three formats, strictly: `undefined` for
 * anything else (other date formats, impossible dates, trailing text).
 *
 * @param now Milliseconds since epoch, to place two-digit RFC 850 years: a year more than 50
 * years in the future means the most recent past year with those digits.
 * @returns Milliseconds since epoch, or `undefined`.
 */
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const text = value.trim();
  let fields: [day: string, month: string, year: number, hours: string, minutes: string, seconds: string];
  const imf = IMF_FIXDATE.exec(text);
  const rfc850 = imf ? null : RFC850_DATE.exec(text);
  const asctime = imf || rfc850 ? null : ASCTIME_DATE.exec(text);
  if (imf) {
    fields = [imf[2]!, imf[3]!, Number(imf[4]), imf[5]!, imf[6]!, imf[7]!];
  } else if (rfc850) {
    const currentYear = new Date(Number.isFinite(now) ? now : Date.now()).getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(rfc850[4]);
    if (year > currentYear + 50) year -= 100;
    fields = [rfc850[2]!, rfc850[3]!, year, rfc850[5]!, rfc850[6]!, rfc850[7]!];
  } else if (asctime) {
    fields = [asctime[3]!, asctime[2]!, Number(asctime[7]), asctime[4]!, asctime[5]!, asctime[6]!];
  } else {
    return undefined;
  }
  const [day, month, year] = fields;
  const [hours, minutes, seconds] = fields.slice(3).map(Number) as [number, number, number];
  const monthIndex = MONTHS.indexOf(month);
  const dayOfMonth = Number(day.trim());
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, monthIndex + 1, 0); // not Date.UTC: it maps years 0-99 to 1900-1999
  const daysInMonth = lastDay.getUTCDate();
  // time-of-day: 00:00:00 - 23:59:60 (leap second)
  if (dayOfMonth < 1 || dayOfMonth > daysInMonth || hours > 23 || minutes > 59 || seconds > 60)
    return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, dayOfMonth);
  date.setUTCHours(hours, minutes, seconds, 0);
  return date.getTime();
}

/**
 * The headers of a `304 Not Modified` built from the full response's headers: those of
 * `RETAINED_304_HEADERS` (RFC 9110 §15.4.5), cache metadata that guides cache updates (`age`,
 * `cache-status`, `cdn-cache-control`, `surrogate-control`, `surrogate-key`, `cache-tag`,
 * `edge-cache-tag`), and `last-modified` when
 * there is no `etag`. Body headers (`content-length`, `content-type`, …) are left out.
 */
export function buildNotModifiedHeaders(headers: ResponseHeaders): ResponseHeaders {
  const kept: ResponseHeaders = {};
  let hasEtag = false;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'etag') hasEtag = true;
    if (RETAINED_304_HEADERS.includes(lower) || CACHE_GUIDANCE_304_HEADERS.includes(lower))
      kept[lower] = value;
  }
  if (!hasEtag) {
    // §15.4.5: Last-Modified "might be useful if the response does not have an ETag field".
    for (const [name, value] of Object.entries(headers))
      if (name.toLowerCase() === 'last-modified') kept['last-modified'] = value;
  }
  return kept;
}

/** A request header, `undefined` when absent, unreadable or blank. */
function readHeader(headers: HeaderGetter | HeaderRecord, name: string): string | undefined {
  const value = readRequestHeader(headers, name);
  return value === undefined || value.trim() === '' ? undefined : value;
}
