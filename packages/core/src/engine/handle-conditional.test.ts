import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import { fakeOrigin, header, makeRequest, setupCache, textResponse } from './test-fixtures';

const policy = definePolicy({ maxAge: 60 });

describe('handle: conditional requests', () => {
  it('answers 304 on a hit when If-None-Match matches, without running the origin', async () => {
    const { cache } = setupCache();
    const miss = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    const etag = header(miss, 'etag')!;
    const origin = fakeOrigin();
    const answer = await cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': etag } }),
      policy,
      origin,
    );
    expect(origin.calls).toHaveLength(0);
    expect(answer.status).toBe(304);
    expect(answer.body).toBeNull();
    expect(header(answer, 'etag')).toBe(etag);
    expect(header(answer, 'cache-control')).toBe('public, max-age=60');
    expect(header(answer, 'cache-status')).toMatch(/^routecache; hit/);
    expect(header(answer, 'content-type')).toBeUndefined();
    expect(cache.stats().notModified).toBe(1);
  });

  it('reads the validators from the header record when the adapter gives one, not through the getter', async () => {
    const { cache } = setupCache();
    const etag = header(await cache.handle(makeRequest('/p'), policy, fakeOrigin()), 'etag')!;
    const asked: string[] = [];
    const request = {
      ...makeRequest('/p'),
      headers: (name: string) => {
        asked.push(name);
        return undefined;
      },
      headerRecord: { 'if-none-match': etag },
    };
    const answer = await cache.handle(request, policy, fakeOrigin());
    expect(answer.status).toBe(304);
    expect(asked).not.toContain('if-none-match');
    expect(asked).not.toContain('cache-control');
    // Cache-Control: no-cache in the record still asks for the full answer (RFC 9111 §5.2.1.4).
    const reload = { ...request, headerRecord: { 'if-none-match': etag, 'cache-control': 'no-cache' } };
    expect((await cache.handle(reload, policy, fakeOrigin())).status).toBe(200);
  });

  it('matches weakly and in lists (RFC 9110 §13.1.2)', async () => {
    const { cache } = setupCache();
    const miss = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    const opaque = header(miss, 'etag')!.replace(/^W\//, '');
    const answer = await cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': `"other", ${opaque}` } }),
      policy,
      fakeOrigin(),
    );
    expect(answer.status).toBe(304);
  });

  it('answers 200 when the validator does not match', async () => {
    const { cache } = setupCache();
    await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    const answer = await cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': '"nope"' } }),
      policy,
      fakeOrigin(),
    );
    expect(answer.status).toBe(200);
  });

  it('answers 304 after a miss when the validators match the new response', async () => {
    const { cache } = setupCache();
    const origin = fakeOrigin(() => textResponse('x', 200, { etag: '"v1"' }));
    const answer = await cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': '"v1"' } }),
      policy,
      origin,
    );
    expect(origin.calls).toHaveLength(1);
    expect(answer.status).toBe(304);
    expect(header(answer, 'cache-status')).toBe('routecache; fwd=miss; ttl=60; stored');
    // The entry was stored with its body all the same.
    const hit = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    expect(hit.status).toBe(200);
    expect(new TextDecoder().decode(hit.body!)).toBe('x');
  });

  it('uses If-Modified-Since with the stored Last-Modified', async () => {
    const { cache } = setupCache();
    const lastModified = 'Tue, 01 Jan 2030 00:00:00 GMT';
    const noEtag = definePolicy({ maxAge: 60, etag: false });
    await cache.handle(
      makeRequest('/p'),
      noEtag,
      fakeOrigin(() => textResponse('x', 200, { 'last-modified': lastModified })),
    );
    const answer = await cache.handle(
      makeRequest('/p', { headers: { 'if-modified-since': 'Wed, 02 Jan 2030 00:00:00 GMT' } }),
      noEtag,
      fakeOrigin(),
    );
    expect(answer.status).toBe(304);
    expect(header(answer, 'last-modified')).toBe(lastModified);
  });

  it('answers 304 to HEAD too', async () => {
    const { cache } = setupCache();
    const miss = await cache.handle(makeRequest('/p'), policy, fakeOrigin());
    const answer = await cache.handle(
      makeRequest('/p', { method: 'HEAD', headers: { 'if-none-match': header(miss, 'etag')! } }),
      policy,
      fakeOrigin(),
    );
    expect(answer.status).toBe(304);
  });

  it('never answers 304 for an error status', async () => {
    const { cache } = setupCache();
    const answer = await cache.handle(
      makeRequest('/p', { headers: { 'if-none-match': '*' } }),
      policy,
      fakeOrigin(() => textResponse('err', 500, { etag: '"e"' })),
    );
    expect(answer.status).toBe(500);
  });
});
