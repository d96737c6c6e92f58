/**
 * The consistency workload: K app processes (`bench/scenarios/apps/consistency-app.ts`, Express
 * and Hono) sharing one Redis through `tieredStore` + `redisBus`, the last one reaching Redis
 * through a TCP fault proxy; reader loops and a writer on the client side record every operation;
 * faults are injected in turn. Returns the history for `checkHistory()`.
 *
 * Every loop is bounded by time and count; every process it starts is stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FaultProxy, startFaultProxy } from '../fault-proxy';
import { type RedisCluster, type RedisServer, rawCommand } from '../redis-servers';
import type { FaultOp, History, ReadOp, WriteOp } from './checker';
import { killMaster, migrateSlot, slotWithEntries } from './cluster-faults';

const APP = resolve(import.meta.dirname, '../../bench/scenarios/apps/consistency-app.ts');
const SOURCE_HOOKS = resolve(import.meta.dirname, '../source-hooks.ts');
const HOST = 'consistency.test';

/** The faults the workload knows. */
export const FAULT_KINDS = [
  'redis-kill',
  'client-pause',
  'pubsub-kill',
  'maxmemory',
  'maxmemory-evict',
  'instance-stop',
  'kill-mid-write',
  'proxy-delay',
  'proxy-blackhole',
  'proxy-reset',
  'cluster-failover',
  'slot-migrate',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The faults that need a Redis Cluster (`WorkloadOptions.cluster`); the others need a standalone server. */
export const CLUSTER_FAULT_KINDS: readonly FaultKind[] = ['cluster-failover', 'slot-migrate'];

export interface WorkloadOptions {
  /** A Redis server this run may kill, pause and reconfigure (not a shared one)... */
  readonly redis?: RedisServer;
  /** ...or a Redis Cluster it may fail over and reshard (then no instance goes through the proxy). */
  readonly cluster?: RedisCluster;
  /** One entry per instance; on a standalone server the last one reaches Redis through the fault proxy. */
  readonly frameworks: readonly ('express' | 'hono')[];
  readonly keys: number;
  readonly users: number;
  readonly readers: number;
  /** Pause between two writes of the writer loop, ms. */
  readonly writeEveryMs: number;
  /** Share of the writes whose `invalidate()` uses `mode: 'expire'` (picked with the seed); the others delete. */
  readonly expireShare: number;
  /** Total run time, ms (faults start after a 2 s warm-up and stop 3 s before the end). */
  readonly durationMs: number;
  /**
   * Faults injected in this order, cycling, with `gapMs` of quiet after each one healed, and
   * the next one only once reads flow again (every reader finished one started after the heal).
   */
  readonly faults: readonly FaultKind[];
  readonly gapMs: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

/**
 * The workload of the test and the bench scenario: 3 instances (2 Express, 1 Hono behind the
 * fault proxy), 8 keys, 3 users, 6 readers, a write every 40 ms (a third of them invalidating in
 * expire mode), every fault kind in turn.
 */
export const STANDARD_WORKLOAD = {
  frameworks: ['express', 'express', 'hono'],
  keys: 8,
  users: 3,
  readers: 6,
  writeEveryMs: 40,
  expireShare: 1 / 3,
  faults: FAULT_KINDS.filter((kind) => !CLUSTER_FAULT_KINDS.includes(kind)),
  gapMs: 1000,
} as const satisfies Partial<WorkloadOptions>;

/** The same instances, readers and writer on a 3-master/3-replica Cluster, with its faults. */
export const CLUSTER_WORKLOAD = {
  ...STANDARD_WORKLOAD,
  faults: CLUSTER_FAULT_KINDS,
} as const satisfies Partial<WorkloadOptions>;

export interface WorkloadResult {
  readonly history: History;
  readonly durationMs: number;
}

/** mulberry32: a small seeded PRNG (the same seed gives the same choices). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  timeoutMs: number,
) {
  return new Promise<Answer>((resolveAnswer) => {
    const failed = () => resolveAnswer({ status: 0, headers: {}, body: '' });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { host: HOST, ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const flat: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            flat[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolveAnswer({ status: res.statusCode ?? 0, headers: flat, body: text });
        });
        res.on('error', failed);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', failed);
    req.end();
  });
}

/** One app process; `restart()` starts a new process (new PID and port) in its place. */
class App {
  child: ChildProcess | undefined;
  port = 0;
  up = false;
  readonly name: string;
  readonly framework: 'express' | 'hono';
  readonly env: Record<string, string>;
  constructor(name: string, framework: 'express' | 'hono', env: Record<string, string>) {
    this.name = name;
    this.framework = framework;
    this.env = env;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', SOURCE_HOOKS, '--conditions=source', APP], {
      env: {
        ...process.env,
        ...this.env,
        CONS_NAME: this.name,
        CONS_FRAMEWORK: this.framework,
        NODE_NO_WARNINGS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    this.port = await new Promise<number>((resolvePort, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`instance ${this.name} did not start in 20 s\n${stderr}`));
      }, 20_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`instance ${this.name} exited with ${code}\n${stderr}`));
      });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const ready = /READY (\d+)/.exec(stdout);
        if (!ready) return;
        clearTimeout(timer);
        resolvePort(Number(ready[1]));
      });
    });
    this.up = true;
  }

  /** Waits for the current process to exit after `signal` (SIGKILL after 3 s). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.up = false;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGCONT');
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(force);
  }
}

/** Runs the workload and resolves its history; stops every process it started, whatever happens. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const { redis, cluster, log = () => {} } = options;
  if ((redis === undefined) === (cluster === undefined)) {
    throw new TypeError('runWorkload: give either redis or cluster');
  }
  const server = (): RedisServer => {
    if (!redis) throw new Error('this fault needs a standalone Redis server');
    return redis;
  };
  const proxied = (): FaultProxy => {
    if (!proxy) throw new Error('this fault needs the fault proxy (standalone Redis)');
    return proxy;
  };
  const random = prng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const db = mkdtempSync(join(tmpdir(), 'routecache-consistency-'));
  const prefix = `cons:${options.seed}:${Date.now()}:`;
  const proxy: FaultProxy | undefined = redis ? await startFaultProxy(redis.port) : undefined;
  const redisEnv = (last: boolean): Record<string, string> =>
    cluster
      ? { REDIS_CLUSTER: cluster.startupNodes.map((n) => `${n.host}:${n.port}`).join(',') }
      : { REDIS_URL: last ? proxy!.url : redis!.url };
  const apps = options.frameworks.map(
    (framework, i) =>
      new App(String.fromCharCode(65 + i), framework, {
        ...redisEnv(i === options.frameworks.length - 1),
        CONS_PREFIX: prefix,
        CONS_DB: db,
      }),
  );
  const reads: ReadOp[] = [];
  const writes: WriteOp[] = [];
  const faults: FaultOp[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const keys = Array.from({ length: options.keys }, (_, i) => `k${i}`);
  const users = Array.from({ length: options.users }, (_, i) => `u${i}`);
  const versions = new Map(keys.map((k) => [k, 0]));
  /** Per key: the write in flight (writes of one key are serialized). */
  const writing = new Map<string, Promise<void>>();

  const writeKey = async (key: string, app: App, hold = 0) => {
    while (writing.has(key)) await writing.get(key);
    let done!: () => void;
    writing.set(key, new Promise<void>((r) => (done = r)));
    try {
      const version = versions.get(key)! + 1;
      versions.set(key, version);
      const mode = random() < options.expireShare ? 'expire' : 'delete';
      const start = now();
      const answer = await send(
        app.port,
        'POST',
        `/write/${key}?version=${version}&hold=${hold}&mode=${mode}`,
        {},
        15_000,
      );
      writes.push({
        key,
        version,
        instance: app.name,
        start,
        end: now(),
        ok: answer.status === 200,
        mode,
      });
    } finally {
      writing.delete(key);
      done();
    }
  };

  try {
    await Promise.all(apps.map((app) => app.start()));
    log(
      `instances ${apps.map((a) => `${a.name}=${a.framework}:${a.port}`).join(' ')}; ${proxy ? `proxy ${proxy.port} for ${apps.at(-1)!.name}` : 'on the Cluster'}`,
    );
    const deadline = options.durationMs;
    const maxOps = Math.ceil(options.durationMs * 2); // far above what 2 cores do; a guard only

    const reader = async () => {
      for (let n = 0; n < maxOps && now() < deadline; n++) {
        const live = apps.filter((a) => a.up);
        if (live.length === 0) {
          await sleep(20);
          continue;
        }
        const app = pick(live);
        const key = pick(keys);
        const isPrivate = random() < 0.3;
        const user = isPrivate ? pick(users) : undefined;
        const start = now();
        const answer = await send(
          app.port,
          'GET',
          `/${isPrivate ? 'private' : 'item'}/${key}`,
          user ? { 'x-user': user } : {},
          10_000,
        );
        reads.push({
          route: isPrivate ? 'private' : 'public',
          key,
          ...(user ? { user } : {}),
          instance: app.name,
          start,
          end: now(),
          status: answer.status,
          headers: {
            etag: answer.headers.etag,
            'content-length': answer.headers['content-length'],
            age: answer.headers.age,
            'cache-status': answer.headers['cache-status'],
          },
          body: answer.body,
        });
      }
    };

    const writer = async () => {
      for (let n = 0; n < maxOps && now() < deadline; n++) {
        await sleep(options.writeEveryMs);
        const live = apps.filter((a) => a.up);
        if (live.length > 0) await writeKey(pick(keys), pick(live));
      }
    };

    const inject = async (kind: FaultKind) => {
      switch (kind) {
        case 'redis-kill':
          await server().kill();
          await sleep(1000);
          await server().restart();
          return;
        case 'client-pause':
          await rawCommand(server().port, ['CLIENT', 'PAUSE', '2000', 'ALL']);
          await sleep(2500);
          return;
        case 'pubsub-kill':
          await rawCommand(server().port, ['CLIENT', 'KILL', 'TYPE', 'pubsub']);
          await sleep(500);
          return;
        case 'maxmemory':
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory', '1']);
          await sleep(2000);
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory', '0']);
          return;
        case 'maxmemory-evict': {
          // A cache configured to evict, just below the memory in use: the LRU drops keys on every write.
          const info = await rawCommand(server().port, ['INFO', 'memory']);
          const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 2_000_000);
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory', String(used - 16 * 1024)]);
          await sleep(3000);
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory', '0']);
          await rawCommand(server().port, ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
          const stats = await rawCommand(server().port, ['INFO', 'stats']);
          log(`evicted_keys so far: ${/evicted_keys:(\d+)/.exec(stats)?.[1] ?? '?'}`);
          return;
        }
        case 'instance-stop': {
          const app = pick(apps.filter((a) => a.up));
          app.child?.kill('SIGSTOP');
          await sleep(3500);
          app.child?.kill('SIGCONT');
          return;
        }
        case 'kill-mid-write': {
          const app = pick(apps.filter((a) => a.up));
          const write = writeKey(pick(keys), app, 400);
          await sleep(150);
          await app.stop('SIGKILL');
          await write;
          await app.start();
          return;
        }
        case 'proxy-delay':
          proxied().mode = { kind: 'delay', ms: 300 };
          await sleep(3000);
          proxied().mode = { kind: 'pass' };
          return;
        case 'proxy-blackhole':
          proxied().mode = { kind: 'blackhole', direction: 'down' };
          await sleep(4500);
          proxied().mode = { kind: 'pass' };
          return;
        case 'proxy-reset':
          proxied().reset();
          await sleep(500);
          return;
        case 'cluster-failover':
        case 'slot-migrate': {
          if (!cluster) throw new Error(`fault ${kind} needs a Redis Cluster`);
          const slot = await slotWithEntries(cluster, prefix, random);
          if (slot === undefined) {
            log(`${kind}: no slot holds entries yet, skipped`);
            return;
          }
          log(
            kind === 'cluster-failover' ? await killMaster(cluster, slot) : await migrateSlot(cluster, slot),
          );
          return;
        }
      }
    };

    /**
     * Resolves once every reader has finished a read it started at or after `since` (at most
     * 10 s): reads stuck in the last fault (a pause, a lock wait) would otherwise still be
     * pending through the next fault's window, which then has no read to judge.
     */
    const readsFlowing = async (since: number) => {
      for (let waited = 0; waited < 10_000 && now() < deadline - 3000; waited += 50) {
        let fresh = 0;
        for (let i = reads.length - 1; i >= 0 && fresh < options.readers; i--)
          if (reads[i]!.start >= since) fresh++;
        if (fresh >= options.readers) return;
        await sleep(50);
      }
    };

    const nemesis = async () => {
      await sleep(2000);
      for (let i = 0; i < 1000 && options.faults.length > 0 && now() < deadline - 3000; i++) {
        const kind = options.faults[i % options.faults.length]!;
        if (i > 0) await readsFlowing(faults[faults.length - 1]!.end);
        if (now() >= deadline - 3000) break;
        const start = now();
        await inject(kind);
        faults.push({ kind, start, end: now() });
        log(`fault ${kind} ${start.toFixed(0)}–${now().toFixed(0)} ms`);
        await sleep(options.gapMs);
      }
    };

    await Promise.all([nemesis(), writer(), ...Array.from({ length: options.readers }, reader)]);
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await proxy?.close();
    if (redis?.running) {
      await rawCommand(redis.port, ['CONFIG', 'SET', 'maxmemory', '0']).catch(() => {});
    }
    rmSync(db, { recursive: true, force: true });
  }
  return { history: { reads, writes, faults }, durationMs: now() };
}
