import { pipeline, Readable } from 'node:stream';
import type { RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { routeCache } from './route-cache';

const FILE_ROOT = `${import.meta.dirname}/..`;

/** Ways a handler writes its response; each must be stored and replayed byte for byte. */
const VARIANTS: Record<string, RequestHandler> = {
  'res.send': (_req, res) => res.send('<p>sent</p>'),
  'res.json': (_req, res) => res.json({ json: true }),
  'res.end': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('ended');
  },
  'res.write + end': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('chunk 1, ');
    res.write(Buffer.from('chunk 2, '));
    res.end('end');
  },
  'stream.pipe(res)': (_req, res) => {
    res.type('text');
    Readable.from(['piped ', 'stream']).pipe(res);
  },
  'stream.pipeline': (_req, res) => {
    res.type('text');
    pipeline(Readable.from(['through ', 'pipeline']), res, () => {});
  },
  // Without `cacheControl: false`, sendFile writes its own `Cache-Control: public, max-age=0` (below).
  'res.sendFile': (_req, res) => res.sendFile('package.json', { root: FILE_ROOT, cacheControl: false }),
  // res.redirect negotiates its body (Vary: Accept): the route declares it, or nothing is stored.
  'res.redirect (301)': (_req, res) => res.redirect(301, '/elsewhere'),
};

describe.each(EXPRESS_VERSIONS)('body capture through routeCache ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  it.each(Object.entries(VARIANTS))(
    'stores and replays a response written with %s',
    async (_name, handler) => {
      const rc = routeCache();
      const app = express();
      let calls = 0;
      app.get('/r', rc.policy({ maxAge: 60, vary: ['accept'] }), (req, res, next) => {
        calls++;
        handler(req, res, next);
      });
      server = await listen(app);
      const miss = await server.fetch('/r', { redirect: 'manual' });
      const missBody = await miss.text();
      expect(miss.headers.get('cache-status')).toMatch(/stored/);
      const hit = await server.fetch('/r', { redirect: 'manual' });
      expect(hit.headers.get('cache-status')).toMatch(/hit/);
      expect(hit.status).toBe(miss.status);
      expect(await hit.text()).toBe(missBody);
      expect(missBody.length).toBeGreaterThan(0);
      expect(hit.headers.get('content-type')).toBe(miss.headers.get('content-type'));
      expect(hit.headers.get('location')).toBe(miss.headers.get('location'));
      expect(calls).toBe(1);
    },
  );

  it("does not store sendFile's default answer: its own max-age=0 is stricter than the policy", async () => {
    const rc = routeCache();
    const app = express();
    let calls = 0;
    app.get('/f', rc.policy({ maxAge: 60 }), (_req, res) => {
      calls++;
      res.sendFile('package.json', { root: FILE_ROOT });
    });
    server = await listen(app);
    const first = await server.fetch('/f');
    await first.text();
    expect(first.headers.get('cache-control')).toBe('public, max-age=0');
    expect(first.headers.get('cache-status')).not.toMatch(/stored/);
    await (await server.fetch('/f')).text();
    expect(calls).toBe(2);
  });

  it('streams a body over maxBodyBytes through with the policy headers, and never stores it', async () => {
    const rc = routeCache({ maxBodyBytes: 1000 });
    const app = express();
    let calls = 0;
    const big = 'z'.repeat(5000);
    app.get('/big', rc.policy({ maxAge: 60 }), (_req, res) => {
      calls++;
      res.type('text');
      for (let i = 0; i < 5; i++) res.write(big.slice(i * 1000, (i + 1) * 1000));
      res.end();
    });
    server = await listen(app);
    for (let i = 0; i < 2; i++) {
      const response = await server.fetch('/big');
      expect(await response.text()).toBe(big);
      expect(response.headers.get('cache-control')).toBe('public, max-age=60');
      expect(response.headers.get('cache-status')).toMatch(/fwd=miss/);
      expect(response.headers.get('cache-status')).not.toMatch(/stored/);
    }
    expect(calls).toBe(2);
  });

  it('passes Server-Sent Events straight through', async () => {
    const rc = routeCache();
    const app = express();
    app.get('/events', rc.policy({ maxAge: 60 }), (_req, res) => {
      res.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      res.write('data: hello\n\n');
      const timer = setInterval(() => res.write('data: tick\n\n'), 5);
      res.on('close', () => clearInterval(timer));
    });
    server = await listen(app);
    const response = await server.fetch('/events');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: hello');
    await reader.cancel();
    expect(rc.stats().stored).toBe(0);
  });
});
