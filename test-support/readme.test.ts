/**
 * The README's code and the package READMEs' usage examples, run as written: each block fenced as
 * "```ts readme-test=<name>" is copied into the matching example package (so its imports resolve
 * the way a user's would), with `app.listen(3000)` swapped for an export, and driven over HTTP
 * or Hono's in-process request API.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startWorkerd } from '../packages/hono/test/support/workerd';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The "```ts readme-test=<name>" block of `readme` (the project's README, or a package's). */
function snippet(name: string, readme = 'README.md'): string {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  const match = new RegExp(`\`\`\`ts readme-test=${name}\\n([\\s\\S]*?)\`\`\``).exec(text);
  if (!match?.[1]) throw new Error(`${readme} has no "ts readme-test=${name}" block`);
  return match[1];
}

/** Writes the snippet into `examples/<pkg>/<dir>/.readme-snippets/`; returns its path. */
function place(pkg: string, name: string, code: string, dir = ''): string {
  const folder = join(ROOT, 'examples', pkg, dir, '.readme-snippets');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}.ts`);
  writeFileSync(file, code);
  return file;
}

/** Places the snippet and imports it. */
async function load<T>(pkg: string, name: string, code: string, dir = ''): Promise<T> {
  return (await import(/* @vite-ignore */ place(pkg, name, code, dir))) as T;
}

describe('README Express section', () => {
  it('runs as written: miss, hit, 304, invalidation, private, no-store and the override', async () => {
    const code = snippet('express');
    expect(code).toContain('app.listen(3000);');
    const { app } = await load<{ app: import('express').Express }>(
      'express-basic',
      'express',
      code.replace('app.listen(3000);', 'export { app };'),
    );
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const miss = await fetch(`${base}/api/products/1`);
      expect(miss.headers.get('cache-control')).toBe(
        'public, max-age=30, s-maxage=300, stale-while-revalidate=60',
      );
      expect(miss.headers.get('surrogate-key')).toBe('products product:1');
      expect(miss.headers.get('cache-status')).toBe('routecache; fwd=miss; ttl=300; stored');
      const etag = miss.headers.get('etag');
      expect(etag).toMatch(/^W\/"/);
      const hit = await fetch(`${base}/api/products/1`);
      expect(hit.headers.get('cache-status')).toMatch(/^routecache; hit; ttl=\d+$/);
      expect(hit.headers.get('age')).toMatch(/^\d+$/);
      // As curl sends it (fetch() would add Cache-Control: no-cache to a conditional request).
      const notModified = await fetch(`${base}/api/products/1`, {
        headers: { 'if-none-match': etag ?? '', 'cache-control': 'max-age=0' },
      });
      expect(notModified.status).toBe(304);

      await fetch(`${base}/api/products/1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ price: 25 }),
      });
      const after = await fetch(`${base}/api/products/1`);
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(await after.json()).toMatchObject({ price: 25 });

      const missing = await fetch(`${base}/api/products/9`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('cache-control')).toBe('no-store');

      const me = await fetch(`${base}/me`, { headers: { 'x-user': 'ada' } });
      expect(me.headers.get('cache-control')).toBe('private, max-age=60');
      expect(await me.json()).toEqual({ user: 'ada' });
      const otherUser = await fetch(`${base}/me`, { headers: { 'x-user': 'bob' } });
      expect(await otherUser.json()).toEqual({ user: 'bob' });

      expect((await fetch(`${base}/api/cart`)).headers.get('cache-control')).toBe('no-store');
      expect((await fetch(`${base}/api/drafts/1`)).headers.get('cache-control')).toBe('no-store');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('README Hono section', () => {
  it('runs as written: miss, hit, per-route policy and invalidation', async () => {
    const { default: app } = await load<{ default: import('hono').Hono }>(
      'hono-node',
      'hono',
      snippet('hono'),
    );
    const miss = await app.request('http://example.com/api/products/7');
    expect(miss.headers.get('cache-status')).toMatch(/fwd=miss.*stored/);
    expect(miss.headers.get('surrogate-key')).toBe('product:7');
    expect(await miss.json()).toEqual({ id: '7' });
    const hit = await app.request('http://example.com/api/products/7');
    expect(hit.headers.get('cache-status')).toMatch(/; hit; ttl=/);
    const about = await app.request('http://example.com/about');
    expect(about.headers.get('cache-control')).toBe('public, max-age=3600, stale-while-revalidate=86400');
    const write = await app.request('http://example.com/api/products/7', { method: 'POST' });
    expect(write.status).toBe(204);
    const after = await app.request('http://example.com/api/products/7');
    expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
  });
});

