import { describe, expect, it } from 'vitest';
import { checkHistory, type History, type ReadOp, type WriteOp } from './checker';

const bound = { boundMs: () => 1000 };

function read(start: number, version: number, extra: Partial<ReadOp> = {}): ReadOp {
  const body = JSON.stringify({
    key: extra.key ?? 'k1',
    version,
    ...(extra.user ? { user: extra.user } : {}),
  });
  return {
    route: 'public',
    key: 'k1',
    instance: 'B',
    start,
    end: start + 2,
    status: 200,
    headers: {
      'content-length': String(Buffer.byteLength(body)),
      etag: `W/"v${version}${extra.user ?? ''}"`,
    },
    body,
    ...extra,
  };
}

function write(version: number, end: number, ok = true, mode?: WriteOp['mode']): WriteOp {
  return { key: 'k1', version, instance: 'A', start: end - 5, end, ok, ...(mode ? { mode } : {}) };
}

describe('checkHistory', () => {
  describe('when a read long after an invalidation resolved sees the old version', () => {
    it('reports a violation in the phase of the fault it started in', () => {
      const history: History = {
        writes: [write(2, 100)],
        reads: [read(50, 1), read(1200, 1)],
        faults: [{ kind: 'redis-kill', start: 1000, end: 1100 }],
      };
      const report = checkHistory(history, bound);
      expect(report.ok).toBe(false);
      const phase = report.phases.find((p) => p.phase === 'redis-kill')!;
      expect(phase.violations).toHaveLength(1);
      expect(phase.violations[0]).toMatch(/saw v1 1100 ms after v2/);
      expect(report.phases.find((p) => p.phase === 'none')!.violations).toHaveLength(0);
    });
  });

  describe('when the old version is served within the bound', () => {
    it('counts its staleness and reports no violation', () => {
      const history: History = {
        writes: [write(2, 100)],
        reads: [read(90, 1), read(150, 1), read(900, 1), read(1000, 2)],
        faults: [],
      };
      const report = checkHistory(history, bound);
      expect(report.ok).toBe(true);
      expect(report.total.stale).toBe(2);
      expect(report.total.staleness).toEqual({ p50: 50, p99: 800, max: 800 });
    });
  });

  describe('when invalidations use expire mode', () => {
    it('holds reads to them like to deletes, counts them and names the mode of a violated one', () => {
      const history: History = {
        writes: [write(2, 100, true, 'expire'), write(3, 2000), write(4, 3000, false, 'expire')],
        reads: [read(1500, 1), read(2100, 3)],
        faults: [],
      };
      const report = checkHistory(history, bound);
      expect(report.total.invalidations).toBe(2);
      expect(report.total.expireInvalidations).toBe(1);
      expect(report.total.violations).toHaveLength(1);
      expect(report.total.violations[0]).toMatch(/saw v1 1400 ms after v2's invalidation \(expire\)/);
    });
  });

  describe('when the invalidation did not resolve', () => {
    it('holds no read to it, until a later one resolves', () => {
      const history: History = {
        writes: [write(2, 100, false), write(3, 5000)],
        reads: [read(3000, 1), read(6500, 2)],
        faults: [],
      };
      const report = checkHistory(history, bound);
      expect(report.total.violations).toHaveLength(1);
      expect(report.total.violations[0]).toMatch(/saw v2 1500 ms after v3/);
    });
  });

  describe('when a private answer belongs to another user', () => {
    it('reports a leak', () => {
      const leaked = { ...read(10, 1, { route: 'private', user: 'u2' }), user: 'u1' };
      const report = checkHistory({ writes: [], reads: [leaked], faults: [] }, bound);
      expect(report.ok).toBe(false);
      expect(report.total.leaks).toHaveLength(1);
      expect(report.total.leaks[0]).toMatch(/got the entry of u2/);
    });
  });

  describe('when answers are broken', () => {
    it('reports 5xx and body/ETag/Content-Length mismatches, but not unanswered reads', () => {
      const good = read(10, 1);
      const report = checkHistory(
        {
          writes: [],
          reads: [
            good,
            { ...read(20, 2), headers: { ...read(20, 2).headers, etag: good.headers.etag } },
            { ...read(30, 1), headers: { 'content-length': '3' } },
            { ...read(40, 1), status: 502 },
            { ...read(50, 1), status: 0, body: '' },
          ],
          faults: [],
        },
        bound,
      );
      expect(report.total.mismatches).toHaveLength(2);
      expect(report.total.mismatches[0]).toMatch(/two different bodies/);
      expect(report.total.mismatches[1]).toMatch(/Content-Length 3/);
      expect(report.total.serverErrors).toHaveLength(1);
      expect(report.total.counts).toEqual({ violations: 0, leaks: 0, serverErrors: 1, mismatches: 2 });
      expect(report.total.unanswered).toBe(1);
      expect(report.ok).toBe(false);
    });
  });
});
