/**
 * Discovers the subjects: every `bench/subjects/*.mjs` (files starting with `_` excluded) that
 * exports `meta` and `start()`. Adding a subject is adding one file here.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SUBJECTS_DIR = fileURLToPath(new URL('../subjects/', import.meta.url));

/** Table order of the frameworks; unknown ones follow alphabetically. */
const FRAMEWORK_ORDER = ['node', 'express', 'hono', 'nest-express', 'nest-fastify'];
const ROLE_ORDER = ['platform', 'ceiling', 'origin', 'ours', 'floor', 'peer'];

function rank(list, value) {
  const i = list.indexOf(value);
  return i < 0 ? list.length : i;
}

/**
 * @param {{ only?: string[] }} [options] keep subjects whose id contains one of these strings
 *   (`=<id>`: that id exactly)
 * @returns {Promise<Array<{ id: string, file: string, meta: object, loadError?: string }>>}
 */
export async function discoverSubjects(options = {}) {
  const files = readdirSync(SUBJECTS_DIR)
    .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
    .sort();
  const subjects = [];
  for (const f of files) {
    const id = basename(f, '.mjs');
    if (
      options.only?.length &&
      !options.only.some((o) => (o.startsWith('=') ? id === o.slice(1) : id.includes(o)))
    )
      continue;
    const file = join(SUBJECTS_DIR, f);
    try {
      const mod = await import(pathToFileURL(file).href);
      if (!mod.meta || typeof mod.start !== 'function') throw new Error('exports no `meta` and `start()`');
      subjects.push({ id, file, meta: { role: 'other', ...mod.meta } });
    } catch (error) {
      subjects.push({
        id,
        file,
        meta: { framework: id.split('-')[0], title: id, role: 'other' },
        loadError: String(error.message ?? error).split('\n')[0],
      });
    }
  }
  subjects.sort(
    (a, b) =>
      rank(FRAMEWORK_ORDER, a.meta.framework) - rank(FRAMEWORK_ORDER, b.meta.framework) ||
      a.meta.framework.localeCompare(b.meta.framework) ||
      Number(Boolean(b.meta.baseline)) - Number(Boolean(a.meta.baseline)) ||
      rank(ROLE_ORDER, a.meta.role) - rank(ROLE_ORDER, b.meta.role) ||
      a.id.localeCompare(b.id),
  );
  return subjects;
}
