/**
 * Store and bus factories reject bad options at declaration time with one error type, a
 * `PolicyError` whose `field` names the factory and the option (STYLE: one `…Error` with `code`
 * and `field`), never a bare TypeError or RangeError.
 */
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors';
import { redisBus } from '../redis/redis-bus';
import { redisStore } from '../redis/redis-store';
import { memoryStore } from './memory';
import { tieredStore } from './tiered';
import { webCacheStore } from './web-cache';

/** Only the shape the validators look at; no call reaches it (they throw first). */
const client = { getBuffer() {}, duplicate() {} } as never;
const cache = { match() {}, put() {}, delete() {} } as never;

function fieldOf(declare: () => unknown): string {
  try {
    declare();
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('E_POLICY_INVALID');
    expect((error as PolicyError).message).toContain((error as PolicyError).reason);
    return (error as PolicyError).field;
  }
  throw new Error('declared without an error');
}

describe('store and bus options', () => {
  it.each([
    ['redisStore.client', () => redisStore({ client: {} as never })],
    ['redisStore.prefix', () => redisStore({ client, prefix: 'a{b}' })],
    ['redisStore.timeoutMs', () => redisStore({ client, timeoutMs: 0 })],
    ['redisStore.buckets', () => redisStore({ client, buckets: 1.5 })],
    ['redisStore.guardTtl', () => redisStore({ client, guardTtl: 0 })],
    ['redisStore.guardTtl', () => redisStore({ client, guardTtl: 'soon' as never })],
    ['redisStore.breaker.threshold', () => redisStore({ client, breaker: { threshold: 0 } })],
    ['redisStore.breaker.breakDurationMs', () => redisStore({ client, breaker: { breakDurationMs: -1 } })],
    ['redisBus.client', () => redisBus({ client: {} as never })],
    ['redisBus.channel', () => redisBus({ client, channel: '' })],
    ['redisBus.heartbeatMs', () => redisBus({ client, heartbeatMs: Number.NaN })],
    ['tieredStore.l1', () => tieredStore({ l1: {} as never, l2: memoryStore() })],
    ['tieredStore.l2', () => tieredStore({ l1: memoryStore(), l2: undefined as never })],
    ['webCacheStore.maxIndexedKeys', () => webCacheStore({ cache, maxIndexedKeys: 0 })],
    ['webCacheStore.recordTtl', () => webCacheStore({ cache, recordTtl: -1 })],
  ])('%s', (field, declare) => {
    expect(fieldOf(declare)).toBe(field);
  });

  it('takes durations for the stores’ own lifetimes', () => {
    expect(() => redisStore({ client, guardTtl: '10m' })).not.toThrow();
    expect(() => webCacheStore({ cache, recordTtl: '7d' })).not.toThrow();
  });
});
