#!/usr/bin/env node
/**
 * A/B of a code change on one subject, paired (a development aid; nothing here is written to the doc).
 *
 *   node bench/ab.mjs --save-base                   build the snapshot and keep a copy of it as the base
 *   (change the code)
 *   node bench/ab.mjs hono-l1-hit [--pairs 8] [--seconds 2]
 *                                                   rebuild the snapshot, then the subject on it (B)
 *                                                   against the same subject on the base (A), in pairs
 *   node bench/ab.mjs hono-l1-hit --no-build        the same without rebuilding
 *   node bench/ab.mjs hono-l1-hit hono-floor-middleware   two subjects on the current snapshot, paired
 *
 * Both runs stay open together on the server core and are measured in turn in alternating order,
 * as the bench's paired measurement of a target is (`src/paired.mjs`); on this kind of host the
 * speed moves by tens of percent from one minute to the next, so runs made minutes apart do not
 * compare, while pairs seconds apart do.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from './src/redis.mjs';
import { buildSnapshot, SNAPSHOT_DIR } from './src/snapshot.mjs';
import { median, range } from './src/stats.mjs';
import { closeRun, measureRun, openRun } from './src/subject-run.mjs';
import { discoverSubjects } from './src/subjects.mjs';

const BASE_DIR = join(SNAPSHOT_DIR, '..', '.routecache-base');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'save-base': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    pairs: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
  },
});
const log = (line) => console.log(line);

if (!values['no-build']) buildSnapshot(log);
if (values['save-base']) {
  rmSync(BASE_DIR, { recursive: true, force: true });
  cpSync(SNAPSHOT_DIR, BASE_DIR, { recursive: true });
  log(`base saved: ${BASE_DIR}`);
  process.exit(0);
}

const [idB, idA] = positionals;
if (!idB) {
  log('usage: node bench/ab.mjs <subject> [<other subject>] | --save-base (see the head of this file)');
  process.exit(2);
}
if (!idA && !existsSync(BASE_DIR)) {
  log('no base: run `node bench/ab.mjs --save-base` before the change');
  process.exit(2);
}
const found = await discoverSubjects({ only: [`=${idB}`, ...(idA ? [`=${idA}`] : [])] });
const subjectB = found.find((s) => s.id === idB);
const subjectA = idA
  ? found.find((s) => s.id === idA)
  : { ...subjectB, id: `${idB} (base)`, env: { ROUTECACHE_BENCH_SNAPSHOT: BASE_DIR } };
if (!subjectB || !subjectA) {
  log(`no such subject: ${!subjectB ? idB : idA}`);
  process.exit(2);
}
const config = { serverCore: 0, loadCore: 1, connections: 50, checkSeconds: 0.3 };
const redis =
  subjectB.meta.needsRedis || subjectA.meta.needsRedis ? await startRedis({ core: 1 }) : undefined;
if (redis && 'unavailable' in redis) throw new Error(`no Redis: ${redis.unavailable}`);
const runA = await openRun(subjectA, config, redis?.url);
const runB = await openRun(subjectB, config, redis?.url);
try {
  for (const run of [runA, runB]) {
    if ('unavailable' in run) throw new Error(`not available: ${run.unavailable}`);
    if (run.problems.length) throw new Error(`${run.subject.id}: ${run.problems.join('; ')}`);
  }
  const ratios = [];
  const cpuRatios = [];
  for (let pair = 1; pair <= Number(values.pairs); pair++) {
    const order = pair % 2 === 1 ? [runA, runB] : [runB, runA];
    const figures = new Map();
    for (const run of order)
      figures.set(run, await measureRun(run, config, { warmup: 1, duration: Number(values.seconds) }));
    const a = figures.get(runA);
    const b = figures.get(runB);
    if (!a.valid || !b.valid) {
      log(`pair ${pair}: INVALID: ${[...a.problems, ...b.problems].join('; ')}`);
      continue;
    }
    ratios.push(b.rps / a.rps);
    cpuRatios.push(a.cpuUsPerRequest / b.cpuUsPerRequest);
    log(
      `pair ${pair}: B/A ${(b.rps / a.rps).toFixed(3)} by CPU ${(a.cpuUsPerRequest / b.cpuUsPerRequest).toFixed(3)}` +
        `  (CPU µs/req A ${a.cpuUsPerRequest.toFixed(2)}, B ${b.cpuUsPerRequest.toFixed(2)})`,
    );
  }
  const { min, max } = range(ratios);
  log(
    `B = ${subjectB.id}, A = ${subjectA.id}: B/A median ${median(ratios).toFixed(3)} (${min.toFixed(3)}–${max.toFixed(3)}), ` +
      `by CPU ${median(cpuRatios).toFixed(3)}, ${ratios.length} valid pairs`,
  );
} finally {
  for (const run of [runA, runB]) if (!('unavailable' in run)) await closeRun(run);
  await redis?.stop();
}
