/**
 * Module resolution hooks for the subjects: `@routecache/<pkg>[/<sub>]` resolves to
 * `bench/node_modules/.routecache-snapshot/<pkg>/[<sub>/]index.js` (see snapshot.mjs), and bare imports made from inside the
 * snapshot resolve as they would from the package itself (its own dependencies).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The snapshot, or another one given by `ROUTECACHE_BENCH_SNAPSHOT` (an absolute directory: `ab.mjs`'s base). */
const SNAPSHOT_DIR = process.env.ROUTECACHE_BENCH_SNAPSHOT
  ? join(process.env.ROUTECACHE_BENCH_SNAPSHOT, '/')
  : fileURLToPath(new URL('../node_modules/.routecache-snapshot/', import.meta.url));
const PACKAGES_DIR = fileURLToPath(new URL('../../packages/', import.meta.url));

export function resolve(specifier, context, nextResolve) {
  const m = specifier.match(/^@routecache\/([\w-]+)(?:\/([\w/-]+))?$/);
  if (m) {
    const [, pkg, sub] = m;
    const failed = join(SNAPSHOT_DIR, pkg, 'FAILED');
    if (existsSync(failed))
      throw new Error(`snapshot build of @routecache/${pkg} failed: ${readFileSync(failed, 'utf8')}`);
    const file = join(SNAPSHOT_DIR, pkg, sub ?? '', 'index.js');
    if (!existsSync(file))
      throw new Error(`@routecache/${pkg}${sub ? `/${sub}` : ''} is not in the snapshot (${file})`);
    return { url: pathToFileURL(file).href, shortCircuit: true, format: 'module' };
  }
  const parent = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : '';
  if (parent.startsWith(SNAPSHOT_DIR) && !specifier.startsWith('.') && !specifier.startsWith('node:')) {
    const pkg = parent.slice(SNAPSHOT_DIR.length).split('/')[0];
    const from = pathToFileURL(join(PACKAGES_DIR, pkg, 'package.json')).href;
    return nextResolve(specifier, { ...context, parentURL: from });
  }
  return nextResolve(specifier, context);
}
