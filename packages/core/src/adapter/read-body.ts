/**
 * Reading a response body without ever buffering more than the cache may store.
 *
 * Edge-safe: Web Streams only, so adapters on Node, Bun, Deno and workerd share it.
 */

/** The outcome of `readBodyWithLimit()`. */
export type BodyReadResult =
  /** The whole body fitted in `maxBytes`. */
  | { readonly complete: true; readonly body: Uint8Array }
  /**
   * The body went over `maxBytes`: `stream` replays the chunks already read, then the rest of
   * the original stream, unbuffered. Cancelling it cancels the original stream.
   */
  | { readonly complete: false; readonly stream: ReadableStream<Uint8Array> };

const EMPTY = new Uint8Array(0);

/**
 * Reads `stream` to the end as long as it fits in `maxBytes` (bytes). On overflow it stops
 * reading at once and hands back a stream that replays what was read followed by the rest, so
 * the caller can pass the response through without holding it in memory.
 *
 * @example
 * const read = await readBodyWithLimit(res.body, 1_048_576);
 * if (read.complete) store(read.body); else send(read.stream);
 */
export async function readBodyWithLimit(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<BodyReadResult> {
  if (stream === null) return { complete: true, body: EMPTY };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { complete: true, body: concatChunks(chunks, size) };
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) return { complete: false, stream: replayThenRest(chunks, reader) };
  }
}

/** True when the response is an endless stream that must never be buffered (Server-Sent Events). */
export function isEndlessStream(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*text\/event-stream\s*(;|$)/i.test(contentType);
}

/** The chunks of a body as one byte array of `size` bytes (the only chunk itself, not a copy). */
export function concatChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * A stream of the `chunks` already read, then `pending` (a read already asked for, if any), then
 * the rest of `reader`. Cancelling it cancels the original stream.
 */
export function replayThenRest(
  chunks: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pending?: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>,
): ReadableStream<Uint8Array> {
  let next = pending;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffered = chunks.shift();
      if (buffered !== undefined) return controller.enqueue(buffered);
      const { done, value } = await (next ?? reader.read());
      next = undefined;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      chunks.length = 0;
      return reader.cancel(reason);
    },
  });
}
