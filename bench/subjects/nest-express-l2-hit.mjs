/** NestJS (express platform): routecache L2 (Redis) hit. The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-express',
  title: 'routecache L2 (Redis) hit',
  role: 'ours',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { 'cache-status': /hit/ },
  cached: true,
  needsRedis: true,
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: 'l2-hit' });
}
