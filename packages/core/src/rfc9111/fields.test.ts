import { describe, expect, it } from 'vitest';
import { parseDeltaSeconds, readCacheControl, readField, readFirstField } from './fields';

describe('readField', () => {
  it('reads a field in any case', () => {
    expect(readField({ 'Cache-Control': 'max-age=1' }, 'cache-control')).toBe('max-age=1');
  });

  it('joins field lines with ", " (RFC 9110 §5.3)', () => {
    expect(readField({ vary: ['a', 'b'] }, 'vary')).toBe('a, b');
  });

  it('is undefined when absent or an empty list', () => {
    expect(readField({}, 'vary')).toBeUndefined();
    expect(readField({ vary: [] }, 'vary')).toBeUndefined();
  });
});

describe('readFirstField', () => {
  it('takes the first line', () => {
    expect(readFirstField({ expires: ['Thu, 01 Jan 2026 00:00:00 GMT', 'x'] }, 'expires')).toBe(
      'Thu, 01 Jan 2026 00:00:00 GMT',
    );
  });

  it('is undefined when absent', () => {
    expect(readFirstField({}, 'date')).toBeUndefined();
  });
});

describe('readCacheControl', () => {
  it('parses every field line', () => {
    expect(readCacheControl({ 'cache-control': ['public', 'max-age=5'] })).toEqual({
      public: true,
      'max-age': '5',
    });
  });

  it('is empty without Cache-Control', () => {
    expect(readCacheControl({})).toEqual({});
  });
});

describe('parseDeltaSeconds', () => {
  it.each<[string | true | undefined, number | undefined]>([
    ['0', 0],
    ['60', 60],
    ['2147483649', 2147483648],
    ['-1', undefined],
    ['+1', undefined],
    ['1.0', undefined],
    ['', undefined],
    [true, undefined],
    [undefined, undefined],
  ])('reads %j as %s (RFC 9111 §1.2.2)', (value, expected) => {
    expect(parseDeltaSeconds(value)).toBe(expected);
  });
});
