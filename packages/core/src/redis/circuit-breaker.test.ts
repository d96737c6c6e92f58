import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../testing';
import { createCircuitBreaker } from './circuit-breaker';

describe('createCircuitBreaker', () => {
  it('opens after threshold consecutive failures and skips calls while open', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ threshold: 3, breakDurationMs: 1000, clock: clock.now });
    breaker.failure();
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
  });

  it('resets the count on success: failures must be consecutive', () => {
    const breaker = createCircuitBreaker({ threshold: 2 });
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after breakDurationMs; its success closes the breaker', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ threshold: 1, breakDurationMs: 1000, clock: clock.now });
    breaker.failure();
    clock.advance(999);
    expect(breaker.allow()).toBe(false);
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.allow()).toBe(false); // others wait for it
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
  });

  it('re-opens for another breakDurationMs when the probe fails', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ threshold: 5, breakDurationMs: 1000, clock: clock.now });
    for (let i = 0; i < 5; i++) breaker.failure();
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.allow()).toBe(false);
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
  });

  it('lets another probe through when a probe never reports back', () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker({ threshold: 1, breakDurationMs: 1000, clock: clock.now });
    breaker.failure();
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
    clock.advance(1000);
    expect(breaker.allow()).toBe(true);
  });

  it('rejects invalid options', () => {
    expect(() => createCircuitBreaker({ threshold: 0 })).toThrow(/threshold/);
    expect(() => createCircuitBreaker({ breakDurationMs: -1 })).toThrow(/breakDurationMs/);
  });
});
