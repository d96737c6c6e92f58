/**
 * Runs `scripts/start.ts` as a user would (against the test harness's Redis instead of starting
 * one), then sends the curl lines it prints, in order, and checks what each one shows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPrefix,
  closeClients,
  connect,
  redisTopology,
  uniquePrefix,
} from '../../../test-support/redis-harness';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE_HOOKS = resolve(ROOT, '../../test-support/source-hooks.ts');

interface Curl {
  method: string;
  headers: Record<string, string>;
  body?: string;
  url: string;
}

/** Parses the `curl -i [-X M] [-H 'k: v']… [-d 'body'] URL` lines the script prints. */
function parseCurl(line: string): Curl {
  const method = /-X (\S+)/.exec(line)?.[1] ?? 'GET';
  const headers: Record<string, string> = {};
  for (const [, name, value] of line.matchAll(/-H '([^:]+): ([^']*)'/g)) headers[name!] = value!;
  const body = /-d '([^']*)'/.exec(line)?.[1];
  const url = line.trim().split(' ').at(-1)!;
  return { method, headers, ...(body === undefined ? {} : { body }), url };
}

interface Answer {
  status: number;
  cacheStatus: string;
  json: { price: number; computedBy?: string };
}

function send(curl: Curl): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(curl.url, { method: curl.method, headers: curl.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolveAnswer({
          status: res.statusCode!,
          cacheStatus: String(res.headers['cache-status'] ?? ''),
          json: JSON.parse(text),
        }),
      );
    });
    req.on('error', reject);
    req.end(curl.body);
  });
}

interface StartScript {
  readonly output: () => string;
  readonly exited: Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `scripts/start.ts` on the TypeScript sources; resolves once it printed its curl lines. */
async function runStartScript(extraEnv: Record<string, string>): Promise<StartScript> {
  // Only what the test gives: a REDIS_URL from the environment would change what the script does.
  const { REDIS_URL: _, ...inherited } = process.env;
  const script: ChildProcess = spawn(
    process.execPath,
    ['--import', SOURCE_HOOKS, '--conditions=source', resolve(ROOT, 'scripts/start.ts')],
    {
      env: { ...inherited, NODE_NO_WARNINGS: '1', PORT_A: '0', PORT_B: '0', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((r) => script.once('exit', () => r()));
  script.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      script.kill('SIGKILL');
      reject(new Error(`start script not ready in 20 s:\n${output}`));
    }, 20_000);
    script.once('exit', (code) => reject(new Error(`start script exited (${code}):\n${output}`)));
    script.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
  });
  return {
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (script.exitCode === null && script.signalCode === null) script.kill(signal);
      await exited;
    },
  };
}

function instanceUrls(output: string): [string, string] {
  return [/instance A on (\S+),/, /instance B on (\S+),/].map((r) => r.exec(output)![1]!) as [string, string];
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once nothing answers at `url` any more (the instance exited), or throws after 5 s. */
async function untilDown(url: string): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 5000; ) {
    try {
      await fetch(`${url}/stats`);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} still answers`);
}

describe('the express-redis start script', () => {
  const prefix = uniquePrefix('example');
  let client: Redis;
  let script: StartScript;

  beforeAll(async () => {
    client = await connect();
    script = await runStartScript({
      REDIS_URL: redisTopology().url,
      CACHE_PREFIX: prefix,
      CACHE_CHANNEL: `${prefix}bus`,
    });
  });

  afterAll(async () => {
    await script.stop();
    await cleanupPrefix(client, prefix);
    await closeClients();
  });

  it('prints curl lines that show an invalidation on instance A reaching instance B', async () => {
    const output = script.output();
    const curls = output
      .split('\n')
      .filter((line) => line.trim().startsWith('curl '))
      .map(parseCurl);
    expect(curls.map((c) => c.method)).toEqual(['GET', 'GET', 'GET', 'POST', 'GET']);
    const [urlA, urlB] = instanceUrls(output);
    expect(urlA).not.toBe(urlB);
    expect(curls.map((c) => (c.url.startsWith(urlA) ? 'A' : c.url.startsWith(urlB) ? 'B' : '?'))).toEqual([
      'B',
      'A',
      'B',
      'A',
      'B',
    ]);

    const [missOnB, hitOnA, hitOnB, updateOnA, afterUpdateOnB] = curls as [Curl, Curl, Curl, Curl, Curl];

    const miss = await send(missOnB);
    expect(miss.cacheStatus).toMatch(/^routecache; fwd=miss; ttl=\d+; stored$/);
    expect(miss.json).toMatchObject({ id: '1', price: 900, computedBy: 'B' });

    const fromRedis = await send(hitOnA);
    expect(fromRedis.cacheStatus).toMatch(/^routecache; hit;/);
    expect(fromRedis.json).toEqual(miss.json);

    const fromL1 = await send(hitOnB);
    expect(fromL1.cacheStatus).toMatch(/^routecache; hit;/);
    expect(fromL1.json).toEqual(miss.json);

    const update = await send(updateOnA);
    expect(update.status).toBe(200);
    expect(update.json).toMatchObject({ id: '1', price: 1000 });

    // The bus message reaches B within milliseconds of the POST's answer; someone typing the
    // next curl line never sees the old price. Allow up to 2 s here.
    let after = await send(afterUpdateOnB);
    for (const started = Date.now(); after.json.price === 900 && Date.now() - started < 2000; ) {
      after = await send(afterUpdateOnB);
    }
    expect(after.cacheStatus).toMatch(/fwd=miss/);
    expect(after.json).toMatchObject({ id: '1', price: 1000, computedBy: 'B' });
  });

  it('stops both instances when it is stopped, and starts no redis-server when REDIS_URL is given', async () => {
    await script.stop('SIGINT');
    for (const url of instanceUrls(script.output())) await untilDown(url);
    expect(script.output()).not.toMatch(/redis-server \(pid/);
  });
});

describe('the express-redis start script without REDIS_URL', () => {
  it('starts its own redis-server on a free loopback port and stops it (by PID) on Ctrl-C', async () => {
    const env: Record<string, string> = { CACHE_PREFIX: 'shop:', CACHE_CHANNEL: 'shop:bus' };
    const script = await runStartScript(env);
    const started = /redis-server \(pid (\d+)\) on redis:\/\/127\.0\.0\.1:(\d+)/.exec(script.output());
    expect(started).not.toBeNull();
    const pid = Number(started![1]);
    expect(isRunning(pid)).toBe(true);
    const [urlA] = instanceUrls(script.output());
    const answer = await fetch(`${urlA}/api/products/2`, { headers: { host: 'shop.local' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-status')).toMatch(/stored/);

    await script.stop('SIGINT');
    for (const url of instanceUrls(script.output())) await untilDown(url);
    for (const started = Date.now(); isRunning(pid) && Date.now() - started < 5000; ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(isRunning(pid)).toBe(false);
  });
});
