/**
 * The header lists the adversarial suite's apps need, apart from the suite itself (which uses
 * `node:http` and vitest), so an app can be bundled for workerd. The routes and middlewares each
 * app implements are described in `adversarial-suite.ts`.
 */

/** Headers `/reflect` echoes: the ones apps read to build URLs or pick the method. */
export const REFLECTED_HEADERS: readonly string[] = [
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-scheme',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'x-host',
  'x-original-host',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'forwarded',
];

/** The override headers the app's after-cache middleware honours. */
export const REWRITE_HEADERS: readonly string[] = ['x-original-url', 'x-rewrite-url', 'x-test-rewrite-after'];
export const METHOD_OVERRIDE_HEADERS: readonly string[] = [
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
];
