/**
 * Percentile by linear interpolation between closest ranks (the "R-7" method of numpy's default
 * and DuckDB's quantile_cont), so that figures can be checked against either. `sorted` ascending.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  const value = sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
  return roundMs(value);
}

/** Durations are shown to the microsecond at most; this also hides float noise (812.6000001). */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export interface Percentiles {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export function percentilesOf(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) };
}
