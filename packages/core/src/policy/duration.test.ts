import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors';
import type { Duration } from '../types';
import { MAX_DURATION_SECONDS, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each<[Duration, number]>([
    [0, 0],
    [30, 30],
    [1.9, 1],
    ['0', 0],
    ['30', 30],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1d', 86400],
    ['1.5h', 5400],
    ['0.5s', 0],
    ['24d', 2073600],
    [MAX_DURATION_SECONDS, MAX_DURATION_SECONDS],
    [`${MAX_DURATION_SECONDS}s` as Duration, MAX_DURATION_SECONDS],
  ])('parses %j as %i seconds', (input, expected) => {
    expect(parseDuration(input, 'maxAge')).toBe(expected);
  });

  it.each<[unknown, string]>([
    [-1, 'negative'],
    [-0.5, 'negative'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'finite'],
    [Number.NEGATIVE_INFINITY, 'finite'],
    [MAX_DURATION_SECONDS + 1, 'timer'],
    [2 ** 53, 'timer'],
    ['25d', 'timer'],
    ['2147484s', 'timer'],
    ['-5s', 'not a duration'],
    ['', 'not a duration'],
    ['abc', 'not a duration'],
    ['5 m', 'not a duration'],
    [' 5m', 'not a duration'],
    ['5ms', 'not a duration'],
    ['5M', 'not a duration'],
    ['1e3', 'not a duration'],
    ['+5', 'not a duration'],
    ['.5s', 'not a duration'],
    ['Infinity', 'not a duration'],
    ['NaN', 'not a duration'],
    [null, 'got null'],
    [true, 'got boolean'],
    [{}, 'got object'],
  ])('rejects %j with a PolicyError naming the field', (input, reason) => {
    let thrown: unknown;
    try {
      parseDuration(input as Duration, 'staleIfError');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).field).toBe('staleIfError');
    expect((thrown as PolicyError).message).toContain('"staleIfError"');
    expect((thrown as PolicyError).message).toContain(reason);
  });
});

describe('parseDuration with a max', () => {
  it('accepts up to max and rejects beyond it, naming the field', () => {
    expect(parseDuration('365d', 'maxAge', { max: 31536000 })).toBe(31536000);
    expect(() => parseDuration(31536001, 'maxAge', { max: 31536000 })).toThrow(
      /"maxAge".*maximum of 31536000/,
    );
    expect(() => parseDuration(11, 'lease', { max: 10 })).toThrow(PolicyError);
  });
});
