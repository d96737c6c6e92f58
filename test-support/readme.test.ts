/**
 * The README's Express and Hono code, run as written: each block fenced as
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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function snippet(name: string): string {
  const match = new RegExp(`\`\`\`ts readme-test=${name}\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!match?.[1]) throw new Error(`README.md has no "ts readme-test=${name}" block`);
  return match[1];
}

/** Writes the snippet into `examples/<pkg>/.readme-snippets/` and imports it. */
async function load<T>(pkg: string, name: string, code: string): Promise<T> {
  const dir = join(ROOT, 'examples', pkg, '.readme-snippets');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code);
  return (await import(/* @vite-ignore */ file)) as T;
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
