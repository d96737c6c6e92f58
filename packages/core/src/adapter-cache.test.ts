import { describe, expect, it } from 'vitest';
import { adapterCache } from './adapter-cache';
import { createCache } from './engine/create-cache';
import { PolicyError } from './errors';
import { memoryStore } from './stores/memory';

describe('adapterCache', () => {
  it('creates a cache from the options, with their defaults, owned by the adapter', () => {
    const { cache, definePolicy, owned } = adapterCache({ namespace: 'app', defaults: { maxAge: 30 } });
    expect(owned).toBe(true);
    expect(cache.options.namespace).toBe('app');
    expect(definePolicy({}).maxAge).toBe(30);
  });

  it("uses a given cache, not owned, with the adapter's defaults under its policies", () => {
    const given = createCache({ defaults: { maxAge: 10 } });
    const { cache, definePolicy, owned } = adapterCache({
      cache: given,
      defaults: { maxAge: 20, tags: ['a'] },
    });
    expect(cache).toBe(given);
    expect(owned).toBe(false);
    expect(definePolicy({ tags: ['b'] })).toMatchObject({ maxAge: 20, tags: ['b'] });
    expect(adapterCache({ cache: given }).definePolicy({}).maxAge).toBe(10);
  });

  it('rejects cache options given with a cache, naming the option', () => {
    const given = createCache();
    expect(() => adapterCache({ cache: given, store: memoryStore() })).toThrow(PolicyError);
    expect(() => adapterCache({ cache: given, namespace: 'x' })).toThrow(
      /"namespace".*cannot be combined with `cache`/,
    );
    expect(() => adapterCache({ cache: given, namespace: undefined })).not.toThrow();
  });

  it('validates policies at declaration, naming the field', () => {
    expect(() => adapterCache({}).definePolicy({ maxAge: -1 })).toThrow(/"maxAge"/);
  });
});
