import { createMemo, type Memo } from '../engine/memo';
import { graceMs } from '../stores/entry-times';
import type { CacheEntry } from '../types';

/**
 * The binary layout of an entry in Redis (one string value, read with a single `GET`):
 *
 * ```
 * offset  size  field
 * 0       4     magic 'RC1|'
 * 4       24    freshUntil, ms since epoch, ASCII, space padded  (rewritten in place by SETRANGE
 *                                                                  when a tag/key is expired)
 * 28      16    grace, ms (max of the grace windows), ASCII, space padded
 * 44      4     byte length of the tags JSON, uint32 big endian
 * 48      4     byte length of the header JSON, uint32 big endian
 * 52      8     write version, 8 ASCII characters, random per write; tag-set members are
 *               version + key, so a member left over from an earlier write never matches
 * 60      …     tags JSON (an array of strings; read by the Lua scripts to keep the tag index)
 * …       …     header JSON (key, times, status, headers, value)
 * …       …     body bytes, raw (binary-safe, never re-encoded)
 * ```
 *
 * The fixed-width fields let the Lua scripts make an entry stale or read its tags without
 * decoding JSON they don't need (and without cjson, which would mangle numbers and empty arrays).
 */
const ENTRY_MAGIC: string = 'RC1|';
export const FRESH_OFFSET: number = 4;
export const FRESH_WIDTH: number = 24;
const GRACE_OFFSET: number = 28;
const GRACE_WIDTH: number = 16;
const VERSION_OFFSET: number = 52;
const VERSION_WIDTH: number = 8;
const TAGS_LENGTH_OFFSET: number = 44;
const HEAD_LENGTH_OFFSET: number = 48;
export const PREAMBLE_BYTES: number = 60;

/** The preamble's layout (0-based byte offsets), for the Lua scripts that read it in place. */
export const ENTRY_LAYOUT: {
  readonly magic: string;
  readonly freshOffset: number;
  readonly freshWidth: number;
  readonly graceOffset: number;
  readonly graceWidth: number;
  readonly tagsLengthOffset: number;
  readonly versionOffset: number;
  readonly versionWidth: number;
  readonly preambleBytes: number;
} = {
  magic: ENTRY_MAGIC,
  freshOffset: FRESH_OFFSET,
  freshWidth: FRESH_WIDTH,
  graceOffset: GRACE_OFFSET,
  graceWidth: GRACE_WIDTH,
  tagsLengthOffset: TAGS_LENGTH_OFFSET,
  versionOffset: VERSION_OFFSET,
  versionWidth: VERSION_WIDTH,
  preambleBytes: PREAMBLE_BYTES,
};

interface EntryHeader {
  k: string;
  /** freshUntil as written; the preamble's copy is lowered in place when the entry is expired. */
  f: number;
  s: number;
  w: number;
  e: number;
  x: number;
  r?: { s: number; h: Record<string, string | string[]> };
  /** 1 when the entry has a `value` (which may be `undefined` and then absent from JSON). */
  hv?: 1;
  v?: unknown;
  /** Any other field of the entry (e.g. `computeMs`), so fields added to `CacheEntry` later survive too. */
  o?: Record<string, unknown>;
}

/** Fields the header stores in its own compact slots; everything else goes to `o`. */
const KNOWN_FIELDS = new Set([
  'key',
  'storedAt',
  'freshUntil',
  'staleWhileRevalidate',
  'staleIfError',
  'expiresAt',
  'tags',
  'response',
  'value',
]);

/** Formats a number into a fixed-width, space-padded ASCII field. */
export function fixedNumber(value: number, width: number): string {
  const text = String(value);
  if (!Number.isFinite(value) || text.length > width)
    throw new RangeError(`cannot encode ${text} in ${width} bytes`);
  return text.padEnd(width, ' ');
}

/**
 * Encodes an entry into the layout above, with `version` (8 ASCII characters) as its write
 * version. Throws when the entry cannot be represented (e.g. a value that isn't JSON).
 */
