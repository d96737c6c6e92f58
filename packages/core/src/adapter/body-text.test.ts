import { describe, expect, it } from 'vitest';
import { createCache } from '../engine/create-cache';
import { fakeOrigin, header, makeRequest } from '../engine/test-fixtures';
import { definePolicy } from '../policy/policy';
import { memoryStore } from '../stores/memory';
import { markEntryBody } from '../util/entry-bodies';
import {
  asciiText,
  latin1Text,
  memoisedTextCount,
  ONE_WRITE_MAX_BYTES,
  TEXT_MEMO_ENTRIES,
} from './body-text';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('latin1Text', () => {
  it('maps every byte to one character, so any bytes round-trip through latin1', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const text = latin1Text(bytes)!;
    expect(text).toHaveLength(256);
    expect(new Uint8Array(Buffer.from(text, 'latin1'))).toEqual(bytes);
  });

  it('reads only the view, not the rest of its ArrayBuffer', () => {
    const whole = encode('xxhelloxx');
    expect(latin1Text(whole.subarray(2, 7))).toBe('hello');
  });

  it('leaves empty and large bodies as bytes', () => {
    expect(latin1Text(new Uint8Array(0))).toBeUndefined();
    expect(latin1Text(new Uint8Array(ONE_WRITE_MAX_BYTES).fill(97))).toHaveLength(ONE_WRITE_MAX_BYTES);
    expect(latin1Text(new Uint8Array(ONE_WRITE_MAX_BYTES + 1).fill(97))).toBeUndefined();
  });
});

describe('asciiText', () => {
  it('returns an ASCII body as the same characters', () => {
    expect(asciiText(encode('{"a":[1,2]}'))).toBe('{"a":[1,2]}');
  });

  it('leaves a body with any non-ASCII byte as bytes (its UTF-8 encoding would differ)', () => {
    expect(asciiText(encode('caf\u00e9'))).toBeUndefined();
    expect(asciiText(new Uint8Array([0x41, 0x80]))).toBeUndefined();
  });

  it('leaves large bodies as bytes', () => {
    expect(asciiText(new Uint8Array(ONE_WRITE_MAX_BYTES + 1).fill(97))).toBeUndefined();
  });
});

describe('the text memo', () => {
  /** A body as the engine stores it: marked as an entry's (`buildEntry` does this). */
  const entryBody = (text: string): Uint8Array => {
    const body = encode(text);
    markEntryBody(body);
    return body;
  };
  /** Sends `body` twice, as a miss and its first hit do. */
  const sendTwice = (body: Uint8Array): void => {
    latin1Text(body);
    latin1Text(body);
  };
  // Whether a body's text comes from the memo shows in a body changed after it was memoised
  // (the engine's entry bodies never change; this one does only to tell the two apart).
  const fromMemo = (body: Uint8Array): boolean => {
    const before = new TextDecoder('latin1').decode(body);
    body[0] = body[0] === 0x61 ? 0x62 : 0x61;
    return latin1Text(body) === before;
  };

  it('keeps the text of an entry body converted again (a hot entry), not of one converted once', () => {
    const before = memoisedTextCount();
    latin1Text(entryBody('an entry only its miss sent'));
    expect(memoisedTextCount()).toBe(before);
    const hot = entryBody('an entry a hit sent again');
    sendTwice(hot);
    expect(memoisedTextCount()).toBe(before + 1);
    expect(fromMemo(hot)).toBe(true);
  });

  it('never keeps the text of a body no entry was built with (the app may write it again)', () => {
    const before = memoisedTextCount();
    const appBuffer = encode('a buffer a handler returns on every request');
    sendTwice(appBuffer);
    sendTwice(appBuffer);
    expect(memoisedTextCount()).toBe(before);
    expect(fromMemo(appBuffer)).toBe(false);
  });

  it('sends the new bytes of a body stored again as a new entry', () => {
    const body = entryBody('abc');
    sendTwice(body);
    body.set(encode('xyz'));
    markEntryBody(body);
    expect(latin1Text(body)).toBe('xyz');
    expect(latin1Text(body)).toBe('xyz');
  });

  it('keeps the text of an entry the engine stored, whose body every hit shares', async () => {
    const cache = createCache({ store: memoryStore() });
    const policy = definePolicy({ maxAge: 60 });
    const origin = fakeOrigin();
    await cache.handle(makeRequest('/hot'), policy, origin);
    const hit = await cache.handle(makeRequest('/hot'), policy, origin);
    expect(header(hit, 'cache-status')).toMatch(/hit/);
    sendTwice(hit.body!);
    expect(fromMemo(hit.body!)).toBe(true);
  });

  it(`keeps at most ${TEXT_MEMO_ENTRIES} bodies, the longest kept leaving first`, () => {
    const first = entryBody('the first hot body');
    sendTwice(first);
    for (let i = 0; i < TEXT_MEMO_ENTRIES; i++) sendTwice(entryBody(`hot body ${i}`));
    expect(memoisedTextCount()).toBe(TEXT_MEMO_ENTRIES);
    expect(fromMemo(first)).toBe(false);
  });

  it('answers asciiText from the memo only for an ASCII body', () => {
    const latin = new Uint8Array([0x61, 0xe9, 0x62]);
    markEntryBody(latin);
    sendTwice(latin);
    expect(latin1Text(latin)).toBe('a\u00e9b');
    expect(asciiText(latin)).toBeUndefined();
    const ascii = entryBody('plain');
    asciiText(ascii);
    asciiText(ascii);
    expect(asciiText(ascii)).toBe('plain');
  });
});
