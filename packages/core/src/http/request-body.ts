import type { HeaderGetter } from '../types';

/** A valid `Content-Length` of zero (RFC 9110 §8.6: 1*DIGIT). */
const ZERO_LENGTH = /^0+$/;

/**
 * True when a request carries a body (RFC 9112 §6.3): a `Transfer-Encoding`, or a
 * `Content-Length` other than zero. A malformed length counts as a body, the safe reading: such a
 * request bypasses the shared cache rather than being served another body's entry.
 */
export function hasRequestBody(headers: HeaderGetter): boolean {
  if (headers('transfer-encoding') !== undefined) return true;
  const length = headers('content-length');
  return length !== undefined && !ZERO_LENGTH.test(length.trim());
}
