import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'core/redis': 'src/core/redis.ts',
    'core/testing': 'src/core/testing.ts',
    'core/cdn/varnish': 'src/core/cdn/varnish.ts',
    'core/cdn/fastly': 'src/core/cdn/fastly.ts',
    'core/cdn/cloudflare': 'src/core/cdn/cloudflare.ts',
    'core/cdn/akamai': 'src/core/cdn/akamai.ts',
    'core/prometheus': 'src/core/prometheus.ts',
    'core/otel': 'src/core/otel.ts',
    'core/node': 'src/core/node.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  clean: true,
});
