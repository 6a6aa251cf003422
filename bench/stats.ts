/**
 * Statistics for noisy measurements: the median with a distribution-free 95% interval from
 * order statistics (no assumption of normality: this machine is shared and its timings have
 * long right tails), plus helpers to alternate the order of variants between rounds.
 */

export interface Summary {
  n: number;
  median: number;
  /** lower and upper bound of the interval for the median */
  low: number;
  high: number;
  /** the interval's actual coverage (order statistics give discrete levels, ≥ 0.95 when n ≥ 6) */
  coverage: number;
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialCdfHalf(n: number, k: number): number {
  let term = 0.5 ** n; // C(n,0)/2^n
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * Median and its 95% confidence interval [x(k), x(n-k+1)] (1-based order statistics), with k
 * the largest rank such that P(Binomial(n, ½) ≤ k-1) ≤ 2.5%. Below n = 6 no such k exists and
 * the interval is [min, max] with its (lower) coverage reported.
 */
export function summarize(values: readonly number[]): Summary {
  const s = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n, median: Number.NaN, low: Number.NaN, high: Number.NaN, coverage: 0, min: Number.NaN, max: Number.NaN };
  let k = 1;
  while (k + 1 <= n && binomialCdfHalf(n, k) <= 0.025) k++;
  const coverage = 1 - 2 * binomialCdfHalf(n, k - 1);
  return {
    n,
    median: median(s),
    low: s[k - 1] as number,
    high: s[n - k] as number,
    coverage,
    min: s[0] as number,
    max: s[n - 1] as number,
  };
}

/** Per-round ratios a[i] / b[i] of paired measurements (same round, alternated order). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) out.push((a[i] as number) / (b[i] as number));
  return out;
}

/** All orders of `items`; round r runs `orders[r % orders.length]`, so over 6 rounds each of
 * three variants runs first, second and third twice (no variant always follows another). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