describe('packages/express/README.md usage', () => {
  it('runs as written: miss, hit, private per user, no-store, and a write that invalidates', async () => {
    const code = snippet('express-package', 'packages/express/README.md');
    expect(code).toContain('app.listen(3000);');
    const { app } = await load<{ app: import('express').Express }>(
      'express-basic',
      'express-package',
      code.replace('app.listen(3000);', 'export { app };'),
    );
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const miss = await fetch(`${base}/api/products/1`);
      expect(miss.headers.get('cache-status')).toBe('routecache; fwd=miss; ttl=300; stored');
      expect(miss.headers.get('surrogate-key')).toBe('products product:1');
      const hit = await fetch(`${base}/api/products/1`);
      expect(hit.headers.get('cache-status')).toMatch(/^routecache; hit; ttl=\d+$/);
      expect((await fetch(`${base}/api/products/9`)).status).toBe(404);
      const ada = await fetch(`${base}/me`, { headers: { 'x-user-id': 'ada' } });
      expect(ada.headers.get('cache-control')).toBe('private, max-age=60');
      expect(await ada.json()).toEqual({ user: 'ada' });
      expect(await (await fetch(`${base}/me`, { headers: { 'x-user-id': 'bob' } })).json()).toEqual({
        user: 'bob',
      });
      expect((await fetch(`${base}/api/cart`)).headers.get('cache-control')).toBe('no-store');
      const write = await fetch(`${base}/api/products/1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ price: 25 }),
      });
      expect(await write.json()).toMatchObject({ id: '1', price: 25 });
      const after = await fetch(`${base}/api/products/1`);
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(await after.json()).toMatchObject({ price: 25 });
      expect(await (await fetch(`${base}/stats`)).json()).toMatchObject({ hits: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('packages/hono/README.md usage', () => {
  it('runs as written: miss, hit, per-route policy, a write that invalidates, stats', async () => {
    const code = snippet('hono-package', 'packages/hono/README.md');
    const { default: app } = await load<{ default: import('hono').Hono }>(
      'hono-node',
      'hono-package',
      `${code}\nexport default app;\n`,
    );
    const miss = await app.request('http://example.com/api/products/1');
    expect(miss.headers.get('cache-status')).toMatch(/fwd=miss.*stored/);
    expect(miss.headers.get('surrogate-key')).toBe('products product:1');
    expect(await miss.json()).toEqual({ id: '1', name: 'Lamp', price: 30 });
    expect((await app.request('http://example.com/api/products/1')).headers.get('cache-status')).toMatch(
      /; hit; ttl=/,
    );
    expect((await app.request('http://example.com/about')).headers.get('cache-control')).toBe(
      'public, max-age=3600',
    );
    const write = await app.request('http://example.com/api/products/1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: 25 }),
    });
    expect(write.status).toBe(204);
    const after = await app.request('http://example.com/api/products/1');
    expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(await after.json()).toMatchObject({ price: 25 });
    expect(await (await app.request('http://example.com/stats')).json()).toMatchObject({ hits: 1 });
  });
});

describe('README Hono section in workerd', () => {
  it('runs as written inside a real workerd: miss, hit, invalidation', async () => {
    const worker = await startWorkerd(place('hono-node', 'hono-worker', snippet('hono')));
    try {
      const miss = await worker.fetch('http://example.com/api/products/7');
      expect(miss.headers.get('cache-status')).toMatch(/fwd=miss.*stored/);
      expect(await miss.json()).toEqual({ id: '7' });
      const hit = await worker.fetch('http://example.com/api/products/7');
      expect(hit.headers.get('cache-status')).toMatch(/; hit; ttl=/);
      expect((await worker.fetch('http://example.com/api/products/7', { method: 'POST' })).status).toBe(204);
      const after = await worker.fetch('http://example.com/api/products/7');
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
    } finally {
      await worker.dispose();
    }
  }, 30_000);
});

/** What the README leaves to the reader's main.ts: starting the app on either platform. */
const NEST_BOOTSTRAP = `
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
export function bootstrap(platform: string) {
  return platform === 'fastify'
    ? NestFactory.create(AppModule, new FastifyAdapter(), { logger: false })
    : NestFactory.create(AppModule, { logger: false });
}
`;

interface NestApp {
  listen(port: number, host: string): Promise<unknown>;
  getUrl(): Promise<string>;
  close(): Promise<void>;
}

describe.each(['express', 'fastify'] as const)('packages/nestjs/README.md usage on %s', (platform) => {
  it('runs as written: miss, hit, a write that invalidates through RouteCacheService', async () => {
    const { bootstrap } = await load<{ bootstrap: (platform: string) => Promise<NestApp> }>(
      'nestjs-basic',
      `nest-package-${platform}`,
      `import 'reflect-metadata';\n${snippet('nestjs-package', 'packages/nestjs/README.md')}\n${NEST_BOOTSTRAP}`,
      'src',
    );
    const app = await bootstrap(platform);
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    try {
      const miss = await fetch(`${base}/api/products/1`);
      expect(miss.headers.get('cache-control')).toBe(
        'public, max-age=60, s-maxage=300, stale-while-revalidate=30',
      );
      expect(miss.headers.get('surrogate-key')).toBe('product:1');
      expect(miss.headers.get('cache-status')).toMatch(/fwd=miss; ttl=300; stored/);
      expect(await miss.json()).toEqual({ id: '1', price: 30 });
      expect((await fetch(`${base}/api/products/1`)).headers.get('cache-status')).toMatch(/; hit; ttl=/);
      const write = await fetch(`${base}/api/products/1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ price: 25 }),
      });
      expect(write.status).toBe(200);
      const after = await fetch(`${base}/api/products/1`);
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(await after.json()).toEqual({ id: '1', price: 25 });
    } finally {
      await app.close();
    }
  }, 30_000);
});

