import { defineConfig } from 'vitest/config';

/**
 * Tests resolve workspace packages to their TypeScript sources through the `source` export condition.
 * No `'import'` here: it would also apply to `require()` from CommonJS dependencies, and e.g.
 * Express's router would get `is-promise`'s ESM namespace instead of its function (vite adds
 * `'import'` for ESM imports by itself).
 */
const conditions = ['source', 'module', 'node', 'default'];
/**
 * vitest also hands the SSR conditions to its Node workers (`--conditions`), where `module` would
 * make Node load `@opentelemetry/api`'s bundler-only ESM build (extensionless imports; prom-client
 * requires the API): Node gets the list without it.
 */
const nodeConditions = conditions.filter((condition) => condition !== 'module');

/** Tests on real servers (Redis, a Redis Cluster, Varnish): run one file at a time, after the unit project. */
const REDIS_TESTS = ['**/*.redis.test.ts', '**/*.cluster.test.ts', '**/*.varnish.test.ts'];
const IGNORED = ['**/node_modules/**', '**/dist/**', '**/.tools/**'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/**/*.test.ts',
            'examples/**/*.test.ts',
            'test-support/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: [...IGNORED, ...REDIS_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'redis',
          include: REDIS_TESTS.map((p) => `{packages,examples,test-support}/${p}`),
          exclude: IGNORED,
          globalSetup: ['test-support/redis-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
