import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { createFakeClock } from '../testing/fake-clock';
import type { CacheRequest, Policy, PolicyInput } from '../types';
import { createCache } from './create-cache';
import { isEarlyHitPolicy, isEarlyHitRequest } from './early-hits';
import { bodyText, fakeOrigin, header, makeRequest, type RequestInit, textResponse } from './test-fixtures';

const PUBLIC = definePolicy({ maxAge: 60 });

/** A cache, its door, and `prime()`: one request through `handle()` that the door learns from. */
function setup(options: { selectors?: string[] } = {}) {
  const clock = createFakeClock();
  const cache = createCache({ store: memoryStore({ clock: clock.now }), clock: clock.now });
  const door = cache.earlyHits!(options);
  // Shared-cacheable by its own headers too, for the `from: 'response'` case.
  const origin = fakeOrigin((_ctx, n) =>
    textResponse(`body ${n}`, 200, { 'cache-control': 'public, max-age=60' }),
  );
  const prime = async (request: CacheRequest, policy: Policy = PUBLIC): Promise<void> => {
    door.learn(request, policy);
    await cache.handle(request, policy, origin);
  };
  return { clock, cache, door, origin, prime };
}

const routed = (url: string, init: RequestInit = {}): CacheRequest => ({
  ...makeRequest(url, { routeLabel: 'GET /p/:id', ...init }),
  params: { id: '1' },
});

