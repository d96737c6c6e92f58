import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe } from 'vitest';
import {
  adversarialSuite,
  METHOD_OVERRIDE_HEADERS,
  REFLECTED_HEADERS,
  REWRITE_HEADERS,
} from '../../../test-support/adversarial-suite';
import { EXPRESS_VERSIONS, listen, type Running } from '../test/harness';
import { routeCache } from './route-cache';

describe.each(EXPRESS_VERSIONS)('$name', ({ express }) => {
  let server: Running;

  beforeAll(async () => {
    const app = express();
    const rc = routeCache({
      routes: {
        'GET /page': { maxAge: 60 },
        'GET /admin': { maxAge: 60 },
        'GET /reflect': { maxAge: 60 },
        'GET /body': { maxAge: 60 },
        'GET /cpdos': { maxAge: 60 },
      },
    });
    app.use((req: Request, res: Response, next: NextFunction) => {
      // CORS as the cors package does it: the allowed origin's header before the handler.
      if (req.headers.origin === 'https://good.example') {
        res.setHeader('Access-Control-Allow-Origin', 'https://good.example');
        res.setHeader('Vary', 'Origin');
      }
      const target = req.headers['x-test-rewrite-before'];
      if (typeof target === 'string') req.url = target;
      next();
    });
    app.use(rc);
    app.use((req: Request, _res: Response, next: NextFunction) => {
      for (const name of REWRITE_HEADERS) {
        const target = req.headers[name];
        if (typeof target === 'string') req.url = target;
      }
      for (const name of METHOD_OVERRIDE_HEADERS) {
        const method = req.headers[name];
        if (typeof method === 'string') req.method = method.toUpperCase();
      }
      next();
    });
    app.get('/reflect', (req, res) => {
      const headers: Record<string, string> = {};
      for (const name of REFLECTED_HEADERS) {
        const value = req.get(name);
        if (value !== undefined) headers[name] = value;
      }
      res.json({ method: req.method, url: req.originalUrl, headers });
    });
    app.get('/page', (_req, res) => void res.send('page'));
    app.get('/admin', (_req, res) => void res.send('admin'));
    app.get(
      '/account',
      rc.policy({ scope: 'private', maxAge: 60, identify: (req) => req.headers('x-user') }),
      (req, res) => void res.send(`account of ${req.get('x-user') ?? 'nobody'}`),
    );
    app.get(/^\/assets\/.*/, rc.policy({ maxAge: 60 }), (_req, res) => void res.send('asset'));
    app.get('/body', (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => void res.send(`body=${body}`));
    });
    let variedRuns = 0;
    app.get('/varied', rc.policy({ maxAge: 60 }), (req, res) => {
      const run = ++variedRuns;
      setTimeout(() => res.set('Vary', 'X-Variant').send(`variant ${req.get('x-variant')} run ${run}`), 20);
    });
    app.get('/cpdos', (req, res) => {
      if ((req.get('x-big') ?? '').length > 1000) return void res.status(431).send('too large');
      if (req.get('x-bad') !== undefined) return void res.status(400).send('bad header');
      if (req.get('x-crash') !== undefined) throw new Error('crash');
      res.send('cpdos ok');
    });
    server = await listen(app);
  });
  afterAll(() => server.close());

  adversarialSuite('Express', () => server.url);
});
