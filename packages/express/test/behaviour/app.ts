/**
 * The behaviour suite's routes (`test-support/behaviour-cases.ts`) on Express 4 or 5, as an
 * Express app would write them: the `routes` table through `app.use(rc)`, `rc.policy()` per route.
 */

import type express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { BEHAVIOUR_ROUTES } from '../../../../test-support/behaviour-cases';
import { createBehaviourFixture } from '../../../../test-support/behaviour-fixture';
import { routeCache, setResponsePolicy } from '../../src';

/**
 * Builds the fixture app on `expressFactory` (the Express major under test). `cacheless`: the
 * same routes with no cache in front of them (`app.use(rc)` and `rc.policy()` pass through),
 * what a cached route must answer as.
 */
export function createBehaviourApp(
  expressFactory: typeof express,
  options: { cacheless?: boolean } = {},
): Express {
  const fixture = createBehaviourFixture();
  const { run } = fixture;
  const app = expressFactory();
  const cached = routeCache({
    cache: fixture.cache,
    routes: BEHAVIOUR_ROUTES,
  });
  const passThrough = (_req: Request, _res: Response, next: NextFunction): void => next();
  const rc = options.cacheless
    ? Object.assign(passThrough, { policy: () => passThrough, stats: () => cached.stats() })
    : cached;
  app.use('/stampede', (req, _res, next) => {
    fixture.arrive(req.originalUrl.split('?')[0]!);
    next();
  });
  app.use(rc);

  const text = (res: Response, body: string, status = 200): void => {
    res.status(status).type('text/plain').send(body);
  };
  app.get('/api/products/:id', (req, res) => void res.json({ id: req.params.id, run: run(req.path) }));
  app.post('/api/products/:id', (req, res) => text(res, `updated ${req.params.id}`));
  app.get('/table/:name', (req, res) => text(res, `table run ${run(req.path)}`));
  app.get('/precedence', rc.policy({ maxAge: 99, tags: ['own'] }), (req, res) =>
    text(res, `precedence run ${run(req.path)}`),
  );
  app.get('/text/:name', rc.policy({ maxAge: 30, tags: ['text'] }), (req, res) =>
    text(res, `text run ${run(req.path)}`),
  );
  app.get('/head/:name', rc.policy({ maxAge: 30 }), (req, res) => text(res, `head run ${run(req.path)}`));
  app.get('/stable', rc.policy({ maxAge: 30, tags: ['stable'] }), (_req, res) => text(res, 'stable'));
  app.get('/html', rc.policy({ maxAge: 30 }), (req, res) => {
    res.type('html').send(`<p>html run ${run(req.path)}</p>`);
  });
  app.get('/utf8', rc.policy({ maxAge: 30 }), (req, res) =>
    text(res, `caf\u00e9 \u2615 run ${run(req.path)}`),
  );
  app.get('/bytes', rc.policy({ maxAge: 30 }), (req, res) => {
    res.type('application/octet-stream').send(Buffer.from([0, 255, run(req.path)]));
  });
  app.get('/cookie', rc.policy({ maxAge: 30 }), (req, res) => {
    res.setHeader('set-cookie', 'session=abc; HttpOnly');
    text(res, `cookie run ${run(req.path)}`);
  });
  app.get('/vary-star', rc.policy({ maxAge: 30 }), (req, res) => {
    res.setHeader('vary', '*');
    text(res, `vary run ${run(req.path)}`);
  });
  app.get('/validators', rc.policy({ maxAge: 30 }), (req, res) =>
    text(
      res,
      `inm=${req.get('if-none-match') ?? '-'} ims=${req.get('if-modified-since') ?? '-'} run ${run(req.path)}`,
    ),
  );
  app.get('/headers-only', rc.policy({ maxAge: 30, ttl: 0 }), (req, res) =>
    text(res, `headers-only run ${run(req.path)}`),
  );
  app.get('/no-store-policy', rc.policy({ scope: 'no-store' }), (req, res) =>
    text(res, `no-store run ${run(req.path)}`),
  );
  app.get('/own-no-store', rc.policy({ maxAge: 30 }), (req, res) => {
    res.setHeader('cache-control', 'no-store');
    text(res, `own run ${run(req.path)}`);
  });
  app.get('/status/:code', rc.policy({ maxAge: 30 }), (req, res) => {
    const code = Number(req.params.code);
    text(res, `status ${code} run ${run(req.path)}`, code);
  });
  app.get('/negative', rc.policy({ maxAge: 30, negativeTtl: 30 }), (req, res) =>
    text(res, `negative run ${run(req.path)}`, 404),
  );
  app.get(
    '/private',
    rc.policy({ scope: 'private', maxAge: 30, identify: (req) => req.headers('x-user') }),
    (req, res) => text(res, `private run ${run(req.path)} for ${req.get('x-user') ?? 'nobody'}`),
  );
  app.get('/reflect-host', rc.policy({ maxAge: 30 }), (req, res) =>
    text(res, `host=${req.get('x-forwarded-host') ?? '-'} run ${run(req.path)}`),
  );
  app.get('/query', rc.policy({ maxAge: 30 }), (req, res) => {
    const utm = req.query.utm_source;
    res.json({ url: req.originalUrl, query: req.query, utm: utm ?? null, run: run(req.path) });
  });
  app.get('/large', rc.policy({ maxAge: 30 }), (req, res) =>
    text(res, `large run ${String(run(req.path)).padStart(3, '0')} ${'l'.repeat(1986)}`),
  );
  app.get('/big-stream', rc.policy({ maxAge: 30 }), async (req, res) => {
    const n = run(req.path);
    // 4 chunks of 512 bytes, a turn of the event loop apart: twice the fixture's maxBodyBytes.
    for (let i = 0; i < 4; i++) {
      res.write(`${String(n).padStart(3, '0')}${'x'.repeat(509)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  });
  app.get('/override', rc.policy({ maxAge: 30, tags: ['override'] }), (req, res) => {
    setResponsePolicy(res, { scope: 'private', maxAge: 5 });
    text(res, `override run ${run(req.path)}`);
  });
  app.get('/override-stream', rc.policy({ maxAge: 30, tags: ['override'] }), async (req, res) => {
    setResponsePolicy(res, { scope: 'private', maxAge: 5 });
    const n = run(req.path);
    for (let i = 0; i < 4; i++) {
      res.write(`${String(n).padStart(3, '0')}${'x'.repeat(509)}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  });
  app.get('/sse', rc.policy({ maxAge: 30 }), (req, res) => {
    res.setHeader('content-type', 'text/event-stream');
    res.write('data: first\n\n');
    let ticks = 0;
    // Endless in practice: a heartbeat until the client goes away (bounded so nothing leaks).
    const timer = setInterval(() => {
      if (++ticks > 200 || res.destroyed) {
        clearInterval(timer);
        res.end();
      } else res.write('data: tick\n\n');
    }, 25);
    req.on('close', () => clearInterval(timer));
  });
  app.get('/swr', rc.policy({ maxAge: 10, staleWhileRevalidate: 60 }), (req, res) =>
    text(res, `swr run ${run(req.path)}`),
  );
  app.get('/sie', rc.policy({ maxAge: 10, staleIfError: 60 }), (req, res) => {
    const n = run(req.path);
    if (n > 1) throw new Error('sie: the origin fails after its first run');
    text(res, `sie run ${n}`);
  });
  app.get('/stampede', rc.policy({ maxAge: 30 }), (req, res) => {
    const n = run(req.path);
    void fixture.arrivals(req.path, 5).then(() => text(res, `stampede run ${n}`));
  });
  const optionsPolicy = rc.policy({ maxAge: 30 });
  app.get('/options', optionsPolicy, (req, res) => text(res, `options run ${run(req.path)}`));
  app.options('/options', optionsPolicy, (_req, res) => {
    res.setHeader('allow', 'GET, HEAD, OPTIONS');
    res.status(204).end();
  });

  app.post('/invalidate', async (req, res, next: NextFunction) => {
    const query = req.query as { tags?: string; urls?: string };
    fixture
      .invalidate(query, `${req.protocol}://${req.get('host')}`)
      .then((result) => res.json(result), next);
  });
  app.post('/__test/advance', (req, res) => text(res, String(fixture.advance(Number(req.query.ms)))));
  app.post('/__test/settle', (_req, res) => void fixture.settle().then(() => text(res, 'settled')));
  app.get('/__test/stats', (_req, res) => void res.json(rc.stats()));
  // Errors answer a plain 500 (Express's own page, without the stack trace of development mode).
  app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    text(res, 'Internal Server Error', 500);
  });
  return app;
}
