import { PolicyError } from '../errors';
import type { Duration } from '../types';

/**
 * The longest duration accepted, in seconds: the largest delay a JS timer can hold
 * (`setTimeout` keeps 2147483647 ms, about 24.8 days), rounded down to whole seconds.
 */
export const MAX_DURATION_SECONDS: number = 2147483;

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)([smhd]?)$/;

/**
 * Parses a duration into whole seconds.
 *
 * Accepts a non-negative finite number of seconds, or a string: `'30'`, `'30s'`, `'5m'`, `'1h'`,
 * `'1d'`, with an optional decimal part (`'1.5h'` = 5400). Fractions of a second are rounded
 * down (`1.9` → 1), so a duration never grows.
 *
 * @param value The duration as written by the user.
 * @param field The policy field it came from; named in the error.
 * @param options.max Largest accepted value in seconds. Default `MAX_DURATION_SECONDS`.
 * @returns Whole seconds, from 0 to `options.max`.
 * @throws PolicyError naming `field` for a negative, NaN, infinite or malformed value, or one
 * longer than a JS timer can hold (> 2147483 s).
 */
export function parseDuration(value: Duration, field: string, options?: { max?: number }): number {
  const max = options?.max ?? MAX_DURATION_SECONDS;
  let seconds: number;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new PolicyError(field, 'must be a number of seconds, got NaN');
    if (!Number.isFinite(value)) throw new PolicyError(field, `must be finite, got ${value}`);
    if (value < 0) throw new PolicyError(field, `must not be negative, got ${value}`);
    seconds = value;
  } else if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value);
    if (!match) {
      throw new PolicyError(
        field,
        `${JSON.stringify(value)} is not a duration (use seconds or a string such as '30s', '5m', '1h', '1d')`,
      );
    }
    const unit = (match[2] || 's') as keyof typeof UNIT_SECONDS;
    seconds = Number(match[1]) * UNIT_SECONDS[unit];
  } else {
    throw new PolicyError(field, `must be seconds or a duration string, got ${describe(value)}`);
  }
  const whole = Math.floor(seconds);
  if (whole > max) {
    throw new PolicyError(
      field,
      max === MAX_DURATION_SECONDS
        ? `${String(value)} is longer than a timer can hold (at most ${max} seconds, about 24 days)`
        : `${String(value)} is over the maximum of ${max} seconds`,
    );
  }
  return whole;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/**
 * `parseDuration()` for a store's own lifetimes (`guardTtl`, `recordTtl`), which must be at
 * least 1 second. Throws `PolicyError` naming `field`.
 */
export function atLeastOneSecond(value: Duration, field: string): number {
  const seconds = parseDuration(value, field);
  if (seconds < 1) throw new PolicyError(field, `must be at least 1 second, got ${String(value)}`);
  return seconds;
}
