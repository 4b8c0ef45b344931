import type { AccumulatorMark, AccumulatorState } from '../../aggregate/summary-accumulator.js';
import type { DurationHistogram } from '../../charts/duration-histogram.js';
import type { TokenCounts } from './cells.js';
import type { EstimatedParts } from './site-facts.js';

/**
 * The facts of a site's first runs as plain values and number columns: what a build keeps of its
 * facts' pass for the next build to go on from (reuse/facts-snapshot.ts writes and reads them;
 * CostFactsBuilder and SiteFactsBuilder make them and are made again from them).
 */

/** What a run's facts hold in FactsSnapshot's `columns`, a row of this many a run (see costSnapshot). */
export const COLUMNS = 11;
export const TOKEN_COUNTS: readonly TokenCounts[] = ['none', 'total', 'split'];

/** Strings given numbers in the order they are first asked for (null: -1). */
export class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  of(s: string | null): number {
    if (s === null) return -1;
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.list.length;
      this.index.set(s, k);
      this.list.push(s);
    }
    return k;
  }
}

/** The sums of the cost facts at a point (CostFactsBuilder.costMark), and the runs added until then. */
export type CostMark = Omit<CostSnapshot['state'], 'lists'> & { runs: number };

/** What SiteFactsBuilder.mark notes: its sums and its summary's, copied, and how far its other facts reach. */
export interface FactsMark {
  cost: CostMark;
  site: Omit<FactsSnapshot['site'], 'split'>;
  /** The runs whose page comes in parts, so far (the first of `stepParts`). */
  split: number;
  summary: AccumulatorMark;
}

/** The cost facts of the first runs added to a builder, as CostFactsBuilder.costSnapshot makes them. */
export interface CostSnapshot {
  /** The runs (their ids are the source's, by their number: see restore). */
  runs: number;
  /** FactNumbers' rows, a run's row in the order they were added. */
  numbers: Float64Array;
  /** COLUMNS numbers a run, in the same order: its strings and lists (by their number in the string table and `state.lists`), token counts, pages, untimed calls, and its number in the source. */
  columns: Int32Array;
  state: {
    lists: number[][];
    unpriced: { total: number; reasons: [string, number][] };
    estimated: Record<keyof EstimatedParts, [string, number][]>;
    days: [string, number, number][];
  };
}

/** The site's facts of the first runs of a source, and their summary's accumulator: SiteFactsBuilder.snapshotAt. */
export interface FactsSnapshot extends CostSnapshot {
  strings: string[];
  site: {
    durations: ReturnType<DurationHistogram['state']>;
    /** The slowest calls, by their run's number and the call's index. */
    slowest: [number, number][];
    latest: number | null;
    /** The runs whose page comes in parts, with the number of their calls; their parts of calls follow each other in `stepParts`. */
    split: [string, number][];
  };
  stepParts: Int32Array;
  summary: SummarySnapshot;
  /** The 7-day window's facts of the same runs, when this build's window pass took them (window.ts); their strings are in `strings`. */
  window: WindowSnapshot | null;
}

/** An accumulator as a mark found it, with the durations it holds (SummaryAccumulator.durationsAt). */
export interface SummarySnapshot {
  state: AccumulatorState;
  durations: Float64Array[];
}

/**
 * What the 7-day window's pass kept of the runs before a snapshot's point: the cost facts of
 * those with a call in the window, each cut to those calls, and their summary's accumulator. A
 * run is cut by the window's first day only (no call is later than its end, the latest time of
 * all), so a later build whose window begins the same day goes on from them.
 */
export interface WindowSnapshot extends CostSnapshot {
  /** Epoch ms: 00:00 UTC of the window's first day (TimeWindow.from). */
  from: number;
  summary: SummarySnapshot;
}
