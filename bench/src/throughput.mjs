/**
 * The throughput benchmark: every subject in its own process pinned to the server core, loaded
 * with wrk from the load core, in interleaved rounds (A B C, A B C, ...). Each run is checked
 * (status, body, headers on every response of a burst, wrk's bytes per response, the handler-run
 * counter) before its figure counts; a run that fails a check is reported and left out.
 */

import { checkBurst, checkResponse } from './check.mjs';
import { foreignShare, readCpuTimes, readProcessCpuNs, readProcessTicks } from './cpu.mjs';
import { rawRequest } from './raw-http.mjs';
import { freePort, startRedis } from './redis.mjs';
import { startSubject } from './subject-process.mjs';
import { discoverSubjects } from './subjects.mjs';
import { runWrk } from './wrk.mjs';

/**
 * @typedef {{ rounds: number, warmup: number, duration: number, connections: number, serverCore: number,
 *   loadCore: number, checkSeconds: number, only?: string[], nodeArgs?: string[] }} ThroughputConfig
 */

/** Runs one subject once (one round): start, prime, check, warm up, measure, check again, stop. */
async function runOnce(subject, round, config, redisUrl) {
  const port = await freePort();
  const proc = await startSubject({
    file: subject.file,
    port,
    core: config.serverCore,
    redisUrl,
    nodeArgs: config.nodeArgs,
  });
  if ('unavailable' in proc) return { unavailable: proc.unavailable };
  const { meta } = subject;
  const problems = [];
  const fail = () => ({ round, valid: false, problems });
  try {
    const headers = { ...(meta.headers ?? {}) };
    if (meta.conditional) {
      const first = await rawRequest(port, meta.path, headers);
      if (first.status !== 200 || !first.headers.etag) {
        problems.push(`priming GET answered ${first.status}${first.headers.etag ? '' : ' without an ETag'}`);
        return fail();
      }
      headers['If-None-Match'] = first.headers.etag;
    } else if (meta.cached || meta.prime) {
      await rawRequest(port, meta.path, headers);
    }
    const callsPrimed = await proc.handlerCalls();
    const probe = await rawRequest(port, meta.path, headers);
    const probeProblems = checkResponse(meta, { ...probe, body: probe.body.toString('utf8') });
    problems.push(...probeProblems.map((p) => `before load: ${p}`));
    if (problems.length === 0) {
      const burst = await checkBurst(meta, { port, headers, seconds: config.checkSeconds });
      problems.push(...burst.problems.map((p) => `check burst (${burst.responses} responses): ${p}`));
    }
    const callsChecked = await proc.handlerCalls();
    if (meta.cached && callsChecked !== callsPrimed) {
      problems.push(`handler ran ${callsChecked - callsPrimed}× on requests that should have been hits`);
    }
    if (problems.length > 0) return fail();

    const url = `http://127.0.0.1:${port}${meta.path}`;
    const load = { url, connections: config.connections, headers, core: config.loadCore };
    await runWrk({ ...load, seconds: config.warmup });
    const callsBefore = await proc.handlerCalls();
    const cpuBefore = readCpuTimes();
    const ticksBefore = readProcessTicks(proc.cpuPid);
    const nsBefore = readProcessCpuNs(proc.cpuPid);
    const wrk = await runWrk({ ...load, seconds: config.duration });
    const nsAfter = readProcessCpuNs(proc.cpuPid);
    const ticksAfter = readProcessTicks(proc.cpuPid);
    const cpuAfter = readCpuTimes();
    const callsAfter = await proc.handlerCalls();

    if (wrk.requests === 0) problems.push('wrk completed no request');
    if (wrk.socketErrors > 0) problems.push(`wrk ${wrk.socketErrorDetail}`);
    if (wrk.non2xx3xx > 0) problems.push(`${wrk.non2xx3xx} responses with a status ≥ 400`);
    const perResponse = wrk.bytesRead / Math.max(1, wrk.requests);
    if (Math.abs(perResponse - probe.wireBytes) / probe.wireBytes > 0.03) {
      problems.push(
        `wrk read ${perResponse.toFixed(0)} bytes per response; the checked response is ${probe.wireBytes}`,
      );
    }
    const ran = callsAfter - callsBefore;
    if (meta.cached && ran !== 0)
      problems.push(`handler ran ${ran}× during the load (expected 0: every request a hit)`);
    if (meta.handlerRunsEveryRequest && ran < wrk.requests) {
      problems.push(`handler ran ${ran}× for ${wrk.requests} requests (expected once per request)`);
    }
    const after = await rawRequest(port, meta.path, headers);
    problems.push(
      ...checkResponse(meta, { ...after, body: after.body.toString('utf8') }).map((p) => `after load: ${p}`),
    );
    const noise = foreignShare(cpuBefore, cpuAfter, String(config.serverCore), ticksBefore, ticksAfter);
    const loadNoise = foreignShare(cpuBefore, cpuAfter, String(config.loadCore), 0, 0);
    return {
      round,
      valid: problems.length === 0,
      problems,
      rps: wrk.rps,
      requests: wrk.requests,
      p50: wrk.p50,
      p99: wrk.p99,
      wireBytes: probe.wireBytes,
      handlerRuns: ran,
      cpuUsPerRequest: (nsAfter - nsBefore) / 1000 / Math.max(1, wrk.requests),
      serverCpu: noise.server,
      foreignCpu: noise.foreign,
      loadCoreBusy: loadNoise.foreign,
    };
  } catch (error) {
    problems.push(`run failed: ${String(error.message ?? error).split('\n')[0]}`);
    const tail = proc.output().trim().split('\n').slice(-2).join(' | ');
    if (tail) problems.push(`subject output: ${tail}`);
    return fail();
  } finally {
    await proc.stop();
  }
}

