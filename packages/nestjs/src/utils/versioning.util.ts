import type { VersioningOptions } from '@nestjs/common';

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
