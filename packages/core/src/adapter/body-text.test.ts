import { describe, expect, it } from 'vitest';
import { asciiText, latin1Text, ONE_WRITE_MAX_BYTES } from './body-text';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('latin1Text', () => {
  it('maps every byte to one character, so any bytes round-trip through latin1', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const text = latin1Text(bytes)!;
    expect(text).toHaveLength(256);
    expect(new Uint8Array(Buffer.from(text, 'latin1'))).toEqual(bytes);
  });

  it('reads only the view, not the rest of its ArrayBuffer', () => {
    const whole = encode('xxhelloxx');
    expect(latin1Text(whole.subarray(2, 7))).toBe('hello');
  });

  it('leaves empty and large bodies as bytes', () => {
    expect(latin1Text(new Uint8Array(0))).toBeUndefined();
    expect(latin1Text(new Uint8Array(ONE_WRITE_MAX_BYTES).fill(97))).toHaveLength(ONE_WRITE_MAX_BYTES);
    expect(latin1Text(new Uint8Array(ONE_WRITE_MAX_BYTES + 1).fill(97))).toBeUndefined();
  });
});

describe('asciiText', () => {
  it('returns an ASCII body as the same characters', () => {
    expect(asciiText(encode('{"a":[1,2]}'))).toBe('{"a":[1,2]}');
  });

  it('leaves a body with any non-ASCII byte as bytes (its UTF-8 encoding would differ)', () => {
    expect(asciiText(encode('caf\u00e9'))).toBeUndefined();
    expect(asciiText(new Uint8Array([0x41, 0x80]))).toBeUndefined();
  });

  it('leaves large bodies as bytes', () => {
    expect(asciiText(new Uint8Array(ONE_WRITE_MAX_BYTES + 1).fill(97))).toBeUndefined();
  });
});
