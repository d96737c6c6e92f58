import { describe, expect, it } from 'vitest';
import { originHiddenHeaders, withoutOriginHiddenHeaders } from './origin-request-headers';

describe('originHiddenHeaders', () => {
  it('hides the validators the engine evaluates on GET and HEAD', () => {
    expect(originHiddenHeaders('GET')).toEqual(['if-none-match', 'if-modified-since']);
    expect(originHiddenHeaders('head')).toEqual(['if-none-match', 'if-modified-since']);
  });

  it("hides nothing on unsafe methods, whose preconditions are the handler's", () => {
    expect(originHiddenHeaders('PUT')).toEqual([]);
    expect(originHiddenHeaders('POST')).toEqual([]);
  });
});

describe('withoutOriginHiddenHeaders', () => {
  it('answers a copy without the hidden headers, leaving the record as it was', () => {
    const headers = { host: 'a', 'if-none-match': '"x"', 'if-modified-since': 'd', 'if-match': '"y"' };
    expect(withoutOriginHiddenHeaders('GET', headers)).toEqual({ host: 'a', 'if-match': '"y"' });
    expect(headers['if-none-match']).toBe('"x"');
  });

  it('answers the record itself when there is nothing to hide', () => {
    const headers = { host: 'a' };
    expect(withoutOriginHiddenHeaders('GET', headers)).toBe(headers);
    const put = { host: 'a', 'if-none-match': '*' };
    expect(withoutOriginHiddenHeaders('PUT', put)).toBe(put);
  });
});
