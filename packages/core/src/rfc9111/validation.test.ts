import { describe, expect, it } from 'vitest';
import { buildValidationHeaders, isSelectedForUpdate, updateStoredHeaders } from './validation';

const LM = 'Tue, 01 Dec 2026 10:00:00 GMT';

describe('buildValidationHeaders', () => {
  it('sends the stored ETag as If-None-Match and Last-Modified as If-Modified-Since (§4.3.1)', () => {
    expect(buildValidationHeaders({ ETag: '"v1"', 'last-modified': LM })).toEqual({
      'if-none-match': '"v1"',
      'if-modified-since': LM,
    });
  });

  it('sends a weak ETag as it is', () => {
    expect(buildValidationHeaders({ etag: 'W/"v1"' })).toEqual({ 'if-none-match': 'W/"v1"' });
  });

  it('sends only If-Modified-Since without an ETag', () => {
    expect(buildValidationHeaders({ 'last-modified': LM })).toEqual({ 'if-modified-since': LM });
  });

  it('sends nothing without validators', () => {
    expect(buildValidationHeaders({ 'cache-control': 'max-age=60' })).toEqual({});
  });
});

describe('isSelectedForUpdate', () => {
  describe('when the 304 has a strong ETag', () => {
    it('selects the stored response with the same ETag', () => {
      expect(isSelectedForUpdate({ etag: '"v1"' }, { etag: '"v1"' })).toBe(true);
    });

    it('selects nothing else, even with the same Last-Modified', () => {
      expect(
        isSelectedForUpdate({ etag: '"v0"', 'last-modified': LM }, { etag: '"v1"', 'last-modified': LM }),
      ).toBe(false);
      expect(isSelectedForUpdate({ etag: 'W/"v1"' }, { etag: '"v1"' })).toBe(false);
    });
  });

  describe('when the 304 has only weak validators', () => {
    it('selects the stored response with the same weak ETag', () => {
      expect(isSelectedForUpdate({ etag: 'W/"v1"' }, { etag: 'W/"v1"' })).toBe(true);
    });

    it('selects the stored response with the same Last-Modified', () => {
      expect(isSelectedForUpdate({ 'last-modified': LM }, { 'last-modified': LM })).toBe(true);
    });

    it('does not select one with other validators', () => {
      expect(isSelectedForUpdate({ etag: 'W/"v0"' }, { etag: 'W/"v1"' })).toBe(false);
      expect(
        isSelectedForUpdate({ 'last-modified': LM }, { 'last-modified': 'Wed, 02 Dec 2026 10:00:00 GMT' }),
      ).toBe(false);
    });
  });

  describe('when the 304 has no validator', () => {
    it('selects a stored response without validators', () => {
      expect(isSelectedForUpdate({ 'cache-control': 'max-age=1' }, { 'cache-control': 'max-age=60' })).toBe(
        true,
      );
    });

    it('does not select a stored response with a validator', () => {
      expect(isSelectedForUpdate({ etag: '"v1"' }, {})).toBe(false);
    });
  });
});

describe('updateStoredHeaders', () => {
  it('replaces the stored fields the 304 carries and keeps the others (§3.2)', () => {
    expect(
      updateStoredHeaders(
        { 'content-type': 'text/plain', 'cache-control': 'max-age=1', 'x-a': ['1', '2'], etag: '"v1"' },
        { 'Cache-Control': 'max-age=60', 'x-a': '3', date: LM },
      ),
    ).toEqual({
      'content-type': 'text/plain',
      'cache-control': 'max-age=60',
      'x-a': '3',
      etag: '"v1"',
      date: LM,
    });
  });

  it('never updates Content-Length nor hop-by-hop fields', () => {
    expect(
      updateStoredHeaders(
        { 'content-length': '10' },
        { 'content-length': '0', connection: 'close, x-hop', 'x-hop': '1', 'transfer-encoding': 'chunked' },
      ),
    ).toEqual({ 'content-length': '10' });
  });

  it('modifies neither input', () => {
    const stored = { 'cache-control': 'max-age=1' };
    const notModified = { 'cache-control': 'max-age=60' };
    updateStoredHeaders(stored, notModified);
    expect(stored).toEqual({ 'cache-control': 'max-age=1' });
    expect(notModified).toEqual({ 'cache-control': 'max-age=60' });
  });
});
