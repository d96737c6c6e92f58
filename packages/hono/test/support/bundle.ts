import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/** Export conditions of an edge bundle: workspace sources first, then the workerd/browser builds. */
export const EDGE_CONDITIONS: string[] = ['source', 'workerd', 'worker', 'browser'];

/** Bundles `entry` (a path relative to `packages/hono/`, or absolute) into one ESM script for an edge runtime. */
export async function bundleForEdge(
  entry: string,
  options: { platform?: 'browser' | 'neutral'; external?: string[] } = {},
): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    entryPoints: [entry.startsWith('/') ? entry : fileURLToPath(new URL(`../../${entry}`, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: options.platform ?? 'browser',
    conditions: EDGE_CONDITIONS,
    mainFields: ['module', 'main'],
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    external: options.external ?? [],
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return { code, metafile: result.metafile };
}
