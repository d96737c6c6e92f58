import type { ServerResponse } from 'node:http';
import type { CacheAnswer } from '@routecache/core';
import { latin1Text } from '@routecache/core/adapter';
import type { ResponseWriter } from './capture';

/**
 * Writes the engine's answer to `res`, through `writer` (the methods below a capture, so layers
 * mounted before the cache such as `compression()` still see it; `res` itself on a hit).
 * Headers already on `res` (set by earlier middleware) are kept; the answer's headers win.
 */
export function sendAnswer(res: ServerResponse, answer: CacheAnswer, writer: ResponseWriter = res): void {
  if (answer.sent) return;
  const { status, headers, body } = answer;
  for (const name in headers) res.setHeader(name, headers[name]!);
  // RFC 9110 §8.6: no Content-Length on 204 and 304; otherwise it is the length of what is sent.
  if (body !== null && status !== 204 && status !== 304) res.setHeader('content-length', body.byteLength);
  (writer.writeHead as (status: number) => void).call(res, status);
  const end = writer.end as (body?: Uint8Array | string, encoding?: BufferEncoding) => void;
  if (body === null || body.byteLength === 0) end.call(res);
  else {
    // A small body goes as a Latin-1 string: Node writes it in the same write as the head.
    const text = latin1Text(body);
    if (text === undefined) end.call(res, body);
    else end.call(res, text, 'latin1');
  }
}
