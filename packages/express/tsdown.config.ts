import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  // `.js`/`.cjs` as package.json's exports map says (the node platform defaults to `.mjs`).
  fixedExtension: false,
  target: 'es2022',
  sourcemap: true,
  clean: true,
});
