import { describe, expect, it } from 'vitest';
import {
  BEHAVIOUR_CASES,
  type HeaderExpectation,
  type RouteCounts,
  type Seen,
  type Step,
} from './behaviour-cases';

/** Sends one request to the app under test; paths are relative (`/api/x`). */
export type FetchLike = (request: Request) => Promise<Response>;

/** A real `fetch` over loopback HTTP to `base()` (`http://127.0.0.1:<port>`), redirects not followed. */
export function httpFetch(base: () => string): FetchLike {
  return (request) => {
    const url = new URL(request.url);
    return fetch(`${base()}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
    });
  };
}

/**
 * Registers every behaviour case against `getFetch()` (read when each test runs). There is no
 * way to leave a case out: a difference between targets is a failing case.
 */
export function behaviourSuite(runtime: string, getFetch: () => FetchLike): void {
  describe(`behaviour on ${runtime}`, () => {
    for (const testCase of BEHAVIOUR_CASES) {
      it(testCase.name, async () => {
        const history: Seen[] = [];
        for (const [index, step] of testCase.steps.entries()) {
          const where = `${testCase.name}, step ${index + 1} (${step.method ?? 'GET'} ${step.path})`;
          const copies = Array.from({ length: step.concurrent ?? 1 }, () => send(getFetch(), step, history));
          const seen = await Promise.all(copies);
          for (const [copy, one] of seen.entries()) {
            check(step, one, history, seen.length > 1 ? `${where}, copy ${copy + 1}` : where);
          }
          history.push(seen[0]!);
        }
      });
    }
  });
}

async function send(fetchLike: FetchLike, step: Step, history: Seen[]): Promise<Seen> {
  const headers = typeof step.headers === 'function' ? step.headers(history) : (step.headers ?? {});
  const res = await fetchLike(
    new Request(new URL(step.path, 'http://fixture.test'), { method: step.method ?? 'GET', headers }),
  );
  const bytes = await readBody(res, step.read ?? 'full');
  return { status: res.status, headers: res.headers, body: new TextDecoder().decode(bytes), bytes };
}

async function readBody(res: Response, read: 'full' | 'first-chunk'): Promise<Uint8Array> {
  if (read === 'full' || res.body === null) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return value ?? new Uint8Array(0);
}

function check(step: Step, seen: Seen, history: Seen[], where: string): void {
  expect(seen.status, where).toBe(step.status);
  for (const [name, expected] of Object.entries(step.expectHeaders ?? {})) {
    const value = typeof expected === 'function' ? expected(history) : expected;
    expectHeader(seen.headers.get(name), value, `${where}: header ${name}`);
  }
  const body = typeof step.body === 'function' ? step.body(history) : step.body;
  if (typeof body === 'string') expect(seen.body, where).toBe(body);
  else if (body instanceof RegExp) expect(seen.body, where).toMatch(body);
  if (step.bodyLength !== undefined) expect(seen.bytes.byteLength, where).toBe(step.bodyLength);
  if (step.stats !== undefined) checkStats(step.stats, JSON.parse(seen.body), where);
}

function checkStats(
  expected: NonNullable<Step['stats']>,
  stats: { routes: Record<string, RouteCounts> },
  where: string,
): void {
  for (const [label, counts] of Object.entries(expected.routes ?? {})) {
    const actual = stats.routes[label];
    expect(
      actual,
      `${where}: stats of ${label} (routes: ${Object.keys(stats.routes).join(', ')})`,
    ).toBeDefined();
    for (const [name, count] of Object.entries(counts)) {
      expect(actual?.[name as keyof RouteCounts] ?? 0, `${where}: stats ${label} ${name}`).toBe(count);
    }
  }
  for (const label of expected.absent ?? []) {
    expect(Object.keys(stats.routes), `${where}: no stats under ${label}`).not.toContain(label);
  }
}

function expectHeader(actual: string | null, expected: HeaderExpectation, where: string): void {
  if (expected === null) expect(actual, where).toBeNull();
  else if (expected === true) expect(actual, where).not.toBeNull();
  else if (typeof expected === 'string') expect(actual, where).toBe(expected);
  else expect(actual ?? '', where).toMatch(expected);
}
