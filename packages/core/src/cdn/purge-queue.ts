import { PurgeError } from '../errors';
import type { CdnStats, Logger } from '../types';
import { withinDeadline } from '../util/deadline';
import { safeLogger } from '../util/safe-logger';
import type { Purger } from './purger';
import { splitBatches } from './split-batches';

/** What one purge asks of every CDN. */
export interface PurgeTarget {
  readonly tags?: readonly string[];
  readonly urls?: readonly string[];
  /** Soft purge where the CDN has one (`invalidate({ mode: 'expire' })`). */
  readonly soft: boolean;
}

/** Options for `createPurgeQueue`, resolved (milliseconds). */
export interface PurgeQueueOptions {
  readonly purgers: readonly Purger[];
  /** Total budget of one batch, from its first attempt, ms. */
  readonly withinMs: number;
  /** Longest single attempt, ms. */
  readonly timeoutMs: number;
  /** First backoff wait, ms; doubled per retry up to `MAX_BACKOFF_MS`. */
  readonly backoffMs: number;
  readonly logger: Logger;
}

/** The fan-out of purges to every configured CDN. */
export interface PurgeQueue {
  readonly purgers: readonly Purger[];
  /**
   * Purges `tags` and `urls` on every CDN. Resolves when every CDN acknowledged every item;
   * rejects with a `PurgeError` naming the first CDN that did not within the retry budget (the
   * others are still purged).
   */
  purge(target: PurgeTarget): Promise<void>;
  /** Counters per purger name. */
  stats(): Record<string, CdnStats>;
}

/** Longest backoff wait between two attempts, ms. */
export const MAX_BACKOFF_MS = 5000;

type Kind = 'tags' | 'urls';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Items waiting to be sent to one CDN, by kind and softness. Items are collected for one
 * microtask, so concurrent `invalidate()` calls share calls (batching), and an item already
 * waiting is not queued twice (de-duplication). An item already sent is sent again: the CDN may
 * have processed the earlier call before the write that triggered this one.
 */
interface Lane {
  readonly purger: Purger;
  readonly kind: Kind;
  readonly soft: boolean;
  waiting: Map<string, Deferred>;
  scheduled: boolean;
}

/**
 * Creates the purge fan-out: batching and de-duplication per CDN, retries with exponential
 * backoff (equal jitter; `Retry-After` honoured) within a bounded time, counters and logs.
 *
 * Guarantee: at least once while the process lives. Every item is sent until a CDN acknowledges
 * it or the budget (`withinMs`) runs out; then the `purge()` that asked for it rejects, so the
 * caller knows and can retry. Nothing is persisted: if the process dies mid-retry, the purges
 * still waiting are lost, and so is the rejection; a caller that must survive that records the
 * invalidation durably (an outbox) and replays it until `invalidate()` resolves.
 */
