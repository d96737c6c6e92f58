/**
 * Small statistics helpers of the benchmark runner: medians, ranges, per-round ratios,
 * percentiles and a seeded Zipf sampler. Pure functions, unit-tested in `stats.test.ts`.
 */

/**
 * Median of a list of numbers (mean of the two middle values for an even count).
 * @param {readonly number[]} values
 * @returns {number} NaN for an empty list
 */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Smallest and largest value.
 * @param {readonly number[]} values
 * @returns {{ min: number, max: number }} NaN for an empty list
 */
export function range(values) {
  if (values.length === 0) return { min: Number.NaN, max: Number.NaN };
  return { min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Percentile by the nearest-rank method (p in 0..100).
 * @param {readonly number[]} values
 * @param {number} p
 * @returns {number} NaN for an empty list
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * Ratio of a subject to its baseline, round by round: `subject[i] / baseline[i]` for every round
 * in which both have a valid figure (a round marked `null`/NaN for either is left out, so a bad
 * run never pairs with another round's baseline).
 * @param {readonly (number | null)[]} subject req/s per round
 * @param {readonly (number | null)[]} baseline req/s per round, same rounds
 * @returns {number[]}
 */
export function roundRatios(subject, baseline) {
  const ratios = [];
  const rounds = Math.min(subject.length, baseline.length);
  for (let i = 0; i < rounds; i++) {
    const s = subject[i];
    const b = baseline[i];
    if (s == null || b == null || !Number.isFinite(s) || !Number.isFinite(b) || b <= 0) continue;
    ratios.push(s / b);
  }
  return ratios;
}

/**
 * Deterministic 32-bit PRNG (mulberry32), so a Zipf key sequence is the same on every run.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function createRandom(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Zipf sampler over ranks 1..n: P(k) ∝ 1 / k^s. Precomputes the cumulative distribution
 * (O(n) memory) and samples by binary search.
 * @param {number} n number of distinct keys (≥ 1)
 * @param {{ s?: number, seed?: number }} [options] exponent (default 1) and PRNG seed (default 1)
 * @returns {() => number} a rank in 1..n
 */
export function createZipf(n, options = {}) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`createZipf: n must be an integer ≥ 1, got ${n}`);
  const s = options.s ?? 1;
  const random = createRandom(options.seed ?? 1);
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    total += 1 / k ** s;
    cdf[k - 1] = total;
  }
  for (let i = 0; i < n; i++) cdf[i] /= total;
  return function sample() {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
