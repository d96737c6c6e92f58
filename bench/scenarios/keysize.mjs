/**
 * Key size: throughput of the Express L1 path with 100 vs 100,000 distinct keys requested with a
 * Zipf distribution (s = 1), to show the cost as the working set grows (more misses, evictions
 * once past the 64 MiB default bound). Interleaved rounds; each run is a fresh process, warmed up.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/redis.mjs';
import { APPS_DIR } from '../src/scenario-kit.mjs';
import { createZipf, median, range } from '../src/stats.mjs';
import { startSubject } from '../src/subject-process.mjs';
import { runWrk } from '../src/wrk.mjs';

const SCRIPT = fileURLToPath(new URL('./zipf-paths.lua', import.meta.url));
const KEY_COUNTS = [100, 100_000];
const SEQUENCE = 500_000;

export const keysize = {
  title: 'Key size: Express L1 throughput with 100 vs 100,000 distinct keys (Zipf, s = 1)',
  async run(config, log) {
    const dir = mkdtempSync(join(tmpdir(), 'routecache-bench-zipf-'));
    const files = {};
    for (const n of KEY_COUNTS) {
      const sample = createZipf(n, { s: 1, seed: 11 });
      const lines = Array.from({ length: SEQUENCE }, () => `/items/${sample()}`);
      files[n] = join(dir, `paths-${n}.txt`);
      writeFileSync(files[n], `${lines.join('\n')}\n`);
    }
    const results = Object.fromEntries(KEY_COUNTS.map((n) => [n, []]));
    try {
      for (let round = 1; round <= config.rounds; round++) {
        for (const n of KEY_COUNTS) {
          const port = await freePort();
          const proc = await startSubject({
            file: `${APPS_DIR}express-items.mjs`,
            port,
            core: config.serverCore,
          });
          if ('unavailable' in proc) throw new Error(`not available: ${proc.unavailable}`);
          try {
            const load = {
              url: `http://127.0.0.1:${port}/`,
              connections: config.connections,
              core: config.loadCore,
              script: SCRIPT,
              scriptArgs: [files[n]],
            };
            await runWrk({ ...load, seconds: config.warmup });
            const before = await proc.handlerCalls();
            const wrk = await runWrk({ ...load, seconds: config.duration });
            const misses = (await proc.handlerCalls()) - before;
            if (wrk.non2xx3xx > 0 || wrk.socketErrors > 0 || wrk.requests === 0) {
              log(
                `  round ${round}, ${n} keys: INVALID (${wrk.non2xx3xx} bad statuses, ${wrk.socketErrorDetail})`,
              );
              continue;
            }
            results[n].push({ rps: wrk.rps, p99: wrk.p99, missRatio: misses / wrk.requests });
            log(
              `  round ${round}, ${n.toLocaleString('en-US')} keys: ${Math.round(wrk.rps).toLocaleString('en-US')} req/s, ${((misses / wrk.requests) * 100).toFixed(1)}% misses, p99 ${wrk.p99?.toFixed(2)} ms`,
            );
          } finally {
            await proc.stop();
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const row = (n) => {
      const r = results[n];
      const rps = r.map((x) => x.rps);
      const { min, max } = range(rps);
      return `| ${n.toLocaleString('en-US')} | ${Math.round(median(rps)).toLocaleString('en-US')} | ${Math.round(min).toLocaleString('en-US')}–${Math.round(max).toLocaleString('en-US')} | ${(median(r.map((x) => x.missRatio)) * 100).toFixed(1)}% | ${median(r.map((x) => x.p99)).toFixed(2)} |`;
    };
    const ratio =
      median(results[KEY_COUNTS[1]].map((x) => x.rps)) / median(results[KEY_COUNTS[0]].map((x) => x.rps));
    const markdown = [
      `Express + routecache (default \`memoryStore()\`: 64 MiB, 100,000 entries), \`GET /items/:id\` with the 2 ms origin on a miss;`,
      `wrk replays a fixed Zipf sequence of ${SEQUENCE.toLocaleString('en-US')} paths (seed 11). ${config.rounds} rounds, ${config.warmup} s warm-up + ${config.duration} s measured.`,
      '',
      '| distinct keys | req/s (median) | min–max | misses (handler runs / requests) | p99 ms |',
      '|---:|---:|---:|---:|---:|',
      row(KEY_COUNTS[0]),
      row(KEY_COUNTS[1]),
      '',
      `100,000 keys run at **${ratio.toFixed(2)}×** the throughput of 100 keys.`,
    ].join('\n');
    return { markdown, data: results };
  },
};
