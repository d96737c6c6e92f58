import { MAX_DELTA_SECONDS } from '../http/grammar';
/**
 * Reading response fields the way RFC 9111 reads them, over plain header records (lower-case or
 * any-case names; a value or a list of field lines).
 */
import { parseCacheControl } from '../http/headers';
import type { ResponseHeaders } from '../types';

/** Cache-Control directives: lower-case names → value, or `true` for a bare directive. */
export type Directives = Readonly<Record<string, string | true>>;

/**
 * A field's lines combined into one value (RFC 9110 §5.3: lines joined with `, `), or
 * `undefined` when absent. Names are matched case-insensitively (RFC 9110 §5.1).
 */
export function readField(headers: ResponseHeaders, name: string): string | undefined {
  const value = findField(headers, name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  return value.length > 0 ? value.join(', ') : undefined;
}

/**
 * A singleton field's first line (for fields whose values hold commas, such as HTTP-dates), or
 * `undefined` when absent. RFC 9111 §4.2.1: with more than one value, the first may be used.
 */
export function readFirstField(headers: ResponseHeaders, name: string): string | undefined {
  const value = findField(headers, name);
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

/** The response's `Cache-Control` directives (RFC 9111 §5.2), first occurrence of each. */
export function readCacheControl(headers: ResponseHeaders): Directives {
  return parseCacheControl(readField(headers, 'cache-control') ?? '');
}

/**
 * A delta-seconds argument (RFC 9111 §1.2.2: `1*DIGIT`), capped at 2147483648; `undefined` when
 * it is not one (a bare directive, a sign, a fraction, letters).
 */
export function parseDeltaSeconds(value: string | true | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), MAX_DELTA_SECONDS);
}

function findField(headers: ResponseHeaders, name: string): string | readonly string[] | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
