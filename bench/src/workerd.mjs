/**
 * Serves a Hono worker from a real workerd (miniflare) on the subject's port, for the
 * `hono-workerd-*` subjects. The worker source imports `hono` and `@routecache/*` as an app
 * would; esbuild bundles it with `@routecache/*` taken from the runner's snapshot (the same
 * build the Node subjects run). workerd is a child process of the subject host, pinned with it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const SNAPSHOT_DIR = join(BENCH_DIR, 'node_modules', '.routecache-snapshot');
const PACKAGES_DIR = join(BENCH_DIR, '..', 'packages');

/** esbuild plugin: `@routecache/<pkg>[/<sub>]` from the snapshot; bare imports inside it as from the package. */
const snapshotPlugin = {
  name: 'routecache-snapshot',
  setup(build) {
    build.onResolve({ filter: /^@routecache\// }, (args) => {
      const [, pkg, sub] = args.path.match(/^@routecache\/([\w-]+)(?:\/([\w/-]+))?$/) ?? [];
      if (!pkg) return undefined;
      return { path: join(SNAPSHOT_DIR, pkg, sub ?? '', 'index.js') };
    });
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (!args.importer.startsWith(SNAPSHOT_DIR) || args.pluginData === 'resolving') return undefined;
      const pkg = args.importer.slice(SNAPSHOT_DIR.length + 1).split('/')[0];
      return build.resolve(args.path, {
        kind: args.kind,
        resolveDir: join(PACKAGES_DIR, pkg),
        pluginData: 'resolving',
      });
    });
  },
};

/** Bundles `source` (an ES module worker) and serves it on 127.0.0.1:`port`; resolves `{ close, cpuPid }`. */
export async function serveWorker(source, port) {
  const [{ build }, { Miniflare }] = await Promise.all([import('esbuild'), import('miniflare')]);
  const bundled = await build({
    stdin: { contents: source, resolveDir: BENCH_DIR, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    write: false,
    plugins: [snapshotPlugin],
    logLevel: 'silent',
  });
  const mf = new Miniflare({
    modules: true,
    script: bundled.outputFiles[0].text,
    compatibilityDate: '2026-07-01',
    host: '127.0.0.1',
    port,
  });
  await mf.ready;
  return { close: () => mf.dispose(), cpuPid: findChild(process.pid, 'workerd') };
}

/** The pid of this process's child named `name` (workerd does the serving: its CPU is the subject's). */
function findChild(parent, name) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent && comm.startsWith(name)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}
