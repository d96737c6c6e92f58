import type { Logger } from '../types';

/**
 * `logger` wrapped so that none of its methods can throw: a logger that fails must never fail
 * a request nor surface as an unhandled rejection. Wrapped once where a logger option is
 * resolved (`createCache()`, `tieredStore()`), so call sites log without guards.
 */
export function safeLogger(logger: Logger): Logger {
  const call = (
    method: 'debug' | 'warn' | 'error',
    message: string,
    context?: Record<string, unknown>,
  ): void => {
    try {
      logger[method]?.(message, context);
    } catch {
      // Dropped: see above.
    }
  };
  return {
    debug: (message, context) => call('debug', message, context),
    warn: (message, context) => call('warn', message, context),
    error: (message, context) => call('error', message, context),
  };
}
