import { describe, expect, it } from 'vitest';
import { PolicyError, prefixPolicyError, StoreError } from './errors';

describe('PolicyError', () => {
  it('names the field in the message and carries code and field', () => {
    const error = new PolicyError('sMaxAge', 'not allowed with scope "private"');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PolicyError');
    expect(error.code).toBe('E_POLICY_INVALID');
    expect(error.field).toBe('sMaxAge');
    expect(error.message).toBe('Invalid policy field "sMaxAge": not allowed with scope "private"');
  });
});

describe('StoreError', () => {
  it('carries code, store name and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new StoreError('get failed', { store: 'redis', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StoreError');
    expect(error.code).toBe('E_STORE');
    expect(error.store).toBe('redis');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('get failed');
  });

  it('works without options', () => {
    const error = new StoreError('timeout');
    expect(error.store).toBeUndefined();
    expect(error.cause).toBeUndefined();
  });
});

describe('prefixPolicyError', () => {
  it('prefixes the field of a PolicyError and keeps its reason', () => {
    const nested = prefixPolicyError('routes["GET /x"]', new PolicyError('sMaxAge', 'must be a duration'));
    expect(nested).toBeInstanceOf(PolicyError);
    expect((nested as PolicyError).field).toBe('routes["GET /x"].sMaxAge');
    expect((nested as PolicyError).message).toBe(
      'Invalid policy field "routes["GET /x"].sMaxAge": must be a duration',
    );
  });

  it('returns any other error unchanged', () => {
    const error = new TypeError('boom');
    expect(prefixPolicyError('routes["GET /x"]', error)).toBe(error);
  });
});
