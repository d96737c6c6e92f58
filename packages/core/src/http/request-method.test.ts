import { describe, expect, it } from 'vitest';
import { methodRole } from './request-method';

describe('methodRole', () => {
  it.each([
    ['GET', 'read'],
    ['HEAD', 'read'],
    ['get', 'read'],
    ['POST', 'invalidate'],
    ['PUT', 'invalidate'],
    ['PATCH', 'invalidate'],
    ['DELETE', 'invalidate'],
    ['MKCOL', 'invalidate'],
    ['purge', 'invalidate'],
    ['OPTIONS', 'none'],
    ['TRACE', 'none'],
    ['PROPFIND', 'none'],
    ['SEARCH', 'none'],
    ['QUERY', 'none'],
  ] as const)('%s -> %s', (method, role) => {
    expect(methodRole(method)).toBe(role);
  });
});
