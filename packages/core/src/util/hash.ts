/**
 * Hashing that works on every runtime without importing a `node:` module: Node's crypto is
 * reached through `process.getBuiltinModule` when present (Node >= 20.16, Bun, Deno, workerd with
 * nodejs_compat), else Web Crypto (async) or `@noble/hashes`' SHA-256 (sync). Each path gives the same
 * bytes, so hashes are the same on every runtime sharing a store.
 */

import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { getBuiltinModule } from './node-builtin';

interface NodeHash {
  update(data: Uint8Array | string): NodeHash;
  digest(encoding: 'base64url'): string;
}
interface NodeCrypto {
  createHash(algorithm: string): NodeHash;
}

let nodeCrypto: NodeCrypto | null | undefined;

/** Node's `crypto` module when the runtime offers it synchronously, else `undefined`. */
export function getNodeCrypto(): NodeCrypto | undefined {
  if (nodeCrypto === undefined) {
    // Without a usable node:crypto (null), the portable paths are used.
    const module = getBuiltinModule('node:crypto') as NodeCrypto | undefined;
    nodeCrypto = typeof module?.createHash === 'function' ? module : null;
  }
  return nodeCrypto ?? undefined;
}

/** SHA-1 of `body`, base64url without padding (27 characters). */
export async function sha1Base64Url(body: Uint8Array, useNode = true): Promise<string> {
  const node = useNode ? getNodeCrypto() : undefined;
  if (node) return node.createHash('sha1').update(body).digest('base64url');
  const digest = await globalThis.crypto.subtle.digest('SHA-1', body as Uint8Array<ArrayBuffer>);
  return toBase64Url(new Uint8Array(digest));
}

/** SHA-256 of a string's UTF-8 bytes, base64url without padding (43 characters). Synchronous. */
export function sha256Base64Url(text: string, useNode = true): string {
  const node = useNode ? getNodeCrypto() : undefined;
  if (node) return node.createHash('sha256').update(text).digest('base64url');
  return toBase64Url(sha256(new TextEncoder().encode(text)));
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 base64url, no padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * FIPS 180-4 SHA-256, for runtimes without a synchronous native hash: `@noble/hashes` (audited,
 * edge-safe, no dependencies), rather than our own implementation, since it guards key collisions.
 */
export function sha256(message: Uint8Array): Uint8Array {
  return nobleSha256(message);
}
