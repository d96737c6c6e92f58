import type { Logger, VersioningOptions } from '@nestjs/common';
import { type Policy, withVary } from '@routecache/core';

/**
 * What the app's `enableVersioning()` selects handlers by besides the path: `{ header }` for
 * VersioningType HEADER (1) and MEDIA_TYPE (2, `Accept`); `'custom'` for CUSTOM (3), whose
 * extractor may read anything; `undefined` for none or URI versioning (the path).
 */
export function versionSelector(
  versioning: VersioningOptions | undefined,
): { header: string } | 'custom' | undefined {
  if (versioning === undefined) return undefined;
  if (versioning.type === 1) return { header: versioning.header.toLowerCase() };
  if (versioning.type === 2) return { header: 'accept' };
  if (versioning.type === 3) return 'custom';
  return undefined;
}

/**
 * Route policies keyed and varied on the request header Nest picks versions by (`x-api-version`,
 * `Accept`), so each version gets its own entry; one derived policy per route policy. Custom
 * versioning is warned about once: which headers its extractor reads cannot be known.
 */
export class VersionedPolicies {
  private readonly versioned = new WeakMap<Policy, Policy>();
  private warnedCustom = false;

  constructor(private readonly logger: Logger) {}

  /** `policy` as the app's versioning requires it. */
  policyFor(policy: Policy, versioning: VersioningOptions | undefined): Policy {
    const header = this.versionHeader(versioning);
    if (header === undefined) return policy;
    let keyed = this.versioned.get(policy);
    if (keyed === undefined) {
      keyed = withVary(policy, [header]);
      this.versioned.set(policy, keyed);
    }
    return keyed;
  }

  private versionHeader(versioning: VersioningOptions | undefined): string | undefined {
    const selector = versionSelector(versioning);
    if (selector !== 'custom') return selector?.header;
    if (!this.warnedCustom) {
      this.warnedCustom = true;
      this.logger.warn(
        'Custom versioning: routecache cannot tell which request headers the extractor reads; add them to the vary of every cached versioned route, or each version may be served from one entry.',
      );
    }
    return undefined;
  }
}
