/**
 * `pnpm --filter express-redis start`: starts a `redis-server` on a free loopback port (or uses
 * `REDIS_URL`), two instances of the app (A on `PORT_A`, default 3001; B on `PORT_B`, default
 * 3002) sharing it and one catalogue file, and prints curl lines showing an invalidation on A
 * reaching B. Ctrl-C stops everything it started (by PID) and removes the temporary files.
 * Needs the packages built (`pnpm exec turbo run build --filter=express-redis...` at the root).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedCatalogue } from '../src/catalogue.ts';
import { TOUR, toCurl } from '../src/tour.ts';

const env = process.env;
const root = resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'express-redis-'));

function stopAll(): void {
  for (const child of children.reverse()) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      child.kill('SIGTERM');
  }
  rmSync(workDir, { recursive: true, force: true });
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function isBuilt(specifier: string): boolean {
  try {
    return existsSync(fileURLToPath(import.meta.resolve(specifier)));
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves once `port` answers `PING` with `+PONG` (raw RESP, no client library needed). */
async function waitForRedis(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pong = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        done(data.toString().startsWith('+PONG'));
      });
    });
    if (pong) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`redis-server on port ${port} did not answer PING`);
}

if (!isBuilt('@routecache/express/redis') || !isBuilt('@routecache/express')) {
  fail(
    'Build the packages first: pnpm exec turbo run build --filter=express-redis... (at the repository root)',
  );
}

let redisUrl = env.REDIS_URL;
if (redisUrl === undefined) {
  const port = await freePort();
  const redis = spawn(
    env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', workDir],
    { stdio: 'ignore' },
  );
  redis.once('error', (error) =>
    fail(`could not start redis-server (${error.message}); install it or set REDIS_URL`),
  );
  children.push(redis);
  await waitForRedis(port);
  redisUrl = `redis://127.0.0.1:${port}`;
  process.stdout.write(`redis-server (pid ${redis.pid}) on ${redisUrl}\n`);
}

const catalogueFile = join(workDir, 'catalogue.json');
seedCatalogue(catalogueFile);

function startInstance(name: 'A' | 'B', port: string): Promise<string> {
  // Same Node, same flags (e.g. the test runs this script on the TypeScript sources).
  const child = spawn(process.execPath, [...process.execArgv, join(root, 'src/server.ts')], {
    env: { ...env, INSTANCE: name, PORT: port, REDIS_URL: redisUrl, CATALOGUE_FILE: catalogueFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  child.once('exit', (code) => fail(`instance ${name} exited (${code})`));
  return new Promise((resolveUrl) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const listening = /listening on (\S+)/.exec(out);
      if (listening) resolveUrl(listening[1]!);
    });
  });
}

const [urlA, urlB] = await Promise.all([
  startInstance('A', env.PORT_A ?? '3001'),
  startInstance('B', env.PORT_B ?? '3002'),
]);
const base = { A: urlA, B: urlB };
const lines = TOUR.map((step) => `  # ${step.shows}\n  ${toCurl(base[step.to], step)}`);
process.stdout.write(
  `instance A on ${urlA}, instance B on ${urlB}, one Redis, one catalogue\n\nTry, in order:\n${lines.join('\n')}\n\nStats: ${urlA}/stats ${urlB}/stats. Ctrl-C stops everything.\n`,
);
