import { LatestRuns } from '../../aggregate/latest-runs.js';
import { SummaryAccumulator } from '../../aggregate/summary-accumulator.js';
import type { Run } from '../../model/types.js';
import { PriceTable, type PriceTableState } from '../../prices/price-table.js';
import { forEachRun, planPart } from './build-runs.js';
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
 * Builds each run of the range and adds it to the aggregates. Runs are dropped once added, so
 * memory holds one run at a time beside the events.
 */
export function assembleRuns(job: AssembleJob): AssembleResult {
  const prices = PriceTable.fromState(job.prices);
  const summary = new SummaryAccumulator();
  const latest = new LatestRuns(job.latest);
  forEachRun(job.plan, job.from, job.to, { prices, keepText: false, local: true }, (run) => {
    summary.add(run);
    latest.add(run);
  });
  return { summary, latest: { runs: latest.runs, dated: latest.dated, total: latest.total } };
}

/** The job for runs `from` to `to`: the plan with only that range's ids and first lines. */
export function jobFor(plan: RunPlan, from: number, to: number, prices: PriceTableState, latest: number): AssembleJob {
  return { plan: planPart(plan, from, to), from, to, prices, latest };
}
