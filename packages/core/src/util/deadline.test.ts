import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settledWithin, withinDeadline } from './deadline';

describe('withinDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves or rejects with the call when it settles in time, and leaves no timer behind', async () => {
    await expect(withinDeadline(Promise.resolve('v'), 100, () => new Error('late'))).resolves.toBe('v');
    await expect(
      withinDeadline(Promise.reject(new Error('boom')), 100, () => new Error('late')),
    ).rejects.toThrow('boom');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the timeout error once the limit passes, each call at its own deadline', async () => {
    const never = new Promise<string>(() => {});
    const firstOutcome = withinDeadline(never, 100, () => new Error('first timed out')).catch(
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(40);
    const secondOutcome = withinDeadline(never, 100, () => new Error('second timed out')).catch(
      (error: Error) => error.message,
    );

    await vi.advanceTimersByTimeAsync(59);
    let settled = false;
    void firstOutcome.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(firstOutcome).resolves.toBe('first timed out');

    await vi.advanceTimersByTimeAsync(40);
    await expect(secondOutcome).resolves.toBe('second timed out');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('settles through `settle`: the value mapped, the call’s error and the timeout’s error both mapped', async () => {
    const settle = {
      value: (value: number) => value * 2,
      error: (error: unknown) => new Error(`mapped: ${(error as Error).message}`),
    };
    await expect(withinDeadline(Promise.resolve(21), 100, () => new Error('late'), settle)).resolves.toBe(42);
    await expect(
      withinDeadline(Promise.reject(new Error('boom')), 100, () => new Error('late'), settle),
    ).rejects.toThrow('mapped: boom');
    const late = withinDeadline(new Promise<number>(() => {}), 100, () => new Error('late'), settle).catch(
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(100);
    await expect(late).resolves.toBe('mapped: late');
    // A call that settles after its timeout is not seen by `settle` at all.
    let finish!: (value: number) => void;
    const seen: unknown[] = [];
    const watched = {
      value: (value: number) => seen.push(value),
      error: (error: unknown) => seen.push((error as Error).message),
    };
    const slow = withinDeadline(
      new Promise<number>((resolve) => (finish = resolve)),
      50,
      () => new Error('late'),
      watched,
    );
    const outcome = slow.catch(() => 'rejected');
    await vi.advanceTimersByTimeAsync(50);
    finish(7);
    await expect(outcome).resolves.toBe('rejected');
    expect(seen).toEqual(['late']);
    const throwing = {
      value: () => {
        throw new Error('bad value');
      },
      error: (error: unknown) => error,
    };
    await expect(withinDeadline(Promise.resolve(1), 100, () => new Error('late'), throwing)).rejects.toThrow(
      'bad value',
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the result of a call that settles after its timeout out of the answer', async () => {
    let finish!: (value: string) => void;
    const slow = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const outcome = withinDeadline(slow, 50, () => new Error('timed out')).catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(50);
    finish('too late');
    await expect(outcome).resolves.toBe('timed out');
  });
});

describe('settledWithin', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the value when the call settles in time, undefined once the limit passes', async () => {
    await expect(settledWithin(Promise.resolve('v'), 100)).resolves.toBe('v');
    const late = settledWithin(new Promise(() => {}), 100);
    await vi.advanceTimersByTimeAsync(100);
    await expect(late).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('still rejects with the call’s own error', async () => {
    await expect(settledWithin(Promise.reject(new Error('boom')), 100)).rejects.toThrow('boom');
  });
});
