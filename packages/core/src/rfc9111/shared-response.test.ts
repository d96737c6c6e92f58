import { describe, expect, it } from 'vitest';
import { readSharedResponse } from './shared-response';

const T = Date.parse('2026-12-02T12:00:00Z');
const DATE = 'Wed, 02 Dec 2026 12:00:00 GMT';
const input = { method: 'GET', authorization: false, requestTime: T, responseTime: T, now: T };

describe('readSharedResponse', () => {
  it('reads a public s-maxage response as stored, fresh for its lifetime', () => {
    expect(readSharedResponse(200, { 'cache-control': 'public, s-maxage=60', date: DATE }, input)).toEqual({
      decision: { store: true },
      freshness: { lifetime: 60, source: 's-maxage' },
      age: 0,
      ttl: 60,
      revalidate: false,
      staleWhileRevalidate: 0,
      staleIfError: 0,
      tags: [],
      droppedTags: 0,
    });
  });

  it('takes the Age already spent from the ttl', () => {
    const read = readSharedResponse(200, { 'cache-control': 'max-age=60', age: '20', date: DATE }, input);
    expect(read.age).toBe(20);
    expect(read.ttl).toBe(40);
  });

  it('gives a response older than its lifetime a ttl of 0', () => {
    expect(readSharedResponse(200, { 'cache-control': 'max-age=60', age: '90' }, input).ttl).toBe(0);
  });

  it('reads no-cache as stored with a ttl of 0 and revalidation', () => {
    const read = readSharedResponse(200, { 'cache-control': 'no-cache, max-age=60' }, input);
    expect(read.decision).toEqual({ store: true });
    expect(read.revalidate).toBe(true);
    expect(read.ttl).toBe(0);
  });

  it('reads private as not stored', () => {
    expect(readSharedResponse(200, { 'cache-control': 'private, max-age=60' }, input).decision).toEqual({
      store: false,
      reason: 'private',
    });
  });

  it('reads the grace windows and the tags', () => {
    const read = readSharedResponse(
      200,
      { 'cache-control': 's-maxage=10, stale-while-revalidate=5, stale-if-error=30', 'surrogate-key': 'a b' },
      input,
    );
    expect(read).toMatchObject({ staleWhileRevalidate: 5, staleIfError: 30, tags: ['a', 'b'] });
  });

  it('applies maxHeuristic', () => {
    const headers = { date: DATE, 'last-modified': 'Mon, 02 Nov 2026 12:00:00 GMT' };
    expect(readSharedResponse(200, headers, { ...input, maxHeuristic: 30 }).freshness).toEqual({
      lifetime: 30,
      source: 'heuristic',
    });
  });

  it('applies §3.5 for a request with Authorization', () => {
    expect(
      readSharedResponse(200, { 'cache-control': 'max-age=60' }, { ...input, authorization: true }).decision,
    ).toEqual({
      store: false,
      reason: 'authorization',
    });
  });
});

describe('readSharedResponse with an invalid Age', () => {
  it('reads the response as stale (§4.2.1: invalid freshness information)', () => {
    const T = Date.parse('2026-12-02T12:00:00Z');
    const read = readSharedResponse(
      200,
      { 'cache-control': 'max-age=3600', age: '0, 0' },
      { method: 'GET', authorization: false, requestTime: T, responseTime: T, now: T },
    );
    expect(read.decision).toEqual({ store: true });
    expect(read.ttl).toBe(0);
  });
});
