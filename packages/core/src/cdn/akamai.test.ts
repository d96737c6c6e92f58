import { createHash, createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { PolicyError } from '../errors';
import { akamaiPurger } from './akamai';
import { type ApiRequest, type FakeCdnApi, useFakeCdnApi } from './fake-cdn-api';
import { purgerFaultSuite } from './purger-fault-suite';

const credentials = {
  host: 'akab-test.purge.akamaiapis.net',
  clientToken: 'akab-client-token',
  clientSecret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
  accessToken: 'akab-access-token',
};
const accepted = {
  status: 201,
  body: '{"httpStatus":201,"detail":"Request accepted","estimatedSeconds":5,"purgeId":"p1","supportId":"s1"}',
};

const hmac = (data: string, key: string) => createHmac('sha256', key).update(data).digest('base64');

/**
 * Checks an EdgeGrid `Authorization` header the way Akamai documents it, independently of the
 * library that made it: signing key = HMAC(timestamp, client secret); signature = HMAC of
 * method, scheme, host, path, canonical headers (none), SHA-256 of the POST body, and the
 * header without its signature, tab separated.
 * https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid
 */
function verifyEdgeGrid(request: ApiRequest): boolean {
  const header = String(request.headers.authorization ?? '');
  const match =
    /^EG1-HMAC-SHA256 (client_token=([^;]+);access_token=([^;]+);timestamp=([^;]+);nonce=([^;]+);)signature=(.+)$/.exec(
      header,
    );
  if (!match) return false;
  const [, unsignedFields, clientToken, accessToken, timestamp, , signature] = match;
  if (clientToken !== credentials.clientToken || accessToken !== credentials.accessToken) return false;
  const contentHash = createHash('sha256').update(request.body).digest('base64');
  const data = [
    'POST',
    'https',
    credentials.host,
    request.url,
    '',
    contentHash,
    `EG1-HMAC-SHA256 ${unsignedFields}`,
  ].join('\t');
  return hmac(data, hmac(timestamp as string, credentials.clientSecret)) === signature;
}

describe('akamaiPurger', () => {
  const fake = useFakeCdnApi(accepted);
  let api: FakeCdnApi;
  beforeEach(() => {
    api = fake();
  });
  const signal = new AbortController().signal;

  it('deletes cache tags on production with an EdgeGrid-signed POST /ccu/v3/delete/tag/production', async () => {
    await akamaiPurger({ credentials, baseUrl: api.url }).purgeTags(['product:1', 'products'], {
      soft: false,
      signal,
    });
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/ccu/v3/delete/tag/production' });
    expect(JSON.parse(request?.body ?? '')).toEqual({ objects: ['product:1', 'products'] });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(verifyEdgeGrid(request as ApiRequest)).toBe(true);
  });

  it('invalidates (soft) URLs on staging', async () => {
    await akamaiPurger({ credentials, baseUrl: api.url, network: 'staging' }).purgeUrls(
      ['https://shop.example/p/1?x=1'],
      { soft: true, signal },
    );
    const [request] = api.requests;
    expect(request?.url).toBe('/ccu/v3/invalidate/url/staging');
    expect(JSON.parse(request?.body ?? '')).toEqual({ objects: ['https://shop.example/p/1?x=1'] });
    expect(verifyEdgeGrid(request as ApiRequest)).toBe(true);
  });

  it('a signature with the wrong secret does not verify (the check can fail)', async () => {
    await akamaiPurger({
      credentials: { ...credentials, clientSecret: 'other' },
      baseUrl: api.url,
    }).purgeTags(['a'], {
      soft: false,
      signal,
    });
    expect(verifyEdgeGrid(api.requests[0] as ApiRequest)).toBe(false);
  });

  it('through invalidate(): keeps each request body under 50,000 bytes', async () => {
    const cache = createCache({ cdn: akamaiPurger({ credentials, baseUrl: api.url }) });
    const tags = Array.from({ length: 1000 }, (_, i) => `tag-${'x'.repeat(100)}-${i}`);
    await cache.invalidate({ tags });
    expect(api.requests.length).toBeGreaterThan(1);
    for (const request of api.requests) expect(Buffer.byteLength(request.body)).toBeLessThan(50_000);
    expect(new Set(api.requests.flatMap((request) => JSON.parse(request.body).objects)).size).toBe(1000);
    expect(cache.stats().cdn?.akamai).toMatchObject({ tags: 1000, failed: 0 });
  });

  it('declares the Edge-Cache-Tag dialect', () => {
    expect(akamaiPurger({ credentials })).toMatchObject({ tagHeader: 'edge-cache-tag', softPurge: true });
  });

  it('throws a PolicyError naming a missing credential or a bad network', () => {
    expect(() => akamaiPurger({ credentials: { ...credentials, clientSecret: '' } })).toThrow(
      '"credentials.clientSecret"',
    );
    expect(() => akamaiPurger({ credentials, network: 'prod' as never })).toThrow(PolicyError);
  });
});

purgerFaultSuite('akamai', (baseUrl) => akamaiPurger({ credentials, baseUrl }));
