import type { Run } from '../model/types.js';

/** A run with its number: its 1-based place in the order every output lists runs (compareRuns). */
export interface NumberedRun {
  run: Run;
  number: number;
}

/** Newest first: dated runs by start, latest first; then undated runs; ties by id, last first. */
function newestFirst(a: Run, b: Run): number {
  if (a.start !== b.start) {
    if (a.start === null) return 1;
    if (b.start === null) return -1;
    return b.start - a.start;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The newest `count` runs (the terminal summary draws them as trees), kept while runs are added
 * one by one, and mergeable: several threads each keep their newest, and the newest of those are
 * the newest of all. Numbers follow from the counts, without the whole sorted list.
 */
export class LatestRuns {
  runs: Run[] = [];
  dated = 0;
  total = 0;

  constructor(readonly count: number) {}

  add(run: Run): void {
    this.total++;
    if (run.start !== null) this.dated++;
    this.keep(run);
  }

  merge(other: { runs: Run[]; dated: number; total: number }): void {
    this.total += other.total;
    this.dated += other.dated;
    for (const run of other.runs) this.keep(run);
  }

  private keep(run: Run): void {
    if (this.count <= 0) return;
    const list = this.runs;
    if (list.length === this.count && newestFirst(run, list[list.length - 1]!) >= 0) return;
    list.push(run);
    list.sort(newestFirst);
    if (list.length > this.count) list.length = this.count;
  }

  /**
   * Newest first, with numbers: dated runs are numbered 1..dated by start and undated ones after
   * them, so the k-th newest dated run is number `dated - k`, the j-th newest undated `total - j`.
   */
  result(): NumberedRun[] {
    let k = 0;
    let j = 0;
    return this.runs.map((run) => ({ run, number: run.start !== null ? this.dated - k++ : this.total - j++ }));
  }
}
