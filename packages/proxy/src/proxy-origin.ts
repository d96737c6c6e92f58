import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Origin, OriginContext } from '@routecache/core';
import { isEndlessStream, originHiddenHeaders } from '@routecache/core/adapter';
import { removeHopByHop } from './hop-by-hop';
import { sendUpstream, UpstreamError } from './upstream-request';

/** What one origin run of the proxy needs besides the engine's `OriginContext`. */
export interface ProxyOriginInput {
  readonly upstream: URL;
  /** The client's request (method, headers, body). */
  readonly request: IncomingMessage;
  /** Where an answer too large to buffer is streamed; `undefined` for background refreshes. */
  readonly response: ServerResponse | undefined;
  /** This proxy's `Via` pseudonym, e.g. `routecache` (RFC 9110 §7.6.3; the protocol version is added). */
  readonly via: string;
  readonly timeoutMs: number;
  /** Keep the client's `Host` instead of the upstream's. */
  readonly preserveHost: boolean;
  /** This surrogate's `Surrogate-Capability` member, appended upstream; `undefined`: none. */
  readonly surrogateCapability: string | undefined;
}

const EMPTY = new Uint8Array(0);

/** Statuses whose responses have no content (RFC 9110 §6.4.1). */
function hasNoContent(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * The engine's `Origin` for one client request: forwards it upstream (hop-by-hop fields removed,
 * `Via` and `X-Forwarded-*` added, the validators the engine evaluates itself replaced by the
 * stored entry's when it revalidates, the body streamed through for other methods) and hands
 * back the response: buffered up to `maxBodyBytes`, streamed to the client past that (or for an
 * endless stream), with the engine's final headers.
 */
export function createProxyOrigin(input: ProxyOriginInput): Origin {
  return async function proxyOrigin(ctx: OriginContext) {
    const { request } = input;
    const method = (request.method ?? 'GET').toUpperCase();
    const headers = buildUpstreamHeaders(input, method, ctx);
    const body: Readable | undefined = method === 'GET' || method === 'HEAD' ? undefined : request;
    const upstream = await sendUpstream(input.upstream, {
      method,
      path: ctx.url,
      headers,
      body,
      timeoutMs: input.timeoutMs,
    });
    const status = upstream.statusCode ?? 502;
    const responseHeaders = buildDownstreamHeaders(input, upstream);
    if (hasNoContent(method, status)) {
      upstream.resume();
      return { status, headers: responseHeaders, body: EMPTY };
    }
    const declared = Number(upstream.headers['content-length']);
    const endless = isEndlessStream(first(upstream.headers['content-type']));
    if (endless || declared > ctx.maxBodyBytes) {
      return streamThrough(input, ctx, status, responseHeaders, upstream, []);
    }
    const read = await readUpTo(upstream, ctx.maxBodyBytes);
    if (!read.complete) return streamThrough(input, ctx, status, responseHeaders, upstream, read.chunks);
    const { chunks, size } = read;
    const buffered = Buffer.concat(chunks, size);
    return {
      status,
      headers: responseHeaders,
      body: new Uint8Array(buffered.buffer, buffered.byteOffset, size),
    };
  };
}

/** Sends a response the cache cannot buffer straight to the client (nothing is stored). */
function streamThrough(
  input: ProxyOriginInput,
  ctx: OriginContext,
  status: number,
  headers: Record<string, string | string[]>,
  upstream: IncomingMessage,
  read: readonly Buffer[],
): { status: number; headers: Record<string, string | string[]>; body: null } {
  const { response } = input;
  if (response === undefined || ctx.background) {
    upstream.destroy();
    throw new UpstreamError(502, 'a background refresh got an answer too large to store');
  }
  const final = ctx.finalizeHeaders(status, headers);
  response.writeHead(status, final);
  for (const chunk of read) response.write(chunk);
  upstream.on('error', () => response.destroy());
  upstream.pipe(response);
  return { status, headers: final, body: null };
}

/** The request headers sent upstream. */
function buildUpstreamHeaders(
  input: ProxyOriginInput,
  method: string,
  ctx: OriginContext,
): Record<string, string | string[]> {
  const { request } = input;
  const headers = removeHopByHop(request.headers);
  // On GET/HEAD runs the engine answers the client's preconditions itself (RFC 9110 §13.2.1).
  for (const name of originHiddenHeaders(method)) delete headers[name];
  if (ctx.validators) Object.assign(headers, ctx.validators);
  const clientHost = first(request.headers.host);
  if (!input.preserveHost) headers.host = input.upstream.host;
  appendHeader(headers, 'via', `${request.httpVersion ?? '1.1'} ${input.via}`);
  if (input.surrogateCapability) appendHeader(headers, 'surrogate-capability', input.surrogateCapability);
  const address = request.socket.remoteAddress;
  if (address) appendHeader(headers, 'x-forwarded-for', address);
  if (clientHost && headers['x-forwarded-host'] === undefined) headers['x-forwarded-host'] = clientHost;
  if (headers['x-forwarded-proto'] === undefined)
    headers['x-forwarded-proto'] = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return headers;
}

/** The upstream's response headers as sent on: hop-by-hop fields removed, `Via` appended. */
function buildDownstreamHeaders(
  input: ProxyOriginInput,
  upstream: IncomingMessage,
): Record<string, string | string[]> {
  // Every field line as received (Node's `headers` drops repeated `Age`, `Expires`, …, which the
  // cache must see: RFC 9111 §4.2.1, §5.1), one line kept as a string.
  const lines: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(upstream.headersDistinct)) {
    if (values === undefined) continue;
    lines[name] = values.length === 1 && name !== 'set-cookie' ? values[0]! : values;
  }
  const headers = removeHopByHop(lines);
  appendHeader(headers, 'via', `${upstream.httpVersion ?? '1.1'} ${input.via}`);
  return headers;
}

/** RFC 9110 §5.3: another member of a list field. */
function appendHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const previous = headers[name];
  headers[name] =
    previous === undefined ? value : `${Array.isArray(previous) ? previous.join(', ') : previous}, ${value}`;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads `stream` while it fits in `max` bytes. Past that it stops (paused, not destroyed: an
 * async iterator left early would destroy it) and hands back what was read, for the rest to be
 * piped. Rejects when the stream fails.
 */
function readUpTo(
  stream: IncomingMessage,
  max: number,
): Promise<{ complete: boolean; chunks: Buffer[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > max) {
        stream.pause();
        cleanup();
        resolve({ complete: false, chunks, size });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ complete: true, chunks, size });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
