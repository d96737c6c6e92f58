/**
 * Per-response policy overrides (`OriginResponse.policy`): what a handler may change for one
 * response, and how it is merged over the route's policy. Adapters validate with
 * `validateResponsePolicy()` when the handler calls their helper; the engine merges with
 * `mergeResponsePolicy()` after the origin ran, before deciding to store and building headers.
 */
import { PolicyError } from '../errors';
import type { Policy, PolicyInput } from '../types';
import { definePolicy } from './policy';

/** Fields that shape the cache key or the bypass decision: fixed before the handler runs. */
export const KEY_POLICY_FIELDS: readonly (keyof PolicyInput)[] = Object.freeze([
  'from',
  'vary',
  'query',
  'identify',
  'shareAuthenticated',
]);

/**
 * Validates a per-response override on its own: every field as in `definePolicy()`, and none of
 * `KEY_POLICY_FIELDS` (the response is stored under the key its request already has). Returns
 * the override read as a policy of its own, which `mergeResponsePolicy()` merges.
 *
 * @throws PolicyError naming the field.
 */
export function validateResponsePolicy(override: Partial<PolicyInput>): Policy {
  if (typeof override === 'object' && override !== null) {
    for (const field of KEY_POLICY_FIELDS) {
      if (field in override)
        throw new PolicyError(field, 'shapes the cache key: set it on the route, not per response');
    }
  }
  return definePolicy(override);
}

/**
 * The route's `policy` with a handler's override for one response merged over it: the fields the
 * override names replace the route's; `ttl` follows an overridden `maxAge`/`sMaxAge` unless the
 * override gives its own; a `'private'` result drops the shared-cache fields (`sMaxAge`,
 * `cdnMaxAge`, `tags`) and, on a route keyed as shared, is not stored (browser only); `'no-store'`
 * wins outright. Never throws: an override that cannot be
 * applied (invalid, or naming a key field) makes the response `no-store`, the safe reading.
 */
export function mergeResponsePolicy(policy: Policy, override: Partial<PolicyInput> | undefined): Policy {
  if (override === undefined) return policy;
  let patch: Policy;
  try {
    patch = validateResponsePolicy(override);
  } catch {
    return definePolicy({ scope: 'no-store' });
  }
  if (patch.scope === 'no-store') return patch;
  const fields = Object.keys(override).filter(
    (name) => (override as Record<string, unknown>)[name] !== undefined,
  );
  const merged: Record<string, unknown> = { ...policy };
  for (const field of fields) merged[field] = patch[field as keyof Policy];
  if (!fields.includes('ttl') && (fields.includes('maxAge') || fields.includes('sMaxAge')))
    merged.ttl = patch.ttl;
  if (fields.includes('statuses') || fields.includes('negativeTtl')) {
    merged.statuses = Object.freeze(new Set([...policy.statuses, ...patch.statuses]));
  }
  if (merged.scope === 'private') {
    merged.sMaxAge = undefined;
    merged.cdnMaxAge = undefined;
    merged.tags = Object.freeze([]);
    // The request was keyed as shared (no identity): a private answer must not be stored under it.
    if (policy.scope !== 'private') merged.ttl = 0;
  }
  return Object.freeze(merged) as unknown as Policy;
}
