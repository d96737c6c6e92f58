import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { concatChunks } from '@routecache/core/adapter';

/** The platform Nest runs on, as `HttpAdapterHost.httpAdapter.getType()` names it. */
export type Platform = 'express' | 'fastify' | (string & {});

/** A handler's return value serialized the way the platform would have sent it. */
export interface SerializedBody {
  body: Uint8Array;
  /** `Content-Type` the platform adds when the handler set none. */
  contentType: string | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const encoder = new TextEncoder();

/**
 * True for what Nest streams rather than serializes: Node streams, web `ReadableStream`s,
 * async iterables and web `Response`s (Nest ≥ 12). The interceptor passes them through.
 */
export function isStreamingValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.prototype.toString.call(value) === '[object Response]') return true;
  const candidate = value as { [Symbol.asyncIterator]?: unknown; then?: unknown };
  return typeof candidate[Symbol.asyncIterator] === 'function' && typeof candidate.then !== 'function';
}

/** The part of Express's `res` and Fastify's `reply` that serializes a body the platform's way. */
export interface SerializingResponse {
  /** Express: the app, whose `json replacer`, `json spaces` and `json escape` settings `res.json()` applies. */
  app?: { get(setting: string): unknown };
  /** Fastify: the route's serializer (its response schema, a `reply.serializer()`, the app's default). */
  serialize?(payload: unknown): string;
  /** Fastify: the Node response, whose status picks the response schema. */
  raw?: { statusCode: number };
}

/**
 * Serializes a plain handler result exactly as Nest's adapter has the platform send it, with
 * the platform's own serializer: Express `res.json()` for objects (its `json replacer`,
 * `json spaces` and `json escape` settings) and `res.send(String(v))` (HTML type) for other
 * values, nothing for `null`/`undefined`; Fastify sends strings as `text/plain`, Buffers as they
 * are, `undefined` as nothing and everything else through `reply.serialize()` (the route's
 * response schema for `status`, a custom serializer, or JSON), `null` included.
 */
export function serializeBody(value: unknown, res: SerializingResponse, status: number): SerializedBody {
  if (value === undefined) return { body: new Uint8Array(0), contentType: undefined };
  if (typeof res.serialize === 'function') {
    if (typeof value === 'string')
      return { body: encoder.encode(value), contentType: 'text/plain; charset=utf-8' };
    if (value instanceof Uint8Array) return { body: value, contentType: 'application/octet-stream' };
    return { body: encoder.encode(serializeOnFastify(value, res, status)), contentType: JSON_TYPE };
  }
  if (value === null) return { body: new Uint8Array(0), contentType: undefined };
  if (typeof value === 'object')
    return { body: encoder.encode(expressJson(value, res)), contentType: JSON_TYPE };
  return { body: encoder.encode(String(value)), contentType: 'text/html; charset=utf-8' };
}

/** `reply.serialize()` under `status` (which selects the response schema), the reply's status kept. */
function serializeOnFastify(value: unknown, reply: SerializingResponse, status: number): string {
  const raw = reply.raw;
  const previous = raw?.statusCode;
  if (raw) raw.statusCode = status;
  try {
    return reply.serialize!(value);
  } finally {
    if (raw) raw.statusCode = previous!;
  }
}

/** What Express's `res.json()` sends for `value` (its `stringify()`, under the app's settings). */
function expressJson(value: unknown, res: SerializingResponse): string {
  const replacer = res.app?.get('json replacer') as ((key: string, value: unknown) => unknown) | undefined;
  const spaces = res.app?.get('json spaces') as string | number | undefined;
  const json: string | undefined =
    replacer || spaces ? JSON.stringify(value, replacer, spaces) : JSON.stringify(value);
  // `res.send(undefined)` sends no body.
  if (json === undefined) return '';
  if (!res.app?.get('json escape')) return json;
  return json.replace(/[<>&]/g, (c) => (c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : '\\u0026'));
}

/** The headers a `StreamableFile` adds when the handler set none (type, disposition). */
export function streamableHeaders(file: StreamableFile): Record<string, string | string[]> {
  const { type, disposition } = file.getHeaders();
  const headers: Record<string, string | string[]> = {};
  if (type !== undefined) headers['content-type'] = type;
  if (disposition !== undefined) headers['content-disposition'] = disposition;
  return headers;
}

/** A `StreamableFile` read up to a limit: its whole body, or the start of an over-long one. */
export type ReadFile = { complete: true; body: Uint8Array } | { complete: false; file: StreamableFile };

/**
 * Buffers a `StreamableFile` while it fits in `maxBytes` (checked while reading). An over-long
 * one comes back as a new file that replays what was read and streams the rest.
 */
export async function readStreamableFile(file: StreamableFile, maxBytes: number): Promise<ReadFile> {
  const iterator = (file.getStream() as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { complete: true, body: concatChunks(chunks, size) };
    const chunk = typeof next.value === 'string' ? encoder.encode(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > maxBytes) break;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* chunks;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value as Uint8Array;
  }
  const { type, disposition, length } = file.getHeaders();
  return {
    complete: false,
    file: new StreamableFile(Readable.from(replay()), { type, disposition, length }),
  };
}
