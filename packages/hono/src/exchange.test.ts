import type { CacheAnswer } from '@routecache/core';
import { describe, expect, it } from 'vitest';
import { toResponse } from './exchange';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function answer(headers: CacheAnswer['headers'], body: Uint8Array | null, status = 200): CacheAnswer {
  return { status, headers, body, sent: false };
}

describe('toResponse', () => {
  it('sends a typed ASCII body, and a typed UTF-8 one, byte for byte with their own type', async () => {
    for (const text of ['{"ok":true}', '{"name":"café ✓"}']) {
      const res = toResponse(answer({ 'content-type': 'application/json', etag: '"1"' }, encode(text)));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(encode(text));
    }
  });

  it('leaves an untyped body untyped (a string body would be typed text/plain by a Fetch Response)', async () => {
    const res = toResponse(answer({ etag: '"1"' }, encode('plain ascii')));
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.text()).toBe('plain ascii');
  });

  it('sends no body on a null-body status, and list values (Set-Cookie) as separate fields', async () => {
    const notModified = toResponse(
      answer({ 'content-type': 'application/json', etag: '"1"' }, encode('x'), 304),
    );
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
    const cookies = toResponse(
      answer({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }, encode('x')),
    );
    expect(cookies.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });
});