describe('earlyHits', () => {
  it('answers a request shape the pipeline routed from the entry handle() stored, counted as a hit', async () => {
    const { cache, door, origin, prime } = setup();
    await prime(routed('/p/1'));
    const answer = door.answer(makeRequest('/p/1'));
    expect(answer && bodyText(answer)).toBe('body 1');
    expect(answer && header(answer, 'cache-status')).toMatch(/hit; ttl=60/);
    expect(origin.calls).toHaveLength(1);
    expect(cache.stats().routes['GET /p/:id']?.hits).toBe(1);
  });

  it('finds the entry the pipeline keyed, under the policy query rules (one entry, two doors)', async () => {
    const { door, prime } = setup();
    await prime(routed('/p/1?b=2&a=1&utm_source=x'));
    const answer = door.answer(makeRequest('/p/1?a=1&b=2'));
    expect(answer && bodyText(answer)).toBe('body 1');
    expect(door.answer(makeRequest('/p/1?a=2'))).toBeUndefined();
  });

  it('answers nothing for a shape never routed (another path, host, scheme or method)', async () => {
    const { door, prime } = setup();
    await prime(routed('/p/1'));
    expect(door.answer(makeRequest('/p/2'))).toBeUndefined();
    expect(door.answer(makeRequest('/p/1', { host: 'other.example' }))).toBeUndefined();
    expect(door.answer({ ...makeRequest('/p/1'), scheme: 'https' })).toBeUndefined();
    expect(door.answer(makeRequest('/p/1', { method: 'HEAD' }))).toBeUndefined();
  });

  it('never answers a request carrying Authorization, even when the policy shares authenticated requests', async () => {
    const { door, prime } = setup();
    const shared = definePolicy({ maxAge: 60, shareAuthenticated: true });
    await prime(routed('/p/1'), shared);
    expect(door.answer(makeRequest('/p/1'))).toBeDefined();
    expect(door.answer(makeRequest('/p/1', { headers: { authorization: 'Bearer x' } }))).toBeUndefined();
    expect(
      door.answer({ ...makeRequest('/p/1'), headerRecord: { authorization: 'Bearer x' } }),
    ).toBeUndefined();
  });

  it('never answers a request with a body or an unsafe method', async () => {
    const { door, prime } = setup();
    await prime(routed('/p/1'));
    expect(door.answer(makeRequest('/p/1', { hasBody: true }))).toBeUndefined();
    expect(door.answer(makeRequest('/p/1', { method: 'POST' }))).toBeUndefined();
  });

  it.each<[string, PolicyInput, boolean]>([
    ['private', { scope: 'private', maxAge: 60, identify: () => 'u1' }, true],
    ['public with identify', { maxAge: 60, identify: () => 'u1' }, true],
    ['from the response', { from: 'response' }, true],
    ['no-store', { scope: 'no-store' }, false],
    ['headers only (ttl 0)', { maxAge: 60, ttl: 0 }, false],
  ])('serves nothing of a %s policy', async (_name, input, stores) => {
    const policy = definePolicy(input);
    expect(isEarlyHitPolicy(policy)).toBe(false);
    const { cache, door, prime } = setup();
    await prime(routed('/p/1'), policy);
    // The pipeline's own door hits where the policy stores: the entry is there, the early door declines.
    const again = await cache.handle(routed('/p/1'), policy, fakeOrigin());
    expect(header(again, 'cache-status')).toMatch(stores ? /hit/ : /fwd=/);
    expect(door.answer(makeRequest('/p/1'))).toBeUndefined();
  });

  it('forgets a shape once the pipeline routes it to a policy that does not qualify', async () => {
    const { door, prime } = setup();
    await prime(routed('/p/1'));
    expect(door.answer(makeRequest('/p/1'))).toBeDefined();
    door.learn(routed('/p/1'), definePolicy({ scope: 'no-store' }));
    expect(door.answer(makeRequest('/p/1'))).toBeUndefined();
  });

  it('answers 304 when the validators match, as the pipeline would', async () => {
    const { door, prime } = setup();
    await prime(routed('/p/1'));
    const etag = header(door.answer(makeRequest('/p/1'))!, 'etag')!;
    const answer = door.answer(makeRequest('/p/1', { headers: { 'if-none-match': etag } }));
    expect(answer?.status).toBe(304);
    expect(answer?.body).toBeNull();
  });

  it('leaves stale entries to the pipeline (the refresh needs the handler)', async () => {
    const { clock, door, prime } = setup();
    await prime(routed('/p/1'), definePolicy({ maxAge: 60, staleWhileRevalidate: 60 }));
    clock.advance(61_000);
    expect(door.answer(makeRequest('/p/1'))).toBeUndefined();
  });

  it('answers per selector value: a version header picks the handler', async () => {
    const { door, prime } = setup({ selectors: ['X-API-Version'] });
    const versioned = definePolicy({ maxAge: 60, vary: ['x-api-version'] });
    await prime(routed('/p/1', { headers: { 'x-api-version': '1' } }), versioned);
    expect(door.answer(makeRequest('/p/1', { headers: { 'x-api-version': '1' } }))).toBeDefined();
    expect(door.answer(makeRequest('/p/1', { headers: { 'x-api-version': '2' } }))).toBeUndefined();
    expect(door.answer(makeRequest('/p/1'))).toBeUndefined();
  });

  it('computes the tags from the parameters the pipeline routed with', async () => {
    const { cache, door, prime } = setup();
    const tagged = definePolicy({ maxAge: 60, tags: (req) => [`p:${req.params.id}`] });
    await prime(routed('/p/1'), tagged);
    expect(door.answer(makeRequest('/p/1'))).toBeDefined();
    await cache.invalidate({ tags: ['p:1'] });
    expect(door.answer(makeRequest('/p/1'))).toBeUndefined();
  });
});

describe('isEarlyHitRequest', () => {
  it('takes GET and HEAD without a body or Authorization only', () => {
    expect(isEarlyHitRequest(makeRequest('/'))).toBe(true);
    expect(isEarlyHitRequest(makeRequest('/', { method: 'HEAD' }))).toBe(true);
    expect(isEarlyHitRequest(makeRequest('/', { method: 'DELETE' }))).toBe(false);
    expect(isEarlyHitRequest(makeRequest('/', { headers: { authorization: '' } }))).toBe(false);
  });
});
