import { defineConfig } from 'tsdown';
import { entriesFromExports } from '../../scripts/entries-from-exports.ts';

export default defineConfig({
  entry: entriesFromExports(import.meta.dirname),
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  // `.js`/`.cjs` as package.json's exports map says (the node platform defaults to `.mjs`).
  fixedExtension: false,
  target: 'es2022',
  sourcemap: true,
  clean: true,
});
