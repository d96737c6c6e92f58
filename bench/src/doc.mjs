/**
 * Writes `docs/benchmarks.md` (and one SVG chart per framework under `docs/benchmarks/`) from the
 * last results saved under `docs/benchmarks/*.json`: the throughput run and each scenario.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STEADY_TOLERANCE } from './paired.mjs';
import { formatMarkdown, judgedHow, renderChart } from './report.mjs';
import { median } from './stats.mjs';
import { MIN_PAIRS, summarize } from './summary.mjs';

export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));
export const RESULTS_DIR = join(DOCS_DIR, 'benchmarks');

/** Saves one result file (`throughput.json`, `scenario-<name>.json`). */
export function saveResult(name, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
}

function loadResult(name) {
  const path = join(RESULTS_DIR, `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

function machineTable(env, extra = []) {
  const rows = [
    ['date (UTC)', env.date],
    ['command', `\`${env.command}\``],
    ['Node', `${env.node} (V8 ${env.v8})`],
    ['CPU', `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB`],
    ['OS', env.os],
    ['load generator', `${env.wrk}; autocannon ${env.autocannon} (per-response checks only)`],
    ['redis-server', env.redis],
    ['load average at start', env.loadAverageAtStart],
    [
      'frameworks',
      Object.entries(env.versions ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ...extra,
  ];
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function noiseOf(throughput) {
  const shares = throughput.results.subjects.flatMap((s) =>
    s.rounds.filter((r) => r.valid).map((r) => r.foreignCpu),
  );
  const finite = shares.filter(Number.isFinite);
  return { median: median(finite), max: Math.max(0, ...finite) };
}

/** The CPU ratio of a target: paired and rounds when judged on pairs. */
function pairedCpu(t) {
  return t.judgedOnPairs
    ? `paired ${t.paired.cpuValue.toFixed(3)}×, rounds ${t.cpuValue.toFixed(3)}×`
    : `${t.cpuValue.toFixed(3)}×`;
}

/** The paired measurement, one row per target pair: every pair's req/s ratio in run order. */
function pairedLines(throughput) {
  const entries = throughput.results.paired ?? [];
  if (entries.length === 0) return [];
  const { config } = throughput;
  const fixed = (n, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const rows = entries.map((e) => {
    const pairs = e.pairs.map((p) =>
      !p.ours.valid || !p.theirs.valid
        ? 'invalid'
        : `${fixed(p.ours.rps / p.theirs.rps)}${p.steady === false ? ' (unsteady)' : ''}`,
    );
    const cpu = e.pairs
      .filter((p) => p.ours.valid && p.theirs.valid && p.steady !== false)
      .map((p) => p.theirs.cpuUsPerRequest / p.ours.cpuUsPerRequest);
    const noise = e.pairs.flatMap((p) => [p.ours.foreignCpu, p.theirs.foreignCpu]).filter(Number.isFinite);
    return `| ${e.subject} | ${e.of} | ${e.problems.length ? `invalid: ${e.problems.join('; ').replace(/\|/g, '\\|')}` : pairs.join(' ')} | ${fixed(median(cpu))} | ${fixed(Math.max(0, ...noise) * 100, 0)}% |`;
  });
  // Runs before the reference was measured on both sides of ours alternated the order instead.
  const bracketed = entries.some((e) => e.pairs.some((p) => p.reference));
  const bracketedText = [
    'Every target once more, after the rounds: the subject and the one its target is a ratio of (the reference)',
    `are open at once (two processes on core ${config.serverCore}, one idle while the other is loaded) and measured in turn,`,
    `the reference before and after ours (${config.pairWarmup ?? 1} s warm-up + ${config.pairDuration} s measured each run); a pair's ratio is ours`,
    'against the mean of the two reference readings, and a pair whose two readings differ by more than',
    `${STEADY_TOLERANCE * 100}% (the host's speed moved under it) is marked unsteady, not counted, and measured again`,
    `(up to ${config.pairs} counted pairs, at most ${config.pairs + 4} tries). In the rounds the two are measured minutes`,
    'apart and a slow minute of the host falls on one of them; here they are seconds apart. A target is judged on',
    `the median of its counted pairs when there are at least ${MIN_PAIRS}, else on the rounds' median; the Targets list gives both.`,
  ];
  const alternatingText = [
    'Every target once more, after the rounds: the subject and the one its target is a ratio of are open at once',
    `(two processes on core ${config.serverCore}, one idle while the other is loaded) and measured in turn,`,
    `${config.pairs} pairs of ${config.pairWarmup} s warm-up + ${config.pairDuration} s measured each, in alternating order (A B, B A, …).`,
    'In the rounds the two are measured minutes apart and a slow minute of the host falls on one of them;',
    `here they are seconds apart. A target is judged on the median of its pairs when at least ${MIN_PAIRS} are valid,`,
    "else on the rounds' median; the Targets list gives both.",
  ];
  return [
    '## Paired measurement',
    '',
    ...(bracketed ? bracketedText : alternatingText),
    '',
    '| subject | ÷ | req/s ratio per pair, in run order | CPU ratio (median) | most of the server core other processes took |',
    '|---|---|---|---:|---:|',
    ...rows,
    '',
  ];
}

function targetLines(groups) {
  const lines = [];
  for (const g of groups) {
    for (const r of g.rows) {
      if (r.reference) continue;
      if (r.target) {
        const t = r.target;
        const of = t.of === g.baseline ? `${t.of} (baseline)` : t.of;
        if (r.unavailable)
          lines.push(`- ${r.id}: target ≥ ${t.ratio}× ${of}: **not measured** (${r.unavailable})`);
        else if (t.met === undefined)
          lines.push(
            `- ${r.id}: target ≥ ${t.ratio}× ${of}: **no figure** ${t.reason ? `(${t.reason})` : ''}`,
          );
        else
          lines.push(
            `- ${r.id}: ${t.met ? 'met' : '**missed**'}: ${t.judged.toFixed(3)}× ${of}, target ≥ ${t.ratio}×` +
              (t.judgedOnPairs ? ` (${judgedHow(t)})` : '') +
              (t.met ? '' : ` (short by ${((t.ratio - t.judged) * 100).toFixed(1)} percentage points)`) +
              (Number.isFinite(t.cpuValue) ? `; by server CPU per request ${pairedCpu(t)}` : ''),
          );
      }
      if (r.p99Target && !r.unavailable) {
        const t = r.p99Target;
        lines.push(
          t.met === undefined
            ? `- ${r.id}: p99 ≤ ${t.ratio}× ${t.of}'s: **no figure**`
            : `- ${r.id}: p99 ${t.met ? 'met' : '**missed**'}: ${t.judged.toFixed(2)}× ${t.of}'s p99, target ≤ ${t.ratio}×` +
                (t.judgedOnPairs ? ` (${judgedHow(t, 'p99Value')})` : ''),
        );
      }
      for (const p of r.peers ?? []) {
        if (r.unavailable) continue;
        lines.push(
          p.ahead === undefined
            ? `- ${r.id} vs ${p.id}: no figure`
            : `- ${r.id} vs ${p.id}: ${p.value.toFixed(2)}× (${p.ahead ? 'ahead' : '**behind**'})` +
                (Number.isFinite(p.cpuValue) ? `; by server CPU per request ${p.cpuValue.toFixed(2)}×` : ''),
        );
      }
      for (const c of r.compare ?? []) {
        if (r.unavailable || !Number.isFinite(c.value)) continue;
        lines.push(
          `- ${r.id} vs ${c.id}: ${c.value.toFixed(2)}×` +
            (Number.isFinite(c.cpuValue) ? `; by server CPU per request ${c.cpuValue.toFixed(2)}×` : ''),
        );
      }
    }
  }
  return lines;
}

/** Formats generated files the way the repository's `biome check` wants them (when biome is installed). */
function formatWithBiome(paths) {
  const biome = join(DOCS_DIR, '..', 'node_modules', '.bin', 'biome');
  if (existsSync(biome)) spawnSync(biome, ['format', '--write', ...paths], { stdio: 'ignore' });
}

/** Regenerates the whole doc from the saved results. */
export function writeDoc() {
  const throughput = loadResult('throughput');
  const scenarioFiles = existsSync(RESULTS_DIR)
    ? readdirSync(RESULTS_DIR)
        .filter((f) => f.startsWith('scenario-') && f.endsWith('.json'))
        .sort()
    : [];
  const out = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/run.mjs from docs/benchmarks/*.json. Do not edit by hand: run `pnpm bench`. -->',
    '',
  ];
  if (throughput) {
    const { env, config } = throughput;
    const groups = summarize(throughput.results, config.rounds);
    const noise = noiseOf(throughput);
    const warnings = [];
    if (config.quick)
      warnings.push('this is a `--quick` run (short runs, 2 rounds): for development, not for quoting.');
    if (noise.median > 0.05 || noise.max > 0.25) {
      warnings.push(
        `the machine was not quiet: other processes used a median ${(noise.median * 100).toFixed(0)}% (up to ` +
          `${(noise.max * 100).toFixed(0)}%) of the server's core during the measured runs, so the figures are noisy; ` +
          'ratios measured round by round hold up better than absolute req/s, and the ratios **by server CPU per request** ' +
          '(which do not drop when another process takes the core) are the more reliable figures of this run.',
      );
    }
    if (warnings.length) out.push(...warnings.map((w) => `> **Note:** ${w}`), '');
    out.push(
      `Throughput measured ${env.date.slice(0, 16).replace('T', ' ')} UTC with \`${env.command}\`. Each subject runs in its own`,
      `Node process pinned to core ${config.serverCore} and is loaded by wrk (${config.connections} connections, 1 thread)`,
      `pinned to core ${config.loadCore}, in ${config.rounds} interleaved rounds of ${config.warmup} s warm-up (discarded) and ${config.duration} s measured.`,
      "Before a run counts, every response of a short autocannon burst is checked (status, body, key headers), wrk's",
      "bytes per response must match the checked response, and a cached subject's handler must not run during the",
      "load. Ratios are computed round by round against the framework's constant route (its ceiling).",
      '"× baseline by CPU" compares the server\'s CPU time per request (from `/proc/<pid>/schedstat`) instead of',
      'req/s: on a quiet machine, where the server saturates its core, both agree; when other processes take',
      'the core, req/s drops but CPU per request does not. For the timer origins (not CPU-bound) only req/s means much.',
      '"server core busy" is the share of core 0 the server used during the measured run: well under 100% on a',
      'CPU-bound route means the load generator (one wrk thread on the other core) was the limit, not the server,',
      'which compresses the req/s ratios of the fastest subjects; the CPU ratios are not affected.',
      '',
      '## Machine',
      '',
      machineTable(env, [
        [
          'noise (other processes on the server core)',
          `median ${(noise.median * 100).toFixed(1)}%, max ${(noise.max * 100).toFixed(1)}%`,
        ],
      ]),
      '',
      '## Targets',
      '',
      ...targetLines(groups),
      '',
      ...pairedLines(throughput),
      '## Throughput',
      '',
      formatMarkdown(groups, (framework) => `benchmarks/${framework}.svg`),
    );
    for (const f of readdirSync(RESULTS_DIR)) {
      if (f.endsWith('.svg') && !groups.some((g) => `${g.framework}.svg` === f)) rmSync(join(RESULTS_DIR, f));
    }
    for (const g of groups) {
      writeFileSync(
        join(RESULTS_DIR, `${g.framework}.svg`),
        renderChart(
          g,
          `median of ${config.rounds} rounds, whiskers min–max; ${env.node}; ${env.date.slice(0, 10)}`,
        ),
      );
    }
  } else {
    out.push('No throughput run saved yet: run `pnpm bench`.', '');
  }
  if (scenarioFiles.length) {
    out.push('## Scenarios', '');
    for (const f of scenarioFiles) {
      const s = JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8'));
      out.push(
        `### ${s.title}`,
        '',
        `Run ${s.env.date.slice(0, 16).replace('T', ' ')} UTC with \`${s.env.command}\` on Node ${s.env.node}.`,
        '',
      );
      if (s.unavailable) out.push(`Not available: ${s.unavailable}`, '');
      else out.push(s.markdown, '');
    }
  }
  out.push(
    '## Reproduce',
    '',
    '```sh',
    'pnpm install',
    'pnpm bench                       # all subjects, 3 rounds; rewrites this page',
    'pnpm bench --only express        # one framework',
    'pnpm bench --scenario all        # stampede, invalidation, memory, keysize',
    '```',
    '',
    'See `bench/README.md` for every option and for how to add a subject.',
    '',
  );
  mkdirSync(DOCS_DIR, { recursive: true });
  const path = join(DOCS_DIR, 'benchmarks.md');
  writeFileSync(path, out.join('\n'));
  formatWithBiome([path, RESULTS_DIR]);
  return path;
}
