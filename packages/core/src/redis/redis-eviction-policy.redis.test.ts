/**
 * `redisStore` learns Redis's `maxmemory-policy` (what an evicting or a full Redis means for the
 * cache: README "Multiple instances") and `health()` reports it, on real servers: one with an
 * evicting policy that is then changed, and one whose `CONFIG` command is renamed away.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect,
  type RedisServer,
  rawCommand,
  startRedis,
  waitUntil,
} from '../../../../test-support/redis-harness';
import { createCache } from '../engine/create-cache';
import { redisStore } from './redis-store';

describe('redisStore eviction policy', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('is read at connect and health() reports it, as Redis has it now', async () => {
    server = await startRedis({ maxmemoryPolicy: 'allkeys-lru' });
    const client = await connect(server.url);
    const store = redisStore({ client, prefix: 'evp:' });
    // Learned without any health() call.
    await waitUntil(async () => store.evictionPolicy === 'allkeys-lru', 5000, 'the policy read at connect');
    const cache = createCache({ store });
    expect((await cache.health()).l2?.evictionPolicy).toBe('allkeys-lru');

    await rawCommand(server.port, ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
    const report = await cache.health();
    expect(report.l2?.evictionPolicy).toBe('noeviction');
    expect(store.evictionPolicy).toBe('noeviction');
    client.disconnect();
  });

  it("reports 'unknown' when CONFIG is renamed or disabled, and stays healthy", async () => {
    server = await startRedis({ args: ['--rename-command', 'CONFIG', 'rc-test-hidden-config'] });
    const client = await connect(server.url);
    await expect(client.config('GET', 'maxmemory-policy')).rejects.toThrow(/unknown command/i);
    const store = redisStore({ client, prefix: 'evp:' });
    const report = await createCache({ store }).health();
    expect(report.l2).toMatchObject({ reachable: true, evictionPolicy: 'unknown' });
    expect(report.status).toBe('ok');
    // The store itself still works.
    const now = Date.now();
    const entry = {
      key: 'k',
      storedAt: now,
      freshUntil: now + 60_000,
      staleWhileRevalidate: 0,
      staleIfError: 0,
      expiresAt: now + 60_000,
      tags: ['t'],
    };
    expect(await store.set('k', entry)).toBe(true);
    expect((await store.get('k'))?.key).toBe('k');
    client.disconnect();
  });
});
