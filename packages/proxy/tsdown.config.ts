import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
    clean: true,
    external: [/^@routecache\//, 'ioredis', /^node:/],
  },
  {
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
    platform: 'neutral',
    target: 'es2022',
    sourcemap: true,
    clean: false,
    external: [/^@routecache\//, 'ioredis', /^node:/],
  },
]);
