import { describe, expect, it } from 'vitest';
import { isEndlessStream, readBodyWithLimit } from './read-body';

const encoder = new TextEncoder();

function streamOf(parts: string[], onCancel?: (reason: unknown) => void): ReadableStream<Uint8Array> {
  const queue = parts.map((p) => encoder.encode(p));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
    cancel: onCancel,
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('readBodyWithLimit', () => {
  it('returns the whole body when it fits', async () => {
    const read = await readBodyWithLimit(streamOf(['ab', 'cd', 'e']), 5);
    expect(read.complete).toBe(true);
    if (read.complete) expect(new TextDecoder().decode(read.body)).toBe('abcde');
  });

  it('returns an empty body for a null stream', async () => {
    const read = await readBodyWithLimit(null, 10);
    expect(read).toEqual({ complete: true, body: new Uint8Array(0) });
  });

  it('stops at the first chunk past the limit and replays everything through the stream', async () => {
    let pulls = 0;
    const parts = ['aaaa', 'bbbb', 'cccc', 'dddd'];
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    });
    const read = await readBodyWithLimit(source, 6);
    expect(read.complete).toBe(false);
    // Only two chunks were read before the overflow was detected (plus the stream's prefetch).
    expect(pulls).toBeLessThanOrEqual(3);
    if (!read.complete) expect(await readAll(read.stream)).toBe('aaaabbbbccccdddd');
  });

  it('never reads an endless stream further than the limit', async () => {
    let produced = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        produced++;
        controller.enqueue(new Uint8Array(100));
      },
    });
    const read = await readBodyWithLimit(endless, 1000);
    expect(read.complete).toBe(false);
    expect(produced).toBeLessThan(15);
    if (!read.complete) await read.stream.cancel();
  });

  it('cancels the original stream when the replay stream is cancelled', async () => {
    const reasons: unknown[] = [];
    const read = await readBodyWithLimit(
      streamOf(['123456', '7890', 'more'], (r) => reasons.push(r)),
      5,
    );
    if (read.complete) throw new Error('expected an overflow');
    await read.stream.cancel('client gone');
    expect(reasons).toEqual(['client gone']);
  });
});

describe('isEndlessStream', () => {
  it('recognises Server-Sent Events', () => {
    expect(isEndlessStream('text/event-stream')).toBe(true);
    expect(isEndlessStream('Text/Event-Stream; charset=utf-8')).toBe(true);
  });

  it('treats other types and a missing type as finite', () => {
    expect(isEndlessStream('text/event-streaming')).toBe(false);
    expect(isEndlessStream('application/json')).toBe(false);
    expect(isEndlessStream(undefined)).toBe(false);
  });
});
