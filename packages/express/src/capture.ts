import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { OriginContext, OriginResponse } from '@routecache/core';
import { concatChunks, isEndlessStream } from '@routecache/core/adapter';
import { contentType, presetHeaders, setHeaders, takeHeaders } from './captured-headers';
import { takeResponsePolicy } from './response-policy';

/** The response methods below the capture: the answer is sent through them, not through the capture. */
export interface ResponseWriter {
  writeHead: ServerResponse['writeHead'];
  end: ServerResponse['end'];
}

/** A response being captured as the engine's origin. */
export interface Capture {
  /** Resolves with the buffered response when the handler ends it, or with `body: null` once it was streamed through. */
  readonly result: Promise<OriginResponse>;
  /** Sends through the layers below the capture (e.g. `compression()` mounted before the cache). */
  readonly writer: ResponseWriter;
}

type State = 'buffering' | 'through' | 'done';
type Callback = (error?: Error | null) => void;
type Variadic<T> = (...args: unknown[]) => T;

/**
 * Captures what the rest of the middleware chain writes to `res`, as the engine's origin.
 *
 * `writeHead`, `flushHeaders`, `write` and `end` are intercepted on the instance; nothing reaches
 * the client while buffering; `served` reads the method and URL the handler answered. When the body outgrows `ctx.maxBodyBytes`, the handler flushes its
 * headers, the response is an event stream, or it keeps streaming for `streamTimeoutMs`, the
 * headers from `ctx.finalizeHeaders()` and the buffered chunks are sent and the rest streams
 * straight through (`body: null`). In a background run (`ctx.background`) nothing is ever sent:
 * such a response is dropped instead. Only headers the chain set or changed are captured; the
 * ones already on `res` (set by earlier middleware) stay out of the cache entry.
 */
export function captureResponse(
  res: ServerResponse,
  ctx: OriginContext,
  streamTimeoutMs: number,
  served?: () => { method: string; url: string },
): Capture {
  const below = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  const before = res.getHeaders();
  const chunks: Buffer[] = [];
  let size = 0;
  let state: State = 'buffering';
  let timer: NodeJS.Timeout | undefined;
  let settle!: (response: OriginResponse) => void;
  let fail!: (error: Error) => void;
  const result = new Promise<OriginResponse>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });

  const finish = (body: Uint8Array | null): OriginResponse => {
    state = body === null && !ctx.background ? 'through' : 'done';
    clearTimeout(timer);
    res.off('close', onClose);
    const policy = takeResponsePolicy(res);
    const preset = presetHeaders(res, before);
    const response: OriginResponse = {
      status: res.statusCode,
      headers: takeHeaders(res, before),
      body,
      ...(policy && { policy }),
      ...(preset && { preset }),
      ...(served && { served: served() }),
    };
    settle(response);
    return response;
  };
  const streamThrough = (): void => {
    if (state !== 'buffering') return;
    const captured = finish(null);
    if (ctx.background) {
      res.emit('close'); // a background response has no client: tell the handler to stop
      return;
    }
    const headers = ctx.finalizeHeaders(res.statusCode, captured.headers, captured);
    (below.writeHead as Variadic<ServerResponse>).call(res, res.statusCode, headers as OutgoingHttpHeaders);
    for (const chunk of chunks.splice(0)) (below.write as Variadic<boolean>).call(res, chunk);
  };
  const take = (chunk: unknown, encoding: unknown): boolean => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return true;
    const bytes = toBuffer(chunk, encoding);
    if (size + bytes.byteLength > ctx.maxBodyBytes) return false;
    if (timer === undefined) timer = setTimeout(streamThrough, streamTimeoutMs).unref();
    chunks.push(bytes);
    size += bytes.byteLength;
    return true;
  };
  function onClose(): void {
    if (state !== 'buffering') return;
    state = 'done';
    clearTimeout(timer);
    fail(new Error('The client closed the connection before the response ended'));
  }
  res.once('close', onClose);
  // What the handler observes stays Node's: once it wrote its head or a chunk, `headersSent` is
  // true although nothing left yet, so an error after a partial write is handled as Express
  // handles it (its final handler aborts the connection instead of appending an error page).
  let headSent = false;
  Object.defineProperty(res, 'headersSent', {
    configurable: true,
    get(this: ServerResponse & { _header?: unknown }) {
      return headSent || Boolean(this._header);
    },
  });

  res.writeHead = function writeHead(this: ServerResponse, status: number, ...rest: unknown[]) {
    if (state === 'through') return (below.writeHead as Variadic<ServerResponse>).call(this, status, ...rest);
    if (state === 'done') return this;
    headSent = true;
    this.statusCode = status;
    if (typeof rest[0] === 'string') this.statusMessage = rest[0];
    setHeaders(this, typeof rest[0] === 'string' ? rest[1] : rest[0]);
    if (isEndlessStream(contentType(this))) streamThrough();
    return this;
  } as ServerResponse['writeHead'];
  res.flushHeaders = function flushHeaders(this: ServerResponse) {
    streamThrough();
    if (state === 'through') below.flushHeaders.call(this);
  };
  res.write = function write(this: ServerResponse, ...args: unknown[]) {
    const [chunk, encoding, callback] = args;
    headSent = true;
    if (state === 'buffering' && (isEndlessStream(contentType(this)) || !take(chunk, encoding))) {
      streamThrough();
    }
    if (state === 'through') return (below.write as Variadic<boolean>).apply(this, args);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as Callback);
    return true;
  } as ServerResponse['write'];
  res.end = function end(this: ServerResponse, ...args: unknown[]) {
    const [chunk, encoding] = args;
    headSent = true;
    if (state === 'buffering') {
      if (take(chunk, encoding)) finish(concatChunks(chunks, size));
      else streamThrough();
    }
    if (state === 'through') return (below.end as Variadic<ServerResponse>).apply(this, args);
    const done = args.find((arg) => typeof arg === 'function');
    if (done !== undefined) this.once('finish', done as Callback);
    return this;
  } as ServerResponse['end'];

  return { result, writer: below };
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  const view = chunk as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
