import { describe, expect, it } from 'vitest';
import { requestHost } from './request-host';

describe('requestHost', () => {
  it('answers the Host header when the proxy is not trusted', () => {
    expect(requestHost('app.example', 'evil.example', () => false)).toBe('app.example');
  });

  it('answers the first X-Forwarded-Host when the proxy is trusted', () => {
    expect(requestHost('10.0.0.1:3000', 'shop.example, inner.example', () => true)).toBe('shop.example');
  });

  it('never asks about trust without an X-Forwarded-Host', () => {
    const trusted = (): boolean => {
      throw new Error('asked');
    };
    expect(requestHost('app.example', undefined, trusted)).toBe('app.example');
    expect(requestHost('app.example', '', trusted)).toBe('app.example');
    expect(requestHost(undefined, undefined, trusted)).toBe('');
  });
});
