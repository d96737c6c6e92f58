import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running, rawRequest } from '../test/harness';
import { routeCache } from './route-cache';

/** Request headers an attacker may send to poison a shared entry; none of them is in the key. */
const UNKEYED_HEADERS: Record<string, string> = {
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'gopher',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-port': '6666',
  'x-forwarded-prefix': '/evil',
  forwarded: 'for=6.6.6.6;host=evil.example;proto=gopher',
  'x-original-url': '/admin',
  'x-rewrite-url': '/admin',
  'x-http-method-override': 'DELETE',
  'x-host': 'evil.example',
};

describe.each(EXPRESS_VERSIONS)('routeCache bad input ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  async function start(setup?: (app: ReturnType<typeof express>) => void) {
    const rc = routeCache();
    const app = express();
    setup?.(app);
    let calls = 0;
    const count = () => ++calls;
    // What a handler derives from the request through Express's own API.
    app.get('/echo', rc.policy({ maxAge: 60 }), (req, res) => {
      count();
      res.json({
        host: req.hostname,
        protocol: req.protocol,
        ip: req.ip,
        method: req.method,
        url: req.originalUrl,
        query: req.query,
      });
    });
    app.get('/cookie', rc.policy({ maxAge: 60 }), (_req, res) => {
      count();
      res.cookie('session', 'abc').send('with cookie');
    });
    app.get('/vary-star', rc.policy({ maxAge: 60 }), (_req, res) => {
      count();
      res.set('Vary', '*').send('varies on everything');
    });
    app.get(
      '/me',
      rc.policy({ scope: 'private', maxAge: 60, identify: (r) => r.headers('x-user') }),
      (req, res) => {
        count();
        res.send(`hello ${req.get('x-user') ?? 'stranger'}`);
      },
    );
    app.get('/body', rc.policy({ maxAge: 60 }), (req, res) => {
      count();
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => res.send(`got "${body}"`));
    });
    server = await listen(app);
    return { rc, calls: () => calls };
  }

  it('never serves a shared entry to a request with Authorization, nor stores its answer', async () => {
    const { calls } = await start();
    await server!.fetch('/echo');
    const auth = await server!.fetch('/echo', { headers: { authorization: 'Bearer secret' } });
    expect(auth.headers.get('cache-status')).toMatch(/fwd=request/);
    expect(auth.headers.get('cache-control')).toMatch(/^private/);
    expect(calls()).toBe(2);
    const anonymous = await server!.fetch('/echo');
    expect(anonymous.headers.get('cache-status')).toMatch(/hit/);
    expect(calls()).toBe(2);
  });

  it('never stores a response with Set-Cookie, and keeps it out of shared caches', async () => {
    const { calls } = await start();
    for (let i = 0; i < 2; i++) {
      const response = await server!.fetch('/cookie');
      expect(response.headers.get('set-cookie')).toMatch(/^session=abc/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('cache-status')).not.toMatch(/stored|hit/);
    }
    expect(calls()).toBe(2);
  });

  it('never stores a response with Vary: *', async () => {
    const { calls } = await start();
    await server!.fetch('/vary-star');
    const second = await server!.fetch('/vary-star');
    expect(second.headers.get('vary')).toBe('*');
    expect(second.headers.get('cache-status')).not.toMatch(/hit|stored/);
    expect(calls()).toBe(2);
  });

  it('keys the override and forwarding headers, so an attacker’s values never reach a clean request', async () => {
    const { calls } = await start();
    const poisoned = await server!.fetch('/echo?id=1', { headers: UNKEYED_HEADERS });
    expect(poisoned.headers.get('cache-status')).toMatch(/stored/);
    const clean = await server!.fetch('/echo?id=1');
    expect(clean.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(await clean.json()).toEqual({
      host: '127.0.0.1',
      protocol: 'http',
      ip: '127.0.0.1',
      method: 'GET',
      url: '/echo?id=1',
      query: { id: '1' },
    });
    expect(calls()).toBe(2);
    // X-Forwarded-For names the client: not keyed, clean requests keep sharing.
    const client = await server!.fetch('/echo?id=1', { headers: { 'x-forwarded-for': '6.6.6.6' } });
    expect(client.headers.get('cache-status')).toMatch(/hit/);
  });

  it('keys by X-Forwarded-Host only when the app trusts its proxy, so a forged host gets its own entry', async () => {
    await start((app) => app.set('trust proxy', true));
    const forged = await server!.fetch('/echo', { headers: { 'x-forwarded-host': 'evil.example' } });
    expect(((await forged.json()) as { host: string }).host).toBe('evil.example');
    const clean = await server!.fetch('/echo');
    expect(clean.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(((await clean.json()) as { host: string }).host).toBe('127.0.0.1');
  });

  it('keys HTTPS apart (X-Forwarded-Proto under trust proxy), so an http-only answer never reaches https', async () => {
    await start((app) => app.set('trust proxy', true));
    const https = await server!.fetch('/echo', { headers: { 'x-forwarded-proto': 'https' } });
    expect(((await https.json()) as { protocol: string }).protocol).toBe('https');
    const http = await server!.fetch('/echo');
    expect(http.headers.get('cache-status')).toMatch(/fwd=miss/);
    expect(((await http.json()) as { protocol: string }).protocol).toBe('http');
    const again = await server!.fetch('/echo', { headers: { 'x-forwarded-proto': 'https' } });
    expect(again.headers.get('cache-status')).toMatch(/hit/);
    expect(((await again.json()) as { protocol: string }).protocol).toBe('https');
  });

  it('drops tracking parameters from the key and hides them from the handler', async () => {
    const { calls } = await start();
    const tracked = await server!.fetch('/echo?utm_source=evil&id=1&fbclid=x');
    expect(await tracked.json()).toMatchObject({ url: '/echo?id=1', query: { id: '1' } });
    const plain = await server!.fetch('/echo?id=1');
    expect(plain.headers.get('cache-status')).toMatch(/hit/);
    expect(await plain.json()).toMatchObject({ url: '/echo?id=1', query: { id: '1' } });
    expect(calls()).toBe(1);
  });

  it('never answers a GET with a body from an entry stored for another body', async () => {
    const { calls } = await start();
    expect((await rawRequest(`${server!.url}/body`)).body.toString()).toBe('got ""');
    const withBody = await rawRequest(`${server!.url}/body`, {
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(withBody.body.toString()).toBe('got "payload"');
    expect(withBody.headers['cache-status']).toMatch(/fwd=request/);
    const chunked = await rawRequest(`${server!.url}/body`, {
      body: 'other',
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(chunked.body.toString()).toBe('got "other"');
    expect(calls()).toBe(3);
    expect((await rawRequest(`${server!.url}/body`)).headers['cache-status']).toMatch(/hit/);
  });

  it('keys a private route by identity and stores nothing without one', async () => {
    const { calls } = await start();
    expect(await (await server!.fetch('/me', { headers: { 'x-user': 'ann' } })).text()).toBe('hello ann');
    const bob = await server!.fetch('/me', { headers: { 'x-user': 'bob' } });
    expect(await bob.text()).toBe('hello bob');
    expect(bob.headers.get('cache-control')).toMatch(/^private/);
    const annAgain = await server!.fetch('/me', { headers: { 'x-user': 'ann' } });
    expect(annAgain.headers.get('cache-status')).toMatch(/hit/);
    expect(await annAgain.text()).toBe('hello ann');
    expect(calls()).toBe(2);
    await server!.fetch('/me');
    const stranger = await server!.fetch('/me');
    expect(await stranger.text()).toBe('hello stranger');
    expect(stranger.headers.get('cache-status')).toMatch(/detail=no-identity/);
    expect(calls()).toBe(4);
  });
});
