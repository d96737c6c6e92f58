/**
 * The Prometheus integration end to end: a real Prometheus (Debian's, started on loopback and
 * stopped by PID) scrapes this example's `/metrics` while a known sequence of requests goes
 * through the app (L1 + Redis L2 + bus); the hit-ratio expression a user would write is asked
 * through Prometheus's own query API, and so is every panel query of the Grafana dashboard in
 * docs/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrometheusServer, startPrometheus } from '../../../test-support/prometheus-server';
import { cleanupPrefix, closeClients, connect, uniquePrefix } from '../../../test-support/redis-harness';
import { createApp, type ShopApp } from './app.ts';
import { openCatalogue, seedCatalogue } from './catalogue.ts';

const DASHBOARD = resolve(import.meta.dirname, '../../../docs/grafana/routecache-dashboard.json');
const HOST = 'shop.local';
const ROUTE = 'GET /api/products/:id';
/** The hit ratio of one route as the README tells users to write it. */
const HIT_RATIO = (range: string) =>
  `sum(rate(routecache_answers_total{route="${ROUTE}",outcome=~"hit|stale"}[${range}]))` +
  ` / sum(rate(routecache_answers_total{route="${ROUTE}",outcome=~"hit|stale|miss|coalesced"}[${range}]))`;

describe('Prometheus scraping the express-redis example', () => {
  const prefix = uniquePrefix('prom');
  const dir = mkdtempSync(join(tmpdir(), 'rc-prom-'));
  let redis: Redis;
  let shop: ShopApp;
  let server: Server;
  let base: string;
  let prometheus: PrometheusServer;
  /** When the known sequence started and ended (ms since epoch). */
  let sequence: { start: number; end: number };

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { host: HOST, ...headers } }).then(async (r) => {
      await r.arrayBuffer();
      return r;
    });
  /** Two scrapes after now: every value the app had now is in Prometheus, with a later sample. */
  const scrapedTwice = async () => {
    const now = Date.now();
    await prometheus.waitForScrape(now);
    await prometheus.waitForScrape(Date.now());
  };

  beforeAll(async () => {
    redis = await connect();
    const file = join(dir, 'catalogue.json');
    seedCatalogue(file);
    shop = createApp({
      redis,
      catalogue: openCatalogue(file),
      instance: 'A',
      prefix,
      channel: `${prefix}bus`,
    });
    server = await new Promise<Server>((ready) => {
      const s = shop.app.listen(0, '127.0.0.1', () => ready(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    prometheus = await startPrometheus({ targets: [base.slice('http://'.length)], intervalSeconds: 1 });

    // Every series the sequence and the dashboard use exists before the sequence starts.
    expect((await get('/api/products/1')).headers.get('cache-status')).toContain('fwd=miss');
    expect((await get('/api/products/1')).headers.get('cache-status')).toContain('hit');
    await get('/api/products');
    await get('/api/products/1', { authorization: 'Bearer x' });
    const post = await fetch(`${base}/api/products/3`, {
      method: 'POST',
      headers: { host: HOST, 'content-type': 'application/json' },
      body: JSON.stringify({ price: 1600 }),
    });
    expect(post.status).toBe(200);
    await scrapedTwice();
    await scrapedTwice();

    // The known sequence: 1 miss, then 3 hits on one route.
    const start = Date.now();
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(String((await get('/api/products/2')).headers.get('cache-status')));
    expect(statuses.map((s) => (s.includes('fwd=miss') ? 'miss' : s.includes('hit') ? 'hit' : s))).toEqual([
      'miss',
      'hit',
      'hit',
      'hit',
    ]);
    sequence = { start, end: Date.now() };
    await scrapedTwice();
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((r) => server?.close(r));
    await shop?.cache.close();
    await cleanupPrefix(redis, prefix);
    await closeClients();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the app (up == 1) and stops by PID', async () => {
    const up = await prometheus.query('up');
    expect(up.map((s) => s.value[1])).toEqual(['1']);
    expect(prometheus.pid).toBeGreaterThan(0);
  });

  it('answers the hit-ratio expression with 3/4 over the known sequence', async () => {
    const now = Date.now();
    // The range covers the sequence and a scrape before it, but nothing before the warm-up settled.
    const rangeSeconds = Math.ceil((now - sequence.start) / 1000) + 2;
    const [result] = await prometheus.query(HIT_RATIO(`${rangeSeconds}s`), now / 1000);
    expect(Number(result?.value[1])).toBeCloseTo(0.75, 9);
  });

  it('counts the sequence exactly: 2 misses and 4 hits on the route in total', async () => {
    const series = await prometheus.query(`sum by (outcome) (routecache_answers_total{route="${ROUTE}"})`);
    const byOutcome = Object.fromEntries(series.map((s) => [s.metric.outcome, Number(s.value[1])]));
    expect(byOutcome).toEqual({ miss: 2, hit: 4, bypass: 1 });
  });

  it('returns data for every panel query of the Grafana dashboard', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { name: string; definition: string }[] };
    };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(12);
    const empty: string[] = [];
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        // Grafana's variables as Grafana would expand them for "All" over a 1-minute rate interval.
        const expr = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$route', '.*');
        const result = await prometheus.query(expr);
        // Data = at least one series with a number (a route without runs in the window is NaN: no value).
        if (!result.some((s) => !Number.isNaN(Number(s.value[1])))) {
          empty.push(`${panel.title}: ${expr}`);
        }
      }
    }
    expect(empty).toEqual([]);
    // The route variable's label_values() query: the label has values.
    const labels = (await (await fetch(`${prometheus.url}/api/v1/label/route/values`)).json()) as {
      data: string[];
    };
    expect(labels.data).toContain(ROUTE);
  });

  it('serves the health report on /health with L1, L2, breaker, bus and the route hit ratio', async () => {
    const response = await get('/health?keyspace=1000');
    const health = (await (
      await fetch(`${base}/health?keyspace=1000`, { headers: { host: HOST } })
    ).json()) as {
      status: string;
      l1: { entries: number; maxBytes: number };
      l2: { reachable: boolean; latencyMs: number; circuit: string };
      bus: { healthy: boolean; lastHeartbeatAt: number };
      routes: Record<string, { hitRatio: number }>;
      keyspace: {
        complete: boolean;
        prefixes: Record<string, { sampledKeys: number; estimatedKeys: number; sampledBytes: number }>;
      };
    };
    expect(response.status).toBe(200);
    expect(health.status).toBe('ok');
    expect(health.l1.entries).toBeGreaterThan(0);
    expect(health.l1.maxBytes).toBe(16 * 1024 * 1024);
    expect(health.l2).toMatchObject({ reachable: true, circuit: 'closed' });
    expect(health.l2.latencyMs).toBeGreaterThan(0);
    expect(health.bus.healthy).toBe(true);
    expect(Date.now() - health.bus.lastHeartbeatAt).toBeLessThan(5000);
    // 6 answers on the route, 4 of them hits (the Authorization request is a bypass, not counted).
    expect(health.routes[ROUTE]?.hitRatio).toBeCloseTo(4 / 6, 9);
    // Entries left: products 1 and 2 (the list went with the update of product 3). The test
    // server holds few keys, so the bounded sample walks it all and the counts are exact.
    expect(health.keyspace.complete).toBe(true);
    expect(health.keyspace.prefixes[`${prefix}e:v1`]).toMatchObject({ sampledKeys: 2, estimatedKeys: 2 });
    expect(health.keyspace.prefixes[`${prefix}e:v1`]?.sampledBytes).toBeGreaterThan(0);
  });
});
