/**
 * Per-key in-process coalescing (behaviour 6): while one caller (the leader) computes a key,
 * others join its flight and get the same outcome instead of running the work again.
 *
 * The leader can hand its outcome to the waiters (`settle`) before it has finished (for
 * example before the store write completes), and leaves the flight (`end`) only afterwards,
 * so requests arriving in between still join rather than start a second run.
 */
export interface SingleFlight<T> {
  /** The outcome of the flight in progress for `key`, or `undefined` when there is none. */
  join(key: string): Promise<T> | undefined;
  /** Starts a flight for `key`; the caller must `settle` and then `end` it (also on failure). */
  lead(key: string): Flight<T>;
  /** Number of flights in progress. */
  readonly size: number;
}

/** A flight started by `lead()`. */
export interface Flight<T> {
  /** Gives the waiters their outcome (first call wins). */
  settle(outcome: T): void;
  /** Settles with `outcome` if not done yet and removes the flight, so the next caller leads. */
  end(outcome: T): void;
}

/** Creates an empty set of flights. */
export function createSingleFlight<T>(): SingleFlight<T> {
  const flights = new Map<string, Promise<T>>();
  return {
    join(key: string): Promise<T> | undefined {
      return flights.get(key);
    },
    lead(key: string): Flight<T> {
      let resolve!: (outcome: T) => void;
      const promise = new Promise<T>((r) => {
        resolve = r;
      });
      flights.set(key, promise);
      return {
        settle: (outcome: T) => resolve(outcome),
        end(outcome: T): void {
          resolve(outcome);
          if (flights.get(key) === promise) flights.delete(key);
        },
      };
    },
    get size(): number {
      return flights.size;
    },
  };
}
