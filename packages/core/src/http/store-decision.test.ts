import { describe, expect, it } from 'vitest';
import { definePolicy } from '../policy/policy';
import type { PolicyInput, ResponseHeaders } from '../types';
import { getStoreDecision } from './store-decision';

describe('getStoreDecision', () => {
  const policy = definePolicy({ maxAge: 60 });

  it('stores a plain 200 to a GET', () => {
    expect(getStoreDecision(policy, 200, { 'content-type': 'text/html' }, 'GET')).toEqual({ store: true });
  });

  it.each([200, 203, 204, 300, 301, 308])('stores a %i', (status) => {
    expect(getStoreDecision(policy, status, {}, 'GET')).toEqual({ store: true });
  });

  it.each<[string, PolicyInput, number, ResponseHeaders, string, string]>([
    ['a HEAD', { maxAge: 60 }, 200, {}, 'HEAD', 'method'],
    ['a POST', { maxAge: 60 }, 200, {}, 'POST', 'method'],
    ['a no-store policy', { scope: 'no-store' }, 200, {}, 'GET', 'no-store-policy'],
    ['a ttl of 0', { maxAge: 60, ttl: 0 }, 200, {}, 'GET', 'ttl'],
    ['an empty policy', {}, 200, {}, 'GET', 'ttl'],
    ['a 206', { maxAge: 60 }, 206, {}, 'GET', 'partial'],
    ["a handler's own 304", { maxAge: 60 }, 304, {}, 'GET', 'not-modified'],
    ['a 201', { maxAge: 60 }, 201, {}, 'GET', 'status'],
    ['a 302', { maxAge: 60 }, 302, {}, 'GET', 'status'],
    ['a 404 without negativeTtl', { maxAge: 60 }, 404, {}, 'GET', 'status'],
    ['a 410 without negativeTtl', { maxAge: 60 }, 410, {}, 'GET', 'status'],
    ['a 500', { maxAge: 60 }, 500, {}, 'GET', 'status'],
    ['a 503', { maxAge: 60 }, 503, {}, 'GET', 'status'],
    ['Set-Cookie', { maxAge: 60 }, 200, { 'set-cookie': ['a=1'] }, 'GET', 'set-cookie'],
    ['Set-Cookie in mixed case', { maxAge: 60 }, 200, { 'Set-Cookie': 'a=1' }, 'GET', 'set-cookie'],
    ["the handler's no-store", { maxAge: 60 }, 200, { 'cache-control': 'no-store' }, 'GET', 'cache-control'],
    [
      "the handler's No-Cache",
      { maxAge: 60 },
      200,
      { 'cache-control': 'max-age=5, No-Cache' },
      'GET',
      'cache-control',
    ],
    [
      "the handler's qualified no-cache",
      { maxAge: 60 },
      200,
      { 'cache-control': 'no-cache="set-cookie"' },
      'GET',
      'cache-control',
    ],
    [
      "the handler's private on a public policy",
      { maxAge: 60 },
      200,
      { 'cache-control': 'private' },
      'GET',
      'cache-control',
    ],
    [
      "the handler's no-store on a private policy",
      { scope: 'private', maxAge: 60 },
      200,
      { 'cache-control': ['private', 'no-store'] },
      'GET',
      'cache-control',
    ],
    ['Vary: *', { maxAge: 60 }, 200, { vary: 'Accept, *' }, 'GET', 'vary-star'],
    ['Vary: * in a list', { maxAge: 60 }, 200, { vary: ['accept', '*'] }, 'GET', 'vary-star'],
  ])('refuses %s', (_, input, status, headers, method, reason) => {
    expect(getStoreDecision(definePolicy(input), status, headers, method)).toEqual({ store: false, reason });
  });

  it("stores on a private policy whatever the handler's private says", () => {
    const privatePolicy = definePolicy({ scope: 'private', maxAge: 60 });
    expect(getStoreDecision(privatePolicy, 200, { 'cache-control': 'private, max-age=60' }, 'GET')).toEqual({
      store: true,
    });
  });

  it('stores 404 and 410 with a negativeTtl, even when ttl is 0', () => {
    const negative = definePolicy({ negativeTtl: 10 });
    expect(getStoreDecision(negative, 404, {}, 'GET')).toEqual({ store: true });
    expect(getStoreDecision(negative, 410, {}, 'GET')).toEqual({ store: true });
    expect(getStoreDecision(negative, 200, {}, 'GET')).toEqual({ store: false, reason: 'ttl' });
  });

  it('stores extra statuses listed in the policy', () => {
    expect(getStoreDecision(definePolicy({ maxAge: 60, statuses: [302] }), 302, {}, 'GET')).toEqual({
      store: true,
    });
  });

  it("stores when the handler's cache-control is only about freshness", () => {
    expect(getStoreDecision(policy, 200, { 'cache-control': 'public, max-age=5' }, 'GET')).toEqual({
      store: true,
    });
  });
});
