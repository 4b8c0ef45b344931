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

/**
 * p50, p95 and p99 of `values`, the same as `percentile` of the sorted values. Large inputs are
 * not sorted: the few ranks needed are selected (quickselect, linear on average), several times
 * faster than a sort for a million durations.
 */
export function percentilesOf(values: ArrayLike<number>): Percentiles {
  // A copy to rearrange (`set` copies a typed array as one block; `from` would iterate it).
  const a = new Float64Array(values.length);
  a.set(values);
  return percentilesInPlace(a);
}

/** `percentilesOf(a)`, rearranging `a` instead of a copy of it. */
export function percentilesInPlace(a: Float64Array): Percentiles {
  const n = a.length;
  if (n < SELECT_FROM || hasNaN(a)) {
    a.sort();
    return { p50Ms: percentile(a, 50), p95Ms: percentile(a, 95), p99Ms: percentile(a, 99) };
  }
  // The ranks ascend, so each selection looks only right of the one before.
  let from = 0;
  const at = (p: number): number => {
    const rank = (p / 100) * (n - 1);
    const lo = Math.floor(rank);
    const bound = select(a, from, n - 1, lo);
    from = lo;
    // Everything right of `lo` is at least a[lo]: the next value in order is their minimum, which
    // lies at or before `bound`.
    let next = a[lo]!;
    if (lo + 1 < n) {
      next = a[lo + 1]!;
      for (let i = lo + 2; i <= bound; i++) if (a[i]! < next) next = a[i]!;
    }
    return roundMs(a[lo]! + (next - a[lo]!) * (rank - lo));
  };
  return { p50Ms: at(50), p95Ms: at(95), p99Ms: at(99) };
}

/** Whether a value is NaN: a loop, several times faster than `some(Number.isNaN)` (a call a value). */
function hasNaN(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== a[i]) return true;
  return false;
}

/** Below this many values a sort is as fast. */
const SELECT_FROM = 256;

/**
 * Rearranges `a[left..right]` so that `a[k]` holds the value a sort would put there, with no
 * larger value before it and no smaller one after it (Hoare's selection, median-of-three pivot).
 * Should the partitions stay unbalanced, the rest is sorted instead, so the worst case is a sort.
 * Returns a bound: the least value right of `k` lies in `a[k + 1..bound]` (the last part the
 * selection narrowed to that reached past `k`; every value right of a part is at least every
 * value in it), so that the next value in order is found without a scan of the whole right side.
 */
function select(a: Float64Array, left: number, right: number, k: number): number {
  let rounds = 2 * Math.ceil(Math.log2(right - left + 2)) + 8;
  let bound = right;
  while (right > left) {
    if (right > k) bound = right;
    if (--rounds < 0) {
      a.subarray(left, right + 1).sort();
      return bound;
    }
    const mid = (left + right) >>> 1;
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const pivot = a[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[left..j] ≤ pivot ≤ a[i..right], and anything between equals the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return bound;
  }
  return bound;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
