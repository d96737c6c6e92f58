import { getBuiltinModule } from '../util/node-builtin';

/**
 * Stored bodies as strings, for sending on Node. `res.end(string)` writes the head and a string
 * body in one `write` call; a byte body goes out as a second chunk through `writev`, which cost
 * about 1-2 µs more server CPU per response for the bench's 2 KB document (Node 24; Hono, Express
 * and Nest L1 hits, `bench/`). Converting back to a string costs a copy, so only bodies up to
 * `ONE_WRITE_MAX_BYTES` are converted. Off Node (no `node:buffer`) both return `undefined`.
 *
 * Converted on each send, not kept with the entry: a string beside every stored body would
 * double the memory of small entries (or halve what fits in the store's byte bound) to save the
 * ~0.3 µs copy, which is already counted in the gain above.
 */

/** Largest body converted to a string, bytes. */
export const ONE_WRITE_MAX_BYTES: number = 16 * 1024;

interface NodeBufferModule {
  Buffer: {
    from(
      buffer: ArrayBufferLike,
      byteOffset: number,
      length: number,
    ): { toString(encoding: 'latin1'): string };
  };
  isAscii(input: ArrayBufferView): boolean;
}

let nodeBuffer: NodeBufferModule | null | undefined;

function getNodeBuffer(): NodeBufferModule | undefined {
  if (nodeBuffer === undefined) {
    const module = getBuiltinModule('node:buffer') as NodeBufferModule | undefined;
    nodeBuffer = typeof module?.isAscii === 'function' ? module : null;
  }
  return nodeBuffer ?? undefined;
}

/**
 * `body` as a Latin-1 string (one character per byte, so any bytes round-trip), when it is
 * small enough: for writers that take an encoding, `res.end(text, 'latin1')`.
 */
export function latin1Text(body: Uint8Array): string | undefined {
  const node = getNodeBuffer();
  if (!node || body.byteLength === 0 || body.byteLength > ONE_WRITE_MAX_BYTES) return undefined;
  return node.Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
}

/**
 * `body` as a string when it is small and all ASCII (so its UTF-8 encoding is the same bytes):
 * for writers that encode strings as UTF-8 (a Fetch `Response` on @hono/node-server, Fastify).
 */
export function asciiText(body: Uint8Array): string | undefined {
  const node = getNodeBuffer();
  return node && body.byteLength <= ONE_WRITE_MAX_BYTES && node.isAscii(body) ? latin1Text(body) : undefined;
}
