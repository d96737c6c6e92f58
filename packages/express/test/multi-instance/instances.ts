/**
 * Starts `instance-app.ts` as separate Node processes (the Node running the tests) and talks to
 * them over real HTTP, all with one `Host` header, as a load balancer in front of them would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';

const FIXTURE = resolve(import.meta.dirname, 'instance-app.ts');
const SOURCE_HOOKS = resolve(import.meta.dirname, '../../../../test-support/source-hooks.ts');

/** The `Host` every request carries (the cache keys by host). */
export const HOST = 'catalogue.test';

/** A running instance. */
export interface Instance {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body: unknown): Promise<Answer>;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process exited. */
  stop(): Promise<void>;
}

/** An HTTP answer, with the time it took. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
  /** `JSON.parse(body)`. */
  json<T = Record<string, unknown>>(): T;
}

/** Configuration handed to each instance through its environment. */
export interface InstanceEnv {
  /** `REDIS_URL`, or `REDIS_CLUSTER_NODES` as `host:port,…`. */
  REDIS_URL?: string;
  REDIS_CLUSTER_NODES?: string;
  RC_PREFIX: string;
  RC_CHANNEL: string;
  RC_TIMEOUT_MS?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<Answer>((resolveAnswer, reject) => {
    const started = performance.now();
    const req = request(
      { host: '127.0.0.1', port, method, path, agent, headers: { host: HOST, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolveAnswer({
            status: res.statusCode!,
            headers: res.headers,
            body: text,
            ms: performance.now() - started,
            json: () => JSON.parse(text),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts `count` instances (in parallel) and resolves once each printed `READY <port>`. */
export async function startInstances(count: number, env: InstanceEnv): Promise<Instance[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startInstance(String.fromCharCode(65 + i), env)),
  );
  const instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll(instances);
    throw failed.reason;
  }
  return instances;
}

/** Stops every instance. */
export async function stopAll(instances: readonly Instance[]): Promise<void> {
  await Promise.all(instances.map((i) => i.stop()));
}

function startInstance(name: string, env: InstanceEnv): Promise<Instance> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', SOURCE_HOOKS, '--conditions=source', FIXTURE],
    {
      env: { ...process.env, ...env, RC_INSTANCE: name, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveInstance, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance ${name} did not start in 20 s\n${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${name} exited with ${code}\n${stderr}`));
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /READY (\d+)/.exec(stdout);
      if (!ready) return;
      clearTimeout(timer);
      const port = Number(ready[1]);
      resolveInstance({
        name,
        port,
        pid: child.pid!,
        get: (path, headers = {}) => send(port, 'GET', path, headers),
        post: (path, body) =>
          send(port, 'POST', path, { 'content-type': 'application/json' }, JSON.stringify(body)),
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(force);
        },
      });
    });
  });
}

/** Sorted copy and the value at quantile `q` (0..1), nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** `p50 … p99 … max` of a list of milliseconds, for the report. */
export function describeMs(values: readonly number[]): string {
  const f = (q: number) => quantile(values, q).toFixed(1);
  return `n=${values.length} min=${f(0)} p50=${f(0.5)} p90=${f(0.9)} p99=${f(0.99)} max=${f(1)} ms`;
}
