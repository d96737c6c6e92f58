import { entryBodyMark } from '../util/entry-bodies';
import { getBuiltinModule } from '../util/node-builtin';

/**
 * Stored bodies as strings, for sending on Node. `res.end(string)` writes the head and a string
 * body in one `write` call; a byte body goes out as a second chunk through `writev`, which cost
 * about 1-2 µs more server CPU per response for the bench's 2 KB document (Node 24; Hono, Express
 * and Nest L1 hits, `bench/`). Converting back to a string costs a copy, so only bodies up to
 * `ONE_WRITE_MAX_BYTES` are converted. Off Node (no `node:buffer`) both return `undefined`.
 *
 * Not kept with the entry: a string beside every stored body would double the memory of small
 * entries (or halve what fits in the store's byte bound). Only the bodies sent again and again
 * (an in-process store's hot entries, whose body object every hit shares) keep their text, in a
 * small memo (`TEXT_MEMO_ENTRIES`): the copy, ~0.4 µs and a 2 KB string of garbage per hit for
 * the bench's document, is made once instead of on every hit. Only entry bodies the engine
 * built qualify, under the mark it gave them (`util/entry-bodies.ts`): any other body (a
 * `Buffer` a handler returns on each request and may write again) is converted on each send,
 * and a body stored again gets a new mark, so its old text is not sent. (An entry shares the
 * bytes its handler returned: an app that writes them afterwards changes the entry itself.)
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
  return convert(body, false)?.text;
}

/**
 * `body` as a string when it is small and all ASCII (so its UTF-8 encoding is the same bytes):
 * for writers that encode strings as UTF-8 (a Fetch `Response` on @hono/node-server, Fastify).
 */
export function asciiText(body: Uint8Array): string | undefined {
  const converted = convert(body, true);
  return converted?.ascii ? converted.text : undefined;
}

/** A body as text, whether all of it is ASCII, and the entry mark it was converted under. */
interface BodyText {
  readonly text: string;
  readonly ascii: boolean;
  readonly mark: object | undefined;
}

/**
 * How many bodies keep their text: at most this many strings of `ONE_WRITE_MAX_BYTES` (1 MiB),
 * and the bodies they belong to kept alive while they are in the memo.
 */
export const TEXT_MEMO_ENTRIES = 64;

/** The texts of entry bodies converted more than once, oldest first (evicted first). */
const texts = new Map<Uint8Array, BodyText>();
/** Entry bodies converted once: those only a miss sent never enter `texts`. */
const seen = new WeakSet<Uint8Array>();

/** `body`'s text, from the memo or converted; `undefined` when it stays bytes (or is not ASCII, for `asciiOnly`). */
function convert(body: Uint8Array, asciiOnly: boolean): BodyText | undefined {
  const mark = entryBodyMark(body);
  const known = mark === undefined ? undefined : texts.get(body);
  if (known !== undefined && known.mark === mark) return known;
  const node = getNodeBuffer();
  if (!node || body.byteLength === 0 || body.byteLength > ONE_WRITE_MAX_BYTES) return undefined;
  const ascii = node.isAscii(body);
  if (asciiOnly && !ascii) return undefined;
  const converted: BodyText = {
    text: node.Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'),
    ascii,
    mark,
  };
  if (mark === undefined) return converted;
  if (!seen.has(body)) seen.add(body);
  else {
    // A body stored again (a new mark) takes its old place; a new one evicts the oldest.
    if (!texts.delete(body) && texts.size >= TEXT_MEMO_ENTRIES) texts.delete(texts.keys().next().value!);
    texts.set(body, converted);
  }
  return converted;
}

/** How many bodies keep their text now (for tests). */
export function memoisedTextCount(): number {
  return texts.size;
}
