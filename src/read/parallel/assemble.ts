import { LatestRuns } from '../../aggregate/latest-runs.js';
import { SummaryAccumulator } from '../../aggregate/summary-accumulator.js';
import { finaliseRun } from '../../model/finalise.js';
import { RunBuilder } from '../../model/run-builder.js';
import type { Run } from '../../model/types.js';
import { PriceTable, type PriceTableState } from '../../prices/price-table.js';
import { decodeEvent, emptyEvent } from './event-batch.js';
import type { RunPlan } from './run-index.js';

/**
 * Build and summarise runs `from` to `to` of a plan (on a worker thread). The plan carries only
 * this range's ids and first lines (`ids[0]` is run `from`): each thread gets a copy of those.
 */
export interface AssembleJob {
  plan: RunPlan;
  from: number;
  to: number;
  prices: PriceTableState;
  /** How many of the newest runs to keep whole. */
  latest: number;
}

export interface AssembleResult {
  summary: SummaryAccumulator;
  latest: { runs: Run[]; dated: number; total: number };
}

/**
 * Builds each run of the range from its events, in line order, exactly as the one-pass loader
 * does, and adds it to the aggregates. Runs are dropped once added, so memory holds one run at
 * a time beside the events.
 */
export function assembleRuns(job: AssembleJob): AssembleResult {
  const { plan } = job;
  const prices = PriceTable.fromState(job.prices);
  const summary = new SummaryAccumulator();
  const latest = new LatestRuns(job.latest);
  const e = emptyEvent();
  const firsts = plan.batches.map((b) => b.first);
  let bi = 0;
  for (let r = job.from; r < job.to; r++) {
    const k0 = r - job.from;
    const builder = new RunBuilder(plan.ids[k0]!, plan.synthetic[k0]!, { file: plan.files[plan.sourceFile[k0]!]!, line: plan.sourceLine[k0]! }, false);
    for (let k = plan.offsets[r]!; k < plan.offsets[r + 1]!; k++) {
      const g = plan.order[k]!;
      // A run's events mostly sit in the same or nearby batches: look from the last one found.
      if (g < firsts[bi]! || (bi + 1 < firsts.length && g >= firsts[bi + 1]!)) bi = batchOf(firsts, g);
      const placed = plan.batches[bi]!;
      const i = g - placed.first;
      decodeEvent(placed.batch, i, e);
      builder.add(e, { file: plan.files[placed.file]!, line: placed.lineBase + placed.batch.lines[i]! });
    }
    const run = finaliseRun(builder, prices);
    summary.add(run);
    latest.add(run);
  }
  return { summary, latest: { runs: latest.runs, dated: latest.dated, total: latest.total } };
}

/** The job for runs `from` to `to`: the plan with only that range's ids and first lines. */
export function jobFor(plan: RunPlan, from: number, to: number, prices: PriceTableState, latest: number): AssembleJob {
  const part: RunPlan = {
    ...plan,
    ids: plan.ids.slice(from, to),
    synthetic: plan.synthetic.slice(from, to),
    sourceFile: plan.sourceFile.slice(from, to),
    sourceLine: plan.sourceLine.slice(from, to),
  };
  return { plan: part, from, to, prices, latest };
}

/** The batch holding event `g`: the last whose first event is at or before it. */
function batchOf(firsts: readonly number[], g: number): number {
  let lo = 0;
  let hi = firsts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firsts[mid]! <= g) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
