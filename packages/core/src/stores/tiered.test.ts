import { describe, expect, it, vi } from 'vitest';
import { createFakeClock, storeConformanceSuite } from '../testing';
import type { Bus, BusMessage, CacheEntry, Store } from '../types';
import { memoryStore } from './memory';
import { tieredStore } from './tiered';

/** An in-process bus network: every bus delivers to the others, like Redis pub/sub. */
function createNetwork() {
  const members = new Set<{ id: string; deliver: (m: BusMessage) => void; health?: (h: boolean) => void }>();
  let counter = 0;
  const published: BusMessage[] = [];
  return {
    published,
    bus(): Bus & { setHealth(h: boolean): void } {
      const id = `bus${counter++}`;
      const member: { id: string; deliver: (m: BusMessage) => void; health?: (h: boolean) => void } = {
        id,
        deliver: () => {},
      };
      return {
        id,
        async publish(message) {
          const stamped = { ...message, from: id };
          published.push(stamped);
          for (const other of members) if (other.id !== id) other.deliver(stamped);
        },
        async subscribe(onMessage, onHealth) {
          member.deliver = onMessage;
          if (onHealth) member.health = onHealth;
          members.add(member);
        },
        async close() {
          members.delete(member);
        },
        setHealth(h: boolean) {
          member.health?.(h);
        },
      };
    },
  };
}

const clock = createFakeClock();

function entry(key: string, overrides: Partial<CacheEntry> = {}): CacheEntry {
  const now = clock.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 3_600_000,
    staleWhileRevalidate: 0,
    staleIfError: 0,
    expiresAt: now + 3_600_000,
    tags: [],
    ...overrides,
  };
}

