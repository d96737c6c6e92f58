import { describe, expect, it } from 'vitest';
import { checkResponse } from './check.mjs';
import { createRandom, createZipf, median, percentile, range, roundRatios } from './stats.mjs';
import { parseWrk } from './wrk.mjs';

describe('median', () => {
  it('takes the middle value of an odd count, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });
});

describe('range', () => {
  it('gives the smallest and largest value', () => {
    expect(range([3, 9, 1])).toEqual({ min: 1, max: 9 });
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
  it('rejects a p outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('roundRatios', () => {
  it('divides each round by the same round of the baseline', () => {
    expect(roundRatios([90, 100, 50], [100, 100, 100])).toEqual([0.9, 1, 0.5]);
  });
  it('leaves out a round where either side has no valid figure, never pairing other rounds', () => {
    expect(roundRatios([90, null, 60], [100, 100, null])).toEqual([0.9]);
    expect(roundRatios([80, 40], [0, 80])).toEqual([0.5]);
  });
});

describe('createRandom', () => {
  it('repeats the same sequence for the same seed and stays in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(createRandom(43)()).not.toBe(first[0]);
  });
});

describe('createZipf', () => {
  it('samples ranks within 1..n, rank 1 about twice as often as rank 2 when s = 1', () => {
    const n = 100;
    const sample = createZipf(n, { s: 1, seed: 7 });
    const counts = new Array(n + 1).fill(0);
    const draws = 200_000;
    for (let i = 0; i < draws; i++) counts[sample()]++;
    expect(counts[0]).toBe(0);
    expect(counts.slice(1).reduce((a, b) => a + b, 0)).toBe(draws);
    // P(1) = 1 / H(100) ≈ 0.1928; P(2) = P(1) / 2.
    expect(counts[1] / draws).toBeCloseTo(0.1928, 2);
    expect(counts[1] / counts[2]).toBeGreaterThan(1.85);
    expect(counts[1] / counts[2]).toBeLessThan(2.15);
    expect(counts[1]).toBeGreaterThan(counts[10]);
    expect(counts[10]).toBeGreaterThan(counts[100]);
  });
  it('is deterministic for a seed', () => {
    const a = createZipf(1000, { seed: 3 });
    const b = createZipf(1000, { seed: 3 });
    expect(Array.from({ length: 50 }, a)).toEqual(Array.from({ length: 50 }, b));
  });
  it('rejects n < 1', () => {
    expect(() => createZipf(0)).toThrow(RangeError);
  });
});

describe('parseWrk', () => {
  it('reads requests, bytes, latency percentiles, errors and non-2xx counts', () => {
    const report = `Running 5s test @ http://127.0.0.1:4000/r
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  210.00us   9.80ms   91.00%
  Latency Distribution
     50%  980.00us
     75%    1.05ms
     90%    1.20ms
     99%    2.50ms
  245000 requests in 5.00s, 524.60MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  49000.00
Transfer/sec:    104.92MB
`;
    const parsed = parseWrk(report);
    expect(parsed.requests).toBe(245000);
    expect(parsed.seconds).toBe(5);
    expect(parsed.bytesRead).toBeCloseTo(524.6 * 1024 ** 2, -3);
    expect(parsed.rps).toBe(49000);
    expect(parsed.p50).toBeCloseTo(0.98, 5);
    expect(parsed.p99).toBe(2.5);
    expect(parsed.socketErrors).toBe(3);
    expect(parsed.non2xx3xx).toBe(4);
  });
});

describe('checkResponse', () => {
  const meta = {
    expectStatus: 200,
    expectBody: 'literal body',
    expectHeaders: { 'cache-status': /hit/, etag: null },
  };
  it('passes a response with the expected status, body and headers', () => {
    const response = { status: 200, body: 'literal body', headers: { 'cache-status': 'routecache; hit' } };
    expect(checkResponse(meta, response)).toEqual([]);
  });
  it('names every difference: status, body, a header that must match, a header that must be absent', () => {
    const response = {
      status: 500,
      body: 'other',
      headers: { 'cache-status': 'routecache; fwd=miss', etag: 'W/"x"' },
    };
    const problems = checkResponse(meta, response);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/status 500, expected 200/);
    expect(problems[1]).toMatch(/body differs/);
    expect(problems[2]).toMatch(/cache-status/);
    expect(problems[3]).toMatch(/etag present/);
  });
});
