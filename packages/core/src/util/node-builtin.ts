/**
 * Node built-in modules reached without importing a `node:` module, so every entry point stays
 * edge-safe: `process.getBuiltinModule` (Node >= 20.16, Bun, Deno, workerd with nodejs_compat).
 */

/** The built-in module `id` when the runtime offers it synchronously, else `undefined`. */
export function getBuiltinModule(id: string): unknown {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}
