import { describe, expect, it } from 'vitest';
import { getCurrentAge, hasInvalidAge, parseAge } from './current-age';

const T = Date.parse('2026-12-02T12:00:00Z');
const DATE = 'Wed, 02 Dec 2026 12:00:00 GMT';

describe('parseAge', () => {
  it.each<[string | string[], number | undefined]>([
    ['0', 0],
    ['60', 60],
    [' 60 ', 60],
    ['60, 30', 60],
    [['45', '90'], 45],
    ['99999999999', 2147483648],
    ['-1', undefined],
    ['1.5', undefined],
    ['abc', undefined],
    ['', undefined],
  ])('reads %j as %s', (value, expected) => {
    expect(parseAge({ age: value })).toBe(expected);
  });

  it('is undefined without Age', () => {
    expect(parseAge({})).toBeUndefined();
  });
});

describe('getCurrentAge', () => {
  it('is 0 for a response just received without Age or delay', () => {
    expect(getCurrentAge({ date: DATE }, { requestTime: T, responseTime: T, now: T })).toBe(0);
  });

  it('adds the resident time', () => {
    expect(getCurrentAge({ date: DATE }, { requestTime: T, responseTime: T, now: T + 30_000 })).toBe(30);
  });

  it('adds the response delay to the Age value (corrected_age_value)', () => {
    expect(
      getCurrentAge({ age: '10', date: DATE }, { requestTime: T, responseTime: T + 2000, now: T + 2000 }),
    ).toBe(12);
  });

  it('takes the apparent age when it is larger (a Date in the past)', () => {
    const headers = { age: '5', date: 'Wed, 02 Dec 2026 11:59:00 GMT' };
    expect(getCurrentAge(headers, { requestTime: T, responseTime: T, now: T })).toBe(60);
  });

  it('takes the corrected Age value when it is larger', () => {
    const headers = { age: '100', date: 'Wed, 02 Dec 2026 11:59:00 GMT' };
    expect(getCurrentAge(headers, { requestTime: T, responseTime: T, now: T + 1000 })).toBe(101);
  });

  it('gives a Date in the future an apparent age of 0', () => {
    const headers = { date: 'Wed, 02 Dec 2026 12:10:00 GMT' };
    expect(getCurrentAge(headers, { requestTime: T, responseTime: T, now: T })).toBe(0);
  });

  it('ignores an invalid Age and an invalid Date', () => {
    expect(
      getCurrentAge({ age: 'x', date: 'soon' }, { requestTime: T, responseTime: T, now: T + 4000 }),
    ).toBe(4);
  });

  it('is never negative on a clock step backwards', () => {
    expect(getCurrentAge({}, { requestTime: T, responseTime: T, now: T - 5000 })).toBe(0);
  });
});

describe('hasInvalidAge', () => {
  it.each<[string | string[], boolean]>([
    ['0', false],
    ['7200', false],
    [' 60 ', false],
    [['60'], false],
    ['abc', true],
    ['-1', true],
    ['1.5', true],
    ['0, 0', true],
    [['0', '7200'], true],
    ['7200;foo=bar', true],
  ])('reads Age %j as invalid: %s', (value, expected) => {
    expect(hasInvalidAge({ age: value })).toBe(expected);
  });

  it('is false without Age', () => {
    expect(hasInvalidAge({})).toBe(false);
  });
});
