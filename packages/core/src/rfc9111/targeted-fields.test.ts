import { describe, expect, it } from 'vitest';
import { readSurrogateDirectives, selectTargetedHeaders } from './targeted-fields';

const both = { fields: ['surrogate-control', 'cdn-cache-control'] as const, deviceToken: 'edge' };

describe('readSurrogateDirectives', () => {
  it.each([
    ['max-age=60', 'max-age=60'],
    ['max-age=60;edge', 'max-age=60'],
    ['max-age=60;other', ''],
    ['no-store;other, max-age=30;EDGE, foo', 'max-age=30, foo'],
    ['', ''],
  ])('reads %j as %j for device edge', (value, expected) => {
    expect(readSurrogateDirectives(value, 'edge')).toBe(expected);
  });
});

describe('selectTargetedHeaders', () => {
  it('replaces Cache-Control and drops Expires with the first field present (RFC 9213 §2.1)', () => {
    const headers = {
      'cache-control': 'no-store',
      expires: 'Thu, 01 Jan 2099 00:00:00 GMT',
      'cdn-cache-control': 'max-age=10',
      'surrogate-control': 'max-age=60',
      etag: '"a"',
    };
    expect(selectTargetedHeaders(headers, both)).toEqual({
      'cache-control': 'max-age=60',
      'cdn-cache-control': 'max-age=10',
      'surrogate-control': 'max-age=60',
      etag: '"a"',
    });
  });

  it('falls through a field whose directives all target another device', () => {
    const headers = { 'surrogate-control': 'max-age=60;other', 'cdn-cache-control': 'max-age=10' };
    expect(selectTargetedHeaders(headers, both)['cache-control']).toBe('max-age=10');
  });

  it('returns the headers themselves when no targeted field applies', () => {
    const headers = { 'cache-control': 'max-age=5', 'surrogate-control': 'max-age=60' };
    expect(selectTargetedHeaders(headers, { fields: [], deviceToken: 'edge' })).toBe(headers);
    expect(selectTargetedHeaders({ 'cache-control': 'max-age=5' }, both)['cache-control']).toBe('max-age=5');
  });
});
