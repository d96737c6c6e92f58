/** The demo as a user runs it: the app behind a real varnishd with the shipped VCL. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../test-support/redis-servers';
import { startVarnish, type VarnishServer } from '../../../test-support/varnish-server';
import { createApp, type VarnishDemo } from './app.ts';

describe('express-varnish demo', () => {
  let varnish: VarnishServer;
  let server: Server;
  let demo: VarnishDemo;
  beforeAll(async () => {
    const port = await findFreePort();
    demo = createApp({ varnishUrl: `http://127.0.0.1:${port}` });
    server = await new Promise<Server>((resolve) => {
      const listening = demo.app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    varnish = await startVarnish({ backendPort: (server.address() as AddressInfo).port, port });
  });
  afterAll(async () => {
    await varnish?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await demo?.rc.cache.close();
  });

  it('a hit in Varnish, then the write purges it and the next request gets the new price', async () => {
    const product = () => fetch(`${varnish.url}/api/products/1`);
    const ids = (response: Response) => (response.headers.get('x-varnish') ?? '').split(' ').length;
    expect(ids(await product())).toBe(1);
    const hit = await product();
    expect(ids(hit)).toBe(2);
    expect(await hit.json()).toMatchObject({ price: 30 });
    const write = await fetch(`${varnish.url}/api/products/1/price`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"price":99}',
    });
    expect(await write.json()).toMatchObject({ price: 99, purged: true });
    const after = await product();
    expect(ids(after)).toBe(1);
    expect(await after.json()).toMatchObject({ price: 99 });
    expect(demo.rc.stats().cdn?.varnish).toMatchObject({ failed: 0 });
  });
});
