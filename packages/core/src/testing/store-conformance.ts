import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheEntry, Store } from '../types';
import type { FakeClock } from './fake-clock';

/** `storeConformanceSuite()` options. */
export interface StoreConformanceOptions {
  /** Name shown in the `describe` title, e.g. `'memoryStore'`. */
  name: string;
  /** Creates a fresh, empty store for each test. */
  createStore: () => Promise<Store> | Store;
  /**
   * The fake clock the store reads (e.g. `memoryStore({ clock: clock.now })`). With it, expiry
   * tests advance time; without it they use real time with short expiries (about 1 s of waiting).
   */
  clock?: FakeClock;
  /**
   * Waits until an entry whose `expiresAt` is `ms` from now has expired, for stores on real time.
   * Default: a real wait of `ms` plus 300 ms.
   */
  waitForExpiry?: (ms: number) => Promise<void>;
  /** Called after each test with the store (after `close()`), e.g. to remove a key prefix. */
  cleanup?: (store: Store) => Promise<void> | void;
}

const HOUR = 3_600_000;
/** Short real expiry used only when the store has no fake clock. */
const REAL_EXPIRY_MS = 800;

/**
 * The `Store` contract as a vitest suite. Every store runs it:
 *
 * ```ts
 * storeConformanceSuite({ name: 'redisStore', createStore: () => redisStore({ client, prefix }) });
 * ```
 *
 * It is store-agnostic and tolerant of real time: times are taken from `clock` when given, else
 * `Date.now()`, and entries live an hour unless a test is about expiry. It requires `get`, `set`,
 * `delete`, `invalidateTags` and also the optional `expireKeys` and `clear`.
 */
