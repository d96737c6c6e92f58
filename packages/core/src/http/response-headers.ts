import type { ResponseHeaders } from '../types';

/** A copy of `headers` with every name lower-cased (the last spelling of a name wins). */
export function lowerCaseNames(headers: ResponseHeaders): ResponseHeaders {
  const lower: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

/** Whether a lower-cased record holds `name` with at least one value. */
export function hasResponseHeader(headers: ResponseHeaders, name: string): boolean {
  const value = headers[name];
  return value !== undefined && (!Array.isArray(value) || value.length > 0);
}

/**
 * A header's value in a lower-cased record, list headers joined with `, ` (RFC 9110 §5.3);
 * `undefined` when absent or an empty list.
 */
export function readResponseHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value.length > 0 ? value.join(', ') : undefined) : value;
}
