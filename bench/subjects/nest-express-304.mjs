/** NestJS (express platform): routecache 304 (If-None-Match). The app is built in `bench/src/nest-apps.mjs`. */
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
  target: { ratio: 1.0 },
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: '304' });
}
