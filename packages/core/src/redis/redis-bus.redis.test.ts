import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeClients,
  connect,
  type RedisServer,
  startRedis,
  uniquePrefix,
  waitUntil,
} from '../../../../test-support/redis-harness';
import type { BusMessage } from '../types';
import { type RedisBus, redisBus } from './redis-bus';

let client: Redis;
const buses: RedisBus[] = [];
function bus(options: Partial<Parameters<typeof redisBus>[0]> = {}): RedisBus {
  const created = redisBus({ client, channel: uniquePrefix('bus'), ...options });
  buses.push(created);
  return created;
}

/** Subscribes and records messages and health changes. */
async function listen(target: RedisBus) {
  const messages: BusMessage[] = [];
  const health: boolean[] = [];
  await target.subscribe(
    (m) => messages.push(m),
    (h) => health.push(h),
  );
  return { messages, health };
}

beforeAll(async () => {
  client = await connect();
});
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});
afterAll(closeClients);

describe('redisBus', () => {
  it('delivers a message to another instance and not back to its sender', async () => {
    const channel = uniquePrefix('bus');
    const a = bus({ channel });
    const b = bus({ channel });
    const fromA = await listen(a);
    const fromB = await listen(b);
    await a.publish({ type: 'tags', tags: ['x', 'y'], mode: 'expire', from: 'ignored', at: 42 });
    await waitUntil(async () => fromB.messages.length === 1, 2000, 'delivery');
    expect(fromB.messages[0]).toEqual({ type: 'tags', tags: ['x', 'y'], mode: 'expire', from: a.id, at: 42 });
    await b.publish({ type: 'delete', keys: ['k'], from: '' });
    await waitUntil(async () => fromA.messages.length === 1, 2000, 'delivery back');
    await new Promise((r) => setTimeout(r, 50));
    expect(fromA.messages).toEqual([{ type: 'delete', keys: ['k'], from: b.id }]);
    expect(fromB.messages).toHaveLength(1);
  });

  it('does not deliver between different channels', async () => {
    const channel = uniquePrefix('bus');
    const a = bus({ channel: `${channel}a` });
    const b = bus({ channel: `${channel}b` });
    const sameAsA = bus({ channel: `${channel}a` });
    const received = await listen(b);
    const control = await listen(sameAsA);
    await a.publish({ type: 'delete', keys: ['k'], from: '' });
    await waitUntil(async () => control.messages.length === 1, 2000, 'delivery on the same channel');
    expect(received.messages).toEqual([]);
  });

  it('ignores malformed messages on its channel', async () => {
    const channel = uniquePrefix('bus');
    const b = bus({ channel });
    const received = await listen(b);
    await client.publish(channel, 'not json');
    await client.publish(channel, JSON.stringify({ hello: 'world' }));
    await client.publish(channel, JSON.stringify({ v: 1, from: 'x', seq: 'nope' }));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.messages).toEqual([]);
    expect(b.healthy).toBe(true);
  });

  it('reports unhealthy when its subscriber connection is killed, then healthy once resubscribed', async () => {
    const channel = uniquePrefix('bus');
    const a = bus({ channel });
    const b = bus({ channel });
    await listen(a);
    const received = await listen(b);
    expect(received.health).toEqual([true]);
    await client.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitUntil(async () => received.health.length >= 3, 5000, 'health false then true');
    expect(received.health.slice(0, 3)).toEqual([true, false, true]);
    expect(b.healthy).toBe(true);
    // and it delivers again afterwards
    await a.publish({ type: 'delete', keys: ['after'], from: '' });
    await waitUntil(
      async () => received.messages.some((m) => m.type === 'delete' && m.keys[0] === 'after'),
      3000,
      'delivery',
    );
  });

  it('detects lost messages from a sequence gap and reports a blip', async () => {
    const channel = uniquePrefix('bus');
    const b = bus({ channel, heartbeatMs: 50 });
    const received = await listen(b);
    const envelope = (seq: number) =>
      JSON.stringify({ v: 1, from: 'other', seq, m: { type: 'delete', keys: [`k${seq}`], from: 'other' } });
    await client.publish(channel, envelope(0));
    await client.publish(channel, envelope(3)); // 1 and 2 never arrive
    await waitUntil(async () => received.health.length >= 3, 2000, 'blip');
    expect(received.health).toEqual([true, false, true]);
    expect(received.messages.map((m) => (m.type === 'delete' ? m.keys[0] : ''))).toEqual(['k0', 'k3']);
  });

  it('tolerates reordering within the loss window', async () => {
    const channel = uniquePrefix('bus');
    const b = bus({ channel, heartbeatMs: 100 });
    const received = await listen(b);
    const envelope = (seq: number) =>
      JSON.stringify({ v: 1, from: 'other', seq, m: { type: 'delete', keys: [`k${seq}`], from: 'other' } });
    await client.publish(channel, envelope(0));
    await client.publish(channel, envelope(2));
    await client.publish(channel, envelope(1));
    await new Promise((r) => setTimeout(r, 500));
    expect(received.health).toEqual([true]);
    expect(received.messages).toHaveLength(3);
  });

  describe('against a server that stops answering', () => {
    let server: RedisServer;
    afterEach(async () => {
      await server?.stop();
    });

    it('reports unhealthy when its own heartbeats stop coming back, healthy when they return', async () => {
      server = await startRedis();
      const own = await connect(server.url);
      const b = redisBus({ client: own, heartbeatMs: 50 });
      buses.push(b);
      const received = await listen(b);
      server.freeze(); // SIGSTOP: connections stay open, nothing answers
      await waitUntil(async () => received.health.includes(false), 3000, 'unhealthy');
      server.thaw();
      await waitUntil(async () => received.health.at(-1) === true, 5000, 'healthy again');
      expect(received.health[0]).toBe(true);
      expect(received.health).toContain(false);
    });

    it('publish() rejects within publishTimeoutMs even on a client that queues commands while Redis is down', async () => {
      server = await startRedis();
      const queueing = await connect(server.url, { enableOfflineQueue: true, maxRetriesPerRequest: 20 });
      await server.stop();
      const b = redisBus({ client: queueing, publishTimeoutMs: 150 });
      buses.push(b);
      const started = Date.now();
      await expect(b.publish({ type: 'delete', keys: ['k'], from: '' })).rejects.toThrow(/timed out/);
      expect(Date.now() - started).toBeLessThan(500);
    });

    it('subscribe() rejects within its bound when Redis is down, and recovers when Redis starts', async () => {
      server = await startRedis();
      const own = await connect(server.url);
      await server.stop();
      const b = redisBus({ client: own, heartbeatMs: 50, subscribeTimeoutMs: 300 });
      buses.push(b);
      const health: boolean[] = [];
      const started = Date.now();
      await expect(
        b.subscribe(
          () => {},
          (h) => health.push(h),
        ),
      ).rejects.toThrow(/could not subscribe/);
      expect(Date.now() - started).toBeLessThan(1000);
      await server.restart();
      await waitUntil(async () => health.includes(true), 10_000, 'healthy after Redis started');
    });
  });
});
