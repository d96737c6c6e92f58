/**
 * Redis failures seen through the app: instance processes (as in `multi-instance.redis.test.ts`)
 * on Redis servers this file starts, stops and kills. No request may fail because of the cache.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findFreePort,
  type RedisServer,
  startCluster,
  startRedis,
  uniquePrefix,
} from '../../../../test-support/redis-harness';
import { type Answer, describeMs, type Instance, quantile, startInstances, stopAll } from './instances';

/** The store's `timeoutMs` in these instances (the default). */
const TIMEOUT_MS = 250;

let running: Instance[] = [];
afterEach(async () => {
  await stopAll(running);
  running = [];
});

async function start(count: number, env: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string }) {
  const prefix = uniquePrefix('faults');
  running = await startInstances(count, {
    ...env,
    RC_PREFIX: prefix,
    RC_CHANNEL: `${prefix}bus`,
    RC_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  return running;
}

interface Sample {
  at: number;
  status: number;
  ms: number;
  cacheStatus: string;
}

/**
 * `workers` loops sending GETs for `keys` random items to random instances until `stop()`;
 * resolves every answer. A request that throws (connection refused, reset…) is a failure too.
 */
function load(instances: readonly Instance[], workers: number, keys: number, group: string) {
  const samples: Sample[] = [];
  let stopped = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      const instance = instances[Math.floor(Math.random() * instances.length)]!;
      const at = Date.now();
      let answer: Answer | undefined;
      try {
        answer = await instance.get(`/items/${group}-${Math.floor(Math.random() * keys)}`);
      } catch {}
      samples.push({
        at,
        status: answer?.status ?? 0,
        ms: answer?.ms ?? Date.now() - at,
        cacheStatus: String(answer?.headers['cache-status'] ?? ''),
      });
    }
  });
  return {
    async stop(): Promise<Sample[]> {
      stopped = true;
      await Promise.all(loops);
      return samples;
    },
  };
}

/**
 * Polls until an entry one instance stored is an L2 hit on another one (fresh key per try);
 * resolves how long that took, in ms.
 */
async function untilL2HitsResume(a: Instance, b: Instance, group: string, timeoutMs = 25_000) {
  const since = Date.now();
  for (let n = 0; Date.now() - since < timeoutMs; n++) {
    const key = `/items/${group}-${n}`;
    const first = await a.get(key);
    expect(first.status).toBe(200);
    if (/stored/.test(String(first.headers['cache-status']))) {
      const second = await b.get(key);
      expect(second.status).toBe(200);
      if (/^routecache; hit;/.test(String(second.headers['cache-status']))) {
        expect(second.body).toBe(first.body);
        return Date.now() - since;
      }
    }
    await sleep(50);
  }
  throw new Error(`L2 hits did not resume within ${timeoutMs} ms`);
}

async function l2Failures(instances: readonly Instance[]) {
  const all = await Promise.all(
    instances.map(
      async (i) =>
        (await i.get('/_stats')).json<{ failures: { count: number; first: number; last: number } }>()
          .failures,
    ),
  );
  return {
    count: all.reduce((sum, f) => sum + f.count, 0),
    last: Math.max(...all.map((f) => f.last)),
  };
}

describe('an app whose Redis is down when it starts', () => {
  it('starts and answers every request from the handler, then uses Redis once it is up, without a restart', async () => {
    const port = await findFreePort();
    const [a, b] = (await start(2, { REDIS_URL: `redis://127.0.0.1:${port}` })) as [Instance, Instance];

    for (let n = 0; n < 20; n++) {
      const answer = await [a, b][n % 2]!.get('/items/down-1');
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-status']).toMatch(/fwd=miss/);
      expect(answer.headers['cache-status']).not.toMatch(/stored/);
    }
    const runs = await Promise.all(
      [a, b].map(async (i) => (await i.get('/_calls')).json<{ total: number }>()),
    );
    expect(runs[0]!.total + runs[1]!.total).toBe(20);
    expect((await l2Failures([a, b])).count).toBeGreaterThan(0);
    const { stats } = (await a.get('/_stats')).json<{ stats: { l2?: { errors: number } } }>();
    expect(stats.l2?.errors).toBeGreaterThan(0);

    const server: RedisServer = await startRedis({ port });
    expect(server.running).toBe(true);
    const resumedAfter = await untilL2HitsResume(a, b, 'up');
    console.info(
      `[faults] Redis started after the app: L2 hits across instances resumed after ${resumedAfter} ms`,
    );
  }, 60_000);
});

describe('Redis killed under load', () => {
  it('fails no request, keeps p99 bounded by the store timeout, and resumes L2 hits when Redis is back', async () => {
    const server = await startRedis();
    const instances = await start(4, { REDIS_URL: server.url });
    const [a, b] = instances as [Instance, Instance];

    const traffic = load(instances, 16, 40, 'kill');
    await sleep(1500);
    const killedAt = Date.now();
    await server.kill();
    await sleep(3000);
    const samples = await traffic.stop();

    const failed = samples.filter((s) => s.status !== 200);
    expect(failed).toEqual([]);
    const afterKill = samples.filter((s) => s.at >= killedAt).map((s) => s.ms);
    const all = samples.map((s) => s.ms);
    console.info(`[faults] Redis killed under load, all requests: ${describeMs(all)}`);
    console.info(`[faults] Redis killed under load, requests sent after the kill: ${describeMs(afterKill)}`);
    expect(samples.filter((s) => s.at < killedAt && /hit/.test(s.cacheStatus)).length).toBeGreaterThan(0);
    expect(afterKill.length).toBeGreaterThan(50);
    // A generous multiple of the 250 ms store timeout: the cache never stalls a request for long.
    expect(quantile(all, 0.99)).toBeLessThan(2000);
    expect(quantile(afterKill, 0.99)).toBeLessThan(2000);
    expect((await l2Failures(instances)).count).toBeGreaterThan(0);

    const restartedAt = Date.now();
    await server.restart();
    const resumedAfter = await untilL2HitsResume(a, b, 'back');
    console.info(
      `[faults] Redis restarted: L2 hits across instances resumed ${resumedAfter} ms after it answered PING (${Date.now() - restartedAt} ms after the restart began)`,
    );
  }, 60_000);
});

