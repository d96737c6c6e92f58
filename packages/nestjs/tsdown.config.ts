import { defineConfig } from 'tsdown';
import { entriesFromExports } from '../../scripts/entries-from-exports.ts';

export default defineConfig({
  entry: entriesFromExports(import.meta.dirname),
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'es2022',
  sourcemap: true,
  clean: true,
  // `index.js` / `index.cjs`, as package.json's exports name them.
  fixedExtension: false,
  // Nest's dependency injection reads `design:paramtypes`: the oxc transform emits it with
  // `experimentalDecorators` + `emitDecoratorMetadata` (tsconfig.json); test/built-dist checks it.
});
