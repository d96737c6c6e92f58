import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors';
import { parseRouteKey, routeLabel } from './route-key';

describe('parseRouteKey', () => {
  it('reads "GET /path" and the bare "/path" as the same GET route', () => {
    expect(parseRouteKey('GET /api/products/:id')).toEqual({
      path: '/api/products/:id',
      label: 'GET /api/products/:id',
    });
    expect(parseRouteKey('/api/products/:id')).toEqual(parseRouteKey('GET /api/products/:id'));
    expect(parseRouteKey('  get   /x  ')).toEqual({ path: '/x', label: 'GET /x' });
  });

  it('refuses HEAD and other methods with a PolicyError naming the key', () => {
    expect(() => parseRouteKey('HEAD /x')).toThrow(PolicyError);
    expect(() => parseRouteKey('HEAD /x')).toThrow(/write "GET \/x"/);
    expect(() => parseRouteKey('POST /x')).toThrow(expect.objectContaining({ field: 'routes["POST /x"]' }));
  });

  it('refuses a path that does not start with a slash, or a key with more than two parts', () => {
    for (const key of ['GET x', 'x', '', 'GET /a /b', 'GET']) {
      expect(() => parseRouteKey(key), key).toThrow(
        expect.objectContaining({ field: `routes[${JSON.stringify(key)}]` }),
      );
    }
  });
});

describe('routeLabel', () => {
  it('counts HEAD under GET and upper-cases other methods', () => {
    expect(routeLabel('HEAD', '/x')).toBe('GET /x');
    expect(routeLabel('head', '/x')).toBe('GET /x');
    expect(routeLabel('GET', '/x')).toBe('GET /x');
    expect(routeLabel('post', '/x')).toBe('POST /x');
  });
});
