/**
 * Starting and stopping real `redis-server` processes on loopback (no vitest, no client library:
 * the global setup imports this file in vitest's main process).
 *
 * - `startRedis()` / `startCluster()` spawn `redis-server` processes directly (no shell, so the
 *   PID we hold is redis's own), wait until they answer, and stop them by PID.
 * - `connect()` / `connectCluster()` return ioredis clients with the project's recommended
 *   settings, pointed at the servers the global setup provided (`inject('redis')`).
 * - `uniquePrefix()` + `cleanupPrefix()` give every test its own key space on shared servers
 *   (SCAN + UNLINK on every master; never FLUSHALL).
 *
 * The global setup (`redis-global-setup.ts`) uses the same functions for the shared standalone
 * server and the shared 3-master + 3-replica cluster.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Environment (read through one alias: these variables are for the test harness, not turbo tasks). */
const env: NodeJS.ProcessEnv = process.env;

export const REDIS_SERVER_BIN: string = env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
export const REDIS_CLI_BIN: string = env.REDIS_CLI_BIN ?? '/usr/bin/redis-cli';
const HOST = '127.0.0.1';
/** Data directories live under the repository's gitignored `.redis/<run-id>/`. */
export const REDIS_DATA_ROOT: string = resolve(import.meta.dirname, '..', '.redis');
// Shared through the environment so servers started in test workers land in the same run folder
// as the global setup's (workers are forked after the global setup ran).
env.ROUTECACHE_REDIS_RUN_ID ??= `${Date.now().toString(36)}-${process.pid}`;
const RUN_ID: string = env.ROUTECACHE_REDIS_RUN_ID;

/** Addresses the global setup hands to tests through `provide('redis', …)`. */
export interface RedisTopology {
  /** `redis://127.0.0.1:PORT` of the shared standalone server. */
  url: string;
  /** Startup nodes of the shared cluster. */
  clusterNodes: { host: string; port: number }[];
}

/** Throws the project's standard message when `redis-server` is not installed. Tests never skip silently. */
export function assertRedisInstalled(bin: string = REDIS_SERVER_BIN): void {
  if (!existsSync(bin)) {
    throw new Error(
      'redis-server not found: install it with `apt-get install redis-server` (npm test does this automatically when run as root)',
    );
  }
}

/** A free TCP port on loopback (and, with `clusterBus`, port + 10000 free too). */
export async function findFreePort(clusterBus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOnce(0);
    if (!clusterBus) return port;
    if (port + 10_000 < 65_536 && (await isPortFree(port + 10_000))) return port;
  }
  throw new Error('no free loopback port found');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const address = server.address();
      const found = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(found));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends one command over a fresh connection and resolves the raw reply as text (RESP parsed just
 * enough for status, error, integer and bulk replies). Used to poll servers while they start,
 * without a client library's retry machinery.
 */
