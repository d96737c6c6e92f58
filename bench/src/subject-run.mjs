/**
 * One checked run of a subject, in three steps: `openRun` (fresh process, priming, the checks
 * before counting), `measureRun` (a discarded warm-up and a measured wrk load, any number of
 * times) and `closeRun` (the checks after the load, then stop). A round runs them once each; a
 * paired measurement (`paired.mjs`) keeps two runs open and measures them in turn.
 */

import { checkBurst, checkResponse } from './check.mjs';
import { foreignShare, readCpuTimes, readProcessCpuNs, readProcessTicks } from './cpu.mjs';
import { rawRequest } from './raw-http.mjs';
import { freePort } from './redis.mjs';
import { startSubject } from './subject-process.mjs';
import { runWrk } from './wrk.mjs';

/**
 * @typedef {{ subject: { id: string, file: string, meta: object, env?: Record<string,string> }, proc: object, port: number,
 *   headers: Record<string,string>, probe?: object, problems: string[] }} OpenRun
 */

/**
 * Starts the subject in a fresh process pinned to the server core, primes it and checks it
 * (one raw request, a checked autocannon burst, the handler-run counter for cached subjects).
 * @returns {Promise<{ unavailable: string } | OpenRun>} `problems` not empty: the run must not count
 */
export async function openRun(subject, config, redisUrl) {
  const port = await freePort();
  const proc = await startSubject({
    file: subject.file,
    port,
    core: config.serverCore,
    redisUrl,
    nodeArgs: config.nodeArgs,
    env: subject.env,
  });
  if ('unavailable' in proc) return { unavailable: proc.unavailable };
  const { meta } = subject;
  const run = { subject, proc, port, headers: { ...(meta.headers ?? {}) }, problems: [] };
  const { headers, problems } = run;
  try {
    if (meta.conditional) {
      const first = await rawRequest(port, meta.path, headers);
      if (first.status !== 200 || !first.headers.etag) {
        problems.push(`priming GET answered ${first.status}${first.headers.etag ? '' : ' without an ETag'}`);
        return run;
      }
      headers['If-None-Match'] = first.headers.etag;
    } else if (meta.cached || meta.prime) {
      await rawRequest(port, meta.path, headers);
    }
    const callsPrimed = await proc.handlerCalls();
    run.probe = await rawRequest(port, meta.path, headers);
    const probeProblems = checkResponse(meta, { ...run.probe, body: run.probe.body.toString('utf8') });
    problems.push(...probeProblems.map((p) => `before load: ${p}`));
    if (problems.length === 0) {
      const burst = await checkBurst(meta, { port, headers, seconds: config.checkSeconds });
      problems.push(...burst.problems.map((p) => `check burst (${burst.responses} responses): ${p}`));
    }
    const callsChecked = await proc.handlerCalls();
    if (meta.cached && callsChecked !== callsPrimed) {
      problems.push(`handler ran ${callsChecked - callsPrimed}× on requests that should have been hits`);
    }
  } catch (error) {
    problems.push(...failure(proc, error));
  }
  return run;
}

/** What a thrown error and the subject's last output lines say. */
function failure(proc, error) {
  const problems = [`run failed: ${String(error.message ?? error).split('\n')[0]}`];
  const tail = proc.output().trim().split('\n').slice(-2).join(' | ');
  if (tail) problems.push(`subject output: ${tail}`);
  return problems;
}

/**
 * `warmup` seconds of discarded load, then `duration` seconds measured, with the checks of the
 * load itself (no socket error or status ≥ 400, wrk's bytes per response equal to the checked
 * response, the handler-run counter).
 * @param {OpenRun} run an open run without problems
 * @returns {Promise<{ valid: boolean, problems: string[], rps?: number, requests?: number, p50?: number,
 *   p99?: number, wireBytes?: number, handlerRuns?: number, cpuUsPerRequest?: number, serverCpu?: number,
 *   foreignCpu?: number, loadCoreBusy?: number }>}
 */
export async function measureRun(run, config, { warmup, duration }) {
  const { proc, port, headers, probe, subject } = run;
  const { meta } = subject;
  const problems = [];
  try {
    const load = {
      url: `http://127.0.0.1:${port}${meta.path}`,
      connections: config.connections,
      headers,
      core: config.loadCore,
    };
    await runWrk({ ...load, seconds: warmup });
    const callsBefore = await proc.handlerCalls();
    const cpuBefore = readCpuTimes();
    const ticksBefore = readProcessTicks(proc.cpuPid);
    const nsBefore = readProcessCpuNs(proc.cpuPid);
    const wrk = await runWrk({ ...load, seconds: duration });
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
    const noise = foreignShare(cpuBefore, cpuAfter, String(config.serverCore), ticksBefore, ticksAfter);
    const loadNoise = foreignShare(cpuBefore, cpuAfter, String(config.loadCore), 0, 0);
    return {
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
    problems.push(...failure(proc, error));
    return { valid: false, problems };
  }
}

/**
 * The checks after the load (one more checked request), then stops the process.
 * @returns {Promise<string[]>} problems found after the load
 */
export async function closeRun(run) {
  const problems = [];
  try {
    if (run.problems.length === 0) {
      const after = await rawRequest(run.port, run.subject.meta.path, run.headers);
      problems.push(
        ...checkResponse(run.subject.meta, { ...after, body: after.body.toString('utf8') }).map(
          (p) => `after load: ${p}`,
        ),
      );
    }
  } catch (error) {
    problems.push(`after load: ${String(error.message ?? error).split('\n')[0]}`);
  } finally {
    await run.proc.stop();
  }
  return problems;
}

/** Runs one subject once (one round): open, warm up, measure, close. */
export async function runOnce(subject, round, config, redisUrl) {
  const run = await openRun(subject, config, redisUrl);
  if ('unavailable' in run) return run;
  if (run.problems.length > 0) {
    await closeRun(run);
    return { round, valid: false, problems: run.problems };
  }
  const measured = await measureRun(run, config, { warmup: config.warmup, duration: config.duration });
  const after = await closeRun(run);
  const problems = [...measured.problems, ...after];
  return { round, ...measured, valid: problems.length === 0, problems };
}
