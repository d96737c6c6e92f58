import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, closeClients, connect, uniquePrefix } from '../../../../test-support/redis-harness';
import { StoreError } from '../errors';
import { storeConformanceSuite } from '../testing';
import type { CacheEntry } from '../types';
import { redisStore } from './redis-store';

function entry(key: string, overrides: Partial<CacheEntry> = {}): CacheEntry {
  const now = Date.now();
  return {
    key,
    storedAt: now,
    freshUntil: now + 60_000,
    staleWhileRevalidate: 30,
    staleIfError: 0,
    expiresAt: now + 90_000,
    tags: [],
    ...overrides,
  };
}

let client: Redis;
const prefixes: string[] = [];
function newPrefix(): string {
  const prefix = uniquePrefix('rs');
  prefixes.push(prefix);
  return prefix;
}

beforeAll(async () => {
  client = await connect();
});
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await cleanupPrefix(client, prefix);
});
afterAll(closeClients);

describe('redisStore (standalone)', () => {
  it('round-trips a response with a binary body byte for byte', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    const body = new Uint8Array(256 * 3);
    for (let i = 0; i < body.length; i++) body[i] = i % 256; // every byte value, NULs and invalid UTF-8 included
    const stored = entry('GET example.com/bin', {
      tags: ['bin'],
      response: {
        status: 200,
        headers: { 'content-type': 'application/octet-stream', vary: ['a', 'b'] },
        body,
      },
    });
    expect(await store.set('k', stored)).toBe(true);
    const read = await store.get('k');
    expect(read).toEqual(stored);
    expect(Buffer.from(read!.response!.body).equals(Buffer.from(body))).toBe(true);
  });

  it('round-trips a data value, and an entry whose value is undefined keeps the value field', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    const data = entry('data', { value: { n: 1.5, list: [], nested: { s: 'é✓' }, big: 12345678901234 } });
    await store.set('data', data);
    expect(await store.get('data')).toEqual(data);
    await store.set('u', entry('u', { value: undefined }));
    const read = await store.get('u');
    expect(read && 'value' in read).toBe(true);
  });

  it('reads with exactly one Redis command: a script that GETs the entry and checks its tag sets', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    await store.set('one', entry('one', { tags: ['a', 'b'] }));
    const monitor = await client.duplicate().monitor();
    const sent: string[] = [];
    const inScript: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) =>
      (source === 'lua' ? inScript : sent).push(args[0]!.toLowerCase()),
    );
    await new Promise((r) => setTimeout(r, 50));
    await store.get('one');
    await new Promise((r) => setTimeout(r, 50));
    monitor.disconnect();
    expect(sent).toEqual(['evalsha']);
    expect(inScript).toEqual(['get', 'sismember', 'sismember']);
  });

  it('leaves the TTL to Redis (PX from expiresAt)', async () => {
    const prefix = newPrefix();
    const store = redisStore({ client, prefix });
    await store.set('ttl', entry('ttl', { expiresAt: Date.now() + 30_000 }));
    const [key] = await client.keys(`${prefix}*e:ttl`);
    const pttl = await client.pttl(key!);
    expect(pttl).toBeGreaterThan(25_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
  });

  it('expires entries through Redis (real expiry)', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    await store.set('short', entry('short', { freshUntil: Date.now() + 50, expiresAt: Date.now() + 80 }));
    expect(await store.get('short')).toBeDefined();
    await new Promise((r) => setTimeout(r, 150));
    expect(await store.get('short')).toBeUndefined();
  });

  it('does not store an already expired entry', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    expect(await store.set('old', entry('old', { expiresAt: Date.now() - 1 }))).toBe(false);
    expect(await store.get('old')).toBeUndefined();
  });

  it('treats corrupt, truncated and foreign values under the prefix as misses', async () => {
    const prefix = newPrefix();
    const store = redisStore({ client, prefix });
    await store.set(
      'x',
      entry('x', { response: { status: 200, headers: {}, body: new Uint8Array([1, 2, 3]) } }),
    );
    const [entryKey] = await client.keys(`${prefix}*e:x`);
    const good = await client.getBuffer(entryKey!);
    const cases: [string, () => Promise<unknown>][] = [
      ['plain text', () => client.set(entryKey!, 'hello world')],
      ['truncated', () => client.set(entryKey!, good!.subarray(0, 60))],
      [
        'bad header JSON',
        () => client.set(entryKey!, Buffer.concat([good!.subarray(0, 52), Buffer.from('{{{{{{{{')])),
      ],
      ['empty', () => client.set(entryKey!, '')],
      ['a hash', () => client.del(entryKey!).then(() => client.hset(entryKey!, 'a', 'b'))],
      ['a list', () => client.del(entryKey!).then(() => client.rpush(entryKey!, 'a'))],
    ];
    for (const [name, write] of cases) {
      await write();
      await expect(store.get('x'), name).resolves.toBeUndefined();
    }
    // ...and a foreign value can be overwritten by a regular write
    expect(await store.set('x', entry('x'))).toBe(true);
    expect(await store.get('x')).toBeDefined();
    expect(store.stats().l2.errors).toBe(0);
  });

  it('rejects with StoreError an entry whose value cannot be encoded', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    await expect(store.set('big', entry('big', { value: 10n }))).rejects.toBeInstanceOf(StoreError);
    expect(store.stats().l2.errors).toBe(1);
  });

  it('counts hits and misses', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    await store.set('a', entry('a'));
    await store.get('a');
    await store.get('nope');
    expect(store.stats().l2).toMatchObject({ hits: 1, misses: 1, errors: 0, skipped: 0 });
  });

  it('deletes keys and reports how many existed', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    await store.set('a', entry('a', { tags: ['t'] }));
    await store.set('b', entry('b', { tags: ['t'] }));
    expect(await store.delete(['a', 'b', 'c'])).toBe(2);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.invalidateTags(['t'], 'delete', Date.now())).toBe(0);
  });

  describe('invalidateTags', () => {
    it('deletes every entry carrying any of the tags, and only those', async () => {
      const store = redisStore({ client, prefix: newPrefix() });
      await store.set('a', entry('a', { tags: ['red'] }));
      await store.set('b', entry('b', { tags: ['red', 'blue'] }));
      await store.set('c', entry('c', { tags: ['blue'] }));
      await store.set('d', entry('d', { tags: ['green'] }));
      expect(await store.invalidateTags(['red', 'blue'], 'delete', Date.now())).toBe(3);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.get('b')).toBeUndefined();
      expect(await store.get('c')).toBeUndefined();
      expect(await store.get('d')).toBeDefined();
    });

    it('in expire mode makes entries stale now, keeps them and their grace', async () => {
      const prefix = newPrefix();
      const store = redisStore({ client, prefix });
      const now = Date.now();
      await store.set(
        'a',
        entry('a', {
          tags: ['t'],
          freshUntil: now + 60_000,
          staleWhileRevalidate: 30,
          expiresAt: now + 90_000,
        }),
      );
      expect(await store.invalidateTags(['t'], 'expire', now)).toBe(1);
      const read = await store.get('a');
      expect(read?.freshUntil).toBe(now);
      expect(read?.staleWhileRevalidate).toBe(30);
      expect(read?.expiresAt).toBe(now + 30_000);
      const [key] = await client.keys(`${prefix}*e:a`);
      expect(await client.pttl(key!)).toBeLessThanOrEqual(30_000);
      // the tag index still knows the entry: a later delete-mode invalidation removes it
      expect(await store.invalidateTags(['t'], 'delete', now + 1)).toBe(1);
      expect(await store.get('a')).toBeUndefined();
    });

    it('does not touch an entry that no longer carries the tag after being overwritten', async () => {
      const store = redisStore({ client, prefix: newPrefix() });
      await store.set('a', entry('a', { tags: ['old'] }));
      await store.set('a', entry('a', { tags: ['new'] }));
      expect(await store.invalidateTags(['old'], 'delete', Date.now())).toBe(0);
      expect(await store.get('a')).toBeDefined();
    });

    it('leaves only keys with a TTL behind after a delete-mode invalidation', async () => {
      const prefix = newPrefix();
      const store = redisStore({ client, prefix });
      for (let i = 0; i < 20; i++) await store.set(`k${i}`, entry(`k${i}`, { tags: ['t', `own${i}`] }));
      await store.invalidateTags(['t'], 'delete', Date.now());
      const keys = await client.keys(`${prefix}*`);
      expect(keys.filter((k) => k.includes('}e:') || k.endsWith('}t:t'))).toEqual([]);
      for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
    });

    it('does not touch a key re-written with other tags after an invalidation (stale members never match)', async () => {
      const store = redisStore({ client, prefix: newPrefix() });
      await store.set('a', entry('a', { tags: ['x', 'y'] }));
      await store.invalidateTags(['x'], 'delete', Date.now()); // 'a' stays a member of y's set
      await store.set('a', entry('a', { tags: ['z'] }));
      expect(await store.invalidateTags(['y'], 'delete', Date.now())).toBe(0);
      expect(await store.invalidateTags(['y'], 'expire', Date.now())).toBe(0);
      expect((await store.get('a'))?.tags).toEqual(['z']);
      // the same key re-written with the same tag is found again through it
      await store.set('a', entry('a', { tags: ['y'] }));
      expect(await store.invalidateTags(['y'], 'delete', Date.now())).toBe(1);
    });
  });

  describe('race guard (notBefore)', () => {
    it('drops a write that started before an invalidation of one of its tags', async () => {
      const store = redisStore({ client, prefix: newPrefix() });
      const started = Date.now();
      await store.invalidateTags(['t'], 'delete', started + 5);
      expect(await store.set('a', entry('a', { tags: ['t'] }), { notBefore: started })).toBe(false);
      expect(await store.get('a')).toBeUndefined();
    });

    it('keeps a write that started after the invalidation', async () => {
      const store = redisStore({ client, prefix: newPrefix() });
      const at = Date.now();
      await store.invalidateTags(['t'], 'delete', at);
      expect(await store.set('a', entry('a', { tags: ['t'] }), { notBefore: at + 1 })).toBe(true);
    });

    it('drops a write whose key was expired after it started', async () => {
      const store = redisStore({ client, prefix: newPrefix() });
      const started = Date.now();
      await store.expireKeys(['a'], started);
      expect(await store.set('a', entry('a'), { notBefore: started })).toBe(false);
      expect(await store.set('b', entry('b'), { notBefore: started })).toBe(true);
    });
  });

  it('expireKeys makes keys stale and counts the ones that existed', async () => {
    const store = redisStore({ client, prefix: newPrefix() });
    const now = Date.now();
    await store.set('a', entry('a', { staleIfError: 60 }));
    expect(await store.expireKeys(['a', 'missing'], now)).toBe(1);
    const read = await store.get('a');
    expect(read?.freshUntil).toBe(now);
    expect(read?.staleIfError).toBe(60);
  });

  it('clear removes every key under its prefix and nothing else', async () => {
    const mine = newPrefix();
    const other = newPrefix();
    const store = redisStore({ client, prefix: mine });
    const neighbour = redisStore({ client, prefix: other });
    for (let i = 0; i < 50; i++) await store.set(`k${i}`, entry(`k${i}`, { tags: ['t'] }));
    await neighbour.set('n', entry('n'));
    await store.clear();
    expect(await client.keys(`${mine}*`)).toEqual([]);
    expect(await neighbour.get('n')).toBeDefined();
  });

  describe('lock', () => {
    it('has one holder at a time and is released only by its own token', async () => {
      const prefix = newPrefix();
      const a = redisStore({ client, prefix });
      const b = redisStore({ client, prefix });
      const release = await a.lock.acquire('k', 5_000);
      expect(release).toBeTypeOf('function');
      expect(await b.lock.acquire('k', 5_000)).toBeUndefined();
      // b cannot free a's lock even by writing its own release path: the key still holds a's token
      const [lockKey] = await client.keys(`${prefix}*l:k`);
      const token = await client.get(lockKey!);
      await release!();
      expect(await client.get(lockKey!)).toBeNull();
      const releaseB = await b.lock.acquire('k', 5_000);
      expect(releaseB).toBeTypeOf('function');
      // a's stale release (called twice, or late) does not remove b's lock
      await release!();
      expect(await client.get(lockKey!)).not.toBe(token);
      expect(await a.lock.acquire('k', 5_000)).toBeUndefined();
      await releaseB!();
    });

    it('does not release a lock that expired and was taken by someone else', async () => {
      const prefix = newPrefix();
      const a = redisStore({ client, prefix });
      const b = redisStore({ client, prefix });
      const releaseA = await a.lock.acquire('k', 50);
      await new Promise((r) => setTimeout(r, 100)); // the holder "died": its lease ran out
      const releaseB = await b.lock.acquire('k', 5_000);
      expect(releaseB).toBeTypeOf('function');
      await releaseA!();
      expect(await a.lock.acquire('k', 5_000)).toBeUndefined();
      await releaseB!();
      expect(await a.lock.acquire('k', 5_000)).toBeTypeOf('function');
    });
  });

  describe('options', () => {
    it('rejects a prefix with hash-tag braces and a non-client', () => {
      expect(() => redisStore({ client, prefix: 'a{b}' })).toThrow(/prefix/);
      expect(() => redisStore({ client: {} as Redis })).toThrow(/client/);
      expect(() => redisStore({ client, timeoutMs: 0 })).toThrow(/timeoutMs/);
    });
  });

  it('rejects with StoreError when the client is disconnected (never hangs)', async () => {
    const dead = await connect();
    dead.disconnect();
    const store = redisStore({ client: dead, prefix: newPrefix() });
    const started = Date.now();
    await expect(store.get('a')).rejects.toBeInstanceOf(StoreError);
    await expect(store.set('a', entry('a'))).rejects.toBeInstanceOf(StoreError);
    expect(Date.now() - started).toBeLessThan(600);
    expect(store.stats().l2.errors).toBe(2);
  });
});

storeConformanceSuite({
  name: 'redisStore (standalone)',
  createStore: () => redisStore({ client, prefix: newPrefix() }),
});
