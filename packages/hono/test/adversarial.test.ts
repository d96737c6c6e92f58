import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { adversarialSuite } from '../../../test-support/adversarial-suite';
import { createAdversarialApp } from './fixtures/adversarial-app';
import { serveWorkerd } from './support/workerd';

let server: ServerType;
let base = '';

beforeAll(async () => {
  const app = createAdversarialApp();
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

adversarialSuite('Hono (@hono/node-server)', () => base);

describe('in workerd (miniflare on a loopback port)', () => {
  // Requests cross a process boundary; on 2 shared cores they can be slow.
  vi.setConfig({ testTimeout: 30_000 });
  let worker: { url: string; dispose(): Promise<void> } | undefined;

  beforeAll(async () => {
    worker = await serveWorkerd('test/fixtures/adversarial-worker.ts');
  }, 30_000);
  afterAll(() => worker?.dispose());

  adversarialSuite('Hono (workerd)', () => worker!.url);
});
