/**
 * Lets a plain Node child process run the workspace's TypeScript sources, the way vitest does:
 *
 * ```sh
 * node --import ./test-support/source-hooks.ts --conditions=source app.ts
 * ```
 *
 * Node strips the types itself; `--conditions=source` makes `@routecache/*` resolve to their
 * `src/` (the `source` export condition). What Node does not do is resolve the extensionless
 * relative imports our sources use (`./policy`, moduleResolution "bundler"): this hook retries
 * such an import from a `.ts` file as `<specifier>.ts`, then `<specifier>/index.ts`.
 * No build, no extra dependency.
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      const fromTypeScript = context.parentURL?.endsWith('.ts') ?? false;
      if (!relative || !fromTypeScript || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') {
        throw error;
      }
      for (const candidate of [`${specifier}.ts`, `${specifier}/index.ts`]) {
        try {
          return nextResolve(candidate, context);
        } catch {}
      }
      throw error;
    }
  },
});