export function encodeEntry(entry: CacheEntry, version: string): Buffer {
  if (version.length !== VERSION_WIDTH) throw new RangeError(`version must be ${VERSION_WIDTH} characters`);
  const header: EntryHeader = {
    k: entry.key,
    f: entry.freshUntil,
    s: entry.storedAt,
    w: entry.staleWhileRevalidate,
    e: entry.staleIfError,
    x: entry.expiresAt,
  };
  if (entry.response) header.r = { s: entry.response.status, h: entry.response.headers };
  if ('value' in entry) {
    header.hv = 1;
    if (entry.value !== undefined) header.v = entry.value;
  }
  for (const [name, field] of Object.entries(entry)) {
    if (KNOWN_FIELDS.has(name) || field === undefined) continue;
    header.o ??= {};
    header.o[name] = field;
  }
  const tags = Buffer.from(JSON.stringify(entry.tags), 'utf8');
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const body = entry.response?.body;
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  preamble.write(ENTRY_MAGIC, 0, 'latin1');
  preamble.write(fixedNumber(entry.freshUntil, FRESH_WIDTH), FRESH_OFFSET, 'latin1');
  preamble.write(fixedNumber(graceMs(entry), GRACE_WIDTH), GRACE_OFFSET, 'latin1');
  preamble.writeUInt32BE(tags.length, TAGS_LENGTH_OFFSET);
  preamble.writeUInt32BE(head.length, HEAD_LENGTH_OFFSET);
  preamble.write(version, VERSION_OFFSET, 'latin1');
  const parts: Buffer[] = [preamble, tags, head];
  if (body) parts.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  return Buffer.concat(parts);
}

/**
 * Decodes an entry; `undefined` for anything that is not one of ours (corrupt, truncated,
 * foreign or from another format version): such values are misses, never errors.
 */
export function decodeEntry(buffer: Buffer): CacheEntry | undefined {
  try {
    if (buffer.length < PREAMBLE_BYTES || !hasMagic(buffer)) return undefined;
    const freshUntil = readFixedNumber(buffer, FRESH_OFFSET, FRESH_WIDTH);
    const grace = readFixedNumber(buffer, GRACE_OFFSET, GRACE_WIDTH);
    const tagsLength = buffer.readUInt32BE(TAGS_LENGTH_OFFSET);
    const headLength = buffer.readUInt32BE(HEAD_LENGTH_OFFSET);
    const headStart = PREAMBLE_BYTES + tagsLength;
    const bodyStart = headStart + headLength;
    if (!Number.isFinite(freshUntil) || !Number.isFinite(grace) || bodyStart > buffer.length)
      return undefined;
    const tags =
      tagsLength === 2 && buffer[PREAMBLE_BYTES] === 0x5b && buffer[PREAMBLE_BYTES + 1] === 0x5d
        ? []
        : parseTags(buffer.toString('utf8', PREAMBLE_BYTES, headStart));
    const header = headerAt(buffer, headStart, bodyStart);
    if (tags === undefined) return undefined;
    if (typeof header !== 'object' || header === null || typeof header.k !== 'string') return undefined;
    if (typeof header.s !== 'number' || typeof header.x !== 'number' || typeof header.f !== 'number')
      return undefined;
    const entry: CacheEntry = {
      ...(header.o && typeof header.o === 'object' ? header.o : {}),
      key: header.k,
      storedAt: header.s,
      freshUntil,
      staleWhileRevalidate: Number(header.w) || 0,
      staleIfError: Number(header.e) || 0,
      // Expired in place (freshUntil lowered): its life is cut to the grace, as the script's PEXPIRE did.
      expiresAt: freshUntil < header.f ? Math.min(header.x, freshUntil + grace) : header.x,
      tags: tags as string[],
    };
    if (header.r) {
      if (typeof header.r.s !== 'number' || typeof header.r.h !== 'object' || header.r.h === null)
        return undefined;
      // A Uint8Array view of the reply (no copy); not a Buffer, so it compares equal to plain bytes.
      const body = new Uint8Array(buffer.buffer, buffer.byteOffset + bodyStart, buffer.length - bodyStart);
      entry.response = { status: header.r.s, headers: header.r.h, body };
    }
    if (header.hv === 1) entry.value = header.v;
    return entry;
  } catch {
    return undefined;
  }
}

const MAGIC_BYTES = [...ENTRY_MAGIC].map((char) => char.charCodeAt(0));

function hasMagic(buffer: Buffer): boolean {
  for (let i = 0; i < MAGIC_BYTES.length; i++) if (buffer[i] !== MAGIC_BYTES[i]) return false;
  return true;
}

