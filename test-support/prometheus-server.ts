/**
 * Starting and stopping a real Prometheus (Debian's `prometheus`, installed by
 * `scripts/setup.sh --redis`) on loopback, scraping given targets, and querying it through its
 * own HTTP API. Spawned directly (no shell): the PID held is Prometheus's own, stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findFreePort, waitUntil } from './redis-servers';

const env: NodeJS.ProcessEnv = process.env;
export const PROMETHEUS_BIN: string = env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const DATA_ROOT = resolve(import.meta.dirname, '..', '.prometheus');

/** A Prometheus process this harness started. */
export interface PrometheusServer {
  readonly url: string;
  readonly pid: number;
  /** `/api/v1/query` at `time` (seconds since epoch; default now): the result vector. */
  query(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Resolves once every target's last scrape is newer than `since` (ms since epoch) and healthy. */
  waitForScrape(since: number, timeoutMs?: number): Promise<void>;
  /** SIGTERM by PID, SIGKILL after 5 s; removes the data directory. */
  stop(): Promise<void>;
}

/** Throws the project's standard message when Prometheus is not installed. Tests never skip silently. */
export function assertPrometheusInstalled(): void {
  if (!existsSync(PROMETHEUS_BIN)) {
    throw new Error(
      'prometheus not found: install it with `apt-get install prometheus` (npm test does this automatically when run as root), or set PROMETHEUS_BIN',
    );
  }
}

/** Starts Prometheus scraping `targets` (`host:port`, path `/metrics`) every `intervalSeconds`. */
export async function startPrometheus(options: {
  targets: readonly string[];
  intervalSeconds?: number;
}): Promise<PrometheusServer> {
  assertPrometheusInstalled();
  const interval = options.intervalSeconds ?? 1;
  const port = await findFreePort();
  const dir = join(DATA_ROOT, `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${interval}s`,
      `  evaluation_interval: ${interval}s`,
      'scrape_configs:',
      '  - job_name: app',
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const log = openSync(join(dir, 'prometheus.log'), 'a');
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killOnExit = () => {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    }
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}; see ${dir}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      30_000,
      `prometheus on port ${port}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${url}${path}`);
    const json = (await response.json()) as { status: string; data: T; error?: string };
    if (json.status !== 'success') throw new Error(`prometheus ${path}: ${json.error ?? response.status}`);
    return json.data;
  }

  return {
    url,
    pid: child.pid!,
    async query(expr, time) {
      const params = new URLSearchParams({ query: expr });
      if (time !== undefined) params.set('time', String(time));
      const data = await api<{ resultType: string; result: unknown }>(`/api/v1/query?${params}`);
      if (data.resultType === 'scalar') {
        return [{ metric: {}, value: data.result as [number, string] }];
      }
      return data.result as { metric: Record<string, string>; value: [number, string] }[];
    },
    async waitForScrape(since, timeoutMs = 15_000) {
      await waitUntil(
        async () => {
          const data = await api<{ activeTargets: { health: string; lastScrape: string }[] }>(
            '/api/v1/targets',
          );
          return (
            data.activeTargets.length === options.targets.length &&
            data.activeTargets.every((t) => t.health === 'up' && Date.parse(t.lastScrape) > since)
          );
        },
        timeoutMs,
        'a scrape of every target',
      );
    },
    stop,
  };
}