/**
 * @param {ThroughputConfig} config
 * @param {(line: string) => void} log
 */
export async function runThroughput(config, log) {
  const subjects = await discoverSubjects({ only: config.only });
  const states = subjects.map((s) => ({
    id: s.id,
    file: s.file,
    meta: s.meta,
    unavailable: s.loadError ? `the subject file does not load: ${s.loadError}` : undefined,
    rounds: [],
  }));
  let redis;
  let redisProblem;
  if (states.some((s) => s.meta.needsRedis && !s.unavailable)) {
    const started = await startRedis({ core: config.loadCore });
    if ('unavailable' in started) redisProblem = started.unavailable;
    else redis = started;
  }
  for (const s of states) {
    if (s.meta.needsRedis && !redis && !s.unavailable) s.unavailable = `no Redis: ${redisProblem}`;
    if (s.unavailable) log(`not available: ${s.id}: ${s.unavailable}`);
  }
  log(
    `${states.filter((s) => !s.unavailable).length} subjects, ${config.rounds} rounds, ` +
      `${config.warmup} s warm-up + ${config.duration} s measured each, ${config.connections} connections; ` +
      `server on core ${config.serverCore}, wrk on core ${config.loadCore}` +
      (redis ? `, redis ${redis.url}${redis.external ? ' (REDIS_URL)' : ` on core ${config.loadCore}`}` : ''),
  );
  // Run order: the table's, but the uncached origin subjects last in each round. Measured right
  // after them (a 2 ms timer origin leaves the server core ~45% idle), the next subjects ran slower
  // for a while: in the two full runs of 2026-12-04, `hono-l1-hit`, which followed
  // `hono-304` and `hono-origin-timer`, read 0.78-0.96x the req/s of `hono-l1-hit-metrics` (the
  // same hit doing more work, measured next) in 5 of 6 rounds, while its ceiling ran before the
  // origins. Last in the round, they precede only the next round's first subject, the node
  // platform route.
  const runOrder = [
    ...states.filter((s) => s.meta.role !== 'origin'),
    ...states.filter((s) => s.meta.role === 'origin'),
  ];
  try {
    for (let round = 1; round <= config.rounds; round++) {
      log(`round ${round}/${config.rounds}`);
      for (const s of runOrder) {
        if (s.unavailable) continue;
        const result = await runOnce(s, round, config, redis?.url);
        if ('unavailable' in result) {
          s.unavailable = result.unavailable;
          log(`  not available: ${s.id}: ${result.unavailable}`);
          continue;
        }
        s.rounds.push(result);
        if (result.valid) {
          const noisy =
            result.foreignCpu > 0.05
              ? `  (other processes took ${(result.foreignCpu * 100).toFixed(0)}% of core ${config.serverCore})`
              : '';
          log(
            `  ${s.id.padEnd(32)} ${Math.round(result.rps).toLocaleString('en-US').padStart(9)} req/s  p99 ${result.p99?.toFixed(2)} ms${noisy}`,
          );
        } else {
          log(`  ${s.id.padEnd(32)} INVALID, not counted: ${result.problems.join('; ')}`);
        }
      }
    }
  } finally {
    await redis?.stop();
  }
  return { subjects: states.map(({ file, ...rest }) => rest) };
}
