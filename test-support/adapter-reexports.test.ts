/**
 * One install line per framework: each adapter re-exports the core's user API and every core
 * subpath as its own, the very same bindings (one copy of the core, so `instanceof PolicyError`
 * and policy identity hold across them). Adapter-facing helpers stay out of the user API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** A package's module for an export subpath, through its exports map's `source` condition. */
function load(pkg: string, subpath: string): Promise<Record<string, unknown>> {
  const dir = join(ROOT, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, { source?: string }>;
  };
  const source = manifest.exports[subpath]?.source;
  if (!source) throw new Error(`packages/${pkg}/package.json exports no "${subpath}"`);
  return import(/* @vite-ignore */ join(dir, source));
}

const subpaths = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8')) as { exports: object }).exports,
).filter((p) => p !== '.' && p !== './package.json' && p !== './adapter');

describe.each(['express', 'hono', 'nestjs'])('@routecache/%s', (adapter) => {
  it('re-exports every binding of @routecache/core, the same objects', async () => {
    const core = await load('core', '.');
    const own = await load(adapter, '.');
    expect(Object.keys(core).length).toBeGreaterThan(30);
    for (const [name, value] of Object.entries(core)) expect([name, own[name]]).toEqual([name, value]);
    expect(own.PolicyError).toBe(core.PolicyError);
  });

  it.each(subpaths)('re-exports the core subpath %s', async (subpath) => {
    const core = await load('core', subpath);
    const own = await load(adapter, subpath);
    expect(Object.keys(core).length).toBeGreaterThan(0);
    expect(Object.keys(own).sort()).toEqual(Object.keys(core).sort());
    for (const [key, value] of Object.entries(core)) expect(own[key]).toBe(value);
  });

  it('keeps the adapter-facing helpers out of its user API', async () => {
    const own = await load(adapter, '.');
    const adapterKit = await load('core', './adapter');
    for (const name of Object.keys(adapterKit)) expect([name, name in own]).toEqual([name, false]);
  });
});
