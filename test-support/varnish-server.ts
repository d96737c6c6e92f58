/**
 * Starting and stopping a real `varnishd` on loopback with the project's VCL
 * (`docs/varnish/routecache.vcl`) in front of a backend port, the way `redis-servers.ts` does
 * for Redis: spawned directly in the foreground (`-F`, no shell, so the PID we hold is the
 * manager's), waited for until it answers, stopped by PID. `-j none`: no privilege separation
 * (it runs as whoever runs the tests, root or not, and its work directory stays ours).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { findFreePort, waitUntil } from './redis-servers';

const env: NodeJS.ProcessEnv = process.env;
export const VARNISHD_BIN: string = env.VARNISHD_BIN ?? '/usr/sbin/varnishd';
export const VARNISHSTAT_BIN: string = env.VARNISHSTAT_BIN ?? '/usr/bin/varnishstat';
/** The VCL users get, as shipped. */
export const ROUTECACHE_VCL: string = resolve(import.meta.dirname, '..', 'docs', 'varnish', 'routecache.vcl');
const DATA_ROOT = resolve(import.meta.dirname, '..', '.varnish');

/** A `varnishd` this harness started. */
export interface VarnishServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Reads one counter, e.g. `'MAIN.cache_hit'`. */
  counter(name: string): Promise<number>;
  /** SIGTERM by PID and wait for exit. */
  stop(): Promise<void>;
}

/** Options for `startVarnish()`. */
export interface StartVarnishOptions {
  /** Port of the app Varnish forwards to, on 127.0.0.1. */
  backendPort: number;
  /** Port Varnish listens on. Default: a free loopback port. */
  port?: number;
  /** Extra `-p name=value` parameters. */
  params?: readonly string[];
}

/** Throws the project's standard message when Varnish is not installed. Tests never skip silently. */
export function assertVarnishInstalled(): void {
  const xkey = ['x86_64-linux-gnu', 'aarch64-linux-gnu'].some((arch) =>
    existsSync(`/usr/lib/${arch}/varnish/vmods/libvmod_xkey.so`),
  );
  if (!existsSync(VARNISHD_BIN) || !xkey) {
    throw new Error(
      'varnishd or its xkey vmod not found: install them with `apt-get install varnish varnish-modules` (npm test does this automatically when run as root)',
    );
  }
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    try {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
});

/**
 * Starts `varnishd` with the project's VCL, its backend pointed at `backendPort`, and waits
 * until it accepts connections. Default grace is 0 so every grace window in a test comes from
 * the app's `stale-while-revalidate`.
 */
export async function startVarnish(options: StartVarnishOptions): Promise<VarnishServer> {
  assertVarnishInstalled();
  const port = options.port ?? (await findFreePort());
  const adminPort = await findFreePort();
  const dir = join(DATA_ROOT, `${Date.now().toString(36)}-${process.pid}-${port}`);
  mkdirSync(dir, { recursive: true });
  const vcl = readFileSync(ROUTECACHE_VCL, 'utf8').replace(
    /backend default \{[^}]*\}/,
    `backend default {\n    .host = "127.0.0.1";\n    .port = "${options.backendPort}";\n}`,
  );
  const vclPath = join(dir, 'app.vcl');
  writeFileSync(vclPath, vcl);
  const workDir = join(dir, 'work');
  const args = [
    '-F',
    '-j',
    'none',
    '-n',
    workDir,
    '-a',
    `127.0.0.1:${port}`,
    '-T',
    `127.0.0.1:${adminPort}`,
    '-f',
    vclPath,
    '-s',
    'malloc,32M',
    '-p',
    'default_grace=0',
    ...(options.params ?? []).flatMap((param) => ['-p', param]),
  ];
  const child = spawn(VARNISHD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.once('exit', () => live.delete(child));
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`varnishd exited: ${output.slice(-2000)}`);
        return isListening(port);
      },
      30_000,
      `varnishd on port ${port}`,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid as number;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    counter: (name) =>
      new Promise((resolveCount, reject) => {
        execFile(VARNISHSTAT_BIN, ['-n', workDir, '-1', '-f', name], (error, stdout) => {
          if (error) return reject(error);
          const match = new RegExp(`^${name.replace('.', '\\.')}\\s+(\\d+)`, 'm').exec(stdout);
          resolveCount(match ? Number(match[1]) : 0);
        });
      }),
    async stop() {
      if (child.exitCode === null) {
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {}
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolveListening) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveListening(true);
    });
    socket.once('error', () => resolveListening(false));
  });
}
