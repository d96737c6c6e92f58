/**
 * Correctness checks a subject must pass before (and after) its load is counted: status, body,
 * key headers, on one request over a raw socket and on every response of a short autocannon
 * burst (autocannon is used here because wrk cannot check each response).
 */
import autocannon from 'autocannon';
import { BODY } from './workload.mjs';

/** Expected body of a subject as bytes-as-string (`'document'`, `'empty'` or a literal). */
export function expectedBody(meta) {
  if (meta.expectBody === 'document') return BODY;
  if (meta.expectBody === 'empty') return '';
  return meta.expectBody;
}

/**
 * Problems with one response (empty list = correct).
 * @param {object} meta the subject's metadata
 * @param {{ status: number, headers: Record<string,string>, body: string }} response lower-case header names
 * @returns {string[]}
 */
export function checkResponse(meta, response) {
  const problems = [];
  if (response.status !== meta.expectStatus)
    problems.push(`status ${response.status}, expected ${meta.expectStatus}`);
  const body = expectedBody(meta);
  if (body !== undefined && response.body !== body) {
    problems.push(
      `body differs (${response.body.length} bytes, expected ${body.length}): ${response.body.slice(0, 60)}`,
    );
  }
  for (const [name, expected] of Object.entries(meta.expectHeaders ?? {})) {
    const value = response.headers[name];
    if (expected === null) {
      if (value !== undefined) problems.push(`header ${name} present (${value}), expected none`);
    } else if (value === undefined) {
      problems.push(`header ${name} missing`);
    } else if (expected instanceof RegExp ? !expected.test(value) : value !== expected) {
      problems.push(`header ${name}: ${value} does not match ${expected}`);
    }
  }
  return problems;
}

function lowerCaseHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = String(value);
  return out;
}

/**
 * Checks every response of a short autocannon burst. Resolves the count of responses and the
 * first few problems found.
 */
export async function checkBurst(meta, { port, headers, seconds = 0.5, connections = 10 }) {
  let responses = 0;
  const problems = new Map();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        path: meta.path,
        headers,
        onResponse(status, body, _context, responseHeaders) {
          responses++;
          for (const p of checkResponse(meta, {
            status,
            headers: lowerCaseHeaders(responseHeaders),
            body: body ?? '',
          })) {
            problems.set(p, (problems.get(p) ?? 0) + 1);
          }
        },
      },
    ],
  });
  const list = [...problems].map(([p, n]) => `${n}× ${p}`);
  if (result.errors > 0) list.push(`${result.errors} connection errors`);
  return { responses, problems: list };
}
