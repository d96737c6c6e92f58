import type { HeaderGetter } from '../types';
import type { HeaderRecord } from './key-headers';

/**
 * A request header through the adapter's getter, or from a plain record with lower-case names
 * (Node's `IncomingMessage.headers`): `undefined` when absent or when the getter throws (a
 * request must never fail on a header the cache reads). A list some runtime hands
 * over as an array is joined with `, ` (RFC 9110 §5.3). A blank value is returned as is:
 * presence rules (an empty `Authorization` is still present) are the caller's.
 */
export function readRequestHeader(headers: HeaderGetter | HeaderRecord, name: string): string | undefined {
  let value: unknown;
  try {
    value = typeof headers === 'function' ? headers(name) : headers[name];
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : undefined;
}
