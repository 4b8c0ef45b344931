import { LatestRuns, type NumberedRun } from '../aggregate/latest-runs.js';
import { SummaryAccumulator } from '../aggregate/summary-accumulator.js';
import type { Summary } from '../aggregate/summary-types.js';
import type { SkippedLine } from '../model/types.js';
import { PriceTable } from '../prices/price-table.js';
import { resolveInputs } from './inputs.js';
import { CHUNK_BYTES, defaultWorkers, loadTraces, PARALLEL_FROM, ReadCounts, readIntoPlan, readOnThreads, type LoadOptions } from './load.js';
import { jobFor, type AssembleJob, type AssembleResult } from './parallel/assemble.js';
import { planChunks } from './parallel/chunks.js';
import { WorkerPool } from './parallel/pool.js';
import { splitRuns } from './parallel/run-index.js';

export interface SummariseOptions extends Pick<LoadOptions, 'prices' | 'keepSkipped' | 'onFile' | 'cwd' | 'files' | 'workers' | 'parallelFrom' | 'chunkBytes' | 'fastPath'> {
  /** How many of the newest runs to keep whole, for the terminal's run trees. */
  latestRuns?: number;
}

export interface SummariseResult {
  summary: Summary;
  /** The newest runs, newest first, numbered as in the full run list. */
  latest: NumberedRun[];
  spans: number;
  skippedLines: number;
  skipped: SkippedLine[];
  prices: PriceTable;
}

/**
 * Reads the inputs and computes the summary without keeping every run: what `summary` needs.
 * Large inputs are read on worker threads (routing each line to its run on this thread), then
 * the runs are built and aggregated on the same threads, each a share of the runs, and the
 * aggregates merged; the result is the one `summarise(loadTraces(...).runs)` gives (a test holds
 * them equal).
 */
export async function summariseTraces(inputs: readonly string[], options: SummariseOptions = {}): Promise<SummariseResult> {
  const files = options.files ?? (await resolveInputs(inputs, options.cwd));
  const prices = options.prices ?? PriceTable.bundled();
  const latestCount = options.latestRuns ?? 0;
  const meta = { inputs: [...inputs], files: files.map((f) => f.name), priceTable: prices.date };
  const workers = options.workers ?? defaultWorkers();
  if (!(await readOnThreads(files, workers, options.parallelFrom ?? PARALLEL_FROM))) {
    const loaded = await loadTraces(inputs, { ...options, files, prices, keepText: false, workers: 0 });
    const acc = new SummaryAccumulator();
    const latest = new LatestRuns(latestCount);
    for (const run of loaded.runs) {
      acc.add(run);
      latest.add(run);
    }
    const summary = acc.result({ ...meta, spans: loaded.spans, skippedLines: loaded.skippedLines });
    return { summary, latest: latest.result(), spans: loaded.spans, skippedLines: loaded.skippedLines, skipped: loaded.skipped, prices };
  }

  const counts = new ReadCounts(options.keepSkipped ?? 1000);
  const chunks = await planChunks(files, options.chunkBytes ?? CHUNK_BYTES);
  // The threads build the runs too. With the default young generation of 8 MB, in about half of
  // the runs of `summary` at 1M spans a thread promoted much of what building the runs made and
  // collected it again from the old generation: 120–180 ms of the thread's time, against 20–50
  // ms with 32 MB (BENCHMARKS.md, twentieth round).
  const pool = new WorkerPool(Math.min(workers, chunks.length), { keepText: false, fast: options.fastPath !== false, shared: true, youngGenerationMb: 32 });
  let results: AssembleResult[];
  try {
    const plan = await readIntoPlan(pool, files.length, chunks, counts, options.onFile);
    const jobs: AssembleJob[] = splitRuns(plan, pool.size).map(([from, to]) => jobFor(plan, from, to, prices.state(), latestCount));
    results = await pool.runJobs<AssembleResult>('summarise-runs', jobs);
  } catch (err) {
    await pool.close();
    throw err;
  }
  // The threads end while the aggregates are merged (their exits take about 15 ms, this thread's
  // merge and percentiles longer); both are waited for.
  const closed = pool.close();
  try {
    const acc = new SummaryAccumulator();
    const latest = new LatestRuns(latestCount);
    for (const r of results) {
      acc.merge(r.summary);
      latest.merge(r.latest);
    }
    const { spans, skippedLines, skipped } = counts;
    return { summary: acc.result({ ...meta, spans, skippedLines }), latest: latest.result(), spans, skippedLines, skipped, prices };
  } finally {
    await closed;
  }
}
