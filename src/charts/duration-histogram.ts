/**
 * Call durations counted into log-spaced bins as they come, instead of kept one by one: the
 * latency page and its histogram need only these counts, and a site of millions of calls held
 * every duration (tens of MB) and copied them again for each table.
 */

/** Bin edges 0, 1, 2, 5, 10, 20, 50 ... ms, made as far as a duration needs (in the same steps as ever). */
const edges = [0, 1];
let decade = 1;

/** Edge `k`: bin k is [edge k, edge k + 1). */
export function binEdge(k: number): number {
  while (edges.length <= k) {
    edges.push(2 * decade, 5 * decade, 10 * decade);
    decade *= 10;
  }
  return edges[k]!;
}

export class DurationHistogram {
  /** Durations counted, each one given (the share's denominator, as the page shows it). */
  count = 0;
  /** calls[k]: finite, non-negative durations in bin k. */
  readonly calls: number[] = [];
  private readonly atLeastCounts: number[];

  /** `thresholds`: the durations (ms) whose "at least this long" counts are asked for later. */
  constructor(private readonly thresholds: readonly number[] = []) {
    this.atLeastCounts = thresholds.map(() => 0);
  }

  /** A histogram of the durations of a list. */
  static of(durationsMs: readonly number[], thresholds: readonly number[] = []): DurationHistogram {
    const h = new DurationHistogram(thresholds);
    for (const d of durationsMs) h.add(d);
    return h;
  }

  add(ms: number): void {
    this.count++;
    for (let t = 0; t < this.thresholds.length; t++) if (ms >= this.thresholds[t]!) this.atLeastCounts[t]!++;
    if (!(Number.isFinite(ms) && ms >= 0)) return;
    let k = 0;
    while (ms >= binEdge(k + 1)) k++;
    while (this.calls.length <= k) this.calls.push(0);
    this.calls[k]!++;
  }

  /** Its counts as plain values, for a histogram made again by `restore` (of the same thresholds) to go on from. */
  state(): { count: number; calls: number[]; atLeast: number[] } {
    return { count: this.count, calls: [...this.calls], atLeast: [...this.atLeastCounts] };
  }

  /** Into a histogram with nothing counted yet: the counts `state` gave. */
  restore(state: { count: number; calls: readonly number[]; atLeast: readonly number[] }): void {
    if (this.count !== 0 || state.atLeast.length !== this.thresholds.length) throw new Error('a histogram is restored with nothing counted, from one of the same thresholds');
    this.count = state.count;
    this.calls.push(...state.calls);
    this.atLeastCounts.splice(0, this.atLeastCounts.length, ...state.atLeast);
  }

  /** Durations of at least `ms`, one of the thresholds given. */
  atLeast(ms: number): number {
    const t = this.thresholds.indexOf(ms);
    if (t === -1) throw new Error(`${ms} ms is not a threshold this histogram counts`);
    return this.atLeastCounts[t]!;
  }
}
