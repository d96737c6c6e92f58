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
  target: { ratio: 0.95 },
  peers: ['nest-express-cache-manager'],
  compare: ['nest-express-floor-interceptor'],
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: 'l1-hit' });
}
