import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll } from 'vitest';
import { adversarialSuite } from '../../../test-support/adversarial-suite';
import { createAdversarialApp } from './fixtures/adversarial-app';

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
