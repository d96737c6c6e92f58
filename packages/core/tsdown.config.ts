import { defineConfig } from 'tsdown';
import { entriesFromExports } from '../../scripts/entries-from-exports.ts';

export default defineConfig({
  entry: entriesFromExports(import.meta.dirname),
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
