import type { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeClients,
  connectCluster,
  uniquePrefix,
  waitUntil,
} from '../../../../test-support/redis-harness';
import type { BusMessage } from '../types';
import { type RedisBus, redisBus } from './redis-bus';

let client: Cluster;
const buses: RedisBus[] = [];

async function listen(target: RedisBus) {
  buses.push(target);
  const messages: BusMessage[] = [];
  const health: boolean[] = [];
  await target.subscribe(
    (m) => messages.push(m),
    (h) => health.push(h),
  );
  return { messages, health };
}

beforeAll(async () => {
  client = await connectCluster();
});
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.close()));
});
afterAll(closeClients);

describe('redisBus (cluster)', () => {
  it('delivers between instances on separate cluster clients, whatever node each subscriber sits on', async () => {
    const channel = uniquePrefix('bus');
    const other = await connectCluster();
    const a = redisBus({ client, channel });
    const b = redisBus({ client: other, channel });
    const fromA = await listen(a);
    const fromB = await listen(b);
    for (let i = 0; i < 20; i++) await a.publish({ type: 'delete', keys: [`k${i}`], from: '' });
    await waitUntil(async () => fromB.messages.length === 20, 3000, 'all 20 messages');
    expect(fromA.messages).toEqual([]);
    expect(new Set(fromB.messages.map((m) => (m.type === 'delete' ? m.keys[0] : '')))).toHaveLength(20);
  });

  it('never loses messages silently when the subscriber connections are killed: all arrive, or health blips', async () => {
    // ioredis Cluster moves its subscriber to another node on its own, without an event; the bus
    // notices lost messages from the gap in the sender's sequence numbers.
    const channel = uniquePrefix('bus');
    const a = redisBus({ client, channel, heartbeatMs: 100 });
    const b = redisBus({ client: await connectCluster(), channel, heartbeatMs: 100 });
    await listen(a);
    const received = await listen(b);
    const sent = new Set<string>();
    const publishing = (async () => {
      const until = Date.now() + 1500;
      for (let i = 0; Date.now() < until; i++) {
        const key = `k${i}`;
        // A publish that failed during the kill was not sent; one that timed out may still arrive.
        await a.publish({ type: 'delete', keys: [key], from: '' }).then(
          () => sent.add(key),
          () => {},
        );
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    const killed = await Promise.all(
      client.nodes('all').map((node) => node.call('CLIENT', 'KILL', 'TYPE', 'pubsub')),
    );
    expect(killed.reduce((sum: number, n) => sum + Number(n), 0)).toBeGreaterThanOrEqual(2); // a's and b's subscribers
    await publishing;
    await new Promise((r) => setTimeout(r, 800)); // heartbeat + loss window
    const got = new Set(received.messages.map((m) => (m.type === 'delete' ? m.keys[0] : '')));
    const lost = [...sent].filter((key) => !got.has(key)).length;
    console.info(
      `[routecache] cluster bus: ${killed.join('+')} subscribers killed, ${sent.size} sent, ${lost} lost during the kill, health ${received.health.join(',')}`,
    );
    if (lost > 0) expect(received.health).toContain(false);
    expect(received.health.at(-1)).toBe(true);
    expect(b.healthy).toBe(true);
    // and messages flow again
    const before = received.messages.length;
    await a.publish({ type: 'delete', keys: ['after'], from: '' });
    await waitUntil(async () => received.messages.length > before, 3000, 'delivery after recovery');
  });
});
