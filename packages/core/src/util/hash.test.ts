import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getNodeCrypto, sha1Base64Url, sha256, sha256Base64Url, toBase64Url } from './hash';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('sha256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('matches the FIPS 180-4 vector for %j', (text, digest) => {
    expect(hex(sha256(new TextEncoder().encode(text)))).toBe(digest);
  });

  it('agrees with node:crypto on any string (the sync fallback gives the same keys)', () => {
    expect(getNodeCrypto()).toBeDefined();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(sha256Base64Url(text, false)).toBe(sha256Base64Url(text, true));
      }),
    );
  });
});

describe('sha1Base64Url', () => {
  it('gives the same digest through node:crypto and Web Crypto', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), async (bytes) => {
        expect(await sha1Base64Url(bytes, false)).toBe(await sha1Base64Url(bytes, true));
      }),
    );
  });
});

describe('toBase64Url', () => {
  it('matches Buffer base64url for every length remainder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });
});
