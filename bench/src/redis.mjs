/**
 * Starts a throw-away redis-server on a free loopback port for the L2 subjects and the
 * scenarios (or uses `REDIS_URL` when set). Stopped by PID when the run ends.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rawRedisCommand } from './redis-ping.mjs';

const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ core?: number }} [options] pin redis-server to this core
 * @returns {Promise<{ url: string, stop: () => Promise<void>, external: boolean } | { unavailable: string }>}
 */
export async function startRedis(options = {}) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {}, external: true };
  if (!existsSync(REDIS_BIN)) return { unavailable: `${REDIS_BIN} not found (apt-get install redis-server)` };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'routecache-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--daemonize', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log'));
  const child =
    options.core === undefined
      ? spawn(REDIS_BIN, args, { stdio: 'ignore' })
      : spawn('taskset', ['-c', String(options.core), REDIS_BIN, ...args], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 100 && !exited; i++) {
    try {
      if ((await rawRedisCommand(port, 'PING')) === 'PONG') break;
    } catch {
      await sleep(20);
    }
  }
  if (exited) return { unavailable: `redis-server exited at start (log in ${dir})` };
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await new Promise((r) => (exited ? r() : child.once('exit', r)));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `redis://127.0.0.1:${port}`, stop, external: false, pid: child.pid };
}
