import { describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { PolicyError } from '../errors';
import { DEFAULT_KEY_HEADERS, normalizeKeyHeader, readKeyHeaders } from './key-headers';

describe('readKeyHeaders', () => {
  const read = (headers: Record<string, string>, names = DEFAULT_KEY_HEADERS) =>
    readKeyHeaders((name) => headers[name], names);

  it('reads nothing from a request without key headers (the common case)', () => {
    expect(read({ accept: 'text/html', 'x-forwarded-for': '192.0.2.1' })).toEqual([]);
  });

  it('lists the key headers a request carries, in list order, normalised', () => {
    expect(
      read({
        'x-http-method-override': 'head',
        'x-forwarded-host': ' Evil.Example ',
        'x-original-url': '/Admin',
      }),
    ).toEqual([
      ['x-forwarded-host', 'evil.example'],
      ['x-original-url', '/Admin'],
      ['x-http-method-override', 'head'],
    ]);
  });

  it('covers every well-known override and forwarding header, and not X-Forwarded-For', () => {
    for (const name of [
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-forwarded-scheme',
      'x-forwarded-port',
      'x-forwarded-prefix',
      'x-forwarded-server',
      'x-host',
      'x-original-host',
      'x-original-url',
      'x-rewrite-url',
      'x-http-method-override',
      'x-http-method',
      'x-method-override',
      'forwarded',
    ]) {
      expect(DEFAULT_KEY_HEADERS).toContain(name);
    }
    expect(DEFAULT_KEY_HEADERS).not.toContain('x-forwarded-for');
  });

  it("keeps only Forwarded's host and proto, so per-client for/by do not split the key", () => {
    expect(normalizeKeyHeader('forwarded', 'for=192.0.2.1;by=203.0.113.1')).toBe('');
    expect(
      normalizeKeyHeader('forwarded', 'for=192.0.2.1;Host="Evil.example";proto=HTTPS, for=x;host=b'),
    ).toBe('host=evil.example;proto=https;host=b');
    expect(read({ forwarded: 'for=192.0.2.1' })).toEqual([]);
  });

  it('reads the same from a plain header object as from the getter, in list order', () => {
    const record = {
      accept: '*/*',
      'x-original-url': '/Admin',
      forwarded: ['for=1;host=A.example', 'proto=https'],
      'x-forwarded-host': ' Evil.Example ',
    };
    const get = (name: string) => {
      const value = record[name as keyof typeof record];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const fromRecord = readKeyHeaders(() => undefined, DEFAULT_KEY_HEADERS, record);
    expect(fromRecord).toEqual(readKeyHeaders(get, DEFAULT_KEY_HEADERS));
    expect(fromRecord).toEqual([
      ['x-forwarded-host', 'evil.example'],
      ['x-original-url', '/Admin'],
      ['forwarded', 'host=a.example;proto=https'],
    ]);
    expect(readKeyHeaders(() => 'x', DEFAULT_KEY_HEADERS, { accept: '*/*' })).toEqual([]);
  });

  it('reads a throwing getter as absent', () => {
    expect(
      readKeyHeaders(() => {
        throw new Error('boom');
      }, DEFAULT_KEY_HEADERS),
    ).toEqual([]);
  });
});

describe('the keyHeaders option', () => {
  it('rejects what is not a list of header names, naming the option', () => {
    for (const bad of ['x-a', ['x a'], [''], [1]]) {
      expect(() => createCache({ keyHeaders: bad as never })).toThrow(PolicyError);
      try {
        createCache({ keyHeaders: bad as never });
      } catch (error) {
        expect((error as PolicyError).field).toBe('keyHeaders');
      }
    }
  });

  it('accepts a replacement list, an extension of the default, or none', () => {
    expect(() => createCache({ keyHeaders: ['X-Tenant'] })).not.toThrow();
    expect(() => createCache({ keyHeaders: [...DEFAULT_KEY_HEADERS, 'x-tenant'] })).not.toThrow();
    expect(() => createCache({ keyHeaders: [] })).not.toThrow();
  });
});