describe('Redis paused under load (CLIENT PAUSE ALL)', () => {
  it('fails no request, answers within the store timeout while Redis hangs, and hits L2 again after', async () => {
    const server = await startRedis();
    const instances = await start(4, { REDIS_URL: server.url });
    const [a, b] = instances as [Instance, Instance];
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      const warm = load(instances, 16, 40, 'pause');
      await sleep(1500);
      const pausedAt = Date.now();
      // Connected, accepting commands, answering none: every call can only time out.
      await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
      // Keys no L1 holds, so that requests must go to Redis while it hangs.
      const cold = load(instances, 16, 100_000, 'paused');
      await sleep(2000);
      const samples = [...(await warm.stop()), ...(await cold.stop())];

      expect(samples.filter((s) => s.status !== 200)).toEqual([]);
      const duringPause = samples.filter((s) => s.at >= pausedAt).map((s) => s.ms);
      console.info(
        `[faults] Redis paused under load, requests sent during the pause: ${describeMs(duringPause)}`,
      );
      expect(duringPause.length).toBeGreaterThan(50);
      // Bounded by the 250 ms store timeout (a miss may wait for the lock, then run the handler).
      expect(quantile(duringPause, 0.99)).toBeLessThan(2000);
      expect((await l2Failures(instances)).count).toBeGreaterThan(0);

      await sleep(1000); // the pause is over
      const resumedAfter = await untilL2HitsResume(a, b, 'unpaused');
      console.info(`[faults] Redis unpaused: L2 hits across instances resumed ${resumedAfter} ms after`);
    } finally {
      admin.disconnect();
    }
  }, 60_000);
});

describe('Redis full (maxmemory, noeviction)', () => {
  it('fails no request: writes are refused, nothing is stored in L2, and hits resume once there is room', async () => {
    const server = await startRedis();
    const instances = await start(2, { REDIS_URL: server.url });
    const [a, b] = instances as [Instance, Instance];
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      // Below what the server already uses: every write is refused with OOM.
      await admin.config('SET', 'maxmemory', '1');
      for (let n = 0; n < 20; n++) {
        const first = await a.get(`/items/full-${n}`);
        expect(first.status).toBe(200);
        const second = await b.get(`/items/full-${n}`);
        expect(second.status).toBe(200);
        // b may hit its own L1 fill only after its own miss; it never finds a's entry in L2.
        expect(String(second.headers['cache-status'])).not.toMatch(/^routecache; hit;/);
      }
      await admin.config('SET', 'maxmemory', '0');
      const resumedAfter = await untilL2HitsResume(a, b, 'room');
      console.info(`[faults] Redis full: L2 hits resumed ${resumedAfter} ms after maxmemory was lifted`);
    } finally {
      admin.disconnect();
    }
  }, 60_000);
});

describe('a cluster master killed under load', () => {
  it('fails no request while its replica takes over, and L2 hits resume on the new master', async () => {
    const cluster = await startCluster();
    const instances = await start(4, {
      REDIS_CLUSTER_NODES: cluster.startupNodes.map((n) => `${n.host}:${n.port}`).join(','),
    });
    const [a, b] = instances as [Instance, Instance];

    // Enough distinct keys that requests keep missing L1 and reach the cluster during the kill.
    const traffic = load(instances, 16, 1_000_000, 'fo');
    await sleep(1500);
    const master = await cluster.masterOf(0);
    const before = await l2Failures(instances);
    const killedAt = Date.now();
    await master.kill();
    await cluster.waitHealthy();
    const healthyAfter = Date.now() - killedAt;
    await sleep(1500);
    const samples = await traffic.stop();

    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    const after = await l2Failures(instances);
    // Store calls failed (timeouts, connection errors) while the slot's master was gone: that
    // window ends with the last failure any instance logged.
    expect(after.count).toBeGreaterThan(before.count);
    const window = after.last - killedAt;
    const duringWindow = samples.filter((s) => s.at >= killedAt && s.at <= after.last);
    console.info(
      `[faults] cluster master killed under load: store failures for ${window} ms after the kill (${after.count - before.count} failed calls); cluster_state ok after ${healthyAfter} ms; requests in the window: ${describeMs(duringWindow.map((s) => s.ms))}; all requests: ${describeMs(samples.map((s) => s.ms))}`,
    );
    expect(
      quantile(
        samples.map((s) => s.ms),
        0.99,
      ),
    ).toBeLessThan(2000);

    const resumedAfter = await untilL2HitsResume(a, b, 'fo-after');
    console.info(`[faults] after the failover, an L2 hit across instances took ${resumedAfter} ms to see`);
  }, 90_000);
});
