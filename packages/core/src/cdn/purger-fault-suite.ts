/**
 * The fault cases every HTTP purger must classify the same way, run against a local fake API
 * (`fake-cdn-api.ts`): 429 with `Retry-After`, 5xx, auth failures, a refused connection, and an
 * answer that never comes (aborted through the signal). Test support only; not exported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PurgeError } from '../errors';
import { type FakeCdnApi, startFakeCdnApi } from './fake-cdn-api';
import type { Purger } from './purger';

export function purgerFaultSuite(name: string, create: (endpoint: string) => Purger): void {
  describe(`${name}: when the API fails`, () => {
    let api: FakeCdnApi;
    beforeAll(async () => {
      api = await startFakeCdnApi();
    });
    afterAll(() => api.close());
    const purge = (purger: Purger, signal = new AbortController().signal) =>
      purger.purgeTags(['a'], { soft: false, signal }).then(
        () => undefined,
        (error: unknown) => error,
      );

    it('a 429 is retryable and carries Retry-After (seconds or HTTP-date)', async () => {
      api.respond(() => ({ status: 429, headers: { 'retry-after': '7' }, body: '{"success":false}' }));
      expect(await purge(create(api.url))).toMatchObject({
        cdn: name,
        status: 429,
        retryable: true,
        retryAfterMs: 7000,
      });
      const date = new Date(Date.now() + 60_000).toUTCString();
      api.respond(() => ({ status: 429, headers: { 'retry-after': date } }));
      const error = (await purge(create(api.url))) as PurgeError;
      expect(error.retryAfterMs).toBeGreaterThan(55_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it.each([500, 502, 503, 504])('a %i is retryable', async (status) => {
      api.respond(() => ({ status }));
      expect(await purge(create(api.url))).toMatchObject({ status, retryable: true });
    });

    it.each([400, 401, 403, 404])('a %i is not retryable and names the CDN', async (status) => {
      api.respond(() => ({ status, body: '{"msg":"nope"}' }));
      const error = await purge(create(api.url));
      expect(error).toBeInstanceOf(PurgeError);
      expect(error).toMatchObject({ code: 'E_PURGE', cdn: name, status, retryable: false });
      expect((error as Error).message).toContain(`answered ${status}`);
    });

    it('a refused connection is retryable', async () => {
      const closed = await startFakeCdnApi();
      await closed.close();
      expect(await purge(create(closed.url))).toMatchObject({ cdn: name, retryable: true });
    });

    it('an answer that never comes is abandoned when the signal aborts', async () => {
      api.respond(() => 'hang');
      const started = Date.now();
      const error = await purge(create(api.url), AbortSignal.timeout(100));
      expect(error).toMatchObject({ cdn: name, retryable: true });
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
}
