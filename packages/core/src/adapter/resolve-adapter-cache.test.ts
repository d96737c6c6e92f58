import { describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { PolicyError } from '../errors';
import { memoryStore } from '../stores/memory';
import { resolveAdapterCache } from './resolve-adapter-cache';

describe('resolveAdapterCache', () => {
  it('creates a cache from the options, with their defaults, owned by the adapter', () => {
    const { cache, definePolicy, owned } = resolveAdapterCache({
      namespace: 'app',
      defaults: { maxAge: 30 },
    });
    expect(owned).toBe(true);
    expect(cache.options.namespace).toBe('app');
    expect(definePolicy({}).maxAge).toBe(30);
  });

  it("uses a given cache, not owned, with the adapter's defaults under its policies", () => {
    const given = createCache({ defaults: { maxAge: 10 } });
    const { cache, definePolicy, owned } = resolveAdapterCache({
      cache: given,
      defaults: { maxAge: 20, tags: ['a'] },
    });
    expect(cache).toBe(given);
    expect(owned).toBe(false);
    expect(definePolicy({ tags: ['b'] })).toMatchObject({ maxAge: 20, tags: ['b'] });
    expect(resolveAdapterCache({ cache: given }).definePolicy({}).maxAge).toBe(10);
  });

  it("applies the adapter's defaults: { from: 'response' } to a given cache's routes as definePolicy does", () => {
    const given = createCache();
    const { definePolicy } = resolveAdapterCache({
      cache: given,
      defaults: { from: 'response', maxAge: 20, tags: ['a'] },
    });
    expect(definePolicy({})).toMatchObject({ from: 'response', maxAge: undefined, tags: ['a'] });
    expect(definePolicy({ sMaxAge: 5 })).toMatchObject({
      from: 'route',
      maxAge: 20,
      sMaxAge: 5,
      tags: ['a'],
    });
    expect(definePolicy({ from: 'route' })).toMatchObject({ from: 'route', maxAge: 20 });
  });

  it("keeps an adapter's defaults: { from: 'route' } over a given cache's from: 'response'", () => {
    const given = createCache({ defaults: { from: 'response' } });
    expect(
      resolveAdapterCache({ cache: given, defaults: { from: 'route', maxAge: 20 } }).definePolicy({}),
    ).toMatchObject({
      from: 'route',
      maxAge: 20,
    });
    expect(resolveAdapterCache({ cache: given, defaults: { tags: ['a'] } }).definePolicy({})).toMatchObject({
      from: 'response',
      tags: ['a'],
    });
  });

  it('rejects cache options given with a cache, naming the option', () => {
    const given = createCache();
    expect(() => resolveAdapterCache({ cache: given, store: memoryStore() })).toThrow(PolicyError);
    expect(() => resolveAdapterCache({ cache: given, namespace: 'x' })).toThrow(
      /"namespace".*cannot be combined with `cache`/,
    );
    expect(() => resolveAdapterCache({ cache: given, namespace: undefined })).not.toThrow();
  });

  it('validates policies at declaration, naming the field', () => {
    expect(() => resolveAdapterCache({}).definePolicy({ maxAge: -1 })).toThrow(/"maxAge"/);
  });
});