export function storeConformanceSuite(options: StoreConformanceOptions): void {
  const { clock } = options;
  const now = (): number => (clock ? clock.now() : Date.now());

  describe(`${options.name} (store conformance)`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await options.createStore();
    });

    afterEach(async () => {
      await store.clear?.();
      await store.close?.();
      await options.cleanup?.(store);
    });

    /** Lets an entry stored with `expiresAt = now() + ms` expire. */
    async function passTime(ms: number): Promise<void> {
      if (clock) clock.advance(ms + 1);
      else if (options.waitForExpiry) await options.waitForExpiry(ms);
      else await new Promise((resolve) => setTimeout(resolve, ms + 300));
    }

    describe('get and set', () => {
      it('has a non-empty name', () => {
        expect(typeof store.name).toBe('string');
        expect(store.name.length).toBeGreaterThan(0);
      });

      it('resolves undefined for a missing key', async () => {
        expect(await store.get('missing')).toBeUndefined();
      });

      it('round-trips a response entry with binary body bytes and array headers', async () => {
        const body = new Uint8Array([0x00, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0x00, 0x7f, 0x80, 0x00]);
        const entry = responseEntry('resp', {
          body,
          headers: {
            'content-type': 'application/octet-stream',
            link: ['</a>; rel=preload', '</b>; rel=preload'],
            etag: 'W/"abc"',
          },
          tags: ['product', 'product:1'],
        });
        expect(await store.set('resp', entry)).toBe(true);
        const read = await store.get('resp');
        expect(read).toBeDefined();
        expect(read?.key).toBe('resp');
        expect(read?.storedAt).toBe(entry.storedAt);
        expect(read?.freshUntil).toBe(entry.freshUntil);
        expect(read?.expiresAt).toBe(entry.expiresAt);
        expect(read?.staleWhileRevalidate).toBe(entry.staleWhileRevalidate);
        expect(read?.staleIfError).toBe(entry.staleIfError);
        expect([...(read?.tags ?? [])].sort()).toEqual(['product', 'product:1']);
        expect(read?.response?.status).toBe(200);
        expect(read?.response?.headers).toEqual(entry.response?.headers);
        expect(read?.response?.body).toBeInstanceOf(Uint8Array);
        expect(Array.from(read?.response?.body ?? [])).toEqual(Array.from(body));
      });

      it('round-trips computeMs, the XFetch delta, when set', async () => {
        await store.set('timed', { ...valueEntry('timed', 1), computeMs: 1234 });
        await store.set('untimed', valueEntry('untimed', 1));
        expect((await store.get('timed'))?.computeMs).toBe(1234);
        expect((await store.get('untimed'))?.computeMs).toBeUndefined();
      });

      it('round-trips an empty body', async () => {
        await store.set('empty', responseEntry('empty', { body: new Uint8Array(0), status: 204 }));
        const read = await store.get('empty');
        expect(read?.response?.status).toBe(204);
        expect(read?.response?.body.byteLength).toBe(0);
      });

      it('round-trips a value entry through JSON-compatible values', async () => {
        const value = { id: 1, name: 'Zoë 😀', list: [1, 'two', null, { deep: true }], none: null, n: -0.5 };
        await store.set('value', valueEntry('value', value));
        const read = await store.get('value');
        expect(read?.value).toEqual(value);
        expect(read?.response).toBeUndefined();
      });

      it('round-trips primitive values', async () => {
        await store.set('s', valueEntry('s', 'text'));
        await store.set('n', valueEntry('n', 42));
        await store.set('b', valueEntry('b', false));
        await store.set('z', valueEntry('z', null));
        expect((await store.get('s'))?.value).toBe('text');
        expect((await store.get('n'))?.value).toBe(42);
        expect((await store.get('b'))?.value).toBe(false);
        expect((await store.get('z'))?.value).toBeNull();
      });

      it('overwrites an entry, tags included', async () => {
        await store.set('k', valueEntry('k', 'first', ['old']));
        await store.set('k', valueEntry('k', 'second', ['new']));
        expect((await store.get('k'))?.value).toBe('second');
        // The old tag no longer reaches the key; the new one does.
        expect(await store.invalidateTags(['old'], 'delete', now())).toBe(0);
        expect((await store.get('k'))?.value).toBe('second');
        expect(await store.invalidateTags(['new'], 'delete', now())).toBe(1);
        expect(await store.get('k')).toBeUndefined();
      });

      it('serves an entry stored under a store key other than its canonical key (hashed long keys)', async () => {
        const canonical = `v1|GET|example.com|/${'long/'.repeat(60)}|?q=1|,accept=x|-`;
        const entry = responseEntry(canonical, { body: new TextEncoder().encode('long'), tags: ['t'] });
        await store.set('v1:h:hashed-store-key', entry);
        const found = await store.get('v1:h:hashed-store-key');
        expect(found?.key).toBe(canonical);
        expect(new TextDecoder().decode(found?.response?.body)).toBe('long');
        expect(await store.invalidateTags(['t'], 'delete', now())).toBe(1);
        expect(await store.get('v1:h:hashed-store-key')).toBeUndefined();
      });

      it('keeps keys with unicode, long and special characters apart', async () => {
        const keys = [
          'ключ:ü/😀',
          `long:${'x'.repeat(1500)}`,
          'spaces and\ttabs\nnewline',
          'glob*?[a-z]{x}\\',
          'colon:{hash}:slot',
          '',
          'quote"\'`',
        ];
        for (const [i, key] of keys.entries()) await store.set(key, valueEntry(key, i));
        for (const [i, key] of keys.entries()) {
          const read = await store.get(key);
          expect(read?.value).toBe(i);
          expect(read?.key).toBe(key);
        }
      });
    });

    describe('delete', () => {
      it('removes keys and resolves how many existed', async () => {
        await store.set('a', valueEntry('a', 1));
        await store.set('b', valueEntry('b', 2));
        await store.set('c', valueEntry('c', 3));
        expect(await store.delete(['a', 'b', 'missing'])).toBe(2);
        expect(await store.get('a')).toBeUndefined();
        expect(await store.get('b')).toBeUndefined();
        expect((await store.get('c'))?.value).toBe(3);
      });

      it('resolves 0 for no keys', async () => {
        expect(await store.delete([])).toBe(0);
      });

      it('removes a deleted key from its tags', async () => {
        await store.set('a', valueEntry('a', 1, ['t']));
        await store.delete(['a']);
        expect(await store.invalidateTags(['t'], 'delete', now())).toBe(0);
      });
    });

    describe('expiry', () => {
      it('drops an entry once expiresAt has passed', async () => {
        const ms = clock ? 60_000 : REAL_EXPIRY_MS;
        const t = now();
        const short = valueEntry('short', 'v', ['exp'], { freshUntil: t + ms, expiresAt: t + ms });
        await store.set('short', short);
        await store.set('long', valueEntry('long', 'v', ['exp']));
        expect((await store.get('short'))?.value).toBe('v');
        await passTime(ms);
        expect(await store.get('short')).toBeUndefined();
        expect((await store.get('long'))?.value).toBe('v');
      });

      it('keeps a stale entry readable until expiresAt (grace windows)', async () => {
        const ms = clock ? 60_000 : REAL_EXPIRY_MS;
        const t = now();
        const entry = valueEntry('graced', 'v', [], {
          freshUntil: t + ms,
          staleWhileRevalidate: 3600,
          expiresAt: t + ms + HOUR,
        });
        await store.set('graced', entry);
        await passTime(ms);
        const read = await store.get('graced');
        expect(read?.value).toBe('v');
        expect(read?.freshUntil).toBeLessThanOrEqual(now());
      });

      it('does not store an entry that has already expired', async () => {
        const t = now();
        const stale = valueEntry('gone', 'v', [], { freshUntil: t - 2000, expiresAt: t - 1000 });
        await store.set('gone', stale);
        expect(await store.get('gone')).toBeUndefined();
      });
    });

    describe('invalidateTags', () => {
      it('deletes every entry carrying one of the tags and resolves the count', async () => {
        await store.set('a', valueEntry('a', 1, ['t1']));
        await store.set('b', valueEntry('b', 2, ['t1', 't2']));
        await store.set('c', valueEntry('c', 3, ['t2']));
        await store.set('d', valueEntry('d', 4, ['t3']));
        await store.set('e', valueEntry('e', 5));
        expect(await store.invalidateTags(['t1', 't2'], 'delete', now())).toBe(3);
        for (const key of ['a', 'b', 'c']) expect(await store.get(key)).toBeUndefined();
        expect((await store.get('d'))?.value).toBe(4);
        expect((await store.get('e'))?.value).toBe(5);
      });

      it('resolves 0 for unknown tags and for no tags', async () => {
        await store.set('a', valueEntry('a', 1, ['t1']));
        expect(await store.invalidateTags(['nope'], 'delete', now())).toBe(0);
        expect(await store.invalidateTags([], 'delete', now())).toBe(0);
        expect((await store.get('a'))?.value).toBe(1);
      });

      it('expire mode keeps the entry readable but stale, with its grace windows', async () => {
        const t = now();
        const entry = valueEntry('soft', 'v', ['soft'], {
          freshUntil: t + HOUR,
          staleWhileRevalidate: 600,
          staleIfError: 1200,
          expiresAt: t + HOUR + 1_200_000,
        });
        await store.set('soft', entry);
        await store.set('other', valueEntry('other', 'w', ['keep']));
        const at = now();
        expect(await store.invalidateTags(['soft'], 'expire', at)).toBe(1);
        const read = await store.get('soft');
        expect(read?.value).toBe('v');
        expect(read?.freshUntil).toBeLessThanOrEqual(at);
        expect(read?.staleWhileRevalidate).toBe(600);
        expect(read?.staleIfError).toBe(1200);
        expect(read?.expiresAt).toBeGreaterThan(now());
        expect([...(read?.tags ?? [])]).toEqual(['soft']);
        const other = await store.get('other');
        expect(other?.freshUntil).toBeGreaterThan(now());
      });

      it('expire mode keeps the grace windows and no more: an entry kept longer is dropped once they pass', async () => {
        const t = now();
        // Kept a day past its 1 s grace (as a response retained for revalidation is).
        const entry = valueEntry('retained', 'v', ['retained'], {
          freshUntil: t + HOUR,
          staleWhileRevalidate: 0,
          staleIfError: 1,
          expiresAt: t + HOUR + 24 * HOUR,
        });
        await store.set('retained', entry);
        await store.invalidateTags(['retained'], 'expire', now());
        expect((await store.get('retained'))?.value).toBe('v');
        await passTime(1000);
        expect(await store.get('retained')).toBeUndefined();
      });

      it('expire mode keeps the tag index: a later delete still reaches the entry', async () => {
        await store.set('soft', valueEntry('soft', 'v', ['t'], { staleWhileRevalidate: 600 }));
        await store.invalidateTags(['t'], 'expire', now());
        expect(await store.invalidateTags(['t'], 'delete', now())).toBe(1);
        expect(await store.get('soft')).toBeUndefined();
      });

      it('reaches a tag carried by many entries', async () => {
        const count = 500;
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            store.set(`many:${i}`, valueEntry(`many:${i}`, i, ['big'])),
          ),
        );
        await store.set('untagged', valueEntry('untagged', 'u'));
        expect(await store.invalidateTags(['big'], 'delete', now())).toBe(count);
        for (const i of [0, 1, 250, count - 1]) expect(await store.get(`many:${i}`)).toBeUndefined();
        expect((await store.get('untagged'))?.value).toBe('u');
      });

      it('reaches an entry carrying many tags through any one of them', async () => {
        const tags = Array.from({ length: 100 }, (_, i) => `tag-${i}`);
        await store.set('multi', valueEntry('multi', 'm', tags));
        await store.set('multi2', valueEntry('multi2', 'm', tags));
        expect(await store.invalidateTags(['tag-57'], 'delete', now())).toBe(2);
        expect(await store.get('multi')).toBeUndefined();
        // The entries are gone from every tag, not only the one used.
        expect(await store.invalidateTags(['tag-3'], 'delete', now())).toBe(0);
      });
    });

    describe('race guard (notBefore)', () => {
      it('drops a write that started before its tag was invalidated, resolving false', async () => {
        const started = now() - 10;
        await store.invalidateTags(['race'], 'delete', now());
        expect(await store.set('r', valueEntry('r', 'stale', ['race']), { notBefore: started })).toBe(false);
        expect(await store.get('r')).toBeUndefined();
      });

      it('keeps a write that started after the invalidation', async () => {
        const at = now() - 10;
        await store.invalidateTags(['race'], 'delete', at);
        expect(await store.set('r', valueEntry('r', 'fresh', ['race']), { notBefore: at + 5 })).toBe(true);
        expect((await store.get('r'))?.value).toBe('fresh');
      });

      it('ignores invalidations of tags the entry does not carry', async () => {
        const started = now() - 10;
        await store.invalidateTags(['unrelated'], 'delete', now());
        expect(await store.set('r', valueEntry('r', 'v', ['race']), { notBefore: started })).toBe(true);
        expect((await store.get('r'))?.value).toBe('v');
      });

      it('also guards expire-mode tag invalidations', async () => {
        const started = now() - 10;
        await store.invalidateTags(['race'], 'expire', now());
        expect(await store.set('r', valueEntry('r', 'v', ['race']), { notBefore: started })).toBe(false);
      });

      it('drops a write that started before its key was expired', async () => {
        const started = now() - 10;
        await store.expireKeys?.(['rk'], now());
        expect(await store.set('rk', valueEntry('rk', 'v'), { notBefore: started })).toBe(false);
        expect(await store.get('rk')).toBeUndefined();
        expect(await store.set('rk', valueEntry('rk', 'v'), { notBefore: now() + 1 })).toBe(true);
      });

      it('writes without notBefore regardless of invalidations', async () => {
        await store.invalidateTags(['race'], 'delete', now());
        expect(await store.set('r', valueEntry('r', 'v', ['race']))).toBe(true);
      });
    });

    describe('expireKeys', () => {
      it('makes entries stale, keeps them readable and resolves how many existed', async () => {
        expect(typeof store.expireKeys).toBe('function');
        await store.set(
          'x',
          valueEntry('x', 1, [], { staleWhileRevalidate: 600, expiresAt: now() + HOUR + 600_000 }),
        );
        await store.set('y', valueEntry('y', 2));
        const at = now();
        expect(await store.expireKeys?.(['x', 'missing'], at)).toBe(1);
        const read = await store.get('x');
        expect(read?.value).toBe(1);
        expect(read?.freshUntil).toBeLessThanOrEqual(at);
        expect(read?.staleWhileRevalidate).toBe(600);
        expect((await store.get('y'))?.freshUntil).toBeGreaterThan(now());
      });
    });

    describe('clear', () => {
      it('drops every entry and tag', async () => {
        expect(typeof store.clear).toBe('function');
        await store.set('a', valueEntry('a', 1, ['t']));
        await store.set('b', valueEntry('b', 2));
        await store.clear?.();
        expect(await store.get('a')).toBeUndefined();
        expect(await store.get('b')).toBeUndefined();
        expect(await store.invalidateTags(['t'], 'delete', now())).toBe(0);
        expect(await store.set('a', valueEntry('a', 3))).toBe(true);
        expect((await store.get('a'))?.value).toBe(3);
      });
    });
  });

  function times(overrides: Partial<CacheEntry>): Omit<CacheEntry, 'key' | 'tags'> {
    const t = now();
    const freshUntil = overrides.freshUntil ?? t + HOUR;
    return {
      storedAt: overrides.storedAt ?? t,
      freshUntil,
      staleWhileRevalidate: overrides.staleWhileRevalidate ?? 0,
      staleIfError: overrides.staleIfError ?? 0,
      expiresAt: overrides.expiresAt ?? freshUntil + HOUR,
    };
  }

  function valueEntry(
    key: string,
    value: unknown,
    tags: string[] = [],
    overrides: Partial<CacheEntry> = {},
  ): CacheEntry {
    return { key, tags, value, ...times(overrides) };
  }

  function responseEntry(
    key: string,
    init: { body: Uint8Array; headers?: Record<string, string | string[]>; status?: number; tags?: string[] },
  ): CacheEntry {
    return {
      key,
      tags: init.tags ?? [],
      response: { status: init.status ?? 200, headers: init.headers ?? {}, body: init.body },
      ...times({}),
    };
  }
}
