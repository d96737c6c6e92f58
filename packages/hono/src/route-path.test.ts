import type { Context, Next } from 'hono';
import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { LinearRouter } from 'hono/router/linear-router';
import { PatternRouter } from 'hono/router/pattern-router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { confirmRoutePath, readRoutePath } from './route-path';

/** Records, for every handler that runs, what `readRoutePath` and `routePath` say. */
function recordingApp(router?: ConstructorParameters<typeof Hono>[0]) {
  const seen: [string, string][] = [];
  const record = (c: Context, next: Next) => {
    seen.push([readRoutePath(c), routePath(c)]);
    return next();
  };
  const app = new Hono(router);
  app.use('*', record);
  app.get('/items/:id{[0-9]+}', record, (c) => c.text('item'));
  const sub = new Hono();
  sub.get('/docs/*', record, (c) => c.text('doc'));
  app.route('/v1', sub);
  app.get('/static', record, record, (c) => c.text('static'));
  return { app, seen };
}

describe('readRoutePath', () => {
  const routers = {
    default: undefined,
    RegExpRouter: { router: new RegExpRouter() },
    TrieRouter: { router: new TrieRouter() },
    LinearRouter: { router: new LinearRouter() },
    PatternRouter: { router: new PatternRouter() },
  };
  for (const [name, options] of Object.entries(routers)) {
    it(`reads what routePath(c) reads, in middleware, sub-apps and chained handlers (${name})`, async () => {
      const { app, seen } = recordingApp(options as ConstructorParameters<typeof Hono>[0]);
      for (const path of ['/items/7', '/v1/docs/a/b', '/static'])
        expect((await app.request(path)).status).toBe(200);
      expect(seen.map(([, expected]) => expected)).toEqual([
        '/*',
        '/items/:id{[0-9]+}',
        '/*',
        '/v1/docs/*',
        '/*',
        '/static',
        '/static',
      ]);
      for (const [read, expected] of seen) expect(read).toBe(expected);
    });
  }
});

describe('confirmRoutePath', () => {
  it("returns routePath(c) when the reading differs, and from then on every reading is routePath's", async () => {
    const app = new Hono();
    const answers: string[] = [];
    app.get('/a/:x', (c) => {
      answers.push(confirmRoutePath(c, '/not-the-route'));
      answers.push(readRoutePath(c));
      return c.text('ok');
    });
    await app.request('/a/1');
    expect(answers).toEqual(['/a/:x', '/a/:x']);
  });
});
