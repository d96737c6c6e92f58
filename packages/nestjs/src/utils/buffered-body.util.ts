import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { asciiText, latin1Text } from '@routecache/core/adapter';
import type { Platform } from './response-body.util';

/** What `StreamableFile`'s constructor is given so that it opens no stream (see `BufferedBody`). */
const NO_STREAM = {} as Readable;

/**
 * A buffered answer body (a hit, or a miss the cache stored) handed to Nest. It is a
 * `StreamableFile`, so other interceptors (`ClassSerializerInterceptor`) leave it alone and
 * any adapter streams it byte for byte; the adapter `sendBufferedBodies()` prepared sends its
 * bytes in one write instead. Its stream is only opened if something asks for it.
 */
export class BufferedBody extends StreamableFile {
  private opened: Readable | undefined;

  constructor(readonly bytes: Uint8Array) {
    super(NO_STREAM, { length: bytes.byteLength });
  }

  override getStream(): Readable {
    if (!this.opened) {
      this.opened = new Readable();
      this.opened.push(this.bytes);
      this.opened.push(null);
    }
    return this.opened;
  }
}

// Nest's router asks `isPlainObject()` of every value it is about to send, which for an instance
// of a class with its own `constructor` compares the class's source text with `Object`'s
// (`Function.prototype.toString`): ~135 ns per hit in a micro-benchmark. Without an own
// `constructor` on this prototype it answers false at once; `instanceof` and the prototype's
// methods are unchanged, and `body.constructor` reads `StreamableFile`'s.
delete (BufferedBody.prototype as { constructor?: unknown }).constructor;

/** The part of Nest's `AbstractHttpAdapter` used here. */
export interface ReplyingAdapter {
  getType(): string;
  reply(response: unknown, body: unknown, statusCode?: number): unknown;
}

/** The parts of Express's `res` and Fastify's `reply` used to send a `BufferedBody`. */
export interface SendingResponse {
  getHeader(name: string): unknown;
  /** Express (a Node `ServerResponse`). */
  setHeader?(name: string, value: string | number): unknown;
  end?(chunk: Uint8Array | string, encoding?: BufferEncoding): unknown;
  status?(code: number): unknown;
  /** Fastify reply. */
  header?(name: string, value: string | number): unknown;
  send?(payload: Uint8Array | string): unknown;
  raw?: unknown;
}

const prepared = new WeakSet<object>();

/**
 * Sends what Nest hands the adapter for one response: `body` and `statusCode` as Nest gives
 * them (`statusCode` is set only by exception filters), `reply` the adapter's own send.
 */
export type ReplyHook = (
  body: unknown,
  statusCode: number | undefined,
  reply: (body: unknown, statusCode?: number) => unknown,
) => unknown;

/**
 * What the next `reply()` for a response does instead of sending the value Nest gives it: a
 * hook, or the answer's own body (`ANSWER_EMPTY` for none). Kept on the response itself under
 * a symbol: a property write and read per request, against a `WeakMap` entry and a closure
 * (about 70 ns and an ephemeron for the GC, on every hit).
 */
const PENDING_REPLY: unique symbol = Symbol('routecache:pending-reply');

/** `replyWith()`'s value for an answer without a body. */
const ANSWER_EMPTY: unique symbol = Symbol('routecache:empty-answer');

type PendingReply = ReplyHook | BufferedBody | typeof ANSWER_EMPTY;

interface ReplySlot {
  [PENDING_REPLY]?: PendingReply | undefined;
}

/**
 * Has the next `reply()` Nest makes for `response` (Express's `res`, Fastify's `reply`) go
 * through `hook`: the value it gets is what the app's interceptors made of the route's
 * result, after every one of them ran. Needs `sendBufferedBodies()` on the app's adapter.
 */
export function onReply(response: object, hook: ReplyHook): void {
  (response as ReplySlot)[PENDING_REPLY] = hook;
}

/**
 * Has the next `reply()` Nest makes for `response` send `body` (a cache answer's, `undefined`
 * for none), whatever the app's outer interceptors made of the value emitted; a reply with a
 * status of its own (an exception filter's) is sent as it is. Needs `sendBufferedBodies()`.
 */
export function replyWith(response: object, body: BufferedBody | undefined): void {
  (response as ReplySlot)[PENDING_REPLY] = body ?? ANSWER_EMPTY;
}

