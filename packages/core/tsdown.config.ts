import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'redis/index': 'src/redis/index.ts',
    'testing/index': 'src/testing/index.ts',
    'prometheus/index': 'src/prometheus/index.ts',
    'otel/index': 'src/otel/index.ts',
    'node/index': 'src/node/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  clean: true,
  external: ['ioredis', 'vitest', 'lru-cache', 'prom-client', /^@opentelemetry\//, /^node:/],
});