describe.each(['express', 'fastify'] as const)('README NestJS section on %s', (platform) => {
  it('runs as written: miss, hit, invalidation through RouteCacheService', async () => {
    // In examples/nestjs-basic/src so the example's tsconfig (decorator metadata) and dependencies apply.
    const { bootstrap } = await load<{ bootstrap: (platform: string) => Promise<NestApp> }>(
      'nestjs-basic',
      `nest-${platform}`,
      `import 'reflect-metadata';\n${snippet('nestjs')}\n${NEST_BOOTSTRAP}`,
      'src',
    );
    const app = await bootstrap(platform);
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    try {
      const miss = await fetch(`${base}/api/products/3`);
      expect(miss.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=300, stale-if-error=3600');
      expect(miss.headers.get('surrogate-key')).toBe('products product:3');
      expect(miss.headers.get('cache-status')).toMatch(/fwd=miss; ttl=300; stored/);
      expect(await miss.json()).toEqual({ id: '3' });
      const hit = await fetch(`${base}/api/products/3`);
      expect(hit.headers.get('cache-status')).toMatch(/; hit; ttl=/);
      expect((await fetch(`${base}/api/products/3`, { method: 'POST' })).status).toBe(201);
      const after = await fetch(`${base}/api/products/3`);
      expect(after.headers.get('cache-status')).toMatch(/fwd=miss/);
    } finally {
      await app.close();
    }
  }, 30_000);
});
