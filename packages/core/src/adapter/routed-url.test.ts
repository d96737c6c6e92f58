import { describe, expect, it } from 'vitest';
import { routedUrl } from './routed-url';

describe('routedUrl', () => {
  it('is the URL itself outside a mounted router', () => {
    expect(routedUrl('', '/a?x=1', '/a?x=1')).toBe('/a?x=1');
    expect(routedUrl(undefined, '/b', '/a')).toBe('/b');
  });

  it('joins the mount path and the rest inside a mounted router', () => {
    expect(routedUrl('/api', '/items?x=1', '/api/items?x=1')).toBe('/api/items?x=1');
  });

  it('is the original URL when the router is mounted at the whole path', () => {
    expect(routedUrl('/api', '/', '/api')).toBe('/api');
    expect(routedUrl('/api', '/?x=1', '/api?x=1')).toBe('/api?x=1');
    expect(routedUrl('/api', '/', '/api/')).toBe('/api/');
  });

  it('is the rewritten URL after a rewrite', () => {
    expect(routedUrl('/api', '/admin', '/api/items')).toBe('/api/admin');
  });
});
