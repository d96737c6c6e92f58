import { describe, expect, it } from 'vitest';
import { createHitForMiss } from './hit-for-miss';

describe('createHitForMiss', () => {
  it('remembers a key for the duration and then forgets it', () => {
    const hfm = createHitForMiss(10_000);
    hfm.mark('k', 1_000);
    expect(hfm.has('k', 1_000)).toBe(true);
    expect(hfm.has('k', 10_999)).toBe(true);
    expect(hfm.has('k', 11_000)).toBe(false);
    expect(hfm.has('other', 1_000)).toBe(false);
  });

  it('forgets a key on demand', () => {
    const hfm = createHitForMiss(10_000);
    hfm.mark('k', 0);
    hfm.forget('k');
    expect(hfm.has('k', 1)).toBe(false);
  });

  it('remembers nothing with a zero duration', () => {
    const hfm = createHitForMiss(0);
    hfm.mark('k', 0);
    expect(hfm.has('k', 0)).toBe(false);
  });
});
