import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { EDGE_CONDITIONS } from './support/bundle';

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0]!]));

/** Records every import of a `node:` module or a Node built-in instead of failing the build on it. */
function recordNodeImports(found: string[]): Plugin {
  return {
    name: 'record-node-imports',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.split('/')[0]!;
        if (args.path.startsWith('node:') || NODE_BUILTINS.has(args.path) || NODE_BUILTINS.has(bare)) {
          found.push(`${args.path} (from ${args.importer})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

async function nodeImportsOf(entry: string): Promise<string[]> {
  const found: string[] = [];
  await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: EDGE_CONDITIONS,
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    plugins: [recordNodeImports(found)],
  });
  return found;
}

describe('edge safety', () => {
  it('bundles @routecache/core (index) for a neutral platform without any Node built-in', async () => {
    expect(await nodeImportsOf('../../core/src/index.ts')).toEqual([]);
  });

  it('bundles @routecache/hono with hono for a neutral platform without any Node built-in', async () => {
    expect(await nodeImportsOf('../src/index.ts')).toEqual([]);
  });

  it('detects Node built-ins when they are imported (the check itself works)', async () => {
    const found = await nodeImportsOf('./fixtures/imports-node.ts');
    expect(found.map((f) => f.split(' ')[0]).sort()).toEqual(['buffer', 'node:crypto']);
  });
});
