/**
 * Four instances of an Express app, each its own Node process, sharing one cache through
 * `tieredStore({ l1: memoryStore(), l2: redisStore(), bus: redisBus() })` on the harness's
 * standalone Redis and on its 3-master + 3-replica cluster.
 */
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  closeClients,
  connect,
  connectCluster,
  redisTopology,
  uniquePrefix,
} from '../../../../test-support/redis-harness';
import { describeMs, type Instance, type InstanceEnv, quantile, startInstances, stopAll } from './instances';

interface Item {
  id: string;
  run: string;
}

async function handlerRuns(instances: readonly Instance[], id: string): Promise<number> {
  const counts = await Promise.all(
    instances.map(async (i) => (await i.get('/_calls')).json<{ calls: Record<string, number> }>()),
  );
  return counts.reduce((sum, c) => sum + (c.calls[id] ?? 0), 0);
}

const topologies = [
  {
    name: 'standalone Redis',
    env: (): Pick<InstanceEnv, 'REDIS_URL'> => ({ REDIS_URL: redisTopology().url }),
    client: (): Promise<Redis | Cluster> => connect(),
  },
  {
    name: 'Redis Cluster',
    env: (): Pick<InstanceEnv, 'REDIS_CLUSTER_NODES'> => ({
      REDIS_CLUSTER_NODES: redisTopology()
        .clusterNodes.map((n) => `${n.host}:${n.port}`)
        .join(','),
    }),
    client: (): Promise<Redis | Cluster> => connectCluster(),
  },
];

describe.each(topologies)('four app processes sharing one cache on $name', (topology) => {
  const prefix = uniquePrefix('multi');
  let instances: Instance[] = [];
  let client: Redis | Cluster;

  beforeAll(async () => {
    client = await topology.client();
    instances = await startInstances(4, { ...topology.env(), RC_PREFIX: prefix, RC_CHANNEL: `${prefix}bus` });
  });
  afterAll(async () => {
    await stopAll(instances);
    await cleanupPrefix(client, prefix);
    await closeClients();
  });

  it('runs the handler once in total for 200 concurrent requests to a cold key spread over the 4 processes', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => instances[n % 4]!.get('/items/cold-1', { 'x-delay': '300' })),
    );

    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.json<Item>().id).toBe('cold-1');
    expect(await handlerRuns(instances, 'cold-1')).toBe(1);
    // Every process answered a share of them, from the holder's one run.
    expect(
      answers.filter((a) => /fwd=miss; ttl=\d+; stored/.test(String(a.headers['cache-status']))),
    ).toHaveLength(1);
  });

  it('makes every other instance miss after an invalidation by tag on one instance', async () => {
    const [a, ...others] = instances as [Instance, ...Instance[]];
    const delays: number[] = [];
    for (let round = 0; round < 20; round++) {
      const group = `inv${round}`;
      // One key per other instance, held in every instance's L1 (read twice: L2 hit, then L1 hit).
      const keys = others.map((o) => `/items/${group}-${o.name}`);
      const old = new Map<string, string>();
      for (const key of keys) {
        old.set(key, (await a.get(key)).json<Item>().run);
        for (const instance of instances) {
          await instance.get(key);
          const hit = await instance.get(key);
          expect(hit.headers['cache-status']).toMatch(/^routecache; hit;/);
          expect(hit.json<Item>().run).toBe(old.get(key));
        }
      }

      const invalidated = await a.post('/_invalidate', { tags: [`group:${group}`] });
      const resolvedAt = performance.now();
      expect(invalidated.json()).toMatchObject({ ok: true });

      await Promise.all(
        others.map(async (instance, i) => {
          const key = keys[i]!;
          for (;;) {
            const answer = await instance.get(key);
            if (answer.json<Item>().run === old.get(key)) {
              expect(performance.now() - resolvedAt).toBeLessThan(5000);
              continue;
            }
            delays.push(performance.now() - resolvedAt);
            // Its next answer after the invalidation reached it is a miss that runs the handler here.
            expect(answer.headers['cache-status']).toMatch(/fwd=miss/);
            expect(answer.json<Item>().run.startsWith(`${instance.name}#`)).toBe(true);
            return;
          }
        }),
      );
    }
    console.info(
      `[multi-instance, ${topology.name}] invalidation delay (invalidate() resolved on A → another instance misses): ${describeMs(delays)}`,
    );
    expect(delays).toHaveLength(60);
    expect(quantile(delays, 1)).toBeLessThan(5000);
  });

  it('never serves the result of a handler run that a concurrent invalidation overtook, on any instance', async () => {
    const [a, b] = instances as [Instance, Instance];
    for (let round = 0; round < 5; round++) {
      const id = `race${round}-x`;
      const slow = a.get(`/items/${id}`, { 'x-delay': '400' });
      // The handler has started on A…
      for (let waited = 0; (await handlerRuns([a], id)) === 0; waited += 10) {
        expect(waited).toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 10));
      }
      // …and B invalidates the item while it runs.
      expect((await b.post('/_invalidate', { tags: [`item:${id}`] })).json()).toMatchObject({ ok: true });
      const overtaken = await slow;
      expect(overtaken.status).toBe(200);
      expect(overtaken.headers['cache-status']).not.toMatch(/stored/);
      const staleRun = overtaken.json<Item>().run;

      for (const instance of [...instances, ...instances]) {
        const answer = await instance.get(`/items/${id}`);
        expect(answer.status).toBe(200);
        expect(answer.json<Item>().run).not.toBe(staleRun);
      }
      // The first request after it ran the handler again; every later one was served that run.
      expect(await handlerRuns(instances, id)).toBe(2);
    }
  });
});
