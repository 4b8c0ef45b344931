import { PriceTable, type PriceTableState } from '../prices/price-table.js';
import { PlanRuns } from '../read/parallel/build-runs.js';
import type { RunPlan } from '../read/parallel/run-index.js';
import { CallRows } from './call-rows.js';
import { nameAt, type RunPageNameList } from './file-names.js';
import { CALL_EXPORTS, CALLS_CSV_HEAD } from './exports.js';
import { resolveInside } from './write/site-path.js';
import { prefixOf, writeStreams, type RowsFile } from './write/write-file.js';
import type { WriteRunPagesJob, WriteRunPagesResult } from './run-pages-job.js';

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
  /**
   * The first `runs` runs of `order` have the rows the previous build wrote (their keys are the
   * same, see reuse/run-keys.ts): the files begin with that build's bytes up to their rows' end.
   * `atSwap`: those bytes are put before the rows written here at the swap (append-over.ts),
   * rather than copied first.
   */
  kept?: { runs: number; csv: KeptFile; jsonl: KeptFile; atSwap?: boolean };
}

/** One of the previous build's exports of calls: its path and where each run's rows ended (the last: its size). */
export type KeptFile = RowsFile;

export interface WriteCallExportsResult {
  bytes: number;
  /** Per run of `order`: the byte offset after its rows in each file (for the next build's `kept`). */
  ends: { csv: Float64Array; jsonl: Float64Array };
}

/**
 * Builds each run once (with its prompts and responses) and writes its rows to both files, the
 * same bytes `dataExports` gives (the kept runs' rows copied from the previous build's files);
 * returns the bytes written and where each run's rows end.
 */
export function writeCallExports(job: WriteCallExportsJob): WriteCallExportsResult {
  const prices = PriceTable.fromState(job.prices);
  const runs = new PlanRuns(job.plan, { prices, keepText: true, local: false });
  const paths = CALL_EXPORTS.map((name) => resolveInside(job.root, name));
  const n = job.order.length;
  const ends = { csv: new Float64Array(n), jsonl: new Float64Array(n) };
  const kept = job.kept;
  if (kept !== undefined) {
    if (kept.runs < 1 || kept.runs > n || kept.csv.ends.length < kept.runs || kept.jsonl.ends.length < kept.runs) throw new Error('the kept rows are not those of the runs to write');
    ends.csv.set(kept.csv.ends.subarray(0, kept.runs));
    ends.jsonl.set(kept.jsonl.ends.subarray(0, kept.runs));
  }
  const bytes = writeStreams(
    paths,
    ([csv, jsonl]) => {
      if (kept === undefined) csv!.add(CALLS_CSV_HEAD);
      const rows = new CallRows();
      const both = { csv: true, jsonl: true };
      for (let i = kept?.runs ?? 0; i < n; i++) {
        const r = job.order[i]!;
        const run = runs.run(r);
        rows.add(run, nameAt(job.pages, r), job.stepParts.get(run.id), both);
        csv!.add(rows.csv);
        jsonl!.add(rows.jsonl);
        ends.csv[i] = csv!.position;
        ends.jsonl[i] = jsonl!.position;
      }
    },
    kept === undefined ? [] : [prefixOf(kept.csv, kept.runs, kept.atSwap === true), prefixOf(kept.jsonl, kept.runs, kept.atSwap === true)],
  );
  return { bytes, ends };
}

/** The exports, then run pages from the board until none are left: the exports' thread's job. */
export interface WriteCallExportsThenPagesJob {
  exports: WriteCallExportsJob;
  pages: WriteRunPagesJob;
}

export interface WriteCallExportsThenPagesResult {
  calls: WriteCallExportsResult;
  pages: WriteRunPagesResult;
}

/** Runs a WriteCallExportsThenPagesJob; `writeRunPages` is the run pages' code (run-pages-job.ts), loaded by the thread as it starts. */
export function writeCallExportsThenPages(
  job: WriteCallExportsThenPagesJob,
  writeRunPages: (job: WriteRunPagesJob) => WriteRunPagesResult,
): WriteCallExportsThenPagesResult {
  const calls = writeCallExports(job.exports);
  return { calls, pages: writeRunPages(job.pages) };
}
