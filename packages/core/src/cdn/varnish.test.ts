import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PolicyError } from '../errors';
import { type FakeCdnApi, startFakeCdnApi } from './fake-cdn-api';
import { purgerFaultSuite } from './purger-fault-suite';
import { varnishPurger } from './varnish';

// The real Varnish runs in packages/{express,hono}/test/varnish.varnish.test.ts; these check
// the request shape against two stand-in nodes.
describe('varnishPurger', () => {
  let nodes: FakeCdnApi[];
  beforeAll(async () => {
    nodes = [await startFakeCdnApi(), await startFakeCdnApi()];
  });
  afterAll(() => Promise.all(nodes.map((node) => node.close())));
  beforeEach(() => {
    for (const node of nodes) {
      node.requests.length = 0;
      node.respond(() => ({ status: 200 }));
    }
  });
  const signal = new AbortController().signal;

  it('sends PURGE / with xkey-purge (hard) or xkey-softpurge (soft) to every node', async () => {
    const purger = varnishPurger({ nodes: nodes.map((node) => node.url) });
    await purger.purgeTags(['a', 'b'], { soft: false, signal });
    await purger.purgeTags(['c'], { soft: true, signal });
    for (const node of nodes) {
      expect(
        node.requests.map((r) => [r.method, r.url, r.headers['xkey-purge'], r.headers['xkey-softpurge']]),
      ).toEqual([
        ['PURGE', '/', 'a b', undefined],
        ['PURGE', '/', undefined, 'c'],
      ]);
    }
  });

  it('purges a URL with PURGE <path?query> and the public Host (x-purge-soft for soft)', async () => {
    const purger = varnishPurger({ nodes: [nodes[0]?.url as string] });
    await purger.purgeUrls(['https://shop.example/p/1?x=1'], { soft: true, signal });
    const [request] = nodes[0]?.requests ?? [];
    expect(request).toMatchObject({ method: 'PURGE', url: '/p/1?x=1' });
    expect(request?.headers.host).toBe('shop.example');
    expect(request?.headers['x-purge-soft']).toBe('1');
  });

  it('fails the call when one node fails', async () => {
    nodes[1]?.respond(() => ({ status: 503 }));
    const error = await varnishPurger({ nodes: nodes.map((node) => node.url) })
      .purgeTags(['a'], { soft: false, signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ cdn: 'varnish', status: 503, retryable: true });
    expect(nodes[0]?.requests).toHaveLength(1);
  });

  it('throws a PolicyError for no nodes or a bad URL', () => {
    expect(() => varnishPurger({ nodes: [] })).toThrow(PolicyError);
    expect(() => varnishPurger({ nodes: ['not a url'] })).toThrow('"nodes[0]"');
  });
});

purgerFaultSuite('varnish', (node) => varnishPurger({ nodes: [node] }));
