/** NestJS (express platform): constant route, default ETag. The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-express',
  title: 'constant route, default ETag',
  role: 'ceiling',
  path: '/const',
  expectStatus: 200,
  expectBody: 'document',
  expectHeaders: { etag: /^W\/"/ },
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: 'const-etag' });
}
