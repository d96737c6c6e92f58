import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * tsdown's `entry` map read off a package's `exports`: each subpath's `source` is built to the
 * file its `import` condition names (`./dist/redis/index.js` → entry `redis/index`), so the
 * exports map is the one list of a package's entry points.
 */
export function entriesFromExports(packageDir: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { source?: string; import?: string }>;
  };
  const entries: Record<string, string> = {};
  for (const target of Object.values(manifest.exports)) {
    if (typeof target !== 'object' || !target.source || !target.import) continue;
    entries[target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '')] = target.source.replace(
      /^\.\//,
      '',
    );
  }
  return entries;
}
