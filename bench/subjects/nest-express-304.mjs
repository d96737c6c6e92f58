/**
 * NestJS (express platform): routecache 304 (If-None-Match) through the interceptor. Judged against
 * the prebuilt 304 from an interceptor (`nest-express-floor-304-interceptor`), not the constant
 * route: an interceptor runs inside Nest's router after its guards and pipes, and a prebuilt
 * answer from one reaches only about 0.8x the constant route (the constant-route 304 target is
 * the early door's, `nest-express-early-304`). The app is built in `bench/src/nest-apps.mjs`.
 */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-express',
  title: 'routecache 304 (If-None-Match)',
  role: 'ours',
  path: '/r',
  conditional: true,
  expectStatus: 304,
  expectBody: 'empty',
  expectHeaders: { etag: /"/ },
  cached: true,
  target: { ratio: 0.95, of: 'nest-express-floor-304-interceptor' },
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: '304' });
}