/**
 * Makes Nest's Express or Fastify adapter send a `BufferedBody` as bytes, with the headers
 * its `StreamableFile` path would set (`Content-Type` when none, `Content-Length`): Express
 * `res.end(bytes)`, Fastify `reply.send(bytes)` (its `onSend` hooks still run); small bodies as
 * strings (core's `latin1Text` / `asciiText`: one write with the head). Nest sends a
 * `StreamableFile` as a stream: a `Readable`, `pipe()` and close listeners per response, and
 * headers and body in separate writes. Sending the bytes cut the server CPU of an L1 hit of
 * the bench's 2 KB document (`bench/`, Node 24, best of 6 rounds) from about 70 to 36 µs on
 * Fastify and from 74 to 53 µs on Express. Other values and other platforms go to the
 * adapter's own `reply()`. Also applies what `onReply()` and `replyWith()` set. Idempotent per adapter;
 * false when there is no adapter (yet).
 */
export function sendBufferedBodies(adapter: ReplyingAdapter | undefined): boolean {
  if (!adapter) return false;
  if (prepared.has(adapter)) return true;
  prepared.add(adapter);
  const platform: Platform = adapter.getType();
  const reply = adapter.reply.bind(adapter);
  const send = (response: unknown, body: unknown, statusCode?: number): unknown => {
    if (!(body instanceof BufferedBody) || (platform !== 'express' && platform !== 'fastify'))
      return reply(response, body, statusCode);
    const res = response as SendingResponse;
    // Fastify's adapter is also handed raw Node responses (no `status()`): left to it.
    if (typeof res.status !== 'function') return reply(response, body, statusCode);
    if (statusCode !== undefined) res.status(statusCode);
    return platform === 'fastify' ? sendOnFastify(res, body) : sendOnExpress(res, body);
  };
  adapter.reply = (response: unknown, body: unknown, statusCode?: number): unknown => {
    const slot = response as ReplySlot | null | undefined;
    const pending = typeof slot === 'object' && slot !== null ? slot[PENDING_REPLY] : undefined;
    if (pending === undefined) return send(response, body, statusCode);
    slot![PENDING_REPLY] = undefined;
    if (typeof pending === 'function')
      return pending(body, statusCode, (body, statusCode) => send(response, body, statusCode));
    // Nest's router replies with no status of its own; exception filters give one.
    if (statusCode !== undefined) return send(response, body, statusCode);
    return send(response, pending === ANSWER_EMPTY ? undefined : pending);
  };
  return true;
}

function sendOnExpress(res: SendingResponse, body: BufferedBody): unknown {
  return sendBytesOnExpress(res, body.bytes, body.options.type);
}

function sendOnFastify(reply: SendingResponse, body: BufferedBody): unknown {
  return sendBytesOnFastify(reply, body.bytes, body.options.type);
}

/** `StreamableFile`'s type for a body whose response has no `Content-Type`. */
const DEFAULT_TYPE = 'application/octet-stream';

/** Sends `bytes` on Express's `res` (a Node `ServerResponse`), with the headers Nest's `StreamableFile` path sets. */
export function sendBytesOnExpress(
  res: SendingResponse,
  bytes: Uint8Array,
  type: string = DEFAULT_TYPE,
): unknown {
  if (res.getHeader('content-type') === undefined) res.setHeader!('content-type', type);
  // A "Transfer-Encoding" forbids a "Content-Length" (RFC 9112 §6.2).
  if (res.getHeader('content-length') === undefined && res.getHeader('transfer-encoding') === undefined)
    res.setHeader!('content-length', bytes.byteLength);
  // Node sends no body for a HEAD request (nor for a 304). A small body goes as a Latin-1
  // string (the same bytes), which Node writes in one piece with the head.
  const text = latin1Text(bytes);
  return text === undefined ? res.end!(bytes) : res.end!(text, 'latin1');
}

/** Sends `bytes` on Fastify's `reply` (its `onSend` hooks run), with the headers Nest's `StreamableFile` path sets. */
export function sendBytesOnFastify(
  reply: SendingResponse,
  bytes: Uint8Array,
  type: string = DEFAULT_TYPE,
): unknown {
  if (reply.getHeader('content-type') === undefined) reply.header!('content-type', type);
  // Fastify sets the Content-Length itself, also for a HEAD request. It measures and sends a
  // string as UTF-8, so only a small ASCII body goes as a string.
  return reply.send!(asciiText(bytes) ?? toBuffer(bytes));
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
