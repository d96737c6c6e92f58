/**
 * RFC 9111 §4.2.3 (and §5.1 `Age`): how old a response is.
 */
import { parseHttpDate } from '../http/conditional';
import { MAX_DELTA_SECONDS } from '../http/grammar';
import type { ResponseHeaders } from '../types';
import { readFirstField } from './fields';

/** The times `getCurrentAge` needs, ms since epoch on the cache's clock. */
export interface AgeTimes {
  /** When the request that produced the response was sent (`request_time`). */
  requestTime: number;
  /** When the response was received (`response_time`). */
  responseTime: number;
  /** Now. */
  now: number;
}

/**
 * The `Age` field's value in seconds (RFC 9111 §5.1): of a list, the first member; a
 * non-negative integer, capped at 2147483648 (§1.2.2); `undefined` when absent or invalid (a
 * cache SHOULD then ignore the field).
 */
export function parseAge(headers: ResponseHeaders): number | undefined {
  const value = readFirstField(headers, 'age');
  if (value === undefined) return undefined;
  const first = value.split(',')[0]!.trim();
  if (!/^\d+$/.test(first)) return undefined;
  return Math.min(Number(first), MAX_DELTA_SECONDS);
}

/**
 * True when the response has an `Age` field that is not one non-negative integer on one line
 * (RFC 9111 §5.1: `Age = delta-seconds`): a list, two lines, a sign, a fraction, a parameter,
 * letters. §5.1 says a cache SHOULD ignore such a field; §4.2.1 encourages caches to consider
 * responses with invalid freshness information stale. This cache takes the second, safer
 * reading for the age (a response whose age cannot be known is not served as fresh): see
 * docs/cache-tests.md.
 */
export function hasInvalidAge(headers: ResponseHeaders): boolean {
  const value = findAge(headers);
  if (value === undefined) return false;
  if (typeof value !== 'string') return value.length !== 1 || !/^\d+$/.test(value[0]!.trim());
  return !/^\d+$/.test(value.trim());
}

function findAge(headers: ResponseHeaders): string | readonly string[] | undefined {
  if (headers.age !== undefined) return headers.age;
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === 'age') return value;
  return undefined;
}

/**
 * The response's current age in seconds (RFC 9111 §4.2.3):
 *
 *     apparent_age = max(0, response_time - date_value)
 *     response_delay = response_time - request_time
 *     corrected_age_value = age_value + response_delay
 *     corrected_initial_age = max(apparent_age, corrected_age_value)
 *     resident_time = now - response_time
 *     current_age = corrected_initial_age + resident_time
 *
 * A missing or invalid `Date` gives an apparent age of 0 (the response time stands in for it,
 * RFC 9110 §6.6.1); a missing or invalid `Age`, an `age_value` of 0. Never negative.
 */
export function getCurrentAge(headers: ResponseHeaders, times: AgeTimes): number {
  const { requestTime, responseTime, now } = times;
  const dateValue = readFirstField(headers, 'date');
  const date = dateValue === undefined ? undefined : parseHttpDate(dateValue, responseTime);
  const apparentAge = date === undefined ? 0 : Math.max(0, (responseTime - date) / 1000);
  const responseDelay = Math.max(0, (responseTime - requestTime) / 1000);
  const correctedAgeValue = (parseAge(headers) ?? 0) + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = Math.max(0, (now - responseTime) / 1000);
  return correctedInitialAge + residentTime;
}
