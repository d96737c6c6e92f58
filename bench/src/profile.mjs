/**
 * `--profile <subject>`: runs one subject under `node --cpu-prof` while wrk loads it, then prints
 * where the CPU time went: self time by function and by package/file.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from './raw-http.mjs';
import { freePort, startRedis } from './redis.mjs';
import { startSubject } from './subject-process.mjs';
import { discoverSubjects } from './subjects.mjs';
import { runWrk } from './wrk.mjs';

/** Self time per function and per "area" (package or file) from a V8 .cpuprofile. */
export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const intervals = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    intervals.set(id, (intervals.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...intervals.values()].reduce((a, b) => a + b, 0) || 1;
  const fns = new Map();
  const areas = new Map();
  for (const [id, micros] of intervals) {
    const { callFrame } = byId.get(id);
    const url = callFrame.url || '';
    const name = `${callFrame.functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(packages|bench)\//, '$1/')}:${callFrame.lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + micros);
    let area = '(native / V8 / GC)';
    if (url.startsWith('node:')) area = `node core (${url.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
    else if (url.includes('node_modules/')) {
      const after = url.split('node_modules/').pop();
      area = after.startsWith('@') ? after.split('/').slice(0, 2).join('/') : after.split('/')[0];
    } else if (url.includes('/packages/'))
      area = `@routecache/${url.split('/packages/')[1].split('/')[0]} (${url.split('/').pop()})`;
    else if (url) area = url.split('/').slice(-2).join('/');
    else if (callFrame.functionName === '(garbage collector)') area = '(garbage collector)';
    else if (callFrame.functionName === '(idle)') area = '(idle)';
    areas.set(area, (areas.get(area) ?? 0) + micros);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, share: micros / total }));
  return { totalMs: total / 1000, functions: rank(fns), areas: rank(areas) };
}

export async function runProfile(config, log) {
  const [subject] = (await discoverSubjects({ only: [config.profile] })).filter(
    (s) => s.id === config.profile,
  );
  if (!subject) throw new Error(`no subject named ${config.profile} (see bench/subjects/)`);
  const dir = mkdtempSync(join(tmpdir(), 'routecache-bench-prof-'));
  const redis = subject.meta.needsRedis ? await startRedis({ core: config.loadCore }) : undefined;
  if (redis && 'unavailable' in redis) throw new Error(`not available: ${redis.unavailable}`);
  const port = await freePort();
  const proc = await startSubject({
    file: subject.file,
    port,
    core: config.serverCore,
    redisUrl: redis?.url,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  if ('unavailable' in proc) throw new Error(`not available: ${proc.unavailable}`);
  try {
    const headers = {};
    const first = await rawRequest(port, subject.meta.path);
    if (subject.meta.conditional && first.headers.etag) headers['If-None-Match'] = first.headers.etag;
    const url = `http://127.0.0.1:${port}${subject.meta.path}`;
    await runWrk({
      url,
      seconds: config.warmup,
      connections: config.connections,
      headers,
      core: config.loadCore,
    });
    const wrk = await runWrk({
      url,
      seconds: config.duration,
      connections: config.connections,
      headers,
      core: config.loadCore,
    });
    log(
      `${subject.id}: ${Math.round(wrk.rps).toLocaleString('en-US')} req/s under the profiler (slower than unprofiled)`,
    );
  } finally {
    await proc.stop(10_000);
    if (redis && 'stop' in redis) await redis.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const outDir = new URL('../node_modules/.routecache-profiles/', import.meta.url).pathname;
  mkdirSync(outDir, { recursive: true });
  const kept = join(outDir, `${subject.id}-${Date.now()}.cpuprofile`);
  renameSync(join(dir, file), kept);
  const summary = summarizeProfile(JSON.parse(readFileSync(kept, 'utf8')));
  log(`profile: ${kept} (${summary.totalMs.toFixed(0)} ms sampled, warm-up included)`);
  log('\nself time by area:');
  for (const a of summary.areas) log(`  ${(a.share * 100).toFixed(1).padStart(5)}%  ${a.name}`);
  log('\nself time by function:');
  for (const f of summary.functions) log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}`);
  return summary;
}
