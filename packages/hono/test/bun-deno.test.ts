import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { behaviourSuite, httpFetch } from '../../../test-support/behaviour-suite';
import { fidelitySuite } from '../../../test-support/fidelity-suite';
import { bundleForEdge } from './support/bundle';

// Requests cross a process boundary (workerd, bun, deno); on 2 shared cores they can be slow.
vi.setConfig({ testTimeout: 30_000 });

const BIN = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));

/** A runtime server process serving the bundled fixture on a free loopback port. */
interface Served {
  child: ChildProcess;
  base: string;
}

async function serveWith(runtime: 'bun' | 'deno', dir: string, extraArgs: string[] = []): Promise<Served> {
  const { code } = await bundleForEdge(`test/fixtures/serve-${runtime}.ts`);
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `serve-${runtime}.mjs`);
  writeFileSync(script, code);
  const args = [
    ...(runtime === 'bun' ? ['run', script] : ['run', '--allow-net=127.0.0.1', '--no-prompt', script]),
    ...extraArgs,
  ];
  const child = spawn(join(BIN, runtime), args, {
    env: { ...process.env, DENO_DIR: join(dir, 'deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: `node_modules/.bin/deno` is a shell shim whose child is the runtime,
    // and stopping only the shim left that child serving.
    detached: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (exitCode) => reject(new Error(`${runtime} exited (${exitCode}): ${output}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

function stop(served: Served | undefined): Promise<void> {
  const child = served?.child;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGTERM');
  });
}

const RUNS = [
  { runtime: 'bun', label: 'bun (Bun.serve, memory store, real fetch)', args: [] },
  { runtime: 'deno', label: 'deno (Deno.serve, memory store, real fetch)', args: [] },
  {
    runtime: 'deno',
    label: 'deno (Deno.serve, webCacheStore on caches.open, real fetch)',
    args: ['web-cache'],
  },
] as const;

for (const { runtime, label, args } of RUNS) {
  describe(`${label} smoke test`, () => {
    let dir: string;
    let served: Served | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `routecache-${runtime}-`));
      served = await serveWith(runtime, dir, [...args]);
    }, 60_000);

    afterAll(async () => {
      await stop(served);
      rmSync(dir, { recursive: true, force: true });
    });

    behaviourSuite(label, () => httpFetch(() => served!.base));
  });
}

for (const runtime of ['bun', 'deno'] as const) {
  describe(`${runtime}, with and without the cache`, () => {
    let dir: string;
    // A cached server of its own (the behaviour suite's has run its cases) and one without the cache.
    let cached: Served | undefined;
    let cacheless: Served | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `routecache-${runtime}-fidelity-`));
      [cached, cacheless] = await Promise.all([
        serveWith(runtime, join(dir, 'cached')),
        serveWith(runtime, join(dir, 'cacheless'), ['cacheless']),
      ]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all([stop(cached), stop(cacheless)]);
      rmSync(dir, { recursive: true, force: true });
    });

    fidelitySuite(
      `${runtime} (real fetch)`,
      () => httpFetch(() => cached!.base),
      () => httpFetch(() => cacheless!.base),
    );
  });
}
