import { describe, expect, it } from 'vitest';
import { memoryStore } from '../stores/memory';
import { tieredStore } from '../stores/tiered';
import type { Store } from '../types';
import { safeLogger } from './safe-logger';

const throwing = {
  debug() {
    throw new Error('debug');
  },
  warn() {
    throw new Error('warn');
  },
  error() {
    throw new Error('error');
  },
};

describe('safeLogger', () => {
  it('passes every call through to the logger', () => {
    const calls: unknown[][] = [];
    const logger = safeLogger({
      debug: (...args) => calls.push(['debug', ...args]),
      warn: (...args) => calls.push(['warn', ...args]),
      error: (...args) => calls.push(['error', ...args]),
    });
    logger.debug?.('a', { n: 1 });
    logger.warn('b');
    logger.error('c', { n: 3 });
    expect(calls).toEqual([
      ['debug', 'a', { n: 1 }],
      ['warn', 'b', undefined],
      ['error', 'c', { n: 3 }],
    ]);
  });

  it('never throws, even from a logger without debug()', () => {
    const logger = safeLogger(throwing);
    expect(() => logger.debug?.('x')).not.toThrow();
    expect(() => logger.warn('x')).not.toThrow();
    expect(() => logger.error('x')).not.toThrow();
    expect(() => safeLogger({ warn: throwing.warn, error: throwing.error }).debug?.('x')).not.toThrow();
  });

  it('keeps a tiered store answering when its logger throws on an L2 failure', async () => {
    const failing: Store = {
      ...memoryStore(),
      name: 'failing',
      get: () => Promise.reject(new Error('down')),
    };
    const store = tieredStore({ l1: memoryStore(), l2: failing, logger: throwing });
    await expect(store.get('k')).resolves.toBeUndefined();
    expect(store.stats().l2?.errors).toBe(1);
  });
});
