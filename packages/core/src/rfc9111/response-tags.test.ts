import { describe, expect, it } from 'vitest';
import { readResponseTags } from './response-tags';

describe('readResponseTags', () => {
  it('reads space-separated Surrogate-Key', () => {
    expect(readResponseTags({ 'surrogate-key': 'products  product:1' })).toEqual({
      tags: ['products', 'product:1'],
      dropped: 0,
    });
  });

  it('reads comma-separated Cache-Tag', () => {
    expect(readResponseTags({ 'Cache-Tag': 'products, product:1' })).toEqual({
      tags: ['products', 'product:1'],
      dropped: 0,
    });
  });

  it('merges both, Surrogate-Key first, deduplicated', () => {
    expect(readResponseTags({ 'surrogate-key': 'a b', 'cache-tag': 'b,c' })).toEqual({
      tags: ['a', 'b', 'c'],
      dropped: 0,
    });
  });

  it('combines field lines', () => {
    expect(readResponseTags({ 'surrogate-key': ['a', 'b'] })).toEqual({ tags: ['a', 'b'], dropped: 0 });
  });

  it('encodes tags as every other tag and counts the ones too long to keep', () => {
    expect(readResponseTags({ 'cache-tag': `café, ${'x'.repeat(200)}` })).toEqual({
      tags: ['caf%C3%A9'],
      dropped: 1,
    });
  });

  it('is empty without tag headers', () => {
    expect(readResponseTags({})).toEqual({ tags: [], dropped: 0 });
  });
});
