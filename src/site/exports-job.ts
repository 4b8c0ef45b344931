import { PriceTable, type PriceTableState } from '../prices/price-table.js';
import { PlanRuns } from '../read/parallel/build-runs.js';
import type { RunPlan } from '../read/parallel/run-index.js';
import { CallRows } from './call-rows.js';
import { nameAt, type RunPageNameList } from './file-names.js';
import { CALL_EXPORTS, CALLS_CSV_HEAD } from './exports.js';
import { resolveInside } from './write/site-path.js';
import { writeStreams } from './write/write-file.js';

/**
 * `calls.csv` and `calls.jsonl`, written on a worker thread from the events read (the plan, in
 * shared memory): the runs with calls in list order, by their number in the plan (checked against
 * the plan's ids where the job is made), with every run's page by that number.
 */
export interface WriteCallExportsJob {
  plan: RunPlan;
  order: Int32Array;
  /** Every run's page, by its number in the plan. */
  pages: RunPageNameList;
  /** The part of each call of the runs whose page comes in parts (run-parts.ts). */
  stepParts: Map<string, Int32Array>;
  prices: PriceTableState;
  root: string;
}

/**
 * Builds each run once (with its prompts and responses) and writes its rows to both files, the
 * same bytes `dataExports` gives; returns the bytes written.
 */
export function writeCallExports(job: WriteCallExportsJob): number {
  const prices = PriceTable.fromState(job.prices);
  const runs = new PlanRuns(job.plan, { prices, keepText: true, local: false });
  const paths = CALL_EXPORTS.map((name) => resolveInside(job.root, name));
  return writeStreams(paths, ([csv, jsonl]) => {
    csv!.add(CALLS_CSV_HEAD);
    const rows = new CallRows();
    const both = { csv: true, jsonl: true };
    for (let i = 0; i < job.order.length; i++) {
      const r = job.order[i]!;
      const run = runs.run(r);
      rows.add(run, nameAt(job.pages, r), job.stepParts.get(run.id), both);
      csv!.add(rows.csv);
      jsonl!.add(rows.jsonl);
    }
  });
}