export function createPurgeQueue(options: PurgeQueueOptions): PurgeQueue {
  const { purgers } = options;
  // A throwing logger must not lose the purge.
  const logger = safeLogger(options.logger);
  const counters = new Map<string, CdnStats>();
  const lanes = new Map<string, Lane>();
  for (const purger of purgers) {
    counters.set(purger.name, { calls: 0, tags: 0, urls: 0, retries: 0, failed: 0, pending: 0 });
  }

  function lane(purger: Purger, kind: Kind, soft: boolean): Lane {
    const id = `${purger.name}\n${kind}\n${soft}`;
    let found = lanes.get(id);
    if (!found) {
      found = { purger, kind, soft, waiting: new Map(), scheduled: false };
      lanes.set(id, found);
    }
    return found;
  }

  function enqueue(purger: Purger, kind: Kind, items: readonly string[], soft: boolean): Promise<void>[] {
    // A purger without a soft purge gets a hard one; a hard purge already waiting covers a soft one.
    const effectiveSoft = soft && purger.softPurge;
    const target = lane(purger, kind, effectiveSoft);
    const hard = effectiveSoft ? lane(purger, kind, false) : undefined;
    const stats = counters.get(purger.name) as CdnStats;
    const promises: Promise<void>[] = [];
    for (const item of items) {
      const existing = hard?.waiting.get(item) ?? target.waiting.get(item);
      if (existing) {
        promises.push(existing.promise);
        continue;
      }
      const deferred = createDeferred();
      target.waiting.set(item, deferred);
      stats.pending++;
      promises.push(deferred.promise);
    }
    if (!target.scheduled && target.waiting.size > 0) {
      target.scheduled = true;
      queueMicrotask(() => flush(target));
    }
    return promises;
  }

  function flush(target: Lane): void {
    const waiting = target.waiting;
    target.waiting = new Map();
    target.scheduled = false;
    const batches = splitBatches([...waiting.keys()], target.purger.limits, target.kind);
    for (const batch of batches) {
      void send(target, batch).then(
        () => {
          for (const item of batch) waiting.get(item)?.resolve();
        },
        (error: unknown) => {
          for (const item of batch) waiting.get(item)?.reject(error);
        },
      );
    }
  }

  async function send(target: Lane, items: readonly string[]): Promise<void> {
    const { purger, kind, soft } = target;
    const stats = counters.get(purger.name) as CdnStats;
    const deadline = Date.now() + options.withinMs;
    let lastError: unknown;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await attemptOnce(purger, kind, items, soft, options.timeoutMs);
          stats.calls++;
          stats[kind] += items.length;
          return;
        } catch (error) {
          lastError = error;
          const wait = nextWait(error, attempt, options.backoffMs);
          if (wait === undefined || Date.now() + wait >= deadline) break;
          stats.retries++;
          log('warn', `routecache: cdn purge failed; retrying`, {
            cdn: purger.name,
            kind,
            soft,
            count: items.length,
            attempt,
            waitMs: wait,
            error,
          });
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
      stats.failed++;
      const reason = describeError(lastError);
      log('error', `routecache: cdn purge given up`, {
        cdn: purger.name,
        kind,
        soft,
        count: items.length,
        items: items.slice(0, 10),
        error: lastError,
      });
      throw new PurgeError(
        `cdn "${purger.name}" did not acknowledge the purge of ${items.length} ${kind === 'tags' ? 'tag' : 'URL'}${items.length === 1 ? '' : 's'} (${reason})`,
        {
          cdn: purger.name,
          ...(lastError instanceof PurgeError && lastError.status !== undefined
            ? { status: lastError.status }
            : {}),
          retryable: !(lastError instanceof PurgeError) || lastError.retryable,
          cause: lastError,
        },
      );
    } finally {
      stats.pending -= items.length;
    }
  }

  function log(level: 'warn' | 'error', message: string, context: Record<string, unknown>): void {
    logger[level](message, context);
  }

  return {
    purgers,
    purge(target: PurgeTarget): Promise<void> {
      const tags = [...new Set(target.tags ?? [])];
      const urls = [...new Set(target.urls ?? [])];
      const perPurger = purgers.map((purger) => {
        const promises = [
          ...(tags.length > 0 && purger.tagHeader !== false
            ? enqueue(purger, 'tags', tags, target.soft)
            : []),
          ...(urls.length > 0 ? enqueue(purger, 'urls', urls, target.soft) : []),
        ];
        return Promise.all(promises);
      });
      return Promise.allSettled(perPurger).then((results) => {
        const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        if (failures.length === 0) return;
        const [first] = failures;
        if (failures.length === 1) throw first;
        const names = failures.map((error) => (error instanceof PurgeError ? error.cdn : 'unknown'));
        throw new PurgeError(`cdn purges failed on ${names.map((n) => `"${n}"`).join(', ')}`, {
          cdn: names[0] ?? 'unknown',
          cause: first,
        });
      });
    },
    stats(): Record<string, CdnStats> {
      const snapshot: Record<string, CdnStats> = {};
      for (const [name, stats] of counters) snapshot[name] = { ...stats };
      return snapshot;
    },
  };
}

/** One call, aborted (and rejected) after `timeoutMs` even if the purger ignores the signal. */
async function attemptOnce(
  purger: Purger,
  kind: Kind,
  items: readonly string[],
  soft: boolean,
  timeoutMs: number,
): Promise<void> {
  const controller = new AbortController();
  const call =
    kind === 'tags'
      ? purger.purgeTags(items, { soft, signal: controller.signal })
      : purger.purgeUrls(items, { soft, signal: controller.signal });
  await withinDeadline(call, timeoutMs, () => {
    const error = new PurgeError(`cdn "${purger.name}" did not answer within ${timeoutMs} ms`, {
      cdn: purger.name,
    });
    controller.abort(error);
    return error;
  });
}

/** The wait before attempt `attempt + 1`, or `undefined` when retrying cannot help. */
function nextWait(error: unknown, attempt: number, backoffMs: number): number | undefined {
  if (error instanceof PurgeError) {
    if (!error.retryable) return undefined;
    if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  }
  // Exponential backoff with equal jitter: half fixed, half random, so waits never collapse to 0.
  const ceiling = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function describeError(error: unknown): string {
  if (error instanceof PurgeError && error.status !== undefined) return `last answer HTTP ${error.status}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function createDeferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections are read through `purge()`; never an unhandled one for items nobody awaits.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
