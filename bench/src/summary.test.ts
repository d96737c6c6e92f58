import { describe, expect, it } from 'vitest';
import { bracketReference, pairsToMeasure } from './paired.mjs';
import { summarize } from './summary.mjs';

const figures = (rps: number, cpuUsPerRequest: number, p99 = 1) => ({
  valid: true,
  problems: [],
  rps,
  cpuUsPerRequest,
  p99,
});

function subject(id: string, meta: object, rps: number[]) {
  return {
    id,
    meta: { framework: 'hono', title: id, role: 'ours', ...meta },
    rounds: rps.map((value, i) => ({ round: i + 1, ...figures(value, 1e6 / value) })),
  };
}

/** Rounds that miss a 0.95 target (0.90 each), with the given pairs of the same two subjects. */
function run(pairs: Array<[number, number]>, problems: string[] = []) {
  return {
    subjects: [
      subject('hono-const', { baseline: true, role: 'platform' }, [1000, 1000, 1000]),
      subject('hono-floor', { role: 'ceiling' }, [900, 1000, 800]),
      subject('hono-hit', { target: { ratio: 0.95, of: 'hono-floor' } }, [810, 900, 720]),
    ],
    paired: [
      {
        subject: 'hono-hit',
        of: 'hono-floor',
        problems,
        pairs: pairs.map(([ours, theirs], i) => ({
          pair: i + 1,
          ours: figures(ours, 1e6 / ours),
          theirs: figures(theirs, 1e6 / theirs),
        })),
      },
    ],
  };
}

const target = (results: ReturnType<typeof run>) =>
  summarize(results, 3)[0].rows.find((r: { id: string }) => r.id === 'hono-hit').target;

describe('summarize: targets judged on the paired measurement', () => {
  it('judges on the median of the pairs when at least three are valid, and keeps the rounds figure', () => {
    const t = target(
      run([
        [960, 1000],
        [990, 1000],
        [940, 1000],
      ]),
    );
    expect(t.value).toBeCloseTo(0.9);
    expect(t.judgedOnPairs).toBe(true);
    expect(t.judged).toBeCloseTo(0.96);
    expect(t.paired.count).toBe(3);
    expect(t.paired.range.min).toBeCloseTo(0.94);
    expect(t.paired.cpuValue).toBeCloseTo(0.96);
    expect(t.met).toBe(true);
  });

  it('misses on the pairs even when the rounds would meet it', () => {
    const results = run([
      [900, 1000],
      [910, 1000],
      [890, 1000],
    ]);
    results.subjects[2].rounds = [810, 1000, 800].map((value, i) => ({
      round: i + 1,
      ...figures(value, 1e6 / value),
    }));
    const t = target(results);
    expect(t.value).toBeCloseTo(1);
    expect(t.met).toBe(false);
    expect(t.judged).toBeCloseTo(0.9);
  });

  it('falls back to the rounds with fewer than three valid pairs', () => {
    const results = run([
      [990, 1000],
      [990, 1000],
      [990, 1000],
    ]);
    results.paired[0].pairs[1].ours.valid = false;
    const t = target(results);
    expect(t.paired.count).toBe(2);
    expect(t.judgedOnPairs).toBe(false);
    expect(t.judged).toBeCloseTo(0.9);
    expect(t.met).toBe(false);
  });

  it('leaves out a pair entry with problems (an after-load check failed)', () => {
    const t = target(
      run(
        [
          [990, 1000],
          [990, 1000],
          [990, 1000],
        ],
        ['hono-hit: after load: status 500, expected 200'],
      ),
    );
    expect(t.paired).toBeUndefined();
    expect(t.judgedOnPairs).toBe(false);
    expect(t.met).toBe(false);
  });
});

describe('pairsToMeasure', () => {
  it('pairs each target with the subject it names, or its framework baseline, once', () => {
    const states = [
      { id: 'x-const', meta: { framework: 'x', baseline: true } },
      { id: 'x-hit', meta: { framework: 'x', target: { ratio: 1 } } },
      {
        id: 'x-l2',
        meta: {
          framework: 'x',
          target: { ratio: 0.8, of: 'x-get' },
          p99Target: { ratio: 1.5, of: 'x-get' },
        },
      },
      { id: 'x-get', meta: { framework: 'x' } },
      { id: 'x-gone', meta: { framework: 'x', target: { ratio: 1, of: 'x-missing' } } },
      { id: 'x-off', meta: { framework: 'x', target: { ratio: 1 } }, unavailable: 'no Redis' },
    ];
    expect(pairsToMeasure(states).map((p) => `${p.subject.id}/${p.other.id}`)).toEqual([
      'x-hit/x-const',
      'x-l2/x-get',
    ]);
  });
});

describe('bracketReference', () => {
  const reading = (rps: number, valid = true) => ({ ...figures(rps, 1e6 / rps, 2), valid, foreignCpu: 0 });

  it('averages the two readings around ours and calls them steady within 5%', () => {
    const { theirs, steady } = bracketReference(reading(1000), reading(1040));
    expect(theirs.rps).toBe(1020);
    expect(theirs.p99).toBe(2);
    expect(theirs.valid).toBe(true);
    expect(steady).toBe(true);
  });

  it('calls a pair unsteady when the host moved under it', () => {
    expect(bracketReference(reading(1000), reading(1100)).steady).toBe(false);
  });

  it('is invalid when either reading is', () => {
    const { theirs, steady } = bracketReference(reading(1000), reading(1000, false));
    expect(theirs.valid).toBe(false);
    expect(steady).toBe(false);
  });
});

describe('summarize: unsteady pairs', () => {
  it('leaves out the pairs whose reference readings disagreed', () => {
    const results = run([
      [990, 1000],
      [800, 1000],
      [980, 1000],
      [970, 1000],
    ]);
    (results.paired[0].pairs[1] as { steady?: boolean }).steady = false;
    const t = target(results);
    expect(t.paired.count).toBe(3);
    expect(t.judged).toBeCloseTo(0.98);
    expect(t.met).toBe(true);
  });
});
