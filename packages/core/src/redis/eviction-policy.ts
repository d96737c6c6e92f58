import type { Cluster, Redis } from 'ioredis';
import { withinDeadline } from '../util/deadline';

/** What the store reports when Redis refuses `CONFIG` (disabled or renamed, as managed services often do). */
export const UNKNOWN_EVICTION_POLICY = 'unknown';

/**
 * Redis's `maxmemory-policy` (`CONFIG GET maxmemory-policy`), on a Cluster from every master:
 * one value when they agree, the distinct ones joined with `', '` (sorted) when they do not.
 * `'unknown'` when Redis refuses `CONFIG` (a reply error); `undefined` when it did not answer
 * within `timeoutMs` or the connection failed (the caller keeps what it knew). Never rejects.
 */
export async function readEvictionPolicy(
  client: Redis | Cluster,
  timeoutMs: number,
): Promise<string | undefined> {
  const isCluster = (client as { isCluster?: boolean }).isCluster === true;
  const nodes = isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  if (nodes.length === 0) return undefined;
  try {
    const policies = await withinDeadline(
      Promise.all(nodes.map(policyOf)),
      timeoutMs,
      () => new Error(`CONFIG GET timed out after ${timeoutMs} ms`),
    );
    if (policies.includes(undefined)) return undefined;
    return [...new Set(policies)].sort().join(', ');
  } catch {
    return undefined;
  }
}

/** One server's policy: its value, `'unknown'` on a reply error, `undefined` on a connection error. */
function policyOf(node: Redis): Promise<string | undefined> {
  return (node.config('GET', 'maxmemory-policy') as Promise<unknown>).then(
    (reply) => {
      // ioredis gives [name, value] (RESP2) or { name: value } (RESP3).
      const value = Array.isArray(reply)
        ? reply[1]
        : (reply as Record<string, unknown>)?.['maxmemory-policy'];
      return typeof value === 'string' && value !== '' ? value : UNKNOWN_EVICTION_POLICY;
    },
    (error: unknown) => ((error as Error)?.name === 'ReplyError' ? UNKNOWN_EVICTION_POLICY : undefined),
  );
}
