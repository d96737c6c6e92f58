import { describe, expect, it } from 'vitest';
import { createInvalidationLog } from './invalidation-log';

describe('createInvalidationLog', () => {
  it('reports a name invalidated at or after notBefore', () => {
    const log = createInvalidationLog(10);
    log.record('t:a', 1000);
    expect(log.isInvalidatedSince(['t:a'], 999)).toBe(true);
    expect(log.isInvalidatedSince(['t:a'], 1000)).toBe(true);
    expect(log.isInvalidatedSince(['t:a'], 1001)).toBe(false);
    expect(log.isInvalidatedSince(['t:b'], 0)).toBe(false);
  });

  it('keeps the latest time when a name is recorded twice', () => {
    const log = createInvalidationLog(10);
    log.record('t:a', 2000);
    log.record('t:a', 1000);
    expect(log.isInvalidatedSince(['t:a'], 1500)).toBe(true);
  });

  it('stays bounded and drops writes that started before a forgotten record', () => {
    const log = createInvalidationLog(2);
    log.record('t:a', 1000);
    log.record('t:b', 2000);
    log.record('t:c', 3000); // forgets t:a, floor = 1000
    expect(log.isInvalidatedSince(['t:unrelated'], 1000)).toBe(true);
    expect(log.isInvalidatedSince(['t:unrelated'], 1001)).toBe(false);
    expect(log.isInvalidatedSince(['t:b'], 1500)).toBe(true);
  });
});