/** A store whose every call rejects, standing in for an L2 that is down. */
function failingStore(): Store {
  const fail = () => Promise.reject(new Error('down'));
  return {
    name: 'down',
    get: fail,
    set: fail,
    delete: fail,
    invalidateTags: fail,
    expireKeys: fail,
    clear: fail,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('tieredStore', () => {
  it('serves from L1 first, then L2, and writes an L2 hit back to L1', async () => {
    const l1 = memoryStore({ clock: clock.now });
    const l2 = memoryStore({ clock: clock.now });
    const store = tieredStore({ l1, l2, clock: clock.now });
    await l2.set('k', entry('k'));
    expect(await store.get('k')).toBeDefined();
    expect(store.stats()).toMatchObject({ l1: { hits: 0, misses: 1 }, l2: { hits: 1, misses: 0 } });
    expect(await l1.get('k')).toBeDefined();
    expect(await store.get('k')).toBeDefined();
    expect(store.stats()).toMatchObject({ l1: { hits: 1, misses: 1 }, l2: { hits: 1 } });
  });

  it('peeks L1 synchronously (real expiresAt restored) and leaves L2 and misses to get', async () => {
    const l1 = memoryStore({ clock: clock.now });
    const l2 = memoryStore({ clock: clock.now });
    const store = tieredStore({ l1, l2, l1Ttl: '10s', clock: clock.now });
    await l2.set('only-l2', entry('only-l2'));
    expect(store.peek?.('only-l2')).toBeUndefined();
    const stored = entry('k');
    await store.set('k', stored);
    expect(store.peek?.('k')).toEqual(stored); // L1 keeps it 10 s, the answer has the real expiresAt
    expect(store.stats()).toMatchObject({ l1: { hits: 1, misses: 0 }, l2: { hits: 0, misses: 0 } });
  });

  it('does not peek while the bus is unhealthy (L1 bypassed)', async () => {
    const network = createNetwork();
    const bus = network.bus();
    const l1 = memoryStore({ clock: clock.now });
    const store = tieredStore({ l1, l2: memoryStore({ clock: clock.now }), bus, clock: clock.now });
    await settle();
    await store.set('k', entry('k'));
    expect(store.peek?.('k')).toBeDefined();
    bus.setHealth(false);
    await l1.set('k', entry('k'));
    expect(store.peek?.('k')).toBeUndefined();
  });

  it('caps the life of an entry in L1 at l1Ttl', async () => {
    const l1 = memoryStore({ clock: clock.now });
    const l2 = memoryStore({ clock: clock.now });
    const store = tieredStore({ l1, l2, l1Ttl: '10s', clock: clock.now });
    await store.set('k', entry('k'));
    expect((await l1.get('k'))?.expiresAt).toBe(clock.now() + 10_000);
    clock.advance(10_001);
    expect(await l1.get('k')).toBeUndefined();
    expect(await store.get('k')).toBeDefined(); // from L2, written back
    expect(await l1.get('k')).toBeDefined();
  });

  it('does not write to L1 what L2 refused through the race guard', async () => {
    const l1 = memoryStore({ clock: clock.now });
    const l2 = memoryStore({ clock: clock.now });
    const store = tieredStore({ l1, l2, clock: clock.now });
    const started = clock.now();
    await l2.invalidateTags(['t'], 'delete', started + 1);
    expect(await store.set('k', entry('k', { tags: ['t'] }), { notBefore: started })).toBe(false);
    expect(await l1.get('k')).toBeUndefined();
  });

  it('turns L2 failures into misses, counted and logged, while L1 keeps serving', async () => {
    const l1 = memoryStore({ clock: clock.now });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const store = tieredStore({ l1, l2: failingStore(), clock: clock.now, logger });
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.set('k', entry('k'))).toBe(true); // kept in L1
    expect(await store.get('k')).toBeDefined();
    expect(store.stats().l2.errors).toBe(2);
    // An invalidation must not look done while L2 may still hold the entries: L1 is cleared,
    // and the call rejects so invalidate()'s caller learns it.
    await expect(store.delete(['k'])).rejects.toMatchObject({ code: 'E_STORE' });
    expect(await l1.get('k')).toBeUndefined();
    await expect(store.invalidateTags(['t'], 'delete', clock.now())).rejects.toMatchObject({
      code: 'E_STORE',
    });
    await expect(store.expireKeys?.(['k'], clock.now())).rejects.toMatchObject({ code: 'E_STORE' });
    expect(store.stats().l2.errors).toBe(5);
    expect(logger.warn).toHaveBeenCalledWith(
      'routecache: l2 get failed',
      expect.objectContaining({ layer: 'l2', key: 'missing' }),
    );
  });

  it('delegates the lock to L2', () => {
    const lock = { acquire: async () => undefined };
    const store = tieredStore({ l1: memoryStore(), l2: { ...memoryStore(), lock } });
    expect(store.lock).toBe(lock);
    expect(tieredStore({ l1: memoryStore(), l2: memoryStore() }).lock).toBeUndefined();
  });

  describe('with a bus', () => {
    async function twoInstances() {
      const network = createNetwork();
      const l2 = memoryStore({ clock: clock.now });
      const busA = network.bus();
      const busB = network.bus();
      const a = tieredStore({ l1: memoryStore({ clock: clock.now }), l2, bus: busA, clock: clock.now });
      const b = tieredStore({ l1: memoryStore({ clock: clock.now }), l2, bus: busB, clock: clock.now });
      await settle();
      return { network, l2, a, b, busA, busB };
    }

    it('a tag invalidation on one instance evicts the entry from the other L1', async () => {
      const { a, b } = await twoInstances();
      await a.set('k', entry('k', { tags: ['t'] }));
      expect(await b.get('k')).toBeDefined(); // now in b's L1
      await a.invalidateTags(['t'], 'delete', clock.now());
      expect(await b.get('k')).toBeUndefined();
    });

    it('an expire invalidation leaves the stale entry readable through L2 on the other instance', async () => {
      const { a, b } = await twoInstances();
      await a.set(
        'k',
        entry('k', { tags: ['t'], staleWhileRevalidate: 60, expiresAt: clock.now() + 3_660_000 }),
      );
      await b.get('k');
      const now = clock.now();
      await a.invalidateTags(['t'], 'expire', now);
      expect((await b.get('k'))?.freshUntil).toBe(now);
    });

    it('an overwrite on one instance evicts the key from the other L1', async () => {
      const { a, b } = await twoInstances();
      await a.set('k', entry('k', { value: 1 }));
      expect((await b.get('k'))?.value).toBe(1);
      await a.set('k', entry('k', { value: 2 }));
      expect((await b.get('k'))?.value).toBe(2);
    });

    it('publishes deletes, key expiries and tag invalidations with their time', async () => {
      const { a, network, busA } = await twoInstances();
      await a.delete(['x']);
      await a.expireKeys(['y'], 5);
      await a.invalidateTags(['t'], 'expire', 7);
      expect(network.published.filter((m) => m.from === busA.id)).toEqual([
        { type: 'delete', keys: ['x'], at: clock.now(), from: busA.id },
        { type: 'expire', keys: ['y'], at: 5, from: busA.id },
        { type: 'tags', tags: ['t'], mode: 'expire', at: 7, from: busA.id },
      ]);
    });

    it('drops and bypasses L1 while the bus is unhealthy, and uses it again once healthy', async () => {
      const { a, b, busB } = await twoInstances();
      await a.set('k', entry('k', { value: 1 }));
      await b.get('k');
      busB.setHealth(false);
      expect(b.busHealthy).toBe(false);
      // a message b would have missed: a changes the entry directly in L2 behind the bus
      await a.set('k', entry('k', { value: 2 }));
      expect((await b.get('k'))?.value).toBe(2);
      expect(b.stats().l1.hits).toBe(0);
      // nothing is written to L1 meanwhile
      busB.setHealth(true);
      await b.get('k');
      expect(b.stats().l1).toMatchObject({ hits: 0 });
      await b.get('k');
      expect(b.stats().l1.hits).toBe(1);
    });

    it('logs a bus loss once when it happens, and the recovery at debug level', async () => {
      const network = createNetwork();
      const bus = network.bus();
      const logs: string[] = [];
      const logger = {
        debug: (message: string) => logs.push(`debug ${message}`),
        warn: (message: string) => logs.push(`warn ${message}`),
        error: (message: string) => logs.push(`error ${message}`),
      };
      tieredStore({ l1: memoryStore(), l2: memoryStore(), bus, clock: clock.now, logger });
      await settle();
      bus.setHealth(false);
      bus.setHealth(false);
      bus.setHealth(true);
      expect(logs).toEqual([
        'warn routecache: bus lost; L1 bypassed until it recovers',
        'debug routecache: bus healthy; L1 in use',
      ]);
    });

    it('keeps L1 bypassed until the subscription is established', async () => {
      const l1 = memoryStore({ clock: clock.now });
      const l2 = memoryStore({ clock: clock.now });
      let resolveSubscribe: () => void = () => {};
      const bus: Bus = {
        publish: async () => {},
        subscribe: () => new Promise<void>((r) => (resolveSubscribe = r)),
        close: async () => {},
      };
      const store = tieredStore({ l1, l2, bus, clock: clock.now });
      await store.set('k', entry('k'));
      expect(await l1.get('k')).toBeUndefined();
      resolveSubscribe();
      await settle();
      await store.set('k', entry('k'));
      expect(await l1.get('k')).toBeDefined();
    });

    it('stays unhealthy when the bus reported a loss before its subscribe() resolved', async () => {
      const bus: Bus = {
        publish: async () => {},
        subscribe: async (_onMessage, onHealth) => {
          onHealth?.(true);
          onHealth?.(false);
        },
        close: async () => {},
      };
      const store = tieredStore({ l1: memoryStore(), l2: memoryStore(), bus });
      await settle();
      expect(store.busHealthy).toBe(false);
    });

    describe('when an L2 read is overtaken by an invalidation', () => {
      /**
       * An L2 whose reads, while `holding`, return what the store held when they were issued but
       * only on `release()`: a Redis GET answered before an invalidation ran, whose reply is still
       * on its way when the invalidation (or its bus message) is handled.
       */
      function slowReads(inner: Store) {
        const gates: (() => void)[] = [];
        let holding = true;
        const store: Store = {
          ...inner,
          name: 'slow-reads',
          async get(key) {
            const value = await inner.get(key);
            if (holding) await new Promise<void>((r) => gates.push(r));
            return value;
          },
        };
        return {
          store,
          held: () => gates.length,
          release() {
            holding = false;
            for (const gate of gates.splice(0)) gate();
          },
        };
      }

      async function racing() {
        const network = createNetwork();
        const shared = memoryStore({ clock: clock.now });
        const slow = slowReads(shared);
        const a = tieredStore({
          l1: memoryStore({ clock: clock.now }),
          l2: shared,
          bus: network.bus(),
          clock: clock.now,
        });
        const busB = network.bus();
        const b = tieredStore({
          l1: memoryStore({ clock: clock.now }),
          l2: slow.store,
          bus: busB,
          clock: clock.now,
        });
        await settle();
        await a.set('k', entry('k', { tags: ['t'], value: 1 }));
        const reading = b.get('k');
        await settle();
        expect(slow.held()).toBe(1);
        clock.advance(1);
        return { a, b, busB, slow, reading };
      }

      it('does not keep in L1 what a tag invalidation from another instance removed meanwhile', async () => {
        const { a, b, slow, reading } = await racing();
        await a.invalidateTags(['t'], 'delete', clock.now());
        slow.release();
        expect((await reading)?.value).toBe(1); // that read raced the invalidation
        expect(await b.get('k')).toBeUndefined(); // but its answer did not stay in L1
      });

      it('does not keep in L1 what a key invalidation on another instance expired meanwhile', async () => {
        const { a, b, slow, reading } = await racing();
        await a.expireKeys(['k'], clock.now());
        slow.release();
        await reading;
        expect((await b.get('k'))?.freshUntil ?? 0).toBeLessThanOrEqual(clock.now());
      });

      it('does not keep in L1 what its own invalidation removed meanwhile', async () => {
        const { b, slow, reading } = await racing();
        // The engine's time, taken before the read started; L2 ran the invalidation after the read.
        await b.invalidateTags(['t'], 'delete', clock.now() - 2);
        slow.release();
        await reading;
        expect(await b.get('k')).toBeUndefined();
      });

      it('does not keep in L1 what it read before the bus lost messages and recovered', async () => {
        const { b, busB, slow, reading } = await racing();
        busB.setHealth(false);
        busB.setHealth(true);
        slow.release();
        await reading;
        await b.get('k');
        expect(b.stats().l1.hits).toBe(0);
      });
    });

    it('close() closes the bus and both layers', async () => {
      const l1 = memoryStore();
      const l2 = memoryStore();
      const bus: Bus = { publish: async () => {}, subscribe: async () => {}, close: vi.fn(async () => {}) };
      const closeL1 = vi.spyOn(l1, 'close');
      const closeL2 = vi.spyOn(l2, 'close');
      await tieredStore({ l1, l2, bus }).close();
      expect(bus.close).toHaveBeenCalledOnce();
      expect(closeL1).toHaveBeenCalledOnce();
      expect(closeL2).toHaveBeenCalledOnce();
    });
  });

  it('rejects missing layers', () => {
    expect(() => tieredStore({ l1: memoryStore() } as never)).toThrow(/"tieredStore.l2": must be a store/);
  });
});

storeConformanceSuite({
  name: 'tieredStore (memory + memory)',
  clock,
  createStore: () =>
    tieredStore({
      l1: memoryStore({ clock: clock.now }),
      l2: memoryStore({ clock: clock.now }),
      clock: clock.now,
    }),
});

storeConformanceSuite({
  name: 'tieredStore (memory + memory, with a bus)',
  clock,
  createStore: async () => {
    const network = createNetwork();
    const store = tieredStore({
      l1: memoryStore({ clock: clock.now }),
      l2: memoryStore({ clock: clock.now }),
      bus: network.bus(),
      clock: clock.now,
    });
    await settle();
    return store;
  },
});
