/**
 * RFC 9111 §4.1: how `Vary` selects a stored response.
 */
import { TOKEN } from '../http/grammar';
import type { ResponseHeaders } from '../types';
import { readField } from './fields';

/** A parsed `Vary`: `'*'`, or the request field names it lists (lower-cased, deduplicated). */
export type VaryNames = '*' | readonly string[];

/**
 * Parses the response's `Vary` (RFC 9110 §12.5.5): `'*'` when any member is `*`, else the
 * field names, lower-cased (field names are case-insensitive), deduplicated, in order. Members
 * that are not field names are dropped: they select nothing. `[]` when absent.
 */
export function parseVary(headers: ResponseHeaders): VaryNames {
  const value = readField(headers, 'vary');
  if (value === undefined) return [];
  const names: string[] = [];
  for (const member of value.split(',')) {
    const name = member.trim().toLowerCase();
    if (name === '*') return '*';
    if (name !== '' && TOKEN.test(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

/** True when the response has `Vary: *` (RFC 9111 §4.1: it never matches a later request). */
export function hasVaryStar(headers: ResponseHeaders): boolean {
  return parseVary(headers) === '*';
}

/**
 * A request field as §4.1 compares it: its lines combined (RFC 9110 §5.3) with the whitespace
 * around list commas and at the ends removed (§4.1 allows normalising whitespace); `undefined`
 * when absent. Values are otherwise compared case-sensitively.
 */
export function normalizeVaryValue(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const joined = Array.isArray(value) ? value.join(',') : (value as string);
  return joined
    .split(',')
    .map((part) => part.trim())
    .join(',')
    .trim();
}

/**
 * True when a request matches the request a stored response was selected by (RFC 9111 §4.1):
 * every field `Vary` names has the same normalised value in both, a field absent from both
 * matches, and `Vary: *` never matches. Header records may have names in any case.
 */
export function isVaryMatch(
  vary: VaryNames,
  storedRequest: Readonly<Record<string, string | readonly string[] | undefined>>,
  request: Readonly<Record<string, string | readonly string[] | undefined>>,
): boolean {
  if (vary === '*') return false;
  for (const name of vary) {
    if (normalizeVaryValue(findValue(storedRequest, name)) !== normalizeVaryValue(findValue(request, name)))
      return false;
  }
  return true;
}

function findValue(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | readonly string[] | undefined {
  if (headers[name] !== undefined) return headers[name];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
