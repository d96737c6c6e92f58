import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  request,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProxy, type ProxyOptions } from './create-proxy';

/** What a test upstream saw of one request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];

async function listen(listener: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(listener);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An upstream on loopback answering with `respond`, recording every request. */
async function upstream(
  respond: (seen: Seen, n: number, res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const { url, server } = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      respond(entry, seen.length, res);
    });
  });
  return { url, seen, server };
}

/** A proxy in front of `target` on loopback, with a controllable clock. */
async function proxyTo(target: string, options: Omit<ProxyOptions, 'upstream' | 'clock'> = {}) {
  let now = Date.parse('2026-12-02T12:00:00Z');
  const proxy = createProxy({ upstream: target, clock: () => now, ...options });
  const { url } = await listen(proxy.listener);
  return { url, proxy, advance: (ms: number) => (now += ms) };
}

/** A raw request (node:http: fetch would hide hop-by-hop fields). */
function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('createProxy', () => {
  describe('when the upstream answers public, max-age=60', () => {
    it('stores the answer and serves the next request from the cache, with Age and Cache-Status', async () => {
      const up = await upstream((_seen, n, res) => {
        res.writeHead(200, { 'cache-control': 'public, max-age=60', 'content-type': 'text/plain' });
        res.end(`body ${n}`);
      });
      const { url, advance } = await proxyTo(up.url);
      const first = await send(`${url}/a`);
      advance(10_000);
      const second = await send(`${url}/a`);
      expect(first.body).toBe('body 1');
      expect(second.body).toBe('body 1');
      expect(second.headers.age).toBe('10');
      expect(second.headers['cache-status']).toBe('routecache; hit; ttl=50');
      expect(up.seen).toHaveLength(1);
    });
  });

  it('removes hop-by-hop fields, those named in Connection included, both ways (RFC 9110 §7.6.1)', async () => {
    const up = await upstream((_seen, _n, res) => {
      res.setHeader('connection', 'x-hop');
      res.setHeader('x-hop', 'secret');
      res.setHeader('x-kept', 'yes');
      res.end('ok');
    });
    const { url } = await proxyTo(up.url);
    const answer = await send(`${url}/h`, {
      headers: { connection: 'x-client-hop', 'x-client-hop': '1', te: 'trailers', 'x-end': '2' },
    });
    expect(answer.headers['x-hop']).toBeUndefined();
    expect(answer.headers['x-kept']).toBe('yes');
    const forwarded = up.seen[0]!.headers;
    expect(forwarded['x-client-hop']).toBeUndefined();
    expect(forwarded.te).toBeUndefined();
    expect(forwarded['x-end']).toBe('2');
  });

  it('adds Via both ways and X-Forwarded-* upstream', async () => {
    const up = await upstream((_seen, _n, res) => res.end('ok'));
    const { url } = await proxyTo(up.url);
    const answer = await send(`${url}/v`);
    expect(answer.headers.via).toBe('1.1 routecache');
    expect(up.seen[0]!.headers.via).toBe('1.1 routecache');
    expect(up.seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(up.seen[0]!.headers['x-forwarded-proto']).toBe('http');
  });

  it('validates a stale entry with the upstream and answers from it on a 304 (RFC 9111 §4.3)', async () => {
    const up = await upstream((seen, n, res) => {
      if (seen.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=60', 'x-version': 'b' });
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=1', 'x-version': 'a' });
      res.end(`body ${n}`);
    });
    const { url, advance } = await proxyTo(up.url);
    await send(`${url}/e`);
    advance(2000);
    const validated = await send(`${url}/e`);
    expect(validated.status).toBe(200);
    expect(validated.body).toBe('body 1');
    expect(validated.headers['x-version']).toBe('b');
    expect(validated.headers['cache-status']).toMatch(/fwd=stale; fwd-status=304/);
    expect(up.seen.map((s) => s.headers['if-none-match'])).toEqual([undefined, '"v1"']);
  });

  it("answers the client's own If-None-Match itself, without passing it upstream", async () => {
    const up = await upstream((_seen, _n, res) => {
      res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=60' });
      res.end('body');
    });
    const { url } = await proxyTo(up.url);
    const answer = await send(`${url}/c`, { headers: { 'if-none-match': '"v1"' } });
    expect(answer.status).toBe(304);
    expect(up.seen[0]!.headers['if-none-match']).toBeUndefined();
  });

  it('streams a request body upstream for POST, and the POST invalidates the stored GET (§4.4)', async () => {
    const up = await upstream((seen, n, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(seen.method === 'POST' ? `echo ${seen.body}` : `body ${n}`);
    });
    const { url } = await proxyTo(up.url);
    await send(`${url}/r`);
    const posted = await send(`${url}/r`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(posted.body).toBe('echo hello');
    expect((await send(`${url}/r`)).body).toBe('body 3');
  });

  it('answers HEAD from the stored GET, with its Content-Length and no body', async () => {
    const up = await upstream((_seen, _n, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('0123456789');
    });
    const { url } = await proxyTo(up.url);
    await send(`${url}/head`);
    const head = await send(`${url}/head`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe('10');
    expect(up.seen).toHaveLength(1);
  });

  it('streams an answer larger than maxBodyBytes through, intact, without storing it', async () => {
    const big = 'x'.repeat(64 * 1024);
    const up = await upstream((_seen, _n, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.write(big.slice(0, 1000));
      res.end(big.slice(1000));
    });
    const { url } = await proxyTo(up.url, { maxBodyBytes: 1024 });
    expect((await send(`${url}/big`)).body).toBe(big);
    expect((await send(`${url}/big`)).body).toBe(big);
    expect(up.seen).toHaveLength(2);
  });

  it('answers 502 when the upstream refuses the connection, and keeps serving', async () => {
    const gone = await listen(() => {});
    const target = gone.url;
    gone.server.close();
    const { url } = await proxyTo(target);
    const answer = await send(`${url}/down`);
    expect(answer.status).toBe(502);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect((await send(`${url}/down`)).status).toBe(502);
  });

  it('answers 504 when the upstream does not answer within timeoutMs', async () => {
    const silent = await listen(() => {});
    const { url } = await proxyTo(silent.url, { timeoutMs: 100 });
    expect((await send(`${url}/slow`)).status).toBe(504);
  });

  it('serves a stale entry while the upstream cannot be reached (RFC 9111 §4.2.4)', async () => {
    const up = await upstream((_seen, n, res) => {
      if (n > 1) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=1' });
      res.end('body 1');
    });
    const { url, advance } = await proxyTo(up.url);
    await send(`${url}/s`);
    advance(5000);
    const stale = await send(`${url}/s`);
    expect(stale.status).toBe(200);
    expect(stale.body).toBe('body 1');
  });

  it('serves stale within stale-while-revalidate and refreshes in the background, without the preconditions', async () => {
    const up = await upstream((_seen, n, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=60' });
      res.end(`body ${n}`);
    });
    const { url, advance } = await proxyTo(up.url);
    await send(`${url}/swr`);
    advance(2000);
    const stale = await send(`${url}/swr`, { headers: { range: 'bytes=0-1', 'if-match': '"x"' } });
    expect(stale.body).toBe('body 1');
    await vi.waitFor(() => expect(up.seen).toHaveLength(2));
    expect(up.seen[1]!.headers.range).toBeUndefined();
    expect(up.seen[1]!.headers['if-match']).toBeUndefined();
    await vi.waitFor(async () => expect((await send(`${url}/swr`)).body).toBe('body 2'));
  });

  it('obeys Surrogate-Control targeted at it and advertises Surrogate-Capability', async () => {
    const up = await upstream((_seen, n, res) => {
      res.writeHead(200, { 'cache-control': 'no-store', 'surrogate-control': 'max-age=60;routecache' });
      res.end(`body ${n}`);
    });
    const { url } = await proxyTo(up.url);
    await send(`${url}/sc`);
    expect((await send(`${url}/sc`)).body).toBe('body 1');
    expect(up.seen[0]!.headers['surrogate-capability']).toBe('routecache="Surrogate/1.0"');
  });

  it('rejects an upstream that is not an http(s) URL, naming the option', () => {
    expect(() => createProxy({ upstream: 'ftp://example.com' })).toThrow(/createProxy\.upstream/);
    expect(() => createProxy({ upstream: 'not a url' })).toThrow(/createProxy\.upstream/);
    expect(() => createProxy({ upstream: 'http://x', timeoutMs: 0 })).toThrow(/createProxy\.timeoutMs/);
  });
});
