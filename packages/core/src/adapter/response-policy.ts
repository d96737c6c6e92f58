/**
 * Where a handler's override for one response is kept until the engine reads it: on the
 * framework's per-request object (Express's `res`, Hono's `c`, Nest's platform response) under
 * one symbol, so every adapter's `setResponsePolicy()` (a typed wrapper of `keepResponsePolicy`) validates and stores it the same way.
 */
import { validateResponsePolicy } from '../policy/policy-override';
import type { PolicyInput } from '../types';

const RESPONSE_POLICY: unique symbol = Symbol.for('routecache.responsePolicy');

type WithPolicy = { [RESPONSE_POLICY]?: Partial<PolicyInput> };

/**
 * Keeps `policy` as the override of the response `target` stands for (a later call replaces an
 * earlier one). Adapters wrap it with their framework's type for `target`.
 *
 * @throws PolicyError naming the field when `policy` is invalid on its own, or sets a field that
 * shapes the cache key (`from`, `vary`, `query`, `identify`, `shareAuthenticated`): checked at once,
 * so a mistake surfaces in the handler that made it.
 */
export function keepResponsePolicy(target: object, policy: Partial<PolicyInput>): void {
  validateResponsePolicy(policy);
  (target as WithPolicy)[RESPONSE_POLICY] = { ...policy };
}

/**
 * The override `keepResponsePolicy()` kept for `target`, if any, and forgets it: an object that
 * outlives one handler run (Nest's response, on which a background refresh runs the handler
 * again) never carries one run's override into the next.
 */
export function takeResponsePolicy(target: object): Partial<PolicyInput> | undefined {
  const policy = (target as WithPolicy)[RESPONSE_POLICY];
  if (policy !== undefined) (target as WithPolicy)[RESPONSE_POLICY] = undefined;
  return policy;
}
