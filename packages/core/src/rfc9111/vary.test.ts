import { describe, expect, it } from 'vitest';
import { hasVaryStar, isVaryMatch, normalizeVaryValue, parseVary } from './vary';

describe('parseVary', () => {
  it('returns [] without Vary', () => {
    expect(parseVary({})).toEqual([]);
  });

  it('lower-cases, trims and deduplicates the names, in order', () => {
    expect(parseVary({ Vary: 'Accept-Encoding, accept-language ,ACCEPT-ENCODING' })).toEqual([
      'accept-encoding',
      'accept-language',
    ]);
  });

  it('combines field lines', () => {
    expect(parseVary({ vary: ['accept', 'origin'] })).toEqual(['accept', 'origin']);
  });

  it('returns * when any member is *', () => {
    expect(parseVary({ vary: 'accept, *' })).toBe('*');
    expect(parseVary({ vary: ['accept', '*'] })).toBe('*');
  });

  it('drops members that are not field names and empty members', () => {
    expect(parseVary({ vary: 'accept, , "x", a b, origin' })).toEqual(['accept', 'origin']);
  });
});

describe('hasVaryStar', () => {
  it('is true for Vary: *', () => {
    expect(hasVaryStar({ vary: '*' })).toBe(true);
  });

  it('is false for named headers and for none', () => {
    expect(hasVaryStar({ vary: 'accept' })).toBe(false);
    expect(hasVaryStar({})).toBe(false);
  });
});

describe('normalizeVaryValue', () => {
  it('removes whitespace around list commas and at the ends', () => {
    expect(normalizeVaryValue('  gzip ,  br ')).toBe('gzip,br');
  });

  it('combines field lines as one list', () => {
    expect(normalizeVaryValue(['gzip', ' br'])).toBe('gzip,br');
  });

  it('keeps case', () => {
    expect(normalizeVaryValue('GZip')).toBe('GZip');
  });

  it('returns undefined for an absent field', () => {
    expect(normalizeVaryValue(undefined)).toBeUndefined();
  });
});

describe('isVaryMatch', () => {
  it('matches when every named field is equal after normalisation', () => {
    expect(
      isVaryMatch(
        ['accept-encoding', 'accept'],
        { 'accept-encoding': 'gzip, br', accept: 'a' },
        {
          'Accept-Encoding': 'gzip,br',
          Accept: 'a',
        },
      ),
    ).toBe(true);
  });

  it('matches when a named field is absent from both', () => {
    expect(isVaryMatch(['accept-language'], {}, { accept: 'x' })).toBe(true);
  });

  it('does not match when a named field is absent from one', () => {
    expect(isVaryMatch(['accept-language'], { 'accept-language': 'en' }, {})).toBe(false);
    expect(isVaryMatch(['accept-language'], {}, { 'accept-language': 'en' })).toBe(false);
  });

  it('does not match when a named field differs (case-sensitively)', () => {
    expect(isVaryMatch(['accept-language'], { 'accept-language': 'en' }, { 'accept-language': 'EN' })).toBe(
      false,
    );
  });

  it('ignores fields Vary does not name', () => {
    expect(isVaryMatch([], { accept: 'a' }, { accept: 'b' })).toBe(true);
  });

  it('never matches Vary: *', () => {
    expect(isVaryMatch('*', {}, {})).toBe(false);
  });
});
