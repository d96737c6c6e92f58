import { describe, expect, it } from 'vitest';
import type { AnswerEvent, MetricsSink, OriginRunEnd, OriginRunInfo } from '../metrics/events';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { tieredStore } from '../stores/tiered';
import { fakeOrigin, makeRequest, setupCache, textResponse } from './test-fixtures';

const ROUTE = 'GET /items/:id';

function recordingSink(): MetricsSink & { answers: AnswerEvent[]; origins: [OriginRunInfo, OriginRunEnd][] } {
  const answers: AnswerEvent[] = [];
  const origins: [OriginRunInfo, OriginRunEnd][] = [];
  return {
    answers,
    origins,
    answer: (event) => answers.push(event),
    originEnd: (info, end) => origins.push([info, end]),
  };
}

describe('metrics events', () => {
  describe('when no sink is attached', () => {
    it('keeps the engine entry point and reports nothing', async () => {
      const { cache } = setupCache();
      const bare = cache.handle;
      const sink = recordingSink();
      const detach = cache.observe(sink);
      expect(cache.handle).not.toBe(bare);
      detach();
      expect(cache.handle).toBe(bare);
      const policy = definePolicy({ maxAge: 60 });
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      expect(sink.answers).toEqual([]);
    });
  });

  describe('when a sink listens', () => {
    it('reports miss (stored), hit from l1 with its age, 304 and bypass with its reason', async () => {
      const { cache, clock } = setupCache();
      const sink = recordingSink();
      cache.observe(sink);
      const policy = definePolicy({ maxAge: 60 });
      const origin = fakeOrigin();
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, origin);
      clock.advance(5000);
      const hit = await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, origin);
      const etag = hit.headers.etag as string;
      await cache.handle(
        makeRequest('/items/1', { routeLabel: ROUTE, headers: { 'if-none-match': etag } }),
        policy,
        origin,
      );
      await cache.handle(
        makeRequest('/items/1', { routeLabel: ROUTE, headers: { authorization: 'Bearer x' } }),
        policy,
        origin,
      );
      expect(sink.answers.map((a) => [a.outcome, a.layer, a.stored, a.notModified, a.reason])).toEqual([
        ['miss', 'origin', true, false, undefined],
        ['hit', 'l1', false, false, undefined],
        ['hit', 'l1', false, true, undefined],
        ['bypass', 'origin', false, false, 'authorization'],
      ]);
      expect(sink.answers[1]).toMatchObject({ route: ROUTE, ageSeconds: 5, url: '/items/1', status: 200 });
      expect(sink.answers[2]?.status).toBe(304);
      expect(sink.answers[3]?.key).toBeUndefined();
    });

    it('times every handler run and reports other methods as bypass "method"', async () => {
      const { cache } = setupCache();
      const sink = recordingSink();
      cache.observe(sink);
      const policy = definePolicy({ maxAge: 60 });
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      await cache.handle(
        makeRequest('/items/1', { routeLabel: 'POST /items/:id', method: 'POST' }),
        policy,
        fakeOrigin(() => textResponse('ok', 201)),
      );
      expect(
        sink.origins.map(([info, end]) => [info.route, info.method, info.background, end.status]),
      ).toEqual([
        [ROUTE, 'GET', false, 200],
        ['POST /items/:id', 'POST', false, 201],
      ]);
      expect(sink.origins[0]?.[1].durationMs).toBeGreaterThanOrEqual(0);
      expect(sink.answers.at(-1)).toMatchObject({ outcome: 'bypass', reason: 'method', status: 201 });
    });

    it('reports a handler that throws with its error and no status', async () => {
      const { cache } = setupCache();
      const sink = recordingSink();
      cache.observe(sink);
      const failing = fakeOrigin(() => {
        throw new Error('boom');
      });
      await expect(
        cache.handle(makeRequest('/items/9', { routeLabel: ROUTE }), definePolicy({ maxAge: 60 }), failing),
      ).rejects.toThrow('boom');
      expect(sink.origins[0]?.[1]).toMatchObject({ status: undefined });
      expect(sink.origins[0]?.[1].error).toEqual(new Error('boom'));
    });

    it('reports stale answers with their detail', async () => {
      const { cache, clock } = setupCache();
      const sink = recordingSink();
      cache.observe(sink);
      const policy = definePolicy({ maxAge: 10, staleWhileRevalidate: 60 });
      await cache.handle(makeRequest('/items/2', { routeLabel: ROUTE }), policy, fakeOrigin());
      clock.advance(20_000);
      await cache.handle(makeRequest('/items/2', { routeLabel: ROUTE }), policy, fakeOrigin(), {
        refresh: fakeOrigin(),
      });
      expect(sink.answers[1]).toMatchObject({
        outcome: 'stale',
        reason: 'stale-while-revalidate',
        layer: 'l1',
      });
    });

    it('reports invalidations with their reach', async () => {
      const { cache } = setupCache();
      const events: unknown[] = [];
      cache.observe({ invalidation: (event) => events.push(event) });
      const policy = definePolicy({ maxAge: 60, tags: ['items'] });
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      await cache.handle(makeRequest('/items/2', { routeLabel: ROUTE }), policy, fakeOrigin());
      await cache.invalidate({ tags: ['items'] });
      expect(events).toEqual([
        expect.objectContaining({
          kind: 'tags',
          mode: 'delete',
          targets: 1,
          reached: 2,
          failed: false,
          tags: ['items'],
        }),
      ]);
    });

    it('logs a throwing sink once and keeps answering', async () => {
      const warnings: string[] = [];
      const { cache } = setupCache({ logger: { warn: (m) => warnings.push(m), error: () => {} } });
      cache.observe({
        answer() {
          throw new Error('sink bug');
        },
      });
      const policy = definePolicy({ maxAge: 60 });
      const first = await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      const second = await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(warnings.filter((w) => w.includes('metrics sink'))).toHaveLength(1);
    });
  });

  describe('layer of a hit in a tiered store', () => {
    it('is l2 for the read that came from L2 and l1 for the next one', async () => {
      const l2 = memoryStore();
      const writer = setupCache({ store: l2 });
      const policy = definePolicy({ maxAge: 60 });
      await writer.cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      // A second instance: its L1 is empty, L2 holds the entry (a store without peek stands for Redis).
      const remote = { ...l2, name: 'remote', peek: undefined } as typeof l2;
      const { cache } = setupCache({ store: tieredStore({ l1: memoryStore(), l2: remote }) });
      const sink = recordingSink();
      cache.observe(sink);
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      await cache.handle(makeRequest('/items/1', { routeLabel: ROUTE }), policy, fakeOrigin());
      expect(sink.answers.map((a) => [a.outcome, a.layer])).toEqual([
        ['hit', 'l2'],
        ['hit', 'l1'],
      ]);
    });
  });
});
