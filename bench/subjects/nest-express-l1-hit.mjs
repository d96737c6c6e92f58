/** NestJS (express platform): routecache L1 hit. The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-express',
  title: 'routecache L1 hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/, etag: /"/ },
  cached: true,
  // Issue 17: what our own code costs a hit, against the prebuilt answer from an interceptor
  // (issue 6's 0.95× of the constant route is out of any interceptor's reach: see the ceiling's ratio).
  target: { ratio: 0.95, of: 'nest-express-floor-interceptor' },
  prebuilt: 'nest-express-floor-interceptor',
  peers: ['nest-express-cache-manager'],
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: 'l1-hit' });
}
