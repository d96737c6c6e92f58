import type { HeaderGetter } from '../types';
import type { HeaderRecord } from './key-headers';
import { readRequestHeader } from './request-headers';

/** A valid `Content-Length` of zero (RFC 9110 §8.6: 1*DIGIT). */
const ZERO_LENGTH = /^0+$/;

/**
 * True when a request carries a body (RFC 9112 §6.3): a `Transfer-Encoding`, or a
 * `Content-Length` other than zero. A malformed length counts as a body, the safe reading: such a
 * request bypasses the shared cache rather than being served another body's entry.
 *
 * @param headers A getter, or the headers as a plain object with lower-case names (Node's
 *   `IncomingMessage.headers`: two property reads, no call per name).
 */
export function hasRequestBody(headers: HeaderGetter | HeaderRecord): boolean {
  // A record without either field (almost every GET): two property reads.
  if (
    typeof headers !== 'function' &&
    headers['transfer-encoding'] === undefined &&
    headers['content-length'] === undefined
  )
    return false;
  if (readRequestHeader(headers, 'transfer-encoding') !== undefined) return true;
  const length = readRequestHeader(headers, 'content-length');
  return length !== undefined && !ZERO_LENGTH.test(length.trim());
}
