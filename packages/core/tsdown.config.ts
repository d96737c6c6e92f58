import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'adapter/index': 'src/adapter/index.ts',
    'redis/index': 'src/redis/index.ts',
    'testing/index': 'src/testing/index.ts',
    'cdn/varnish/index': 'src/cdn/varnish.ts',
    'cdn/fastly/index': 'src/cdn/fastly.ts',
    'cdn/cloudflare/index': 'src/cdn/cloudflare.ts',
    'cdn/akamai/index': 'src/cdn/akamai.ts',
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
  external: [
    'ioredis',
    'vitest',
    'lru-cache',
    '@noble/hashes',
    'akamai-edgegrid',
    'prom-client',
    /^@opentelemetry\//,
    /^node:/,
  ],
});
