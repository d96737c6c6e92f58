import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors';
import { createFakeClock } from '../testing';
import { createCircuitBreaker } from './circuit-breaker';
import { type CallOutcome, createCallGuard } from './guarded-call';

/** An outcome that doubles the value and records the errors it is shown. */
function recordingOutcome(): CallOutcome<number, number> & { errors: StoreError[] } {
  const errors: StoreError[] = [];
  return { errors, value: (n) => n * 2, error: (error) => errors.push(error) };
}

describe('createCallGuard outcome', () => {
  it('resolves with what the outcome makes of the value, and tells the breaker of the success', async () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ threshold: 1, breakDurationMs: 1000, clock: clock.now });
    breaker.failure();
    clock.advance(1000); // the probe's turn: its success closes the breaker
    const guard = createCallGuard('redis', breaker, { errors: 0, skipped: 0 });
    const outcome = recordingOutcome();
    await expect(guard.guarded('get', async () => 21, 1000, false, outcome)).resolves.toBe(42);
    expect(outcome.errors).toEqual([]);
    expect(breaker.state).toBe('closed');
  });

  it('shows the outcome the StoreError of a failure, a timeout and an open circuit, and rejects with it', async () => {
    const counters = { errors: 0, skipped: 0 };
    const breaker = createCircuitBreaker({ threshold: 2 });
    const guard = createCallGuard('redis', breaker, counters);
    const outcome = recordingOutcome();
    const failure = guard.guarded('get', () => Promise.reject(new Error('ECONNRESET')), 1000, false, outcome);
    await expect(failure).rejects.toThrow(/redis get failed: ECONNRESET/);
    const timeout = guard.guarded('get', () => new Promise<number>(() => {}), 5, false, outcome);
    await expect(timeout).rejects.toThrow(/timed out after 5 ms/);
    const skipped = guard.guarded('get', async () => 1, 1000, false, outcome);
    await expect(skipped).rejects.toThrow(/circuit open/);
    expect(outcome.errors.map((error) => error.message)).toEqual([
      'redis get failed: ECONNRESET',
      'redis get timed out after 5 ms',
      'redis get skipped: circuit open',
    ]);
    expect(outcome.errors.every((error) => error instanceof StoreError)).toBe(true);
    expect(counters).toEqual({ errors: 2, skipped: 1 });
  });

  it('rejects with what the outcome throws, and never shows it a late reply after the timeout', async () => {
    const guard = createCallGuard('redis', undefined, { errors: 0, skipped: 0 });
    const bad = new Error('undecodable');
    const throwing = guard.guarded('get', async () => 1, 1000, false, {
      value: () => {
        throw bad;
      },
    });
    await expect(throwing).rejects.toBe(bad);
    let reply: (n: number) => void = () => {};
    const values: number[] = [];
    const late = guard.guarded('get', () => new Promise<number>((resolve) => (reply = resolve)), 5, false, {
      value: (n) => {
        values.push(n);
        return n;
      },
    });
    await expect(late).rejects.toThrow(/timed out/);
    reply(7);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(values).toEqual([]);
  });
});