/**
 * A fixed-width number field: plain ASCII digits read in place (no string), anything else (a
 * sign, a fraction, as a Lua script may write) through `Number`. About 0.3 µs less per decode.
 */
function readFixedNumber(buffer: Buffer, offset: number, width: number): number {
  let value = 0;
  let digits = 0;
  let end = offset;
  for (; end < offset + width; end++) {
    const byte = buffer[end]!;
    if (byte < 0x30 || byte > 0x39) break;
    value = value * 10 + (byte - 0x30);
    digits++;
  }
  let rest = end;
  while (rest < offset + width && buffer[rest] === 0x20) rest++;
  if (digits > 0 && digits <= 15 && rest === offset + width) return value;
  return Number(buffer.toString('latin1', offset, offset + width).trim());
}

/** Decoded headers of entries without a data value, and tag lists, by their JSON text; bounded, oldest dropped. */
const headerMemo: Memo<EntryHeader> = createMemo(1000);
const tagsMemo: Memo<readonly string[]> = createMemo(1000);
const MEMO_MAX_TEXT = 8192;

/**
 * The last memoised header decoded at each header length, with its bytes: an entry read again
 * compares its header bytes in place (one native compare) instead of decoding them into a new
 * string that the memo then has to hash (together ~0.8 µs of a 300-byte header, bench
 * `hono-l2-hit`). Bounded like the memo; a header of another length is looked up as before.
 */
const lastHeaders = new Map<number, { readonly bytes: Buffer; readonly header: EntryHeader }>();
const MAX_LAST_HEADERS = 256;

function headerAt(buffer: Buffer, start: number, end: number): EntryHeader {
  const length = end - start;
  const last = lastHeaders.get(length);
  if (last !== undefined && buffer.compare(last.bytes, 0, length, start, end) === 0) return last.header;
  const header = parseHeader(buffer.toString('utf8', start, end));
  if (isMemoised(header, length)) {
    if (lastHeaders.size >= MAX_LAST_HEADERS && last === undefined) {
      const oldest = lastHeaders.keys().next();
      if (!oldest.done) lastHeaders.delete(oldest.value);
    }
    // A copy: the reply's buffer is the entry's body view and must not be kept alive by this.
    lastHeaders.set(length, { bytes: Buffer.from(buffer.subarray(start, end)), header });
  }
  return header;
}

/**
 * True when `parseHeader` shares `header`: an HTTP entry's header (no data value), at most
 * `MEMO_MAX_TEXT` long. `length` counts characters for `parseHeader`, bytes here (never fewer),
 * so what `headerAt` keeps was always memoised (and frozen).
 */
function isMemoised(header: EntryHeader, length: number): boolean {
  return length <= MEMO_MAX_TEXT && typeof header === 'object' && header !== null && header.hv === undefined;
}

/**
 * `JSON.parse` of the header, memoised for HTTP entries: an entry read from L2 again and again
 * has the same header bytes until it is rewritten, and parsing them was the largest cost of an
 * L2 hit (about 1.3 µs of a 300-byte header). Entries with a data value (`getOrSet`) are always
 * parsed afresh, as callers own the value they get (`o` is copied into each entry). The
 * memoised response headers are frozen: they are shared, and only ever read.
 */
function parseHeader(text: string): EntryHeader {
  const known = headerMemo.get(text);
  if (known !== undefined) return known;
  const header = JSON.parse(text) as EntryHeader;
  if (isMemoised(header, text.length)) {
    if (header.r && typeof header.r.h === 'object' && header.r.h !== null) {
      for (const value of Object.values(header.r.h)) if (Array.isArray(value)) Object.freeze(value);
      Object.freeze(header.r.h);
    }
    headerMemo.set(text, header);
  }
  return header;
}

/** The tag list (frozen, shared: entries only read it), memoised like the header; `undefined` if not a string array. */
function parseTags(text: string): readonly string[] | undefined {
  const known = tagsMemo.get(text);
  if (known !== undefined) return known;
  const tags: unknown = JSON.parse(text);
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) return undefined;
  Object.freeze(tags);
  if (text.length <= MEMO_MAX_TEXT) tagsMemo.set(text, tags);
  return tags;
}
