import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../types';
import {
  decodeEntry,
  encodeEntry,
  FRESH_OFFSET,
  FRESH_WIDTH,
  fixedNumber,
  PREAMBLE_BYTES,
} from './entry-codec';

const base: CacheEntry = {
  key: 'GET example.com/a?b=1',
  storedAt: 1_900_000_000_000,
  freshUntil: 1_900_000_060_000,
  staleWhileRevalidate: 30,
  staleIfError: 120,
  expiresAt: 1_900_000_180_000,
  tags: ['product:1', 'é✓'],
};

describe('encodeEntry / decodeEntry', () => {
  it('round-trips a response entry with every byte value in the body', () => {
    const body = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
    const entry: CacheEntry = {
      ...base,
      response: { status: 203, headers: { a: 'b', link: ['x', 'y'] }, body },
    };
    const decoded = decodeEntry(encodeEntry(entry, 'abcdefgh'));
    expect(decoded).toEqual(entry);
    expect(decoded?.response?.body).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(decoded?.response?.body)).toBe(false);
  });

  it('round-trips data values, including falsy ones and an explicit undefined', () => {
    for (const value of [0, '', false, null, [], {}, { n: 1.25, s: 'x' }]) {
      expect(decodeEntry(encodeEntry({ ...base, value }, '00000000'))?.value).toEqual(value);
    }
    const decoded = decodeEntry(encodeEntry({ ...base, value: undefined }, '00000000'));
    expect(decoded && 'value' in decoded).toBe(true);
    expect(decodeEntry(encodeEntry(base, '00000000'))).not.toHaveProperty('value');
  });

  it('reads freshUntil from the fixed field, and an expired-in-place entry ends at its grace', () => {
    const buffer = encodeEntry(base, '00000000');
    const now = 1_900_000_010_000;
    buffer.write(fixedNumber(now, FRESH_WIDTH), FRESH_OFFSET, 'latin1'); // what the expire script does
    const decoded = decodeEntry(buffer);
    expect(decoded?.freshUntil).toBe(now);
    expect(decoded?.expiresAt).toBe(now + 120_000);
  });

  it('round-trips fields it does not know by name (computeMs and later additions)', () => {
    const entry = { ...base, computeMs: 1234, futureField: { a: [1] } } as CacheEntry;
    expect(decodeEntry(encodeEntry(entry, '00000000'))).toEqual(entry);
    expect(decodeEntry(encodeEntry(base, '00000000'))).not.toHaveProperty('computeMs');
  });

  it('decodes anything that is not an entry as undefined', () => {
    const good = encodeEntry(base, '00000000');
    const broken = [
      Buffer.alloc(0),
      Buffer.from('hello'),
      good.subarray(0, PREAMBLE_BYTES - 1),
      good.subarray(0, good.length - 5),
      Buffer.concat([Buffer.from('XX'), good.subarray(2)]),
      Buffer.concat([good.subarray(0, PREAMBLE_BYTES), Buffer.from('[1,2]{"k":1}')]),
    ];
    for (const buffer of broken) expect(decodeEntry(buffer)).toBeUndefined();
  });

  it('refuses values it cannot represent', () => {
    expect(() => encodeEntry({ ...base, value: 1n }, '00000000')).toThrow();
    expect(() => encodeEntry({ ...base, freshUntil: Number.NaN }, '00000000')).toThrow(RangeError);
    expect(() => encodeEntry(base, 'short')).toThrow(RangeError);
  });
});

describe('decodeEntry: repeated reads', () => {
  it('decodes the same bytes to equal entries that share frozen response headers and tags', () => {
    const entry: CacheEntry = {
      ...base,
      computeMs: 7,
      response: { status: 200, headers: { etag: '"1"', link: ['x', 'y'] }, body: new Uint8Array([1]) },
    };
    const bytes = encodeEntry(entry, 'abcdefgh');
    const first = decodeEntry(bytes)!;
    const second = decodeEntry(bytes)!;
    expect(first).toEqual(entry);
    expect(second).toEqual(entry);
    expect(first).not.toBe(second);
    expect(first.tags).toBe(second.tags);
    expect(Object.isFrozen(first.tags)).toBe(true);
    expect(Object.isFrozen(first.response!.headers)).toBe(true);
    expect(Object.isFrozen(first.response!.headers.link)).toBe(true);
  });

  it('tells apart headers of the same length by their bytes, in another buffer or at another offset', () => {
    const withEtag = (etag: string): CacheEntry => ({
      ...base,
      response: { status: 200, headers: { etag }, body: new Uint8Array([1, 2]) },
    });
    const one = encodeEntry(withEtag('"aaaa"'), 'abcdefgh');
    const two = encodeEntry(withEtag('"bbbb"'), 'abcdefgh');
    expect(one.length).toBe(two.length);
    expect(decodeEntry(one)?.response?.headers.etag).toBe('"aaaa"');
    expect(decodeEntry(two)?.response?.headers.etag).toBe('"bbbb"');
    // The same bytes inside a larger reply buffer (a view at an offset) decode the same.
    const padded = Buffer.concat([Buffer.from('xyz'), one]).subarray(3);
    const first = decodeEntry(one)!;
    const again = decodeEntry(padded)!;
    expect(again.response!.headers).toBe(first.response!.headers);
    expect(decodeEntry(two)?.response?.headers.etag).toBe('"bbbb"');
  });

  it('gives every read its own data value: a caller mutating one does not change the next', () => {
    const bytes = encodeEntry({ ...base, value: { n: 1 } }, 'abcdefgh');
    const first = decodeEntry(bytes)!;
    (first.value as { n: number }).n = 2;
    expect(decodeEntry(bytes)?.value).toEqual({ n: 1 });
  });

  it('reads a fixed-width number that is not plain digits (as a script may write it)', () => {
    const bytes = encodeEntry(base, 'abcdefgh');
    bytes.write(fixedNumber(1_900_000_030_000.5, FRESH_WIDTH), FRESH_OFFSET, 'latin1');
    expect(decodeEntry(bytes)?.freshUntil).toBe(1_900_000_030_000.5);
    bytes.write(fixedNumber(-5, FRESH_WIDTH), FRESH_OFFSET, 'latin1');
    expect(decodeEntry(bytes)?.freshUntil).toBe(-5);
    bytes.write('12x'.padEnd(FRESH_WIDTH, ' '), FRESH_OFFSET, 'latin1');
    expect(decodeEntry(bytes)).toBeUndefined();
  });
});
