import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { behaviourSuite, httpFetch } from '../../../test-support/behaviour-suite';
import { fidelitySuite } from '../../../test-support/fidelity-suite';
import { createFixture } from '../test/fixtures/app';
import { createStreamApp, STREAM_ROUTES } from '../test/fixtures/stream-routes';
import { routeCache } from './route-cache';

/** Serves `fetch` with @hono/node-server on a free loopback port. */
async function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}` });
    });
  });
}

/** A raw HTTP/1.1 request over loopback (fetch cannot send a GET with a body). */
function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function close(server: ServerType | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

describe('over HTTP with @hono/node-server', () => {
  let withCtx: { server: ServerType; base: string } | undefined;
  let plain: { server: ServerType; base: string } | undefined;

  beforeAll(async () => {
    const tracked = createFixture();
    withCtx = await listen((request, env) => tracked.fetch(request, env));
    // The plain app.fetch, as most Node apps serve it: no execution context at all.
    plain = await listen(createFixture().app.fetch);
  });

  afterAll(async () => {
    await close(withCtx?.server);
    await close(plain?.server);
  });

  behaviourSuite('Node (@hono/node-server, real fetch)', () => httpFetch(() => withCtx!.base));

  // Without an execution context the background refresh still runs (the cache tracks it).
  behaviourSuite('Node (@hono/node-server, plain app.fetch without an execution context)', () =>
    httpFetch(() => plain!.base),
  );

  describe('a header a middleware before the cache sets on c.req.raw', () => {
    it('is keyed as the handler sees it (vary), not as the client sent it', async () => {
      const app = new Hono();
      const rc = routeCache();
      app.use('*', async (c, next) => {
        // A tenant resolved from the request (here a client header), handed on as a header.
        c.req.raw.headers.set('x-tenant', c.req.header('x-client') === 'acme' ? 'acme' : 'public');
        await next();
      });
      let runs = 0;
      app.get('/tenant', rc.policy({ maxAge: 60, vary: ['x-tenant'] }), (c) =>
        c.text(`tenant ${c.req.header('x-tenant')} run ${++runs}`),
      );
      const server = await listen(app.fetch);
      try {
        const acme = { headers: { 'x-client': 'acme' } };
        expect(await (await fetch(`${server.base}/tenant`, acme)).text()).toBe('tenant acme run 1');
        expect(await (await fetch(`${server.base}/tenant`)).text()).toBe('tenant public run 2');
        expect(await (await fetch(`${server.base}/tenant`, acme)).text()).toBe('tenant acme run 1');
      } finally {
        await close(server.server);
      }
    });
  });

  describe('headers a middleware before the cache changes in place on c.req.raw.headers', () => {
    /** An app whose middleware turns a session cookie into the Authorization the handler reads. */
    function sessionApp(): Hono {
      const app = new Hono();
      const rc = routeCache();
      app.use('*', async (c, next) => {
        if (c.req.header('cookie') === 'session=alice')
          c.req.raw.headers.set('authorization', 'Bearer alice');
        const forwarded = c.req.header('x-client-host');
        if (forwarded) c.req.raw.headers.set('x-forwarded-host', forwarded);
        await next();
      });
      app.get('/me', rc.policy({ maxAge: 60 }), (c) =>
        c.text(`me: ${c.req.header('authorization') ?? 'anonymous'}`),
      );
      app.get('/link', rc.policy({ maxAge: 60 }), (c) =>
        c.text(`https://${c.req.header('x-forwarded-host') ?? 'origin.example'}/next`),
      );
      return app;
    }

    it('an Authorization set for the handler keeps its answer out of the shared entry', async () => {
      const server = await listen(sessionApp().fetch);
      try {
        const anonymous = await fetch(`${server.base}/me`);
        expect(await anonymous.text()).toBe('me: anonymous');
        expect((await fetch(`${server.base}/me`)).headers.get('cache-status')).toMatch(/hit/);
        const alice = await fetch(`${server.base}/me`, { headers: { cookie: 'session=alice' } });
        expect(await alice.text()).toBe('me: Bearer alice');
        expect(alice.headers.get('cache-status')).toMatch(/fwd=request; detail=authorization/);
        expect(alice.headers.get('cache-control')).toMatch(/private/);
        expect(await (await fetch(`${server.base}/me`)).text()).toBe('me: anonymous');
      } finally {
        await close(server.server);
      }
    });

    it('a forwarding header set for the handler is keyed as the handler reads it', async () => {
      const server = await listen(sessionApp().fetch);
      try {
        expect(await (await fetch(`${server.base}/link`)).text()).toBe('https://origin.example/next');
        const evil = await fetch(`${server.base}/link`, { headers: { 'x-client-host': 'evil.example' } });
        expect(await evil.text()).toBe('https://evil.example/next');
        // Neither answer reaches the other's visitors.
        expect(await (await fetch(`${server.base}/link`)).text()).toBe('https://origin.example/next');
        const again = await fetch(`${server.base}/link`, { headers: { 'x-client-host': 'evil.example' } });
        expect(again.headers.get('cache-status')).toMatch(/hit/);
        expect(await again.text()).toBe('https://evil.example/next');
      } finally {
        await close(server.server);
      }
    });
  });

  describe('a GET request carrying a body', () => {
    it('is answered by the handler, never from the cache (the body is only seen in its headers)', async () => {
      const url = `${plain!.base}/text/get-with-body`;
      const filled = await rawRequest(url, { method: 'GET' });
      expect(filled.headers['cache-status']).toMatch(/fwd=miss/);
      const withBody = await rawRequest(url, {
        method: 'GET',
        headers: { 'content-type': 'text/plain', 'content-length': '7' },
        body: 'payload',
      });
      expect(withBody.status).toBe(200);
      expect(withBody.headers['cache-status']).toMatch(/fwd=request; detail=request-body/);
      expect(withBody.body).not.toBe(filled.body);
    });
  });
});

describe('a streamed body over HTTP with @hono/node-server', () => {
  let served: { server: ServerType; base: string } | undefined;

  beforeAll(async () => {
    served = await listen(createStreamApp().fetch);
  });
  afterAll(() => close(served?.server));

  for (const name of STREAM_ROUTES) {
    it(`keeps the Content-Type the server gives the route uncached (${name}), on the miss and the hit`, async () => {
      const uncached = await fetch(`${served!.base}/u/${name}`);
      const body = await uncached.text();
      expect(uncached.headers.get('content-type')).toBe(
        name === 'typed' ? 'text/csv' : 'text/plain; charset=UTF-8',
      );
      for (const _ of [1, 2]) {
        const cached = await fetch(`${served!.base}/c/${name}`);
        expect(await cached.text()).toBe(body);
        expect(cached.headers.get('content-type')).toBe(uncached.headers.get('content-type'));
      }
    });
  }
});

describe('over HTTP with @hono/node-server, with and without the cache', () => {
  let cached: { server: ServerType; base: string } | undefined;
  let uncached: { server: ServerType; base: string } | undefined;

  beforeAll(async () => {
    cached = await listen(createFixture().fetch);
    uncached = await listen(createFixture({ cacheless: true }).fetch);
  });
  afterAll(async () => {
    await close(cached?.server);
    await close(uncached?.server);
  });

  fidelitySuite(
    'Node (@hono/node-server, real fetch)',
    () => httpFetch(() => cached!.base),
    () => httpFetch(() => uncached!.base),
  );
});
