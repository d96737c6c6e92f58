import { afterEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { prepareOriginRequest } from './origin-request';

describe.each(EXPRESS_VERSIONS)('prepareOriginRequest ($name)', ({ express }) => {
  let server: Running | undefined;
  afterEach(() => server?.close());

  async function start(url: (originalUrl: string) => string, mount = '/') {
    const app = express();
    const router = express.Router();
    app.use(mount, (req, res, next) => {
      prepareOriginRequest(req, res, url(req.originalUrl));
      next();
    });
    router.get('/page', (req, res) =>
      res.json({
        url: req.url,
        originalUrl: req.originalUrl,
        query: req.query,
        inm: req.headers['if-none-match'],
      }),
    );
    router.put('/page', (req, res) => res.json({ inm: req.headers['if-none-match'] }));
    router.get('/file', (_req, res) => res.sendFile('package.json', { root: `${import.meta.dirname}/..` }));
    app.use(mount, router);
    server = await listen(app);
  }

  it('shows the handler only the query the engine keyed on, in url, originalUrl and query', async () => {
    await start((url) => url.replace(/[?&]utm_source=[^&]*/, '').replace('/page&', '/page?'));
    const body = await (await server!.fetch('/page?utm_source=x&id=7')).json();
    expect(body).toEqual({ url: '/page?id=7', originalUrl: '/page?id=7', query: { id: '7' } });
  });

  it('rewrites the query of a router mounted on a path, keeping its relative url', async () => {
    await start(() => '/shop/page', '/shop');
    const body = await (await server!.fetch('/shop/page?utm_source=x')).json();
    expect(body).toEqual({ url: '/page', originalUrl: '/shop/page', query: {} });
  });

  it('hides the client validators so Express answers the full 200, without its own ETag', async () => {
    await start((url) => url);
    const response = await server!.fetch('/page', {
      headers: { 'if-none-match': '*', 'if-modified-since': new Date().toUTCString() },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    expect(((await response.json()) as { inm?: string }).inm).toBeUndefined();
  });

  it('leaves the preconditions of an unsafe request to the handler (If-None-Match: * on PUT)', async () => {
    await start((url) => url);
    const response = await server!.fetch('/page', { method: 'PUT', headers: { 'if-none-match': '*' } });
    expect(await response.json()).toEqual({ inm: '*' });
  });

  it('keeps res.sendFile from answering 304 or adding its own ETag', async () => {
    await start((url) => url);
    const first = await fetch(`${server!.url}/file`);
    expect(first.headers.get('etag')).toBeNull();
    const lastModified = first.headers.get('last-modified')!;
    const second = await server!.fetch('/file', { headers: { 'if-modified-since': lastModified } });
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('@routecache/express');
  });

  it('leaves Express computing ETags on requests it did not prepare', async () => {
    const app = express();
    app.get('/page', (_req, res) => res.send('plain'));
    server = await listen(app);
    expect((await server.fetch('/page')).headers.get('etag')).toMatch(/^W\//);
  });
});
