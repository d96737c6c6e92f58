/**
 * The Redis store's stampede lock: `SET NX PX` under a random token, released only by its
 * holder with a compare-and-delete script, so a lease that outlived its holder is never
 * released by someone else.
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { StoreLock } from '../types';
import type { GuardedCall } from './guarded-call';
import { defineScript, RELEASE_LOCK_SCRIPT } from './redis-scripts';

/** What the lock needs of its store. */
export interface RedisLockOptions {
  client: Redis | Cluster;
  /** The Redis key of `key`'s lock (in the key's bucket, so on its slot). */
  lockKeyOf: (key: string) => string;
  guarded: GuardedCall;
  /** Bound on each lock and unlock call, in milliseconds. */
  timeoutMs: number;
}

export function createRedisLock({ client, lockKeyOf, guarded, timeoutMs }: RedisLockOptions): StoreLock {
  const releaseScript = defineScript(RELEASE_LOCK_SCRIPT);
  return {
    async acquire(key: string, leaseMs: number): Promise<(() => Promise<void>) | undefined> {
      const lockKey = lockKeyOf(key);
      const token = randomUUID();
      const lease = Math.max(1, Math.ceil(leaseMs));
      const release = () => releaseScript.run(client, [lockKey], [token]);
      let attempt: Promise<'OK' | null> | undefined;
      let reply: 'OK' | null;
      try {
        reply = await guarded(
          'lock',
          () => (attempt = client.set(lockKey, token, 'PX', lease, 'NX')),
          timeoutMs,
        );
      } catch (error) {
        // Past the deadline the SET may still land (Redis paused, a Cluster retrying TRYAGAIN or
        // ASK during a slot migration): a lease nobody holds would make every waiter of this key
        // wait out its lock wait. Release it, by its token, when it does.
        attempt?.then(
          (late) => (late === 'OK' ? release().catch(() => {}) : undefined),
          () => {},
        );
        throw error;
      }
      if (reply !== 'OK') return undefined;
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // A failed release is harmless: the lease expires on its own.
        await guarded('unlock', release, timeoutMs).catch(() => {});
      };
    },
  };
}
