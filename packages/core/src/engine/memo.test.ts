import { describe, expect, it } from 'vitest';
import { createMemo, joinMemoKey } from './memo';

describe('createMemo', () => {
  it('remembers values and drops the oldest beyond max', () => {
    const memo = createMemo<number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect(memo.get('a')).toBeUndefined();
    expect(memo.get('b')).toBe(2);
    expect(memo.get('c')).toBe(3);
  });
});

describe('joinMemoKey', () => {
  it('never gives two different part lists the same key', () => {
    expect(joinMemoKey(['a:b', 'c'])).not.toBe(joinMemoKey(['a', 'b:c']));
    expect(joinMemoKey(['ab', ''])).not.toBe(joinMemoKey(['a', 'b']));
    expect(joinMemoKey([undefined])).not.toBe(joinMemoKey(['']));
    expect(joinMemoKey(['1:x'])).not.toBe(joinMemoKey(['x', '']));
  });
});
