import { describe, expect, it } from 'vitest';
import { hasRequestBody } from './request-body';

const getter =
  (headers: Record<string, string>) =>
  (name: string): string | undefined =>
    headers[name];

describe('hasRequestBody', () => {
  it.each<[Record<string, string>, boolean]>([
    [{}, false],
    [{ 'content-length': '0' }, false],
    [{ 'content-length': '000' }, false],
    [{ 'content-length': ' 0 ' }, false],
    [{ 'content-length': '12' }, true],
    [{ 'transfer-encoding': 'chunked' }, true],
    [{ 'transfer-encoding': 'chunked', 'content-length': '0' }, true],
    // Malformed lengths count as a body: the request then bypasses shared entries.
    [{ 'content-length': '' }, true],
    [{ 'content-length': '-1' }, true],
    [{ 'content-length': 'abc' }, true],
  ])('%j -> %s', (headers, expected) => {
    expect(hasRequestBody(getter(headers))).toBe(expected);
    // The same headers as a plain object (Node's `IncomingMessage.headers`) read the same.
    expect(hasRequestBody(headers)).toBe(expected);
  });

  it('reads a list value of a plain object as one field (RFC 9110 §5.3)', () => {
    expect(hasRequestBody({ 'content-length': ['0', '0'] })).toBe(true);
    expect(hasRequestBody({ 'transfer-encoding': ['gzip', 'chunked'] })).toBe(true);
  });
});
