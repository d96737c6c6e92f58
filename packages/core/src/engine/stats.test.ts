import { describe, expect, it } from 'vitest';
import { createStatsRecorder } from './stats';

describe('createStatsRecorder', () => {
  it('counts totals and per route', () => {
    const stats = createStatsRecorder();
    stats.count('hits', 'GET /a');
    stats.count('hits', 'GET /a');
    stats.count('misses', 'GET /b');
    stats.count('errors', undefined);
    const snapshot = stats.snapshot(undefined);
    expect(snapshot.hits).toBe(2);
    expect(snapshot.misses).toBe(1);
    expect(snapshot.errors).toBe(1);
    expect(snapshot.routes['GET /a']?.hits).toBe(2);
    expect(snapshot.routes['GET /b']).toMatchObject({ hits: 0, misses: 1 });
    expect(snapshot.l1).toBeUndefined();
  });

  it('copies the layer counters into the snapshot', () => {
    const stats = createStatsRecorder();
    const l1 = { hits: 3, misses: 1, errors: 0 };
    const snapshot = stats.snapshot({ l1, l2: { hits: 1, misses: 0, errors: 2, skipped: 4 } });
    expect(snapshot.l1).toEqual(l1);
    expect(snapshot.l1).not.toBe(l1);
    expect(snapshot.l2?.skipped).toBe(4);
  });

  it('returns snapshots that later counts do not change', () => {
    const stats = createStatsRecorder();
    const before = stats.snapshot(undefined);
    stats.count('stored', 'r');
    expect(before.stored).toBe(0);
    expect(before.routes.r).toBeUndefined();
  });
});
