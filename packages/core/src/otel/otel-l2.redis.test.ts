/**
 * OpenTelemetry spans for L2 calls on a real Redis: a miss through a tiered store (memory L1,
 * Redis L2) makes `routecache l2 get` / `set` CLIENT spans under the request's span, and an L2
 * hit on another instance is reported as layer l2 on its span.
 */
import { SpanKind } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parentId, startTestSdk, type TestSdk } from '../../../../test-support/otel-sdk';
import { cleanupPrefix, closeClients, connect, uniquePrefix } from '../../../../test-support/redis-harness';
import { createCache } from '../engine/create-cache';
import { fakeOrigin, makeRequest } from '../engine/test-fixtures';
import { definePolicy } from '../policy/policy';
import { redisStore } from '../redis/redis-store';
import { memoryStore } from '../stores/memory';
import { tieredStore } from '../stores/tiered';
import { instrumentOpenTelemetry } from './otel-instrumentation';

describe('OpenTelemetry with a Redis L2', () => {
  const prefix = uniquePrefix('otel');
  let sdk: TestSdk;
  let client: Redis;

  beforeAll(async () => {
    sdk = startTestSdk();
    client = await connect();
  });
  afterAll(async () => {
    await cleanupPrefix(client, prefix);
    await closeClients();
    await sdk.shutdown();
  });

  it('makes CLIENT spans for L2 calls under the request span, and reports an L2 hit as layer l2', async () => {
    const instance = () => {
      const cache = createCache({
        store: tieredStore({ l1: memoryStore(), l2: redisStore({ client, prefix }) }),
        lock: false,
      });
      instrumentOpenTelemetry(cache, {
        tracerProvider: sdk.tracerProvider,
        meterProvider: sdk.meterProvider,
      });
      return cache;
    };
    const [a, b] = [instance(), instance()];
    const policy = definePolicy({ maxAge: 60 });
    const request = () => makeRequest('/items/1', { routeLabel: 'GET /items/:id' });
    await sdk.serverSpan('request A', () => a.handle(request(), policy, fakeOrigin()));
    await sdk.serverSpan('request B', () => b.handle(request(), policy, fakeOrigin()));

    const spans = sdk.spans();
    const server = (name: string) => spans.find((s) => s.name === name)!;
    const l2 = spans.filter((s) => s.name.startsWith('routecache l2 '));
    const underA = l2
      .filter((s) => parentId(s) === server('request A').spanContext().spanId)
      .map((s) => s.name);
    expect(underA).toEqual(['routecache l2 get', 'routecache l2 set']);
    expect(l2.every((s) => s.kind === SpanKind.CLIENT)).toBe(true);
    expect(l2[0]!.attributes).toMatchObject({ 'routecache.layer': 'l2', 'db.operation.name': 'get' });
    expect(server('request A').attributes).toMatchObject({
      'routecache.outcome': 'miss',
      'routecache.layer': 'origin',
    });
    expect(server('request B').attributes).toMatchObject({
      'routecache.outcome': 'hit',
      'routecache.layer': 'l2',
    });

    const durations = await sdk.points('routecache.store.duration');
    expect(
      durations
        .map((p) => `${p.attributes['db.operation.name']} ${p.attributes['routecache.result']}`)
        .sort(),
    ).toEqual(['get ok', 'set ok']);
    await Promise.all([a.close(), b.close()]);
  });
});
