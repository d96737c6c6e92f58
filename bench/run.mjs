#!/usr/bin/env node
/**
 * routecache benchmark runner.
 *
 *   pnpm bench                      throughput of every subject, 3 rounds; writes docs/benchmarks.md
 *   pnpm bench --quick              1 s warm-up + 2 s × 2 rounds, for development (docs untouched)
 *   pnpm bench --only express,hono  subjects whose name contains one of these
 *   pnpm bench --pairs 8            counted pairs per target (default 6, --quick 3; 0: none)
 *   pnpm bench --scenario stampede  a scenario (stampede, invalidation, memory, keysize, cdn-purge, consistency, all)
 *   pnpm bench --profile express-l1-hit   CPU profile of one subject under load
 *   pnpm bench --docs               regenerate docs/benchmarks.md from the saved results only
 *
 * See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { saveResult, writeDoc } from './src/doc.mjs';
import { describeEnvironment } from './src/env.mjs';
import { runProfile } from './src/profile.mjs';
import { formatText } from './src/report.mjs';
import { runScenarios, SCENARIOS } from './src/scenarios.mjs';
import { buildSnapshot } from './src/snapshot.mjs';
import { summarize } from './src/summary.mjs';
import { runThroughput } from './src/throughput.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    pairs: { type: 'string' },
    'pair-duration': { type: 'string' },
    only: { type: 'string', multiple: true },
    scenario: { type: 'string' },
    profile: { type: 'string' },
    docs: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'server-core': { type: 'string', default: '0' },
    'load-core': { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const log = (line) => console.log(line);

if (values.help) {
  const text = (await import('node:fs')).readFileSync(new URL('./run.mjs', import.meta.url), 'utf8');
  console.log(
    text
      .match(/\/\*\*([\s\S]*?)\*\//)[1]
      .replace(/^ \* ?/gm, '')
      .trim(),
  );
  process.exit(0);
}

const quick = values.quick;
const config = {
  quick,
  rounds: Number(values.rounds ?? (quick ? 2 : 3)),
  warmup: Number(values.warmup ?? (quick ? 1 : 2)),
  duration: Number(values.duration ?? (quick ? 2 : 5)),
  connections: Number(values.connections ?? 50),
  pairs: Number(values.pairs ?? (quick ? 3 : 6)),
  pairWarmup: 1,
  pairDuration: Number(values['pair-duration'] ?? (quick ? 1 : 2)),
  checkSeconds: quick ? 0.3 : 0.5,
  serverCore: Number(values['server-core']),
  loadCore: Number(values['load-core']),
  only: values.only?.flatMap((o) => o.split(',')).filter(Boolean),
};

function pinSelf(core) {
  try {
    execFileSync('taskset', ['-pc', String(core), String(process.pid)], { stdio: 'ignore' });
  } catch {
    log(`warning: could not pin the runner to core ${core} (taskset missing?)`);
  }
}

if (values.docs && !values.scenario && !values.profile && !values.quick && !values.only) {
  log(`wrote ${writeDoc()}`);
  process.exit(0);
}

if (!values['no-build']) {
  log('building the routecache snapshot (bench/node_modules/.routecache-snapshot) from packages/*/src…');
  buildSnapshot(log);
}

if (values.profile) {
  pinSelf(config.loadCore);
  await runProfile({ ...config, profile: values.profile }, log);
  process.exit(0);
}

if (values.scenario) {
  const names = values.scenario === 'all' ? Object.keys(SCENARIOS) : values.scenario.split(',');
  for (const name of names) {
    if (!SCENARIOS[name]) {
      log(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}, all`);
      process.exit(2);
    }
  }
  const results = await runScenarios(names, { ...config, env: describeEnvironment() }, log);
  if (!values['no-docs']) {
    for (const r of results) saveResult(`scenario-${r.name}`, r);
    log(`wrote ${writeDoc()}`);
  }
  process.exit(0);
}

pinSelf(config.loadCore);
const env = describeEnvironment();
log(`routecache bench: ${env.command}`);
log(`${env.node} on ${env.cpu} (${env.cores} cores), ${env.wrk}, autocannon ${env.autocannon}, ${env.date}`);
const results = await runThroughput(config, log);
const groups = summarize(results, config.rounds);
log(formatText(groups));
const saved = { env, config, results };
const writeDocs = !values['no-docs'] && (!quick || values.docs) && !(config.only && !values.docs);
if (writeDocs) {
  saveResult('throughput', saved);
  log(`\nwrote ${writeDoc()}`);
} else {
  const path = new URL('./node_modules/.routecache-last-run.json', import.meta.url).pathname;
  writeFileSync(path, `${JSON.stringify(saved, null, 2)}\n`);
  log(
    `\nresults in ${path} (docs/benchmarks.md untouched: pass --docs to write it from a quick or filtered run)`,
  );
}
