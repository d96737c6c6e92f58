#!/usr/bin/env node
// `pnpm cache-tests`: runs the public HTTP cache test suite (http-cache-tests, the npm release of
// http-tests/cache-tests) against @routecache/proxy. Starts the suite's own origin server and the
// proxy (its bin, from packages/proxy/dist) on free loopback ports, runs the suite's CLI, and
// classifies every result with the suite's own determineTestResult() (which honours depends_on),
// browser-only tests left out, as cache-tests.fyi counts them. Prints a table by kind and the line
// `cache-tests required: N passed of M`.
//
//   --write   store the classified results in docs/cache-tests/results.json
//   --check   fail (exit 1) when fewer required tests pass than docs/cache-tests/results.json says,
//             or when a failing required test is not explained in docs/cache-tests.md
//   --id ID   run one test and print the suite's request/response dump for it
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SUITE = dirname(createRequire(join(ROOT, 'package.json')).resolve('http-cache-tests/package.json'));
const RESULTS = join(ROOT, 'docs/cache-tests/results.json');
const PAGE = join(ROOT, 'docs/cache-tests.md');
const KINDS = ['required', 'optimal', 'check'];

const { values: args } = parseArgs({
  options: { write: { type: 'boolean' }, check: { type: 'boolean' }, id: { type: 'string' } },
});

/** A free loopback port (bound, read, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a child process and resolves once a line of its stdout matches `ready`. */
function start(label, command, commandArgs, options, ready) {
  const child = spawn(command, commandArgs, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Runs a child to its end; resolves with its stdout. */
function run(command, commandArgs, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
  });
}

function stop(child) {
  if (child && child.exitCode === null) child.kill('SIGTERM');
}

const scratch = mkdtempSync(join(tmpdir(), 'cache-tests-'));
let origin;
let proxy;
try {
  const [originPort, proxyPort] = [await freePort(), await freePort()];
  const suiteEnv = { ...process.env, npm_config_protocol: 'http', npm_config_port: String(originPort) };
  origin = await start(
    'cache-tests origin server',
    process.execPath,
    ['--import', pathToFileURL(join(ROOT, 'scripts/cache-tests/loopback.mjs')).href, 'server/server.mjs'],
    { cwd: SUITE, env: { ...suiteEnv, npm_config_pidfile: join(scratch, 'server.pid') } },
    /Listening on/,
  );
  proxy = await start(
    'routecache-proxy',
    process.execPath,
    [
      join(ROOT, 'packages/proxy/dist/bin.js'),
      '--upstream',
      `http://127.0.0.1:${originPort}`,
      '--host',
      '127.0.0.1',
      '--port',
      String(proxyPort),
    ],
    { cwd: ROOT, env: process.env },
    /listening on/,
  );
  const cliEnv = {
    ...suiteEnv,
    npm_config_base: `http://127.0.0.1:${proxyPort}`,
    npm_config_id: args.id ?? '',
    npm_package_config_id: args.id ?? '',
  };
  const output = await run(process.execPath, ['--no-warnings', 'cli.mjs'], { cwd: SUITE, env: cliEnv });
  if (args.id !== undefined) {
    process.stdout.write(output);
  } else {
    await report(JSON.parse(output));
  }
} finally {
  stop(proxy);
  stop(origin);
  rmSync(scratch, { recursive: true, force: true });
}

/** Classifies, prints, and (with --write / --check) stores or compares the results. */
async function report(raw) {
  const { default: suites } = await import(pathToFileURL(join(SUITE, 'tests/index.mjs')).href);
  const { default: surrogate } = await import(pathToFileURL(join(SUITE, 'tests/surrogate-control.mjs')).href);
  const { determineTestResult } = await import(pathToFileURL(join(SUITE, 'lib/display.mjs')).href);
  // The CLI runs these suites (cli.mjs adds surrogate-control); determineTestResult looks tests up in them.
  suites.push(surrogate);
  const tests = [];
  for (const suite of suites) {
    for (const test of suite.tests) {
      if (test.browser_only === true) continue;
      const [, , symbol] = determineTestResult(suites, test.id, raw);
      const detail = Array.isArray(raw[test.id]) ? raw[test.id].join(': ') : undefined;
      tests.push({
        id: test.id,
        kind: test.kind ?? 'required',
        suite: suite.id,
        name: test.name,
        result: symbol,
        ...(detail ? { detail } : {}),
      });
    }
  }
  const symbols = [...new Set(tests.map((test) => test.result))];
  const rows = KINDS.map((kind) => {
    const ofKind = tests.filter((test) => test.kind === kind);
    const cells = Object.fromEntries(symbols.map((s) => [s, ofKind.filter((t) => t.result === s).length]));
    return { kind, total: ofKind.length, ...cells };
  });
  console.table(rows);
  const required = tests.filter((test) => test.kind === 'required');
  const passed = required.filter((test) => test.result === '✅').length;
  const optimal = tests.filter((test) => test.kind === 'optimal' && test.result === '✅').length;
  const failing = required.filter((test) => test.result !== '✅');
  for (const test of failing)
    console.log(`  ${test.result} ${test.id}${test.detail ? ` — ${test.detail}` : ''}`);
  console.log(
    `cache-tests optimal: ${optimal} passed of ${tests.filter((t) => t.kind === 'optimal').length}`,
  );
  console.log(`cache-tests required: ${passed} passed of ${required.length}`);
  const summary = {
    suite: 'http-cache-tests@0.4.5',
    required: { passed, of: required.length },
    optimal,
    tests,
  };
  if (args.write) writeFileSync(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
  if (args.check) {
    const committed = JSON.parse(readFileSync(RESULTS, 'utf8'));
    const page = readFileSync(PAGE, 'utf8');
    const unexplained = failing.filter((test) => !page.includes(`\`${test.id}\``));
    if (passed < committed.required.passed) {
      console.error(
        `cache-tests: ${passed} required passed, fewer than the committed ${committed.required.passed}`,
      );
      process.exitCode = 1;
    }
    if (unexplained.length > 0) {
      console.error(
        `cache-tests: failing required tests not explained in docs/cache-tests.md: ${unexplained.map((t) => t.id).join(', ')}`,
      );
      process.exitCode = 1;
    }
  }
}
