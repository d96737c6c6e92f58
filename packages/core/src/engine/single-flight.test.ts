import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './single-flight';

describe('createSingleFlight', () => {
  it('lets callers join the flight in progress and get its outcome', async () => {
    const flights = createSingleFlight<string>();
    expect(flights.join('k')).toBeUndefined();
    const flight = flights.lead('k');
    const waiters = [flights.join('k'), flights.join('k')];
    flight.settle('done');
    await expect(Promise.all(waiters)).resolves.toEqual(['done', 'done']);
  });

  it('keeps the flight joinable after settle until end', async () => {
    const flights = createSingleFlight<string>();
    const flight = flights.lead('k');
    flight.settle('early');
    await expect(flights.join('k')).resolves.toBe('early');
    flight.end('ignored');
    expect(flights.join('k')).toBeUndefined();
    expect(flights.size).toBe(0);
  });

  it('keeps keys apart', () => {
    const flights = createSingleFlight<number>();
    flights.lead('a');
    expect(flights.join('b')).toBeUndefined();
    expect(flights.size).toBe(1);
  });

  it('does not remove a newer flight when an older one ends', () => {
    const flights = createSingleFlight<number>();
    const old = flights.lead('k');
    flights.lead('k');
    old.end(1);
    expect(flights.join('k')).toBeDefined();
  });
});
