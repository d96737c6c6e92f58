/**
 * Targeted cache-control fields: RFC 9213 `CDN-Cache-Control` and the W3C Edge Architecture
 * note's `Surrogate-Control`, for a cache configured as the CDN / surrogate they target.
 */
import type { ResponseHeaders, TargetedCacheControl } from '../types';
import { readField } from './fields';

/** Which targeted fields a cache obeys, in order, and its Surrogate-Control device token. */
export interface TargetedFieldsOptions {
  /** The fields, first match wins (RFC 9213 §2.1: a cache chooses its ordered list). */
  readonly fields: readonly TargetedCacheControl[];
  /**
   * The name this cache answers to in `Surrogate-Control` directive targets
   * (`max-age=60;routecache`) and advertises in `Surrogate-Capability`.
   */
  readonly deviceToken: string;
}

/**
 * The response headers as a targeted cache reads them (RFC 9213 §2.1): when the first of
 * `options.fields` present in `headers` has directives for this cache, a copy whose
 * `Cache-Control` is that field's directives and without `Expires` ("MUST use the targeted
 * field's value ... and ignore the values in the Cache-Control header field and any other header
 * fields that control caching"); otherwise `headers` itself. Surrogate-Control directives
 * targeted at another device (`;other`) are left out; a field with none left does not apply.
 */
export function selectTargetedHeaders(
  headers: ResponseHeaders,
  options: TargetedFieldsOptions,
): ResponseHeaders {
  for (const field of options.fields) {
    const value = readField(headers, field);
    if (value === undefined) continue;
    const directives =
      field === 'surrogate-control' ? readSurrogateDirectives(value, options.deviceToken) : value.trim();
    if (directives === '') continue;
    const selected: ResponseHeaders = {};
    for (const [name, line] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (lower !== 'cache-control' && lower !== 'expires') selected[name] = line;
    }
    selected['cache-control'] = directives;
    return selected;
  }
  return headers;
}

/**
 * The `Surrogate-Control` directives for `deviceToken` as `Cache-Control` syntax: each
 * `directive[;target]` member (W3C Edge Architecture §3) without a target or with this target,
 * the target dropped; `''` when none applies.
 */
export function readSurrogateDirectives(value: string, deviceToken: string): string {
  const kept: string[] = [];
  for (const member of value.split(',')) {
    const trimmed = member.trim();
    if (trimmed === '') continue;
    const semicolon = trimmed.lastIndexOf(';');
    const target = semicolon === -1 ? undefined : trimmed.slice(semicolon + 1).trim();
    if (target !== undefined && target.toLowerCase() !== deviceToken.toLowerCase()) continue;
    kept.push((semicolon === -1 ? trimmed : trimmed.slice(0, semicolon)).trim());
  }
  return kept.join(', ');
}
