/**
 * The subjects load routecache the way users do, as built JavaScript, from a snapshot the runner
 * builds at the start of every run into
 * `bench/node_modules/.routecache-snapshot/<package>/` (tsdown with each package's
 * own config; ESM, no d.ts). A run therefore measures one consistent version of the code even
 * when the sources change meanwhile, and never touches the packages' own `dist/`.
 * `snapshot-hooks.mjs` points `@routecache/*` imports at the snapshot.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SNAPSHOT_DIR = join(ROOT, 'bench', 'node_modules', '.routecache-snapshot');
export const PACKAGES = ['core', 'express', 'hono', 'nestjs'];
/** `node --import` this to resolve `@routecache/*` to the snapshot. */
export const REGISTER = fileURLToPath(new URL('./snapshot-register.mjs', import.meta.url));

/** Builds every package into the snapshot; a failed build leaves a `FAILED` note its subjects report. */
export function buildSnapshot(log) {
  mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const failed = [];
  for (const name of PACKAGES) {
    const pkgDir = join(ROOT, 'packages', name);
    const out = join(SNAPSHOT_DIR, name);
    rmSync(out, { recursive: true, force: true });
    if (!existsSync(join(pkgDir, 'src', 'index.ts'))) {
      failed.push({ name, reason: 'no src/index.ts yet' });
      continue;
    }
    const args = [
      'exec',
      'tsdown',
      '--out-dir',
      out,
      '--no-dts',
      '--format',
      'esm',
      '--no-sourcemap',
      '--logLevel',
      'error',
    ];
    const result = spawnSync('pnpm', args, {
      cwd: pkgDir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    if (result.status === 0 && existsSync(join(out, 'index.js'))) continue;
    const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').filter(Boolean);
    const reason = (text.find((l) => /error/i.test(l)) ?? text.at(-1) ?? `exit ${result.status}`).trim();
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'FAILED'), reason);
    failed.push({ name, reason });
  }
  for (const f of failed)
    log(
      `not available: @routecache/${f.name} (snapshot build failed: ${f.reason}); its subjects will be skipped`,
    );
  return { failed };
}