export function rawCommand(port: number, args: readonly string[], timeoutMs = 1000): Promise<string> {
  return new Promise((resolveReply, reject) => {
    const socket = createConnection({ host: HOST, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timeout on ${args[0]} to port ${port}`));
    }, timeoutMs);
    const finish = (error: Error | undefined, reply?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolveReply(reply ?? '');
    };
    socket.on('error', (error) => finish(error));
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      const lineEnd = text.indexOf('\r\n');
      if (lineEnd < 0) return;
      const head = text.slice(0, lineEnd);
      if (head[0] === '+' || head[0] === ':') return finish(undefined, head.slice(1));
      if (head[0] === '-') return finish(new Error(head.slice(1)));
      if (head[0] === '$') {
        const length = Number(head.slice(1));
        if (length < 0) return finish(undefined, '');
        const body = Buffer.concat(chunks).subarray(Buffer.byteLength(head) + 2);
        if (body.length >= length + 2) return finish(undefined, body.subarray(0, length).toString('utf8'));
        return;
      }
      finish(new Error(`unexpected reply ${head}`));
    });
  });
}

/** Polls `check` every 20 ms until it resolves true, or throws after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}

/** Options for `startRedis()`. */
export interface StartRedisOptions {
  /** Port to listen on. Default: a free loopback port. */
  port?: number;
  /** `--maxmemory`, e.g. `'2mb'`. */
  maxmemory?: string;
  /** `--maxmemory-policy`, e.g. `'noeviction'`. */
  maxmemoryPolicy?: string;
  /** Start as a cluster node (used by `startCluster()`). */
  cluster?: boolean;
  /** Extra `--name value` arguments. */
  args?: readonly string[];
  /** Directory for logs and nodes.conf. Default: a fresh one under `.redis/<run-id>/`. */
  dir?: string;
}

/** A `redis-server` process this harness started. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** PID of the running process (changes after `restart()`). */
  readonly pid: number;
  /** Answers true while the process is running. */
  readonly running: boolean;
  /** SIGTERM (or the given signal) and wait for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  /** Starts the same server again (same port, dir and arguments) and waits for PONG. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server stops answering without closing connections. */
  freeze(): void;
  thaw(): void;
}

const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test forgets to stop its server: never leave redis-server orphans behind.
  process.on('exit', () => {
    for (const child of liveProcesses) {
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  });
}

/**
 * Starts one `redis-server` on loopback and waits for PONG. Without a fixed `port`, a port taken
 * between our probe and redis's bind (other processes start servers too) is retried on another.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  if (options.port !== undefined) return startRedisOnce(options);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisOnce({ ...options, port: await findFreePort(options.cluster) });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function startRedisOnce(options: StartRedisOptions): Promise<RedisServer> {
  assertRedisInstalled();
  installExitHook();
  const port = options.port ?? (await findFreePort(options.cluster));
  const dir = options.dir ?? join(REDIS_DATA_ROOT, RUN_ID, `${port}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--daemonize',
    'no',
    '--save',
    '',
    '--appendonly',
    'no',
    '--shutdown-on-sigterm',
    'nosave now',
    '--repl-diskless-sync-delay',
    '0',
    '--dir',
    dir,
    '--logfile',
    join(dir, 'redis.log'),
    ...(options.cluster
      ? [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          '--cluster-node-timeout',
          '1000',
        ]
      : []),
    ...(options.maxmemory ? ['--maxmemory', options.maxmemory] : []),
    ...(options.maxmemoryPolicy ? ['--maxmemory-policy', options.maxmemoryPolicy] : []),
    ...(options.args ?? []),
  ];
  let child: ChildProcess;
  let exited: Promise<void>;

  const launch = async () => {
    child = spawn(REDIS_SERVER_BIN, args, { stdio: 'ignore', detached: false });
    liveProcesses.add(child);
    const current = child;
    exited = new Promise((r) => {
      current.once('exit', () => {
        liveProcesses.delete(current);
        r();
      });
    });
    let spawnError: Error | undefined;
    current.once('error', (error) => {
      spawnError = error;
    });
    const started = waitUntil(
      async () => {
        if (spawnError) throw spawnError;
        if (current.exitCode !== null)
          throw new Error(`redis-server exited with ${current.exitCode}; see ${dir}`);
        return (await rawCommand(port, ['PING'], 500)) === 'PONG';
      },
      10_000,
      `redis-server on port ${port}`,
    );
    try {
      await started;
    } catch (error) {
      current.kill('SIGKILL'); // never leave a half-started server behind
      await exited;
      throw error;
    }
  };
  await launch();

  const waitExit = async (signal: NodeJS.Signals) => {
    const current = child;
    if (current.exitCode !== null || current.signalCode !== null) return;
    current.kill(signal);
    // A server that ignores SIGTERM for 5 s is killed: teardown never hangs.
    const force = setTimeout(() => current.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };

  return {
    port,
    url: `redis://${HOST}:${port}`,
    dir,
    get pid() {
      return child.pid ?? -1;
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    stop: (signal = 'SIGTERM') => {
      if (child.signalCode === 'SIGSTOP') child.kill('SIGCONT');
      return waitExit(signal);
    },
    kill: () => waitExit('SIGKILL'),
    restart: async () => {
      await waitExit('SIGTERM');
      await launch();
    },
    freeze: () => {
      child.kill('SIGSTOP');
    },
    thaw: () => {
      child.kill('SIGCONT');
    },
  };
}

function runCli(args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolveOut, reject) => {
    execFile(REDIS_CLI_BIN, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`redis-cli ${args.join(' ')} failed: ${stderr || stdout || error.message}`));
      else resolveOut(stdout);
    });
  });
}

async function info(port: number, section: string): Promise<Record<string, string>> {
  const text = await rawCommand(port, section === 'cluster' ? ['CLUSTER', 'INFO'] : ['INFO', section]);
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** A 3-master + 3-replica cluster this harness started. */
export interface RedisCluster {
  readonly nodes: RedisServer[];
  readonly startupNodes: { host: string; port: number }[];
  /** The node currently serving `slot` as master (asks the cluster). */
  masterOf(slot: number): Promise<RedisServer>;
  /** Waits until every running node reports `cluster_state:ok` and every running replica is synced. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts 6 cluster-enabled servers, joins them with `redis-cli --cluster create` and waits until healthy. */
export async function startCluster(): Promise<RedisCluster> {
  assertRedisInstalled();
  const base = join(REDIS_DATA_ROOT, RUN_ID, `cluster-${randomBytes(3).toString('hex')}`);
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const port = await findFreePort(true);
      nodes.push(await startRedis({ port, cluster: true, dir: join(base, String(port)) }));
    }
    await runCli([
      '--cluster',
      'create',
      ...nodes.map((n) => `${HOST}:${n.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw error;
  }

  const waitHealthy = async (timeoutMs = 30_000) => {
    await waitUntil(
      async () => {
        for (const node of nodes) {
          if (!node.running) continue;
          const cluster = await info(node.port, 'cluster');
          if (cluster.cluster_state !== 'ok') return false;
          const replication = await info(node.port, 'replication');
          if (replication.role === 'slave' && replication.master_link_status !== 'up') return false;
        }
        return true;
      },
      timeoutMs,
      'cluster_state:ok on every node and master_link_status:up on every replica',
    );
  };
  try {
    await waitHealthy();
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw error;
  }

  return {
    nodes,
    startupNodes: nodes.map((n) => ({ host: HOST, port: n.port })),
    waitHealthy,
    masterOf: async (slot) => {
      for (const node of nodes) {
        if (!node.running) continue;
        const text = await rawCommand(node.port, ['CLUSTER', 'NODES']);
        for (const line of text.split('\n')) {
          const parts = line.trim().split(' ');
          if (!parts[2]?.includes('master') || parts[2].includes('fail')) continue;
          const port = Number(parts[1]?.split('@')[0]?.split(':')[1]);
          for (const range of parts.slice(8)) {
            const [from, to] = range.split('-').map(Number);
            if (from !== undefined && slot >= from && slot <= (to ?? from)) {
              const found = nodes.find((n) => n.port === port);
              if (found) return found;
            }
          }
        }
        break;
      }
      throw new Error(`no master found for slot ${slot}`);
    },
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Removes this run's data directory (after every server has stopped). */
export function removeRunData(): void {
  rmSync(join(REDIS_DATA_ROOT, RUN_ID), { recursive: true, force: true });
}
