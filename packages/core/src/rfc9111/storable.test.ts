import { describe, expect, it } from 'vitest';
import type { ResponseHeaders } from '../types';
import { getSharedStoreDecision } from './storable';

const GET = { method: 'GET', authorization: false };
const AUTHORIZED = { method: 'GET', authorization: true };

describe('getSharedStoreDecision', () => {
  describe('when the response allows storage', () => {
    it.each<[string, number, ResponseHeaders]>([
      ['public, s-maxage', 200, { 'cache-control': 'public, s-maxage=60' }],
      ['max-age', 200, { 'cache-control': 'max-age=60' }],
      ['Expires', 200, { expires: 'Thu, 01 Jan 2026 00:00:00 GMT' }],
      ['a heuristically cacheable status without freshness', 200, {}],
      ['a 404 without freshness', 404, {}],
      ['a 501 without freshness', 501, {}],
      ['public on a 302', 302, { 'cache-control': 'public' }],
      ['max-age on a 500', 500, { 'cache-control': 'max-age=10' }],
      ['no-cache (stored, revalidated)', 200, { 'cache-control': 'no-cache' }],
      ['a Vary naming headers', 200, { 'cache-control': 'max-age=60', vary: 'Accept-Encoding' }],
      ['mixed-case names', 200, { 'Cache-Control': 'Max-Age=60' }],
    ])('stores %s', (_, status, headers) => {
      expect(getSharedStoreDecision(GET, status, headers)).toEqual({ store: true });
    });
  });

  describe('when the request cannot be stored (RFC 9111 §3)', () => {
    it.each(['HEAD', 'POST', 'put'])('refuses a %s', (method) => {
      expect(getSharedStoreDecision({ method, authorization: false }, 200, {})).toEqual({
        store: false,
        reason: 'method',
      });
    });

    it('accepts a lower-case get', () => {
      expect(getSharedStoreDecision({ method: 'get', authorization: false }, 200, {})).toEqual({
        store: true,
      });
    });

    it.each([100, 103, 199, 600, 200.5])('refuses the non-final status %s', (status) => {
      expect(getSharedStoreDecision(GET, status, { 'cache-control': 'max-age=60' })).toEqual({
        store: false,
        reason: 'status',
      });
    });

    it('refuses a 206 (§3.4)', () => {
      expect(getSharedStoreDecision(GET, 206, { 'cache-control': 'max-age=60' })).toEqual({
        store: false,
        reason: 'partial',
      });
    });

    it('refuses a 304 (§4.3.4)', () => {
      expect(getSharedStoreDecision(GET, 304, { 'cache-control': 'max-age=60' })).toEqual({
        store: false,
        reason: 'not-modified',
      });
    });

    it('refuses a 201 without explicit freshness', () => {
      expect(getSharedStoreDecision(GET, 201, {})).toEqual({ store: false, reason: 'no-freshness' });
    });

    it('refuses a 302 and a 500 without explicit freshness', () => {
      expect(getSharedStoreDecision(GET, 302, {})).toEqual({ store: false, reason: 'no-freshness' });
      expect(getSharedStoreDecision(GET, 500, { 'cache-control': 'no-cache' })).toEqual({
        store: false,
        reason: 'no-freshness',
      });
    });
  });

  describe('when no-store or must-understand is present (§5.2.2.5, §5.2.2.3)', () => {
    it.each<[string, ResponseHeaders]>([
      ['no-store', { 'cache-control': 'no-store' }],
      ['No-Store with max-age', { 'cache-control': 'max-age=60, No-Store' }],
      ['no-store on a second field line', { 'cache-control': ['public, max-age=60', 'no-store'] }],
    ])('refuses %s', (_, headers) => {
      expect(getSharedStoreDecision(GET, 200, headers)).toEqual({ store: false, reason: 'no-store' });
    });

    it('stores must-understand, no-store for an understood status, ignoring no-store', () => {
      expect(
        getSharedStoreDecision(GET, 200, { 'cache-control': 'must-understand, no-store, max-age=60' }),
      ).toEqual({ store: true });
    });

    it('refuses must-understand for a status it does not understand', () => {
      expect(
        getSharedStoreDecision(GET, 299, { 'cache-control': 'must-understand, no-store, max-age=60' }),
      ).toEqual({ store: false, reason: 'must-understand' });
    });

    it('refuses must-understand without no-store for an unknown status', () => {
      expect(getSharedStoreDecision(GET, 418, { 'cache-control': 'must-understand, max-age=60' })).toEqual({
        store: false,
        reason: 'must-understand',
      });
    });
  });

  describe('when the response is private (§5.2.2.7)', () => {
    it.each(['private', 'private, max-age=60', 'Private="set-cookie", s-maxage=60', 'public, private'])(
      'refuses %s',
      (value) => {
        expect(getSharedStoreDecision(GET, 200, { 'cache-control': value })).toEqual({
          store: false,
          reason: 'private',
        });
      },
    );
  });

  describe('when the request has Authorization (§3.5)', () => {
    it.each(['public', 's-maxage=60', 'must-revalidate, max-age=60', 'public, max-age=60'])(
      'stores with %s',
      (value) => {
        expect(getSharedStoreDecision(AUTHORIZED, 200, { 'cache-control': value })).toEqual({ store: true });
      },
    );

    it.each<[string, ResponseHeaders]>([
      ['max-age alone', { 'cache-control': 'max-age=60' }],
      ['Expires alone', { expires: 'Thu, 01 Jan 2026 00:00:00 GMT' }],
      ['no freshness at all', {}],
      ['proxy-revalidate, max-age', { 'cache-control': 'proxy-revalidate, max-age=60' }],
    ])('refuses %s', (_, headers) => {
      expect(getSharedStoreDecision(AUTHORIZED, 200, headers)).toEqual({
        store: false,
        reason: 'authorization',
      });
    });
  });

  describe('when the response has Vary: * (§4.1)', () => {
    it.each(['*', 'accept, *', ' * '])('refuses Vary: %s', (vary) => {
      expect(getSharedStoreDecision(GET, 200, { 'cache-control': 'max-age=60', vary })).toEqual({
        store: false,
        reason: 'vary-star',
      });
    });
  });
});
