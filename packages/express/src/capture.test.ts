import { Readable } from 'node:stream';
import type { OriginContext, OriginResponse } from '@routecache/core';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { captureResponse } from './capture';
import { sendAnswer } from './send-answer';

const decoder = new TextDecoder();

describe.each(EXPRESS_VERSIONS)('captureResponse ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  /** An app whose first middleware captures the rest of the chain and sends the result back marked. */
  async function start(
    route: (app: ReturnType<typeof express>) => void,
    options: { maxBodyBytes?: number; streamTimeoutMs?: number } = {},
  ): Promise<{ results: Promise<OriginResponse>[] }> {
    const app = express();
    const results: Promise<OriginResponse>[] = [];
    app.use((_req, res, next) => {
      const ctx: OriginContext = {
        request: { method: _req.method, host: 'localhost', url: _req.originalUrl, headers: () => undefined },
        url: _req.originalUrl,
        maxBodyBytes: options.maxBodyBytes ?? 1024,
        finalizeHeaders: (_status, headers) => ({ ...headers, 'x-finalized': 'yes' }),
        background: false,
      };
      const capture = captureResponse(res, ctx, options.streamTimeoutMs ?? 1000);
      results.push(capture.result);
      capture.result.then(
        ({ status, headers, body }) => {
          if (body === null) return;
          const answer = { status, headers: { ...headers, 'x-captured': 'yes' }, body, sent: false };
          sendAnswer(res, answer, capture.writer);
        },
        () => {},
      );
      next();
    });
    route(app);
    server = await listen(app);
    return { results };
  }

  it('buffers res.send and sends nothing until the capture is answered', async () => {
    const { results } = await start((app) =>
      app.get('/', (_req, res) => res.set('x-handler', '1').send('hello')),
    );
    const response = await server!.fetch('/');
    expect(await response.text()).toBe('hello');
    expect(response.headers.get('x-captured')).toBe('yes');
    const captured = await results[0]!;
    expect(captured.status).toBe(200);
    expect(decoder.decode(captured.body!)).toBe('hello');
    expect(captured.headers['x-handler']).toBe('1');
    expect(captured.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('captures res.json with its status', async () => {
    const { results } = await start((app) => app.get('/', (_req, res) => res.status(201).json({ a: 1 })));
    const response = await server!.fetch('/');
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ a: 1 });
    expect((await results[0]!).status).toBe(201);
  });

  it('captures res.end with a Buffer and writeHead headers', async () => {
    const { results } = await start((app) =>
      app.get('/', (_req, res) => {
        res.writeHead(203, 'Custom', { 'X-Head': 'h' });
        res.end(Buffer.from('raw'));
      }),
    );
    const response = await server!.fetch('/');
    expect(response.status).toBe(203);
    expect(response.headers.get('x-head')).toBe('h');
    expect(decoder.decode((await results[0]!).body!)).toBe('raw');
  });

  it('captures res.write chunks followed by end', async () => {
    const { results } = await start((app) =>
      app.get('/', (_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.write('a');
        res.write(Buffer.from('b'));
        res.write(new Uint8Array([99]));
        res.end('d', 'utf8');
      }),
    );
    expect(await (await server!.fetch('/')).text()).toBe('abcd');
    expect(decoder.decode((await results[0]!).body!)).toBe('abcd');
  });

  it('captures a stream piped into the response', async () => {
    const { results } = await start((app) =>
      app.get('/', (_req, res) => {
        res.type('text');
        Readable.from(['x', 'y', 'z']).pipe(res);
      }),
    );
    expect(await (await server!.fetch('/')).text()).toBe('xyz');
    expect(decoder.decode((await results[0]!).body!)).toBe('xyz');
  });

  it('captures res.sendFile', async () => {
    const { results } = await start(
      (app) =>
        app.get('/', (_req, res) => res.sendFile('package.json', { root: `${import.meta.dirname}/..` })),
      { maxBodyBytes: 64 * 1024 },
    );
    const response = await server!.fetch('/');
    const text = await response.text();
    expect(text).toContain('@routecache/express');
    expect(decoder.decode((await results[0]!).body!)).toBe(text);
  });

  it('captures a redirect', async () => {
    const { results } = await start((app) => app.get('/', (_req, res) => res.redirect(301, '/elsewhere')));
    const response = await server!.fetch('/', { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/elsewhere');
    expect((await results[0]!).headers.location).toBe('/elsewhere');
  });

  it('keeps headers set before the capture out of the captured response, but still sends them', async () => {
    const app = (a: ReturnType<typeof express>) =>
      a.get('/', (_req, res) => {
        res.setHeader('x-early', 'changed');
        res.send('ok');
      });
    const { results } = await start(app);
    const response = await server!.fetch('/');
    expect(response.headers.get('x-powered-by')).toBe('Express');
    expect(response.headers.get('x-early')).toBe('changed');
    const captured = await results[0]!;
    expect(captured.headers['x-powered-by']).toBeUndefined();
    expect(captured.headers['x-early']).toBe('changed');
  });

  it('streams a body over maxBodyBytes through with the finalized headers and resolves body null', async () => {
    const big = 'x'.repeat(100);
    const { results } = await start(
      (app) =>
        app.get('/', (_req, res) => {
          res.type('text');
          res.write(big.slice(0, 10));
          res.write(big.slice(10, 60));
          res.end(big.slice(60));
        }),
      { maxBodyBytes: 50 },
    );
    const response = await server!.fetch('/');
    expect(await response.text()).toBe(big);
    expect(response.headers.get('x-finalized')).toBe('yes');
    expect(response.headers.get('x-captured')).toBeNull();
    expect((await results[0]!).body).toBeNull();
  });

  it('streams a large res.send through in one piece', async () => {
    const big = 'y'.repeat(5000);
    const { results } = await start((app) => app.get('/', (_req, res) => res.send(big)), {
      maxBodyBytes: 100,
    });
    const response = await server!.fetch('/');
    expect(await response.text()).toBe(big);
    expect(response.headers.get('content-length')).toBe('5000');
    expect((await results[0]!).body).toBeNull();
  });

  it('passes Server-Sent Events through at once', async () => {
    const { results } = await start((app) =>
      app.get('/', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        const timer = setInterval(() => res.write('data: more\n\n'), 5);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const response = await server!.fetch('/');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(decoder.decode(first.value)).toContain('data: 1');
    await reader.cancel();
    expect(response.headers.get('x-finalized')).toBe('yes');
    expect((await results[0]!).body).toBeNull();
  });

  it('passes a response through when the handler flushes its headers', async () => {
    const { results } = await start((app) =>
      app.get('/', (_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.flushHeaders();
        setTimeout(() => res.end('late'), 10);
      }),
    );
    const response = await server!.fetch('/');
    expect(response.headers.get('x-finalized')).toBe('yes');
    expect(await response.text()).toBe('late');
    expect((await results[0]!).body).toBeNull();
  });

  it('passes a response through once it has streamed for longer than the stream timeout', async () => {
    const { results } = await start(
      (app) =>
        app.get('/', (_req, res) => {
          res.type('text');
          res.write('start-');
          setTimeout(() => res.end('end'), 100);
        }),
      { streamTimeoutMs: 10 },
    );
    const response = await server!.fetch('/');
    expect(response.headers.get('x-finalized')).toBe('yes');
    expect(await response.text()).toBe('start-end');
    expect((await results[0]!).body).toBeNull();
  });

  it('rejects when the client goes away before the handler ends', async () => {
    const { results } = await start((app) => app.get('/', () => {}));
    const controller = new AbortController();
    const request = server!.fetch('/', { signal: controller.signal }).catch(() => undefined);
    await expect.poll(() => results.length).toBe(1);
    controller.abort();
    await request;
    await expect(results[0]!).rejects.toThrow(/closed/);
  });
});
