/**
 * One HTTP/1.1 request over a raw socket, returning the status, headers, body and the exact number
 * of bytes the response took on the wire (the runner compares it with wrk's bytes per request).
 */
import { connect } from 'node:net';

/**
 * @param {number} port
 * @param {string} path
 * @param {Record<string, string>} [headers]
 * @param {{ method?: string, timeoutMs?: number }} [options]
 * @returns {Promise<{ status: number, headers: Record<string, string>, body: Buffer, wireBytes: number }>}
 */
export function rawRequest(port, path, headers = {}, options = {}) {
  const method = options.method ?? 'GET';
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const request = `${lines.join('\r\n')}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks = [];
    let received = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response from :${port}${path} within ${options.timeoutMs ?? 5000} ms`));
    }, options.timeoutMs ?? 5000);
    const done = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      const parsed = tryParse(Buffer.concat(chunks, received), method);
      if (parsed) done(parsed);
    });
  });
}

function tryParse(buffer, method) {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...headerLines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const start = end + 4;
  const noBody = method === 'HEAD' || status === 304 || status === 204 || (status >= 100 && status < 200);
  if (noBody) return { status, headers, body: Buffer.alloc(0), wireBytes: start };
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (buffer.length < start + length) return undefined;
    return { status, headers, body: buffer.subarray(start, start + length), wireBytes: start + length };
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { status, headers, body: Buffer.concat(parts), wireBytes: lineEnd + 4 };
      parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  return undefined;
}
