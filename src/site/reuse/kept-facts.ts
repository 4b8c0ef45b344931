import { SummaryAccumulator } from '../../aggregate/summary-accumulator.js';
import type { PriceTable } from '../../prices/price-table.js';
import { runIdAt, type RunPlan } from '../../read/parallel/run-index.js';
import { planRuns, SiteFactsBuilder, type SiteFacts } from '../pages/site-facts.js';
import type { WindowKeeping, WindowMark } from '../pages/window.js';
import { checkpointOf, jsonSafe, readFactsSnapshot, resumableRuns, snapshotFrame, writeFactsSnapshot, type ReadSnapshot } from './facts-snapshot.js';
import type { HashedInput } from './input-hashes.js';

/** What a build that records its site for the next one knows to keep the facts by (facts-snapshot.ts). */
export interface FactsKeeping {
  frame: string;
  /** This build's inputs, as read for its stamp. */
  inputs: readonly HashedInput[];
  /** The previous build's snapshot (a file of the site being replaced), if it wrote one. */
  previous: string | null;
}

export interface PlanFacts {
  facts: SiteFacts;
  /** The summary's accumulator of every run. */
  summary: SummaryAccumulator;
  /**
   * Writes this build's snapshot, for the next build, to the path given (made from the facts as
   * it is written); returns its bytes. Null when it keeps none: a small build, or facts with a
   * number JSON cannot give back.
   */
  snapshot: ((abs: string) => number) | null;
  /** The runs whose facts came from the previous build's snapshot (the first, in the plan's order). */
  kept: number;
  /**
   * What the 7-day window's pass is asked (window.ts): a mark at this build's snapshot's point,
   * which the snapshot then holds, and the previous build's window facts of the runs kept. Null
   * when there is neither. The snapshot is written once that pass is done (or never ran: it then
   * holds no window facts).
   */
  window: WindowKeeping | null;
}

/** The previous build's snapshot, read: it holds the facts of the first `runs` runs of this build's plan. */
export interface KeptFacts {
  read: ReadSnapshot;
  runs: number;
}

/**
 * The previous build's snapshot when it holds the first runs of `plan` (facts-snapshot.ts), and
 * never more than this build's own snapshot will (taken on the way): read with its numbers
 * straight into arrays with room for the runs after them. Null otherwise.
 */
export function keptFacts(plan: RunPlan, keeping: FactsKeeping | null): KeptFacts | null {
  const n = plan.offsets.length - 1;
  const checkpoint = keeping && n > 0 ? checkpointOf(n) : -1;
  if (keeping?.previous == null || checkpoint <= 0) return null;
  let runs = 0;
  const read = readFactsSnapshot(keeping.previous, (at) => {
    runs = resumableRuns(at, plan, keeping.inputs, keeping.frame);
    if (runs === 0 || runs > checkpoint) return null;
    return (column, length) => (column === 0 ? (length / runs) * n : length + Math.max(16, length >> 4));
  });
  return read !== null && read.facts.runs === runs ? { read, runs } : null;
}

/**
 * The facts' pass over the runs of a plan (gatherSiteFacts), for a build that keeps what it can:
 * it goes on from the previous build's snapshot (`kept`, which it lets go) when it can, building
 * only the runs after those it holds, and takes this build's snapshot on the way.
 */
export function gatherPlanFacts(plan: RunPlan, prices: PriceTable, keeping: FactsKeeping | null, kept: { facts: KeptFacts | null }): PlanFacts {
  const source = planRuns(plan, prices);
  const n = source.count;
  const checkpoint = keeping && n > 0 ? checkpointOf(n) : -1;
  let builder: SiteFactsBuilder | null = null;
  let from = 0;
  const resume = kept.facts;
  kept.facts = null;
  if (resume !== null) {
    try {
      builder = SiteFactsBuilder.restore(resume.read.facts, source, (i) => runIdAt(plan, i));
      from = resume.runs;
    } catch {
      // Not whole after all: every run is gathered.
      builder = null;
    }
  }
  builder ??= new SiteFactsBuilder(false, new SummaryAccumulator(), n);
  let snapshot: PlanFacts['snapshot'] = null;
  // The window's facts of the same runs, marked by the window's pass (made later, from the facts).
  let windowMark: WindowMark | null = null;
  for (let i = from; i < n; i++) {
    if (i === checkpoint) {
      const at = snapshotFrame(plan, i, keeping!.inputs, keeping!.frame);
      const mark = builder.mark();
      const b = builder;
      if (at !== null && jsonSafe({ cost: mark.cost, site: mark.site, summary: mark.summary.state })) {
        snapshot = (abs) => {
          // The window's mark holds its facts: let go once written, not at the end of the build.
          const window = windowMark;
          windowMark = null;
          return writeFactsSnapshot(abs, at, b.snapshotAt(mark, window));
        };
      }
    }
    builder.addRun(source.run(i, false), i);
  }
  const keptWindow = resume?.read.facts.window ?? null;
  const window: WindowKeeping | null =
    snapshot === null && keptWindow === null
      ? null
      : {
          checkpoint: snapshot === null ? -1 : checkpoint,
          kept: keptWindow !== null && from > 0 ? { snapshot: keptWindow, runs: from, strings: resume!.read.facts.strings } : null,
          marked: (mark) => {
            if (jsonSafe({ cost: mark.cost, summary: mark.summary.state })) windowMark = mark;
          },
          keptRuns: 0,
        };
  return { facts: builder.siteFacts(source), summary: builder.accumulator!, snapshot, kept: from, window };
}
