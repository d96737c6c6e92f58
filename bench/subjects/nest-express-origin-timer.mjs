/** NestJS (express platform): origin, uncached (2 ms timer). The app is built in `bench/src/nest-apps.mjs`. */
import { startNestSubject } from '../src/nest-apps.mjs';

export const meta = {
  framework: 'nest-express',
  title: 'origin, uncached (2 ms timer)',
  role: 'origin',
  path: '/r',
  expectStatus: 200,
  expectBody: 'document',
  handlerRunsEveryRequest: true,
};

export function start(options) {
  return startNestSubject({ ...options, platform: 'express', variant: 'origin-timer' });
}
