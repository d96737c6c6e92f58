/**
 * RFC 9111 §4.3: validating a stored response with the origin, and §4.3.4 / §3.2: freshening it
 * with a 304.
 */
import type { ResponseHeaders } from '../types';
import { readFirstField } from './fields';

/**
 * The request header fields a cache adds to validate a stored response (RFC 9111 §4.3.1):
 * `If-None-Match` with the stored entity tag (MUST, when there is one) and `If-Modified-Since`
 * with the stored `Last-Modified` (SHOULD, when there is one: a single stored response, not a
 * subrange). `{}` when the response has no validator: it can only be fetched again.
 */
export function buildValidationHeaders(stored: ResponseHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  const etag = readFirstField(stored, 'etag')?.trim();
  if (etag) headers['if-none-match'] = etag;
  const lastModified = readFirstField(stored, 'last-modified')?.trim();
  if (lastModified) headers['if-modified-since'] = lastModified;
  return headers;
}

/**
 * True when a 304 freshens `stored` (RFC 9111 §4.3.4, for one stored response):
 *
 * - a strong `ETag` in the 304 selects a stored response with the same strong `ETag`, and
 *   nothing else;
 * - else a weak `ETag` or a `Last-Modified` in the 304 selects a stored response with the same
 *   validator;
 * - else (no validator in the 304) a stored response without a validator is selected.
 */
export function isSelectedForUpdate(stored: ResponseHeaders, notModified: ResponseHeaders): boolean {
  const storedEtag = readFirstField(stored, 'etag')?.trim();
  const storedLastModified = readFirstField(stored, 'last-modified')?.trim();
  const etag = readFirstField(notModified, 'etag')?.trim();
  const lastModified = readFirstField(notModified, 'last-modified')?.trim();
  if (etag && !etag.startsWith('W/')) return storedEtag === etag;
  if (etag || lastModified) {
    return (
      (etag !== undefined && storedEtag === etag) ||
      (lastModified !== undefined && storedLastModified === lastModified)
    );
  }
  return storedEtag === undefined && storedLastModified === undefined;
}

/**
 * Fields a 304 never updates in a stored response (RFC 9111 §3.2): the connection's own
 * (§3.1, RFC 9110 §7.6.1), `Content-Length` (it describes the 304, not the stored content), and
 * the fields that describe the stored bytes themselves, which §3.2 lets a cache keep "to assure
 * integrity of the stored response": `Content-Encoding` (the coding of the stored content),
 * `Content-Range` (the part stored), and the digests of the content (`Content-MD5`,
 * `Content-Digest`, `Digest`). A 304 saying otherwise would describe bytes the cache does not have.
 */
export const NOT_UPDATED_HEADERS: readonly string[] = Object.freeze([
  'connection',
  'content-digest',
  'content-encoding',
  'content-length',
  'content-md5',
  'content-range',
  'digest',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The stored response's header fields freshened by a 304 (RFC 9111 §3.2, §4.3.4): each field
 * of the 304 replaces every line of that field in the stored response; `NOT_UPDATED_HEADERS`
 * and the fields `Connection` names are left as stored; stored fields the 304 does not carry
 * are kept. Names are lower-cased; neither input is modified.
 */
export function updateStoredHeaders(stored: ResponseHeaders, notModified: ResponseHeaders): ResponseHeaders {
  const connection = (readFirstField(notModified, 'connection') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const updated: ResponseHeaders = {};
  for (const [name, value] of Object.entries(stored)) updated[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(notModified)) {
    const lower = name.toLowerCase();
    if (NOT_UPDATED_HEADERS.includes(lower) || connection.includes(lower)) continue;
    updated[lower] = value;
  }
  return updated;
}
