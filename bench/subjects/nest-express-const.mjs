/** NestJS (express platform): constant route, ETag off (ceiling). The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-express',
  title: 'constant route, ETag off (ceiling)',
  role: 'ceiling',
  baseline: true,
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { etag: null },
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: 'const' });
}
